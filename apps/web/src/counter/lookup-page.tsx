import type { RouterOutputs } from "@qrcoats/api";
import type { OfflineTicket } from "@qrcoats/api/client";
import { Alert, Button, TextField, TicketStateBadge, errorMessage, trpc } from "@qrcoats/ui";
import { onlineManager, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, useSyncExternalStore } from "react";
import { dayTime, money } from "../format";
import { PageTitle } from "../layout";
import { enqueue } from "./offline/device-store";
import { dueBefore, searchCopy, type Venue } from "./offline/local-counter";
import { HandBackUnpaidOr } from "./payment-choice";
import { useDevice } from "./offline/use-device";
import { useCounterVenue, type CounterVenue } from "./use-counter-venue";
import type { Payment } from "./words";

/** How a coat goes back when it owes money: paid now, or unpaid with the attendant's reason. */
type HandBackHow = { payment: Payment } | { unpaidReason: string };

type Found = RouterOutputs["qr"]["lookup"]["items"][number];

/**
 * A guest lost their ticket: find it by number, name, email or the phone's last digits. With
 * no network, tonight's tickets on this device are searched by number or name instead.
 */
export function LookupPage() {
  const counter = useCounterVenue();
  const venue = counter.venue;
  const { device } = useDevice(venue, !counter.isPending && !counter.error);
  const online = useSyncExternalStore(onlineManager.subscribe.bind(onlineManager), () => onlineManager.isOnline());
  const [draft, setDraft] = useState("");
  const [query, setQuery] = useState("");
  const found = useQuery({ ...trpc.qr.lookup.queryOptions({ query, venueId: venue?.id, limit: 20 }), enabled: query !== "" && online });
  const local = !online || (found.isError && !found.error.data);

  return (
    <section className="flex flex-col gap-4">
      <PageTitle>Find a lost ticket</PageTitle>
      <form
        role="search"
        className="flex items-end gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          setQuery(draft.trim());
        }}
      >
        <TextField
          className="flex-1"
          label="Ticket number, name, email or phone's last 4 digits"
          type="search"
          enterKeyHint="search"
          autoComplete="off"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
        />
        <Button type="submit" busy={found.isFetching}>
          Search
        </Button>
      </form>
      <div aria-live="polite" className="flex min-h-24 flex-col gap-3">
        {local ? (
          <LocalResults query={query} tickets={device?.copy?.tickets.values()} venue={device?.copy?.venue} />
        ) : query === "" ? (
          <p className="text-slate-700">Walk-ins are found by their exact name or email; app guests by part of theirs.</p>
        ) : found.isPending ? (
          <p role="status">Searching…</p>
        ) : found.isError ? (
          <Alert tone="error">{errorMessage(found.error)}</Alert>
        ) : found.data.items.length === 0 ? (
          <p className="text-slate-800">No ticket matches “{query}”.</p>
        ) : (
          <ul className="flex flex-col gap-3">
            {found.data.items.map((ticket) => (
              <FoundTicket key={ticket.id} ticket={ticket} venue={venue} />
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

/** The offline search: by number or part of a name, among the tickets this counter holds. */
function LocalResults({
  query,
  tickets,
  venue,
}: {
  query: string;
  tickets: Iterable<OfflineTicket> | undefined;
  venue: Venue | undefined;
}) {
  if (!tickets || !venue) return <Alert tone="warning">No network, and this device holds no tickets to search.</Alert>;
  const matches = query === "" ? [] : searchCopy(tickets, query);
  return (
    <>
      <p className="text-slate-700" data-testid="lookup-offline">
        Offline: searching tonight's tickets on this device, by ticket number or name.
      </p>
      {query !== "" && matches.length === 0 && <p className="text-slate-800">No ticket matches “{query}”.</p>}
      <ul className="flex flex-col gap-3">
        {matches.slice(0, 20).map((ticket) => (
          <LocalTicket key={ticket.publicId} ticket={ticket} venue={venue} />
        ))}
      </ul>
    </>
  );
}

/** A ticket found on the device: handed back there, and sent with the rest of the queue. */
function LocalTicket({ ticket, venue }: { ticket: OfflineTicket; venue: Venue }) {
  const [answer, setAnswer] = useState<{ ok: boolean; text: string } | null>(null);
  const onRack = ticket.state === "CHECKED_IN" || ticket.state === "FORGOTTEN";
  const due = onRack ? dueBefore("CHECK_OUT", ticket, venue) : 0;
  const handBack = (how?: HandBackHow) =>
    void enqueue(
      () => ({
        action: "CHECK_OUT",
        publicId: ticket.publicId,
        ...(how && "payment" in how ? { payment: { status: how.payment.status, amountCents: due } } : how),
      }),
      () => `Ticket ${ticket.number} returned (found by lookup)`,
    ).then((taken) =>
      setAnswer(
        taken.allowed
          ? { ok: true, text: `Ticket ${ticket.number} returned. ${ticket.slot ? `Slot ${ticket.slot.number} is free again.` : ""}` }
          : { ok: false, text: taken.message },
      ),
    );
  return (
    <li className="flex flex-col gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-2xl font-black text-slate-950">
          Ticket <span className="tabular-nums">{ticket.number}</span>
          {ticket.slot && <span className="text-lg font-bold text-slate-700"> · slot {ticket.slot.number}</span>}
        </p>
        <TicketStateBadge state={ticket.state} />
      </div>
      <p className="text-sm text-slate-700">
        {ticket.name ?? "No name left"} · issued {dayTime(ticket.issuedAt)}
      </p>
      {answer ? (
        <Alert tone={answer.ok ? "success" : "error"}>{answer.text}</Alert>
      ) : (
        onRack && (
          <ConfirmHandBack
            ticketNumber={ticket.number}
            slotNumber={ticket.slot?.number ?? null}
            price={due > 0 ? money(due, venue.currency) : null}
            onConfirm={handBack}
          />
        )
      )}
    </li>
  );
}

function FoundTicket({ ticket, venue }: { ticket: Found; venue: CounterVenue | undefined }) {
  const queryClient = useQueryClient();
  const handBack = useMutation(
    trpc.qr.checkOut.mutationOptions({ onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.qr.lookup.pathKey() }) }),
  );
  const person = ticket.guest ?? ticket.contact;
  const onRack = ticket.state === "CHECKED_IN" || ticket.state === "FORGOTTEN";
  // The price is known for the counter's own venue; elsewhere the server says what is owed.
  const priced = venue?.id === ticket.venue.id && ticket.paymentStatus === "UNPAID" && venue.priceCents > 0 ? venue : null;

  return (
    <li className="flex flex-col gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-2xl font-black text-slate-950">
          Ticket <span className="tabular-nums">{ticket.number}</span>
          {ticket.slotNumber !== null && <span className="text-lg font-bold text-slate-700"> · slot {ticket.slotNumber}</span>}
        </p>
        <TicketStateBadge state={ticket.state} />
      </div>
      <p className="text-sm text-slate-700">
        {[person?.name, person?.email, ticket.contact?.phone].filter(Boolean).join(" · ") || "No name left"} · {ticket.venue.name} · issued{" "}
        {dayTime(ticket.issuedAt)}
      </p>
      {handBack.isError && <Alert tone="error">{errorMessage(handBack.error)}</Alert>}
      {handBack.isSuccess ? (
        <Alert tone="success">
          Ticket {ticket.number} returned. Slot {handBack.data.releasedSlot?.number ?? ""} is free again.
        </Alert>
      ) : (
        onRack && (
          <ConfirmHandBack
            ticketNumber={ticket.number}
            slotNumber={ticket.slotNumber}
            price={priced ? money(priced.priceCents, priced.currency) : null}
            busy={handBack.isPending}
            onConfirm={(how) =>
              handBack.mutate({
                venueId: ticket.venue.id,
                ticketId: ticket.id,
                ...(how && "payment" in how ? { payment: { status: how.payment.status, amountCents: priced?.priceCents } } : how),
              })
            }
          />
        )
      )}
    </li>
  );
}

/**
 * Handing back a found coat takes a second tap: a lookup lists several tickets, side by side.
 * A coat not paid for asks, as at the counter, for the payment or why it goes back unpaid.
 */
function ConfirmHandBack({
  ticketNumber,
  slotNumber,
  price,
  busy,
  onConfirm,
}: {
  ticketNumber: number;
  slotNumber: number | null;
  price: string | null;
  busy?: boolean;
  onConfirm: (how?: HandBackHow) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const verb = slotNumber !== null ? `Hand back from slot ${slotNumber}` : "Hand back from lost & found";
  if (!confirming) {
    return (
      <Button variant="secondary" onClick={() => setConfirming(true)}>
        {verb}
      </Button>
    );
  }
  if (price) {
    return (
      <>
        <HandBackUnpaidOr verb={verb} slot={null} ticketNumber={ticketNumber} price={price} onHandBack={onConfirm} />
        <Button variant="ghost" onClick={() => setConfirming(false)}>
          Cancel
        </Button>
      </>
    );
  }
  return (
    <div className="flex gap-2">
      <Button variant="secondary" className="flex-1" onClick={() => setConfirming(false)}>
        Cancel
      </Button>
      <Button className="flex-1" busy={busy} onClick={() => onConfirm()}>
        Yes, hand it back
      </Button>
    </div>
  );
}
