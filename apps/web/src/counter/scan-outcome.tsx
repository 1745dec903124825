import { paymentDue } from "@qrcoats/api/client";
import { Alert, Button, Segmented, TICKET_STATE_LABELS, TicketStateBadge } from "@qrcoats/ui";
import { clsx } from "clsx";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { money, venueClockTime } from "../format";
import { MoreActions } from "./more-actions";
import { HandBackUnpaidOr, PayThenAct, type Place } from "./payment-choice";
import { LEASE_USED_UP, isOnRail } from "./offline/local-counter";
import { useOnline } from "./offline/use-device";
import type { CounterAction, Outcome } from "./use-counter";
import { PAYMENT_WORDS, SLOT_WORD, type CounterVenueFacts, type Payment, type Slot } from "./words";

type Props = {
  outcome: Outcome;
  venue: CounterVenueFacts;
  hasShelves: boolean;
  /** Slots this counter may fill: its lease's free ones. */
  freeSlots: Slot[];
  onAct: (action: CounterAction) => void;
  onChooseKind: (kind: Slot["kind"]) => void;
  /** The attendant's answer to "is this the guest's ticket?" for a ticket found by its number. */
  onConfirmNumber: (theirs: boolean) => void;
};

/**
 * What the last scan or action came to, in a box of fixed minimum height so that nothing
 * below it jumps when an answer arrives.
 */
export function ScanOutcome(props: Props) {
  const { outcome } = props;
  const box = useRef<HTMLDivElement>(null);
  // With the camera open on a phone the answer may start below the fold: bring it up.
  useEffect(() => {
    if (outcome.kind !== "ready") box.current?.scrollIntoView({ block: "nearest" });
  }, [outcome]);
  return (
    <div ref={box} className="min-h-72 scroll-mb-24 md:scroll-mb-4" data-testid="scan-outcome">
      {outcome.kind === "ready" && (
        <div className="flex h-72 flex-col items-center justify-center gap-1 rounded-xl border-2 border-dashed border-slate-300 p-6 text-center text-slate-700">
          <p className="text-lg font-semibold">Ready for the next ticket</p>
          <p>Scan a guest's QR code: its slot shows here.</p>
        </div>
      )}
      {outcome.kind === "refused" && (
        <Banner role="alert" tone="border-red-600 bg-red-50 text-red-950" glyph="M6 6l12 12 M18 6L6 18" title={outcome.title}>
          {outcome.message}
        </Banner>
      )}
      {outcome.kind === "done" && (
        <Banner role="status" tone="border-emerald-600 bg-emerald-50 text-emerald-950" glyph="M5 12l5 5 9-10" title={outcome.title}>
          {outcome.detail}
          <span className="mt-2 block text-base font-semibold">Ready for the next ticket.</span>
        </Banner>
      )}
      {outcome.kind === "handedOver" && <HandOver outcome={outcome} />}
      {outcome.kind === "confirmNumber" && <NumberCheck outcome={outcome} venue={props.venue} onAnswer={props.onConfirmNumber} />}
      {outcome.kind === "ticket" && (
        <TicketPanel
          key={`${outcome.result.ticket.publicId}:${outcome.result.ticket.state}:${outcome.result.ticket.paymentStatus}:${outcome.kindOfSlot}`}
          {...props}
          outcome={outcome}
        />
      )}
    </div>
  );
}

function Banner({
  role,
  tone,
  glyph,
  title,
  children,
}: {
  role: "alert" | "status";
  tone: string;
  glyph: string;
  title: string;
  children: ReactNode;
}) {
  return (
    <div role={role} className={clsx("flex gap-3 rounded-xl border-l-8 p-5 shadow-sm", tone)}>
      <svg
        aria-hidden
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth={3}
        strokeLinecap="round"
        strokeLinejoin="round"
        className="mt-1 size-8 shrink-0"
      >
        <path d={glyph} />
      </svg>
      <div>
        <p className="text-2xl leading-tight font-black sm:text-3xl">{title}</p>
        <p className="mt-1 text-lg">{children}</p>
      </div>
    </div>
  );
}

