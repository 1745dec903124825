import type { RouterOutputs } from "@qrcoats/api";
import { Alert, Button, TextField, errorMessage, trpc, useSession } from "@qrcoats/ui";
import { useInfiniteQuery, useMutation } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { Link, useLocation } from "wouter";
import { money } from "../format";
import { PageTitle } from "../layout";
import { saveOwnedTicket } from "../tickets/saved-tickets";

type Venue = RouterOutputs["venue"]["list"]["items"][number];

/** A guest finds their venue and gets a ticket there in one tap. */
export function VenuePickerPage() {
  const [search, setSearch] = useState("");
  // Typing stays instant; the list follows a beat behind.
  const query = useDeferredValue(search.trim());
  const venues = useInfiniteQuery(
    trpc.venue.list.infiniteQueryOptions(
      // Staff look around as guests do: every venue, not only their own organization's.
      { search: query || undefined, scope: "public", limit: 20 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const items = venues.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section className="flex flex-col gap-4">
      <PageTitle>Get a ticket</PageTitle>
      <TextField
        label="Find your venue"
        type="search"
        enterKeyHint="search"
        autoComplete="off"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      <div aria-live="polite" aria-busy={venues.isFetching} className="flex min-h-40 flex-col gap-3">
        {venues.isPending ? (
          <p role="status" className="text-slate-700">
            Loading venues…
          </p>
        ) : venues.isError ? (
          <Alert tone="error">{errorMessage(venues.error)}</Alert>
        ) : items.length === 0 ? (
          <p className="text-slate-700">{query ? `No venue matches “${query}”.` : "No venues yet."}</p>
        ) : (
          <ul className="flex flex-col gap-3">
            {items.map((venue) => (
              <VenueRow key={venue.id} venue={venue} />
            ))}
          </ul>
        )}
        {venues.hasNextPage && (
          <Button variant="secondary" busy={venues.isFetchingNextPage} onClick={() => void venues.fetchNextPage()}>
            Show more venues
          </Button>
        )}
      </div>
    </section>
  );
}

/**
 * One tap, one ticket: a tap's request id, by venue, sent again on a retry or a double tap;
 * a new one is made only once a ticket came back (docs/guests.md).
 */
const pendingTaps = new Map<string, string>();

function VenueRow({ venue }: { venue: Venue }) {
  const { me } = useSession();
  const [, navigate] = useLocation();
  const request = useMutation(
    trpc.qr.request.mutationOptions({
      onSuccess: (ticket) => {
        pendingTaps.delete(venue.id);
        saveOwnedTicket(ticket);
        navigate(`/t/${ticket.code}`);
      },
    }),
  );
  const getTicket = () => {
    const requestId = pendingTaps.get(venue.id) ?? crypto.randomUUID();
    pendingTaps.set(venue.id, requestId);
    request.mutate({ venueId: venue.id, requestId });
  };
  return (
    <li className="flex flex-col gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <div>
        <h2 className="text-lg font-bold text-slate-900">{venue.name}</h2>
        <p className="text-sm text-slate-700">
          Open {venue.opensAt}–{venue.closesAt} ·{" "}
          {venue.priceCents > 0 ? `${money(venue.priceCents, venue.currency)} per item` : "Free coat check"}
        </p>
      </div>
      {request.isError && <Alert tone="error">{errorMessage(request.error)}</Alert>}
      {me ? (
        <Button size="lg" busy={request.isPending} onClick={getTicket}>
          Get a ticket<span className="sr-only"> for {venue.name}</span>
        </Button>
      ) : (
        <Link
          href={`/signin?next=${encodeURIComponent("/venues")}`}
          className="inline-flex min-h-14 items-center justify-center rounded-lg bg-indigo-600 px-6 text-lg font-semibold text-white hover:bg-indigo-700"
        >
          Sign in to get a ticket
        </Link>
      )}
    </li>
  );
}
