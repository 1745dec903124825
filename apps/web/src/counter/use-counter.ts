import { errorMessage, trpc, trpcClient } from "@qrcoats/ui";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { PAYMENT_WORDS, SLOT_WORD, refusalReason, refusalTitle, type CounterResult, type Payment, type Slot } from "./words";

export type CounterAction =
  | { type: "CHECK_IN"; slotId?: string; payment?: Payment }
  | { type: "CHECK_OUT"; payment?: Payment }
  | { type: "SWAP"; toSlotId: string }
  | { type: "DETACH" }
  | { type: "VOID"; reason?: string }
  | { type: "PAY"; payment: Payment };

export type Outcome =
  | { kind: "ready" }
  | { kind: "ticket"; code: string; kindOfSlot: Slot["kind"]; result: CounterResult; note?: string }
  | { kind: "refused"; title: string; message: string }
  | { kind: "done"; title: string; detail: string; at: Date };

const slotName = (slot: Slot | null) => (slot ? `${SLOT_WORD[slot.kind]} ${slot.number}` : "its slot");

/** What the attendant reads once an action went through. */
function describe(action: CounterAction, { ticket, releasedSlot }: CounterResult): { title: string; detail: string } {
  switch (action.type) {
    case "CHECK_IN":
      return {
        title: `Checked in on ${slotName(ticket.slot)}`,
        detail: `Ticket ${ticket.number} is on ${slotName(ticket.slot)}${ticket.slot ? ` (${ticket.slot.rackName})` : ""}.`,
      };
    case "CHECK_OUT":
      return { title: `Ticket ${ticket.number} returned`, detail: `Handed back from ${slotName(releasedSlot)}; it is free again.` };
    case "SWAP":
      return {
        title: `Moved to ${slotName(ticket.slot)}`,
        detail: `Ticket ${ticket.number} moved from ${slotName(releasedSlot)} to ${slotName(ticket.slot)}.`,
      };
    case "DETACH":
      return {
        title: `In & out: ${slotName(releasedSlot)} is free`,
        detail: `Ticket ${ticket.number} stays valid for the guest's return (${ticket.inOutsUsed} of ${ticket.inOutAllowance} in & outs used).`,
      };
    case "VOID":
      return {
        title: `Ticket ${ticket.number} voided`,
        detail: releasedSlot ? `Clear ${slotName(releasedSlot)}: it is free again.` : "It can no longer be used.",
      };
    case "PAY":
      return { title: "Payment recorded", detail: `Ticket ${ticket.number}: ${PAYMENT_WORDS[ticket.paymentStatus].toLowerCase()}.` };
  }
}

/**
 * The counter's one loop: scan → the ticket and its next step → act → ready for the next
 * scan. Scanning again at any point simply replaces what is shown.
 */
export function useCounter(venueId: string, onSettled: () => void) {
  const [outcome, setOutcome] = useState<Outcome>({ kind: "ready" });
  const [history, setHistory] = useState<Extract<Outcome, { kind: "done" }>[]>([]);

  const refuse = (error: unknown) => setOutcome({ kind: "refused", title: refusalTitle(error), message: errorMessage(error) });

  const scan = useMutation(
    trpc.qr.scan.mutationOptions({
      onSuccess: (result, input) => setOutcome({ kind: "ticket", code: input.code, kindOfSlot: input.kind ?? "HANGER", result }),
      onError: refuse,
      onSettled,
    }),
  );

  const act = useMutation({
    mutationFn: ({ action, ticketId }: { action: CounterAction; ticketId: string }): Promise<CounterResult> => {
      const ref = { venueId, ticketId };
      switch (action.type) {
        case "CHECK_IN":
          return trpcClient.qr.checkIn.mutate({ ...ref, slotId: action.slotId, payment: action.payment });
        case "CHECK_OUT":
          return trpcClient.qr.checkOut.mutate({ ...ref, payment: action.payment });
        case "SWAP":
          return trpcClient.qr.swap.mutate({ ...ref, toSlotId: action.toSlotId });
        case "DETACH":
          return trpcClient.qr.detach.mutate(ref);
        case "VOID":
          return trpcClient.qr.void.mutate({ ...ref, reason: action.reason });
        case "PAY":
          return trpcClient.qr.pay.mutate({ ...ref, payment: action.payment });
      }
    },
    onSuccess: (result, { action }) => {
      const words = describe(action, result);
      if (action.type === "PAY" && outcome.kind === "ticket") {
        // Paying changes no state: the ticket's next step is still to be done.
        setOutcome({ ...outcome, result: { ...result, proposedSlot: outcome.result.proposedSlot }, note: words.detail });
        return;
      }
      const done = { kind: "done" as const, ...words, at: new Date() };
      setOutcome(done);
      setHistory((earlier) => [done, ...earlier].slice(0, 8));
    },
    onError: (error, { action }) => {
      // The proposed slot went to a colleague's coat a moment ago: propose the next one.
      if (action.type === "CHECK_IN" && refusalReason(error) === "SLOT_TAKEN" && outcome.kind === "ticket") {
        scan.mutate(
          { venueId, code: outcome.code, kind: outcome.kindOfSlot },
          {
            onSuccess: (result, input) =>
              setOutcome({
                kind: "ticket",
                code: input.code,
                kindOfSlot: outcome.kindOfSlot,
                result,
                note: `${errorMessage(error)} Here is the next free one.`,
              }),
          },
        );
        return;
      }
      refuse(error);
    },
    onSettled,
  });

  return {
    outcome,
    history,
    busy: scan.isPending || act.isPending,
    scan: (code: string, kind: Slot["kind"] = "HANGER") => scan.mutate({ venueId, code, kind }),
    act: (action: CounterAction) => {
      if (outcome.kind === "ticket") act.mutate({ action, ticketId: outcome.result.ticket.id });
    },
    clear: () => setOutcome({ kind: "ready" }),
  };
}
