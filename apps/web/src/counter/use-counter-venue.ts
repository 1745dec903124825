import type { RouterOutputs } from "@qrcoats/api";
import { queryClient, trpc, useSession } from "@qrcoats/ui";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

export type CounterVenue = RouterOutputs["venue"]["list"]["items"][number];

const STORAGE_KEY = "qrcoats.counter.venue";

const venuesQuery = () => trpc.venue.list.queryOptions({ scope: "organization", limit: 100 });

/** What the counter opens with, asked for early (app.tsx). Signed out, the answers are refusals nobody reads. */
export function prefetchCounterVenue() {
  void queryClient.prefetchQuery(venuesQuery());
  void queryClient.prefetchQuery(trpc.employee.me.queryOptions());
  void queryClient.prefetchQuery(trpc.shift.current.queryOptions());
}

/**
 * The venue this counter serves: the one the attendant is clocked in at, else the one they
 * chose last on this device, else their only one. Employees choose among the venues they
 * are assigned to; admins work at every venue.
 */
export function useCounterVenue() {
  const { me } = useSession();
  const isAdmin = me?.membership?.role === "ADMIN";
  const venues = useQuery(venuesQuery());
  const employee = useQuery({ ...trpc.employee.me.queryOptions(), enabled: !isAdmin });
  // Read again now and then: a clock-out on another device brings the counter's prompt back.
  const shift = useQuery({ ...trpc.shift.current.queryOptions(), refetchInterval: 60_000 });
  const [chosen, setChosen] = useState(() => localStorage.getItem(STORAGE_KEY));

  const assigned = new Set(employee.data?.venues.map((venue) => venue.id));
  const workable = (venues.data?.items ?? []).filter((venue) => isAdmin || assigned.has(venue.id));
  const shiftVenueId = shift.data?.venue.id;
  const venue =
    workable.find((candidate) => candidate.id === shiftVenueId) ??
    workable.find((candidate) => candidate.id === chosen) ??
    (workable.length === 1 ? workable[0] : undefined);

  return {
    venue,
    workable,
    shift: shift.data ?? null,
    isPending: venues.isPending || shift.isPending || (!isAdmin && employee.isPending),
    error: venues.error ?? shift.error ?? employee.error,
    choose: (venueId: string) => {
      localStorage.setItem(STORAGE_KEY, venueId);
      setChosen(venueId);
    },
  };
}
