import type { RouterOutputs } from "@qrcoats/api";
import { Alert, Button, errorMessage, fieldErrors, TextField, TicketStateBadge, TICKET_STATE_LABELS, trpc } from "@qrcoats/ui";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { columnHelper, DataTable, MorePages } from "../components/data-table";
import { SelectField } from "../components/fields";
import { dayTime, money } from "../components/format";
import { Panel, QueryState } from "../components/panel";
import { PeriodFields, usePeriod } from "../components/period";
import { isOneOf, useUrlFilters } from "../components/url-filters";
import { VenueSelect } from "../components/venue-select";
import { PageTitle } from "../layout";
import { ScanTable } from "./scan-table";
import { PAYMENT_WORDS } from "./words";

type Ticket = RouterOutputs["qr"]["list"]["items"][number];

const column = columnHelper<Ticket>();

function columnsFor(onShowHistory: (ticket: Ticket) => void) {
  return column.columns([
    column.accessor("number", { header: "Ticket", cell: (info) => <span className="font-semibold tabular-nums">#{info.getValue()}</span> }),
    column.accessor("state", { header: "State", cell: (info) => <TicketStateBadge state={info.getValue()} /> }),
    column.accessor((ticket) => ticket.venue.name, { id: "venue", header: "Venue" }),
    column.accessor("slotNumber", { header: "Slot", cell: (info) => info.getValue() ?? "—" }),
    column.accessor("issuedAt", {
      header: "Issued",
      cell: (info) => <span className="whitespace-nowrap">{dayTime(info.getValue())}</span>,
    }),
    column.accessor((ticket) => ticket.guestName ?? (ticket.issuedBy ? `Walk-in (by ${ticket.issuedBy.name})` : "Walk-in"), {
      id: "guest",
      header: "Guest",
    }),
    column.accessor("paymentStatus", {
      header: "Payment",
      cell: (info) =>
        `${PAYMENT_WORDS[info.getValue()]}${info.row.original.amountCents !== null ? ` · ${money(info.row.original.amountCents, info.row.original.venue.currency)}` : ""}`,
    }),
    column.display({
      id: "history",
      header: "History",
      cell: (info) => (
        <Button
          size="sm"
          variant="secondary"
          aria-label={`History of ticket ${info.row.original.number}`}
          onClick={() => onShowHistory(info.row.original)}
        >
          History
        </Button>
      ),
    }),
  ]);
}

export function TicketsPage() {
  const [filters, setFilters] = useUrlFilters({ venue: "", state: "", number: "" });
  const { venue: venueId, number } = filters;
  const state = isOneOf(filters.state, TICKET_STATE_LABELS) ? filters.state : "";
  const { inputs, period } = usePeriod(null);
  const [selected, setSelected] = useState<Ticket | null>(null);
  const [columns] = useState(() => columnsFor(setSelected));
  const tickets = useInfiniteQuery(
    trpc.qr.list.infiniteQueryOptions(
      {
        venueId: venueId || undefined,
        state: state || undefined,
        number: number.trim() ? Number(number.replace("#", "")) : undefined,
        from: period.from,
        to: period.to,
        limit: 25,
      },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const errors = fieldErrors(tickets.error);
  return (
    <section className="flex flex-col gap-6">
      <PageTitle>Tickets</PageTitle>
      <Panel>
        <div role="search" className="grid gap-3 sm:grid-cols-3">
          <VenueSelect value={venueId} onChange={(venue) => setFilters({ venue })} />
          <SelectField label="State" value={state} onChange={(event) => setFilters({ state: event.target.value })}>
            <option value="">Any state</option>
            {Object.entries(TICKET_STATE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Ticket number"
            inputMode="numeric"
            value={number}
            onChange={(event) => setFilters({ number: event.target.value })}
            error={errors.number?.[0]}
          />
          <PeriodFields inputs={inputs} errors={errors} />
        </div>
        <QueryState
          query={tickets}
          what="tickets"
          isEmpty={(data) => data.pages[0]!.items.length === 0}
          empty="No ticket matches these filters."
        >
          {(data) => (
            <DataTable columns={columns} data={data.pages.flatMap((page) => page.items)} caption="Tickets" testId="tickets-table" />
          )}
        </QueryState>
        <MorePages query={tickets} />
      </Panel>
      {selected && <TicketHistory ticket={selected} onClose={() => setSelected(null)} />}
      <LostTicketLookup />
    </section>
  );
}

function TicketHistory({ ticket, onClose }: { ticket: Ticket; onClose: () => void }) {
  const history = useQuery(trpc.qr.history.queryOptions({ ticketId: ticket.id, limit: 100 }));
  return (
    <Panel
      title={`Ticket #${ticket.number} at ${ticket.venue.name}`}
      actions={
        <Button size="sm" variant="ghost" onClick={onClose}>
          Close
        </Button>
      }
    >
      {ticket.voidReason && <p className="text-sm text-slate-700">Voided: {ticket.voidReason}</p>}
      <QueryState
        query={history}
        what="the ticket's history"
        isEmpty={(data) => data.items.length === 0}
        empty="Nothing happened to this ticket yet."
      >
        {(data) => <ScanTable events={data.items} caption={`History of ticket ${ticket.number}`} />}
      </QueryState>
    </Panel>
  );
}

/** A guest lost their ticket: find it by number, name, email or the phone's last digits. */
function LostTicketLookup() {
  const [draft, setDraft] = useState("");
  const [query, setQuery] = useState("");
  const found = useQuery({ ...trpc.qr.lookup.queryOptions({ query, limit: 20 }), enabled: query !== "" });
  return (
    <Panel title="Find a lost ticket">
      <form
        role="search"
        aria-label="Lost ticket"
        className="flex flex-wrap items-end gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          setQuery(draft.trim());
        }}
      >
        <TextField
          className="min-w-64 flex-1"
          label="Number, name, email or phone's last 4 digits"
          type="search"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
        />
        <Button type="submit" busy={found.isFetching}>
          Find
        </Button>
      </form>
      <div aria-live="polite">
        {query === "" ? (
          <p className="text-sm text-slate-700">Walk-ins are found by their exact name or email; app guests by part of theirs.</p>
        ) : found.isPending ? (
          <p role="status">Searching…</p>
        ) : found.isError ? (
          <Alert tone="error">{errorMessage(found.error)}</Alert>
        ) : found.data.items.length === 0 ? (
          <p className="text-slate-800">No ticket matches “{query}”.</p>
        ) : (
          <ul className="divide-y divide-slate-200" data-testid="lookup-results">
            {found.data.items.map((ticket) => {
              const person = ticket.guest ?? ticket.contact;
              return (
                <li key={ticket.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <span>
                    <span className="font-semibold">#{ticket.number}</span> · {ticket.venue.name}
                    {ticket.slotNumber !== null && ` · slot ${ticket.slotNumber}`} ·{" "}
                    {[person?.name, person?.email, ticket.contact?.phone].filter(Boolean).join(" · ") || "No name left"}
                  </span>
                  <TicketStateBadge state={ticket.state} />
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </Panel>
  );
}
