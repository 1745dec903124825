import type { RouterOutputs } from "@qrcoats/api";
import { Alert, Button, TextField, errorCode, errorMessage, fieldErrors, trpc, useSession } from "@qrcoats/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link, useLocation, useParams } from "wouter";
import { money } from "../format";
import { PageTitle } from "../layout";
import { claimSavedTickets } from "../tickets/claim-saved-tickets";
import { isActive, saveOwnedTicket, useSavedTickets } from "../tickets/saved-tickets";
import { useOnline } from "../tickets/use-online";
import { deviceKey, finishTap, pendingTap, startTap } from "./device-key";

type PosterVenue = RouterOutputs["venue"]["byGuestLink"];

/**
 * The page a venue's poster opens (docs/guests.md): one tap gives a coat ticket, with no
 * app and no account. The tap carries this phone's key and a request id kept until its
 * ticket arrives, so a double tap, a retry or a reload gives the one ticket.
 */
export function GuestLinkPage() {
  const link = decodeURIComponent(useParams<{ link: string }>().link);
  const venue = useQuery({ ...trpc.venue.byGuestLink.queryOptions({ link }), retry: (count, error) => !errorCode(error) && count < 2 });
  const online = useOnline();

  if (errorCode(venue.error) === "NOT_FOUND" || errorCode(venue.error) === "BAD_REQUEST") {
    return (
      <section className="flex flex-col gap-4">
        <PageTitle>This poster link does not work</PageTitle>
        <Alert tone="error">{errorMessage(venue.error)}</Alert>
        <p className="text-slate-700">The cloakroom can hand you a ticket at the counter.</p>
      </section>
    );
  }
  if (!venue.data) {
    if (!online || venue.isError) {
      return (
        <section className="flex flex-col gap-4">
          <PageTitle>No network</PageTitle>
          {pendingTap(link) ? (
            <Alert tone="warning">No network — your ticket will be made when you are back online.</Alert>
          ) : (
            <Alert tone="warning">This page needs signal once to show the venue. It loads by itself when you are back online.</Alert>
          )}
          <TicketsHere venueName={null} />
        </section>
      );
    }
    return (
      <p role="status" className="text-slate-700">
        Loading…
      </p>
    );
  }
  return <PosterTicket link={link} venue={venue.data} />;
}

function PosterTicket({ link, venue }: { link: string; venue: PosterVenue }) {
  const [, navigate] = useLocation();
  const { me } = useSession();
  const [contact, setContact] = useState({ email: "", phone: "" });
  // A tap made before a reload (with no network, or whose answer was lost) is still this guest's tap.
  const [waitingForNetwork, setWaitingForNetwork] = useState(() => pendingTap(link) !== null);
  const request = useMutation(
    trpc.qr.requestByLink.mutationOptions({
      onSuccess: (ticket) => {
        finishTap(link);
        saveOwnedTicket(ticket);
        // Signed in already: the ticket goes straight into the account's list.
        if (me) void claimSavedTickets();
        navigate(`/t/${ticket.code}`);
      },
      onError: (error) => setWaitingForNetwork(errorCode(error) === undefined),
    }),
  );
  const tap = () => {
    if (request.isPending) return;
    const requestId = startTap(link);
    if (!navigator.onLine) {
      setWaitingForNetwork(true);
      return;
    }
    setWaitingForNetwork(false);
    request.mutate({
      link,
      deviceKey: deviceKey(),
      requestId,
      email: contact.email.trim() || undefined,
      phone: contact.phone.trim() || undefined,
    });
  };

  // The tap made with no network goes out, with the same request id, as soon as there is one.
  const latestTap = useRef(tap);
  useEffect(() => {
    latestTap.current = tap;
  });
  // Opened again with a tap still waiting and a network: it goes out at once.
  const sentOnOpen = useRef(false);
  useEffect(() => {
    if (sentOnOpen.current) return;
    sentOnOpen.current = true;
    if (pendingTap(link) && navigator.onLine) latestTap.current();
  }, [link]);
  useEffect(() => {
    if (!waitingForNetwork) return;
    const send = () => latestTap.current();
    window.addEventListener("online", send);
    return () => window.removeEventListener("online", send);
  }, [waitingForNetwork]);

  const errors = fieldErrors(request.error);
  const refused = request.isError && !waitingForNetwork && Object.keys(errors).length === 0;
  return (
    <section className="flex flex-col gap-5">
      <div>
        <p className="text-base font-medium text-slate-700">Coat check</p>
        <PageTitle>{venue.name}</PageTitle>
        <p className="text-lg text-slate-800">
          {venue.priceCents > 0 ? `${money(venue.priceCents, venue.currency)} per item` : "Free coat check"}
          {venue.priceCents > 0 && (
            <span className="block text-base text-slate-700">
              {venue.paymentTiming === "CHECK_IN" ? "Pay when you hand in your coat." : "Pay when you collect your coat."}
            </span>
          )}
        </p>
        <p className="mt-1 text-sm text-slate-700">
          Open {venue.opensAt}–{venue.closesAt}
        </p>
      </div>

      <TicketsHere venueName={venue.name} />

      <Button size="lg" className="min-h-20 text-xl" busy={request.isPending} onClick={tap}>
        Get my coat ticket
      </Button>
      <p className="-mt-3 text-center text-sm text-slate-700">No app, no account. The ticket stays on this phone.</p>

      {waitingForNetwork && (
        <div className="flex flex-col gap-2">
          <Alert tone="warning">No network — your ticket will be made when you are back online.</Alert>
          <Button variant="secondary" onClick={tap}>
            Try again now
          </Button>
        </div>
      )}
      {refused && <Alert tone="error">{errorMessage(request.error)}</Alert>}

      <details className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
        <summary className="cursor-pointer font-semibold text-slate-900">
          Add an email or phone to find your ticket if your phone dies
        </summary>
        <div className="mt-3 flex flex-col gap-3">
          <p className="text-sm text-slate-700">Optional. The cloakroom can look your ticket up by it; it is used for nothing else.</p>
          <TextField
            label="Email"
            type="email"
            autoComplete="email"
            value={contact.email}
            error={errors.email?.[0]}
            onChange={(event) => setContact({ ...contact, email: event.target.value })}
          />
          <TextField
            label="Phone"
            type="tel"
            autoComplete="tel"
            value={contact.phone}
            error={errors.phone?.[0]}
            onChange={(event) => setContact({ ...contact, phone: event.target.value })}
          />
        </div>
      </details>
    </section>
  );
}

/** Tickets this phone already holds here: scanning the poster again should not hide them. */
function TicketsHere({ venueName }: { venueName: string | null }) {
  const here = useSavedTickets().filter((ticket) => isActive(ticket.state) && (venueName === null || ticket.venueName === venueName));
  if (here.length === 0) return null;
  return (
    <div className="rounded-xl bg-emerald-50 p-4 ring-1 ring-emerald-200">
      <p className="font-semibold text-emerald-900">{here.length === 1 ? "You have a ticket here" : "Your tickets here"}</p>
      <ul className="mt-2 flex flex-wrap gap-2">
        {here.map((ticket) => (
          <li key={ticket.code}>
            <Link
              href={`/t/${ticket.code}`}
              className="inline-flex min-h-11 items-center rounded-lg bg-white px-4 font-semibold text-emerald-900 ring-1 ring-emerald-300"
            >
              Ticket {ticket.number}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
