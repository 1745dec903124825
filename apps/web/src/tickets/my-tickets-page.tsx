import { Alert, TicketStateBadge, errorMessage, trpc, useSession, type TicketState } from "@qrcoats/ui";
import type { RouterOutputs } from "@qrcoats/api";
import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { Link } from "wouter";
import { dayTime } from "../format";
import { PageTitle } from "../layout";
import { isActive, saveOwnedTicket, useSavedTickets } from "./saved-tickets";

type Row = { code: string; number: number; venueName: string; state: TicketState; slotNumber: number | null; when: Date | null };

/** The guest's tickets, live ones first; from this device when the network is gone. */
export function MyTicketsPage() {
  return (
    <section className="flex flex-col gap-4">
      <PageTitle>Your tickets</PageTitle>
      <GetTicketLink />
      <TicketList />
    </section>
  );
}

export function GetTicketLink() {
  return (
    <Link
      href="/venues"
      className="inline-flex min-h-14 items-center justify-center rounded-lg bg-indigo-600 px-6 text-lg font-semibold text-white hover:bg-indigo-700"
    >
      Get a ticket
    </Link>
  );
}

export function TicketList() {
  const { me } = useSession();
  const saved = useSavedTickets();
  const mine = useQuery({ ...trpc.qr.mine.queryOptions({ limit: 50 }), enabled: me !== null });
  useKeepActiveTicketsOffline(mine.data?.items);

  const rows: Row[] = mine.data
    ? mine.data.items.map((ticket) => ({ ...ticket, venueName: ticket.venue.name, when: ticket.checkedInAt ?? ticket.issuedAt }))
    : saved.map((ticket) => ({ ...ticket, when: null }));
  const ordered = [...rows.filter((row) => isActive(row.state)), ...rows.filter((row) => !isActive(row.state))];

  return (
    <div aria-busy={mine.isFetching} className="flex min-h-24 flex-col gap-3">
      {mine.isError && saved.length > 0 && <Alert tone="warning">You seem to be offline: these are the tickets saved on this phone.</Alert>}
      {mine.isError && saved.length === 0 && <Alert tone="error">{errorMessage(mine.error)}</Alert>}
      {me && mine.isPending && saved.length === 0 ? (
        <p role="status" className="text-slate-700">
          Loading your tickets…
        </p>
      ) : ordered.length === 0 ? (
        <p className="text-slate-700">No tickets yet. Get one when you arrive at the venue.</p>
      ) : (
        <ul className="flex flex-col gap-2">
          {ordered.map((row) => (
            <li key={row.code}>
              <Link
                href={`/t/${row.code}`}
                className="flex min-h-16 items-center justify-between gap-3 rounded-xl bg-white px-4 py-3 shadow-sm ring-1 ring-slate-200 hover:ring-indigo-400"
              >
                <span className="flex min-w-0 flex-col">
                  <span className="text-lg font-bold text-slate-900">
                    Ticket <span className="tabular-nums">{row.number}</span>
                    {row.state === "CHECKED_IN" && row.slotNumber !== null && (
                      <span className="font-semibold text-slate-700"> · slot {row.slotNumber}</span>
                    )}
                  </span>
                  <span className="truncate text-sm text-slate-700">
                    {row.venueName}
                    {row.when && ` · ${dayTime(row.when)}`}
                  </span>
                </span>
                <TicketStateBadge state={row.state} />
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * Keeps every live ticket on this device as soon as the list arrives, so that all of them
 * open in the basement — not only the ones tapped while there was signal. The list holds all
 * a ticket's page needs: its QR is drawn from the code.
 */
function useKeepActiveTicketsOffline(items: RouterOutputs["qr"]["mine"]["items"] | undefined) {
  useEffect(() => {
    items?.filter((ticket) => isActive(ticket.state)).forEach(saveOwnedTicket);
  }, [items]);
}
