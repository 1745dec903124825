import { Button, Segmented, TextField } from "@qrcoats/ui";
import { useState } from "react";
import type { CounterAction } from "./use-counter";
import { SLOT_WORD, type CounterResult, type Payment, type Slot } from "./words";

type Step = "SWAP" | "DETACH" | "VOID" | "PAY";

const LABELS: Record<Step, string> = {
  SWAP: "Move to another slot",
  DETACH: "In & out (guest takes the coat for a while)",
  PAY: "Record a payment only",
  VOID: "Void this ticket",
};

/** The rarer actions, one tap further away, each behind its own confirmation. */
export function MoreActions({
  result,
  freeSlots,
  onAct,
}: {
  result: CounterResult;
  freeSlots: Slot[];
  onAct: (action: CounterAction) => void;
}) {
  const [step, setStep] = useState<Step | null>(null);
  const steps = (["SWAP", "DETACH", "PAY", "VOID"] as const).filter((action) => result.allowedActions.includes(action));
  if (steps.length === 0) return null;
  const cancel = () => setStep(null);

  return (
    <details className="group rounded-xl ring-1 ring-slate-200">
      <summary className="flex min-h-11 cursor-pointer list-none items-center justify-between rounded-xl px-4 font-semibold text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600">
        More actions
        <span aria-hidden className="transition-transform group-open:rotate-180">
          ▾
        </span>
      </summary>
      <div className="flex flex-col gap-2 p-3 pt-1">
        {step === null &&
          steps.map((action) => (
            <Button
              key={action}
              variant={action === "VOID" ? "ghost" : "secondary"}
              className={action === "VOID" ? "text-red-800" : ""}
              onClick={() => setStep(action)}
            >
              {LABELS[action]}
            </Button>
          ))}
        {step === "SWAP" && <SwapStep result={result} freeSlots={freeSlots} onAct={onAct} onCancel={cancel} />}
        {step === "DETACH" && (
          <Confirm
            question={`Free ${result.ticket.slot ? `${SLOT_WORD[result.ticket.slot.kind]} ${result.ticket.slot.number}` : "the slot"} and keep ticket ${result.ticket.number} valid? ${result.ticket.inOutAllowance - result.ticket.inOutsUsed} of ${result.ticket.inOutAllowance} in & outs left.`}
            confirm="Yes, in & out"
            onConfirm={() => onAct({ type: "DETACH" })}
            onCancel={cancel}
          />
        )}
        {step === "PAY" && <PayStep onAct={onAct} onCancel={cancel} />}
        {step === "VOID" && <VoidStep number={result.ticket.number} onAct={onAct} onCancel={cancel} />}
      </div>
    </details>
  );
}

function Confirm({
  question,
  confirm,
  danger,
  onConfirm,
  onCancel,
}: {
  question: string;
  confirm: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <div className="flex flex-col gap-3">
      <p className="text-base text-slate-900">{question}</p>
      <div className="flex gap-2">
        <Button variant="secondary" className="flex-1" onClick={onCancel}>
          Cancel
        </Button>
        <Button variant={danger ? "danger" : "primary"} className="flex-1" onClick={onConfirm}>
          {confirm}
        </Button>
      </div>
    </div>
  );
}

/** Only slots this counter's lease holds free are offered: offline, no other counter fills them. */
function SwapStep({
  result,
  freeSlots,
  onAct,
  onCancel,
}: {
  result: CounterResult;
  freeSlots: Slot[];
  onAct: (action: CounterAction) => void;
  onCancel: () => void;
}) {
  const [number, setNumber] = useState("");
  const wanted = freeSlots.find((slot) => String(slot.number) === number.trim());
  const problem = number.trim() === "" ? null : !wanted ? `Slot ${number.trim()} is not one of this counter's free slots.` : null;
  return (
    <div className="flex flex-col gap-3">
      <TextField
        label="Move to slot number"
        inputMode="numeric"
        autoComplete="off"
        value={number}
        onChange={(event) => setNumber(event.target.value)}
        error={problem ?? undefined}
      />
      {freeSlots.length > 0 ? (
        <div role="group" className="flex flex-wrap gap-2" aria-label="Free slots">
          {freeSlots.slice(0, 6).map((slot) => (
            <Button key={slot.id} size="md" variant="secondary" onClick={() => setNumber(String(slot.number))}>
              {SLOT_WORD[slot.kind]} {slot.number}
            </Button>
          ))}
        </div>
      ) : (
        <p className="text-sm text-slate-700">No slot set aside for this counter is free.</p>
      )}
      <Confirm
        question={
          wanted && !problem
            ? `Move ticket ${result.ticket.number} to ${SLOT_WORD[wanted.kind]} ${wanted.number} (${wanted.rackName})?`
            : "Choose the new slot."
        }
        confirm={wanted && !problem ? `Move to ${wanted.number}` : "Move"}
        onConfirm={() => wanted && !problem && onAct({ type: "SWAP", toSlotId: wanted.id })}
        onCancel={onCancel}
      />
    </div>
  );
}

function PayStep({ onAct, onCancel }: { onAct: (action: CounterAction) => void; onCancel: () => void }) {
  const [status, setStatus] = useState<Payment["status"]>("PAID_CASH");
  return (
    <div className="flex flex-col gap-3">
      <Segmented
        legend="How did the guest pay?"
        options={[
          { value: "PAID_CASH", label: "Cash" },
          { value: "PAID_CARD", label: "Card" },
          { value: "PREPAID", label: "Prepaid" },
        ]}
        value={status}
        onChange={setStatus}
      />
      <Confirm
        question="The venue's price is recorded; nothing is charged."
        confirm="Record the payment"
        onConfirm={() => onAct({ type: "PAY", payment: { status } })}
        onCancel={onCancel}
      />
    </div>
  );
}

function VoidStep({ number, onAct, onCancel }: { number: number; onAct: (action: CounterAction) => void; onCancel: () => void }) {
  const [reason, setReason] = useState("");
  return (
    <div className="flex flex-col gap-3">
      <TextField label="Reason (optional)" value={reason} maxLength={200} onChange={(event) => setReason(event.target.value)} />
      <Confirm
        question={`Void ticket ${number}? It can never be used again.`}
        confirm={`Void ticket ${number}`}
        danger
        onConfirm={() => onAct({ type: "VOID", reason: reason.trim() || undefined })}
        onCancel={onCancel}
      />
    </div>
  );
}