/** Read at arm's length: which ticket, and the rail place to take the coat from. */
function HandOver({ outcome }: { outcome: Extract<Outcome, { kind: "handedOver" }> }) {
  const from = outcome.railPosition !== null ? `rail ${outcome.railPosition}` : "the rail";
  return (
    <div
      role="status"
      data-testid="hand-over"
      className="flex items-center justify-between gap-4 rounded-xl border-l-8 border-emerald-600 bg-emerald-50 p-5 text-emerald-950 shadow-sm"
    >
      <div>
        <p className="text-3xl leading-tight font-black sm:text-4xl">{`Hand over ticket ${outcome.ticketNumber} — from ${from}`}</p>
        {outcome.detail && <p className="mt-1 text-lg">{outcome.detail}</p>}
        <p className="mt-2 text-base font-semibold">Checked out with the scan. Ready for the next ticket.</p>
      </div>
      {outcome.railPosition !== null && (
        <p aria-hidden className="flex shrink-0 flex-col items-center leading-none">
          <span className="text-sm font-bold tracking-wide uppercase">Rail</span>
          <span className="text-8xl font-black tabular-nums">{outcome.railPosition}</span>
        </p>
      )}
    </div>
  );
}

function TicketPanel({
  outcome,
  venue,
  hasShelves,
  freeSlots,
  onAct,
  onChooseKind,
}: Props & { outcome: Extract<Outcome, { kind: "ticket" }> }) {
  const { ticket, allowedActions, proposedSlot } = outcome.result;
  const [payment, setPayment] = useState<Payment | undefined>();
  const facts = { priceCents: venue.priceCents, paymentTiming: venue.paymentTiming ?? "CHECK_OUT" } as const;
  const dueAtCheckIn = allowedActions.includes("CHECK_IN") ? paymentDue("CHECK_IN", ticket, facts) : 0;
  const dueAtCheckOut = allowedActions.includes("CHECK_OUT") ? paymentDue("CHECK_OUT", ticket, facts) : 0;
  // Paying ahead stays possible where nothing is owed yet (a check-in where guests pay at pickup).
  const canPayAhead = allowedActions.includes("PAY") && venue.priceCents > 0 && allowedActions.includes("CHECK_IN") && dueAtCheckIn === 0;
  const who = ticket.name;
  const isOnline = useOnline();
  const checkIn = (extra: Omit<Extract<CounterAction, { type: "CHECK_IN" }>, "type" | "slotId">) =>
    onAct({ type: "CHECK_IN", slotId: proposedSlot?.id, ...extra });
  // A coat fetched ahead hangs on the ready rail, not on its slot: the big number is the rail's.
  const railPosition = isOnRail(ticket) ? (ticket.pickup?.railPosition ?? null) : undefined;
  const handBackPlace: Place | null =
    railPosition === undefined ? ticket.slot : railPosition === null ? null : { number: railPosition, rackName: "Ready rail" };
  const handBack =
    railPosition !== undefined
      ? railPosition !== null
        ? "Hand over from rail"
        : "Hand over from the rail"
      : ticket.slot
        ? `Hand back from ${SLOT_WORD[ticket.slot.kind]}`
        : "Hand back from lost & found";

  return (
    <section aria-label={`Ticket ${ticket.number}`} className="flex flex-col gap-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <p role="status" className="sr-only">
        {`Ticket ${ticket.number}, ${TICKET_STATE_LABELS[ticket.state]}.`}
        {allowedActions.includes("CHECK_IN") && proposedSlot && ` Check in on ${SLOT_WORD[proposedSlot.kind]} ${proposedSlot.number}.`}
        {allowedActions.includes("CHECK_OUT") && handBackPlace && ` ${handBack} ${handBackPlace.number}.`}
        {(dueAtCheckIn > 0 || dueAtCheckOut > 0) && ` ${money(Math.max(dueAtCheckIn, dueAtCheckOut), venue.currency)} to pay.`}
      </p>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-3xl font-black text-slate-950">
          Ticket <span className="tabular-nums">{ticket.number}</span>
        </p>
        <TicketStateBadge state={ticket.state} />
      </div>
      <p className="-mt-3 text-base text-slate-700">
        {who ? `${who} · ` : "No name · "}
        {PAYMENT_WORDS[ticket.paymentStatus]}
        {ticket.paymentStatus !== "UNPAID" && ticket.amountCents !== null ? ` · ${money(ticket.amountCents, venue.currency)}` : ""}
        {ticket.inOutsUsed > 0 && ` · ${ticket.inOutsUsed} of ${ticket.inOutAllowance} in & outs used`}
      </p>
      {outcome.note && <Alert tone="info">{outcome.note}</Alert>}

      {allowedActions.includes("CHECK_IN") && hasShelves && <SlotKindChoice kind={outcome.kindOfSlot} onChange={onChooseKind} />}
      {canPayAhead && <PaymentChoice price={money(venue.priceCents, venue.currency)} value={payment} onChange={setPayment} />}

      {allowedActions.includes("CHECK_IN") &&
        (dueAtCheckIn > 0 ? (
          proposedSlot || isOnline ? (
            <PayThenAct
              verb={
                proposedSlot ? `Check in on ${SLOT_WORD[proposedSlot.kind]}` : `Check in on the next free ${SLOT_WORD[outcome.kindOfSlot]}`
              }
              slot={proposedSlot}
              price={money(dueAtCheckIn, venue.currency)}
              onPay={(status) => checkIn({ payment: { status } })}
            >
              <Button variant="secondary" size="lg" className="w-full" onClick={() => checkIn({ payLater: true })}>
                Pays at pickup
              </Button>
            </PayThenAct>
          ) : (
            <Alert tone="error">{LEASE_USED_UP}</Alert>
          )
        ) : proposedSlot ? (
          <PrimaryAction
            tone="bg-indigo-700 hover:bg-indigo-800 focus-visible:outline-indigo-700"
            verb={`Check in on ${SLOT_WORD[proposedSlot.kind]}`}
            slot={proposedSlot}
            onClick={() => onAct({ type: "CHECK_IN", slotId: proposedSlot.id, payment })}
          />
        ) : (
          <CheckInElsewhere kind={outcome.kindOfSlot} onCheckIn={() => onAct({ type: "CHECK_IN", payment })} />
        ))}
      {allowedActions.includes("CHECK_OUT") &&
        (dueAtCheckOut > 0 ? (
          <HandBackUnpaidOr
            verb={handBack}
            slot={handBackPlace}
            ticketNumber={ticket.number}
            price={money(dueAtCheckOut, venue.currency)}
            onHandBack={(how) => onAct({ type: "CHECK_OUT", ...how })}
          />
        ) : (
          <PrimaryAction
            tone="bg-emerald-700 hover:bg-emerald-800 focus-visible:outline-emerald-700"
            verb={handBack}
            slot={handBackPlace}
            onClick={() => onAct({ type: "CHECK_OUT" })}
          />
        ))}

      <MoreActions result={outcome.result} freeSlots={freeSlots} onAct={onAct} />
    </section>
  );
}

