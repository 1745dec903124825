import { Button, Segmented, TextField } from "@qrcoats/ui";
import { useState, type ReactNode } from "react";
import type { Payment, Slot } from "./words";

/** Where the coat is taken from: a slot of a rack, or a place on the ready rail. */
export type Place = Pick<Slot, "number" | "rackName">;

// The counter asks for payment at the step that owes it (docs/offline.md): the common case,
// cash or card, is one tap that also does the step; the rarer ways are a tap further.

/**
 * A step that owes money: the slot where the eyes go, then the payment that does the step —
 * cash or card, one tap each — and the rarer way on below.
 */
export function PayThenAct({
  verb,
  slot,
  price,
  onPay,
  children,
}: {
  verb: string;
  slot: Place | null;
  price: string;
  onPay: (status: "PAID_CASH" | "PAID_CARD") => void;
  children: ReactNode;
}) {
  return (
    <div
      role="group"
      aria-label={`${verb}${slot ? ` ${slot.number} (${slot.rackName})` : ""}: ${price} to pay`}
      className="flex flex-col gap-3 rounded-2xl bg-slate-50 p-3 ring-1 ring-slate-300"
    >
      <div className="flex items-center justify-between gap-4 px-2">
        <p className="flex flex-col">
          <span className="text-xl font-bold text-slate-950">{verb}</span>
          {slot && <span className="text-sm font-medium text-slate-700">{slot.rackName}</span>}
          <span className="mt-1 text-lg font-semibold text-amber-900">Not paid · {price}</span>
        </p>
        {slot && <span className="text-7xl leading-none font-black text-slate-950 tabular-nums">{slot.number}</span>}
      </div>
      <div className="grid grid-cols-2 gap-2">
        <PayButton onClick={() => onPay("PAID_CASH")}>{`Cash ${price}`}</PayButton>
        <PayButton onClick={() => onPay("PAID_CARD")}>{`Card ${price}`}</PayButton>
      </div>
      {children}
    </div>
  );
}

function PayButton({ onClick, children }: { onClick: () => void; children: string }) {
  return (
    <button
      type="button"
      onClick={onClick}
      className="min-h-20 rounded-2xl bg-emerald-700 px-2 text-lg font-bold whitespace-nowrap text-white shadow-md hover:bg-emerald-800 focus-visible:outline-4 focus-visible:outline-offset-2 focus-visible:outline-emerald-700"
    >
      {children}
    </button>
  );
}

const UNPAID_REASONS = ["Guest can't pay", "Guest list / staff", "Other"] as const;
type UnpaidChoice = (typeof UNPAID_REASONS)[number];

/**
 * The hand-back of a coat not paid for: paid now, or handed back unpaid with the attendant's
 * reason — never unpaid without a word (docs/guests.md).
 */
export function HandBackUnpaidOr({
  verb,
  slot,
  ticketNumber,
  price,
  onHandBack,
}: {
  verb: string;
  slot: Place | null;
  ticketNumber: number;
  price: string;
  onHandBack: (how: { payment: Payment } | { unpaidReason: string }) => void;
}) {
  const [asking, setAsking] = useState(false);
  const [choice, setChoice] = useState<UnpaidChoice | "">("");
  const [other, setOther] = useState("");
  if (!asking) {
    return (
      <PayThenAct verb={verb} slot={slot} price={price} onPay={(status) => onHandBack({ payment: { status } })}>
        <Button variant="secondary" size="lg" className="w-full" onClick={() => setAsking(true)}>
          Hand back unpaid…
        </Button>
      </PayThenAct>
    );
  }
  const reason = choice === "Other" ? other.trim() : choice;
  return (
    <form
      noValidate
      aria-label="Hand back unpaid"
      className="flex flex-col gap-3 rounded-2xl bg-amber-50 p-4 ring-1 ring-amber-300"
      onSubmit={(event) => {
        event.preventDefault();
        if (reason) onHandBack({ unpaidReason: reason });
      }}
    >
      <p className="text-xl font-bold text-amber-950">{`Hand back ticket ${ticketNumber} unpaid (${price}): why?`}</p>
      <Segmented<UnpaidChoice | "">
        legend="Reason"
        options={UNPAID_REASONS.map((value) => ({ value, label: value }))}
        value={choice}
        onChange={setChoice}
      />
      {choice === "Other" && (
        <TextField label="Say why" value={other} maxLength={200} autoComplete="off" onChange={(event) => setOther(event.target.value)} />
      )}
      <div className="flex gap-2">
        <Button variant="secondary" className="flex-1" onClick={() => setAsking(false)}>
          Back
        </Button>
        <Button type="submit" variant="danger" className="flex-1" disabled={!reason}>
          Hand back unpaid
        </Button>
      </div>
    </form>
  );
}