/**
 * A ticket found by the number the attendant typed: numbers are short and easy to say wrong,
 * so the ticket is shown to be checked against the guest's (name, what is on which slot, when
 * it was issued on the venue's clock, its state) before anything is done with it.
 */
function NumberCheck({
  outcome,
  venue,
  onAnswer,
}: {
  outcome: Extract<Outcome, { kind: "confirmNumber" }>;
  venue: CounterVenueFacts;
  onAnswer: (theirs: boolean) => void;
}) {
  const { ticket } = outcome;
  const items = ticket.slot
    ? `${ticket.slot.kind === "SHELF" ? "Bag" : "Coat"} on ${SLOT_WORD[ticket.slot.kind]} ${ticket.slot.number} (${ticket.slot.rackName})`
    : "Nothing on a slot";
  return (
    <section
      aria-labelledby="number-check-heading"
      data-testid="number-check"
      className="flex flex-col gap-4 rounded-xl border-l-8 border-sky-600 bg-white p-4 shadow-sm ring-1 ring-slate-200"
    >
      <div>
        <h2 id="number-check-heading" className="text-3xl leading-tight font-black text-slate-950">
          Ticket <span className="tabular-nums">{ticket.number}</span>
        </h2>
        <p className="text-lg text-slate-800">Check it against the guest's ticket:</p>
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-lg">
        <dt className="font-semibold text-slate-700">Name</dt>
        <dd className="font-bold text-slate-950">{ticket.name ?? "No name"}</dd>
        <dt className="font-semibold text-slate-700">Items</dt>
        <dd className="text-slate-950">{items}</dd>
        <dt className="font-semibold text-slate-700">Issued</dt>
        <dd className="text-slate-950">
          <time dateTime={ticket.issuedAt.toISOString()}>{venueClockTime(ticket.issuedAt, venue.timezone)}</time> (venue time)
        </dd>
        <dt className="font-semibold text-slate-700">State</dt>
        <dd>
          <TicketStateBadge state={ticket.state} />
        </dd>
      </dl>
      <div className="grid grid-cols-[1fr_2fr] gap-2">
        <Button variant="secondary" size="lg" onClick={() => onAnswer(false)}>
          No
        </Button>
        <Button size="lg" onClick={() => onAnswer(true)}>
          Yes, it's theirs
        </Button>
      </div>
    </section>
  );
}

/**
 * No slot of this counter's lease is free: online, the server picks one no counter holds;
 * offline, the coat waits for the network.
 */
function CheckInElsewhere({ kind, onCheckIn }: { kind: Slot["kind"]; onCheckIn: () => void }) {
  const online = useOnline();
  if (online) {
    return (
      <PrimaryAction
        tone="bg-indigo-700 hover:bg-indigo-800 focus-visible:outline-indigo-700"
        verb={`Check in on the next free ${SLOT_WORD[kind]}`}
        slot={null}
        onClick={onCheckIn}
      />
    );
  }
  return <Alert tone="error">{LEASE_USED_UP}</Alert>;
}

/** The one big button: the slot number is what the attendant's eyes look for. */
function PrimaryAction({ verb, slot, tone, onClick }: { verb: string; slot: Place | null; tone: string; onClick: () => void }) {
  return (
    <button
      type="button"
      onClick={onClick}
      // Read as said: "Check in on hook 143 (Rack A)", the number where the eyes go.
      aria-label={slot ? `${verb} ${slot.number} (${slot.rackName})` : verb}
      className={clsx(
        "flex min-h-28 w-full items-center justify-between gap-4 rounded-2xl px-5 py-3 text-left text-white shadow-md focus-visible:outline-4 focus-visible:outline-offset-2 disabled:opacity-70",
        tone,
      )}
    >
      <span className="flex flex-col">
        <span className="text-xl font-bold">{verb}</span>
        {slot && <span className="text-sm font-medium opacity-90">{slot.rackName}</span>}
      </span>
      {slot && <span className="text-8xl leading-none font-black tabular-nums">{slot.number}</span>}
    </button>
  );
}

function SlotKindChoice({ kind, onChange }: { kind: Slot["kind"]; onChange: (kind: Slot["kind"]) => void }) {
  return (
    <Segmented
      legend="What is it?"
      options={[
        { value: "HANGER", label: "Coat (hook)" },
        { value: "SHELF", label: "Bag (shelf)" },
      ]}
      value={kind}
      onChange={onChange}
    />
  );
}

function PaymentChoice({
  price,
  value,
  onChange,
}: {
  price: string;
  value: Payment | undefined;
  onChange: (payment: Payment | undefined) => void;
}) {
  return (
    <Segmented<Payment["status"] | "">
      legend={`Payment · ${price}`}
      options={[
        { value: "", label: "Later" },
        { value: "PAID_CASH", label: "Cash" },
        { value: "PAID_CARD", label: "Card" },
        { value: "PREPAID", label: "Prepaid" },
      ]}
      value={value?.status ?? ""}
      onChange={(status) => onChange(status ? { status } : undefined)}
    />
  );
}
