import {
  allowedActions,
  candidateCode,
  codeCheckOf,
  decide,
  decideScan,
  publicIdOfCandidate,
  type OfflineTicket,
} from "@qrcoats/api/client";
import { REFUSAL_TITLES, errorCode, errorMessage } from "@qrcoats/ui";
import { onlineManager } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { checkInOnServer } from "./check-in-on-server";
import { deviceStore, enqueue } from "./offline/device-store";
import {
  LEASE_USED_UP,
  dueBefore,
  factsOf,
  freeLeasedSlots,
  isOnRail,
  type Applied,
  type Copy,
  type NewOperation,
  type Refusal,
  ticketByNumber,
} from "./offline/local-counter";
import { notOnShift, refreshNow, refusalReason } from "./offline/sync-engine";
import { PAYMENT_WORDS, SLOT_WORD, type CounterResult, type CounterVenueFacts, type Payment, type Slot } from "./words";

export type CounterAction =
  /** `payLater`: at a venue that takes payment at check-in, the guest pays at pickup. */
  | { type: "CHECK_IN"; slotId?: string; payment?: Payment; payLater?: boolean }
  /** `unpaidReason`: the coat goes back unpaid, and the attendant said why. */
  | { type: "CHECK_OUT"; payment?: Payment; unpaidReason?: string }
  | { type: "SWAP"; toSlotId: string }
  | { type: "DETACH" }
  | { type: "VOID"; reason?: string }
  | { type: "PAY"; payment: Payment };

export type Outcome =
  | { kind: "ready" }
  | { kind: "ticket"; kindOfSlot: Slot["kind"]; result: CounterResult; note?: string }
  | { kind: "refused"; title: string; message: string }
  /** A ticket found by the number the attendant typed: to check against the guest's ticket first. */
  | { kind: "confirmNumber"; ticket: OfflineTicket; kindOfSlot: Slot["kind"] }
  | { kind: "done"; title: string; detail: string; at: Date }
  /** The scan of a ticket whose coat waits on the ready rail: handed over with that scan. */
  | { kind: "handedOver"; ticketNumber: number; railPosition: number | null; detail: string; at: Date };

/** A pickup step from the queue on screen: the ticket (in the copy) and its number, for the words. */
export type PickupTarget = { publicId: string; ticketNumber: number };

type Done = { title: string; at: Date };

const slotName = (slot: Slot | null) => (slot ? `${SLOT_WORD[slot.kind]} ${slot.number}` : "its slot");
const capitalSlot = (slot: Slot) => `${SLOT_WORD[slot.kind][0]!.toUpperCase()}${SLOT_WORD[slot.kind].slice(1)} ${slot.number}`;

/** What the attendant reads once an action is taken: the same words go into a conflict notice. */
function describe(
  action: CounterAction["type"],
  ticket: OfflineTicket,
  releasedSlot: Slot | null,
  allowance: number,
  unpaidReason?: string,
) {
  switch (action) {
    case "CHECK_IN":
      return {
        title: `Checked in on ${slotName(ticket.slot)}`,
        detail: `Ticket ${ticket.number} is on ${slotName(ticket.slot)}${ticket.slot ? ` (${ticket.slot.rackName})` : ""}.`,
      };
    case "CHECK_OUT":
      return {
        title: `Ticket ${ticket.number} returned`,
        detail: `Handed back from ${slotName(releasedSlot)}; it is free again. ${
          unpaidReason ? `Unpaid: ${unpaidReason}.` : ticket.paymentStatus !== "UNPAID" ? `${PAYMENT_WORDS[ticket.paymentStatus]}.` : ""
        }`.trim(),
      };
    case "SWAP":
      return {
        title: `Moved to ${slotName(ticket.slot)}`,
        detail: `Ticket ${ticket.number} moved from ${slotName(releasedSlot)} to ${slotName(ticket.slot)}.`,
      };
    case "DETACH":
      return {
        title: `In & out: ${slotName(releasedSlot)} is free`,
        detail: `Ticket ${ticket.number} stays valid for the guest's return (${ticket.inOutsUsed} of ${allowance} in & outs used).`,
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

/** The ticket as the counter shows it, with what may be done and the slot check-in would take. */
export function resultOf(copy: Copy, ticket: OfflineTicket, kindOfSlot: Slot["kind"]): CounterResult {
  const facts = factsOf(ticket, copy.venue);
  return {
    ticket: { ...ticket, inOutAllowance: copy.venue.inOutAllowance },
    allowedActions: allowedActions(facts),
    proposedSlot: freeLeasedSlots(copy, kindOfSlot)[0] ?? null,
  };
}

const refusedBy = (refusal: Refusal): Outcome => ({
  kind: "refused",
  title: REFUSAL_TITLES[refusal.reason] ?? "Refused",
  message: refusal.message,
});

/** What the attendant types when the guest has only the number printed on their ticket. */
const TICKET_NUMBER = /^\d{1,9}$/;

const NOT_OURS = "This is not one of our tickets. Ask for the ticket number or the guest's name.";
const NOT_HELD_OFFLINE =
  "It is not among tonight's tickets this counter holds, and with no network it cannot be checked. Give the guest a walk-in ticket, or scan it again when the network is back.";

/**
 * The counter's one loop: scan → the ticket and its next step → act → ready for the next
 * scan. Everything acts on the device's copy and is queued for the server, online or not, so
 * nothing waits for the network and each scan is handled on its own.
 */
export function useCounter(venue: CounterVenueFacts, onSettled: () => void) {
  const [outcome, setOutcome] = useState<Outcome>({ kind: "ready" });
  const [history, setHistory] = useState<Done[]>([]);
  // The ticket on screen, read when an action button is pressed (the outcome may be newer than this render).
  const shown = useRef<Outcome>(outcome);
  const show = (next: Outcome) => {
    shown.current = next;
    setOutcome(next);
    onSettled();
  };
  const remember = (title: string) => setHistory((earlier) => [{ title, at: new Date() }, ...earlier].slice(0, 12));

  async function scan(input: string, kindOfSlot: Slot["kind"] = "HANGER") {
    const typed = input.trim();
    if (TICKET_NUMBER.test(typed)) return findByNumber(Number(typed), kindOfSlot);
    const candidate = candidateCode(input);
    const publicId = publicIdOfCandidate(candidate);
    const find = async () => {
      const ticket = publicId ? deviceStore.get()?.copy?.tickets.get(publicId) : undefined;
      return ticket && (await codeCheckOf(candidate)) === ticket.codeCheck ? ticket : undefined;
    };
    let ticket = await find();
    let refreshed = false;
    // A guest may have got their ticket after the last snapshot: look once more, fresh.
    if (!ticket && publicId && onlineManager.isOnline()) {
      refreshed = await refreshNow();
      ticket = await find();
    }
    if (!ticket) {
      const taken = await enqueue(
        () => ({ action: "SCAN", code: input.trim().slice(0, 512) }),
        () => "Scanned a code this counter did not know",
      );
      if (!taken.allowed) return show(refusedBy(taken));
      remember("Unknown code scanned");
      return show(
        publicId === null || refreshed
          ? { kind: "refused", title: REFUSAL_TITLES.UNKNOWN_CODE!, message: NOT_OURS }
          : { kind: "refused", title: "Can't check this ticket offline", message: NOT_HELD_OFFLINE },
      );
    }
    return scanned(ticket, kindOfSlot, false);
  }

  /**
   * A guest with no code to show, only the number on their ticket: tonight's ticket with that
   * number, shown for the attendant to check against the guest's before anything is done.
   */
  async function findByNumber(number: number, kindOfSlot: Slot["kind"]) {
    const find = () => {
      const copy = deviceStore.get()?.copy;
      return copy ? ticketByNumber(copy, number, new Date()) : undefined;
    };
    let ticket = find();
    if (!ticket && onlineManager.isOnline()) {
      await refreshNow();
      ticket = find();
    }
    if (!ticket) {
      return show({
        kind: "refused",
        title: `No ticket ${number}`,
        message: `No ticket ${number} tonight here. Check the number or look the guest up by name.`,
      });
    }
    show({ kind: "confirmNumber", ticket, kindOfSlot });
  }

  /** The attendant's answer to "is this their ticket?": yes goes on as a scan of it, no starts over. */
  async function confirmNumber(theirs: boolean) {
    const on = shown.current;
    if (on.kind !== "confirmNumber") return;
    if (!theirs) return show({ kind: "ready" });
    // The copy may have changed while the attendant looked.
    const ticket = deviceStore.get()?.copy?.tickets.get(on.ticket.publicId) ?? on.ticket;
    return scanned(ticket, on.kindOfSlot, true);
  }

  /** A ticket found by its code or its confirmed number: the scan is queued and its next step shown. */
  async function scanned(found: OfflineTicket, kindOfSlot: Slot["kind"], byNumber: boolean) {
    const taken = await enqueue(
      () => ({ action: "SCAN", publicId: found.publicId, ...(byNumber ? { byNumber: true } : {}) }),
      () => `${byNumber ? "Found" : "Scanned"} ticket ${found.number}${byNumber ? " by its number" : ""}`,
    );
    if (!taken.allowed) return show(refusedBy(taken));
    remember(`Ticket ${found.number} ${byNumber ? "found by its number" : "scanned"}`);
    const copy = taken.state.copy!;
    const current = copy.tickets.get(found.publicId)!;
    const decision = decideScan(factsOf(current, copy.venue));
    if (!decision.allowed) return show(refusedBy(decision));
    const onRail = isOnRail(current) && decide("CHECK_OUT", factsOf(current, copy.venue)).allowed;
    // As the server's scan: the coat on the rail goes over at once only when nothing is owed.
    if (onRail && dueBefore("CHECK_OUT", current, copy.venue) === 0) return handOver(current);
    const railPosition = current.pickup?.railPosition ?? null;
    const note = onRail
      ? `The coat is on ${railPosition !== null ? `rail ${railPosition}` : "the rail"}: take the payment, then hand it over.`
      : undefined;
    show({ kind: "ticket", kindOfSlot, result: resultOf(copy, current, kindOfSlot), note });
  }

  /**
   * The coat was fetched ahead and hangs on the ready rail, and nothing is owed: the scan is
   * the hand-over, queued as the ticket's check-out at once (as the server's own scan does
   * online), with no tap.
   */
  async function handOver(ticket: OfflineTicket) {
    const railPosition = ticket.pickup?.railPosition ?? null;
    const from = railPosition !== null ? `rail ${railPosition}` : "the rail";
    const freed = ticket.slot ? `${capitalSlot(ticket.slot)} is free again.` : "";
    const paid = ticket.paymentStatus !== "UNPAID" ? `${PAYMENT_WORDS[ticket.paymentStatus]}.` : "";
    const taken = await enqueue(
      () => ({ action: "CHECK_OUT", publicId: ticket.publicId }),
      () => `Handed over ticket ${ticket.number} from ${from}. ${freed}`.trim(),
    );
    if (!taken.allowed) return show(refusedBy(taken));
    remember(`Ticket ${ticket.number} handed over from ${from}`);
    show({ kind: "handedOver", ticketNumber: ticket.number, railPosition, detail: `${paid} ${freed}`.trim(), at: new Date() });
  }

  /**
   * "Start walk" and "Fetched → rail" on the pickup queue: taken on the device and queued like
   * every counter action, so they work with no network. The ticket on screen stays as it is.
   */
  async function pickup(action: "PICKUP_START" | "PICKUP_FETCHED", targets: PickupTarget[]) {
    for (const target of targets) {
      const words =
        action === "PICKUP_START" ? `Ticket ${target.ticketNumber}: off to the rack` : `Ticket ${target.ticketNumber}: fetched to the rail`;
      const taken = await enqueue(
        () => ({ action, publicId: target.publicId }),
        () => words,
      );
      if (!taken.allowed) return show(refusedBy(taken));
      remember(words);
    }
    onSettled();
  }

  async function act(action: CounterAction) {
    const on = shown.current;
    if (on.kind !== "ticket") return;
    const publicId = on.result.ticket.publicId;
    const payment = (chosen: Payment | undefined) => (chosen ? { status: chosen.status, amountCents: venue.priceCents } : undefined);
    const build = (copy: Copy): NewOperation | Refusal => {
      switch (action.type) {
        case "CHECK_IN": {
          const slotId = action.slotId ?? freeLeasedSlots(copy, on.kindOfSlot)[0]?.id;
          if (!slotId) return { allowed: false, reason: "NO_FREE_SLOT", message: LEASE_USED_UP };
          return { action: "CHECK_IN", publicId, slotId, payment: payment(action.payment), payLater: action.payLater };
        }
        case "CHECK_OUT":
          return { action: "CHECK_OUT", publicId, payment: payment(action.payment), unpaidReason: action.unpaidReason };
        case "SWAP":
          return { action: "SWAP", publicId, toSlotId: action.toSlotId };
        case "DETACH":
          return { action: "DETACH", publicId };
        case "VOID":
          return { action: "VOID", publicId, reason: action.reason };
        case "PAY":
          return { action: "PAY", publicId, payment: payment(action.payment)! };
      }
    };
    if (action.type === "CHECK_IN" && !action.slotId && onlineManager.isOnline()) {
      const copy = deviceStore.get()?.copy;
      if (copy && freeLeasedSlots(copy, on.kindOfSlot).length === 0) return checkInOnline(on, action);
    }
    const unpaidReason = action.type === "CHECK_OUT" ? action.unpaidReason : undefined;
    const words = (applied: Applied) =>
      describe(action.type, applied.ticket!, applied.releasedSlot, on.result.ticket.inOutAllowance, unpaidReason);
    const taken = await enqueue(build, (applied) => {
      const { title, detail } = words(applied);
      return `${title}. ${detail}`;
    });
    if (!taken.allowed) return show(refusedBy(taken));
    const { title, detail } = words(taken.applied);
    remember(action.type === "PAY" ? `Ticket ${taken.applied.ticket!.number}: payment recorded` : title);
    if (action.type === "PAY") {
      // Paying changes no state: the ticket's next step is still to be done.
      const copy = taken.state.copy!;
      return show({ ...on, result: resultOf(copy, copy.tickets.get(publicId)!, on.kindOfSlot), note: detail });
    }
    show({ kind: "done", title, detail, at: new Date() });
  }

  /** Online, with no slot of this counter's lease free: the server picks one (`checkInOnServer`). */
  async function checkInOnline(
    on: Extract<Outcome, { kind: "ticket" }>,
    { payment, payLater }: Extract<CounterAction, { type: "CHECK_IN" }>,
  ) {
    const { ticket } = on.result;
    try {
      const after = await checkInOnServer(venue, ticket, { kind: on.kindOfSlot, payment, payLater });
      if (!after) return show({ kind: "refused", title: "One moment", message: "This walk-in ticket is still being sent. Try again." });
      const { title, detail } = describe("CHECK_IN", after, null, ticket.inOutAllowance);
      remember(title);
      show({ kind: "done", title, detail, at: new Date() });
    } catch (error) {
      if (refusalReason(error) === "NOT_ON_SHIFT") notOnShift();
      show({
        kind: "refused",
        title: errorCode(error) ? "Refused" : "No connection",
        message: errorCode(error) ? errorMessage(error) : LEASE_USED_UP,
      });
    }
  }

  return {
    outcome,
    history,
    scan: (code: string, kind?: Slot["kind"]) => void scan(code, kind),
    act: (action: CounterAction) => void act(action),
    pickup: (action: "PICKUP_START" | "PICKUP_FETCHED", targets: PickupTarget[]) => void pickup(action, targets),
    /** Coat or bag: only the proposed slot changes, so nothing is scanned or sent again. */
    confirmNumber: (theirs: boolean) => void confirmNumber(theirs),
    chooseKind: (kindOfSlot: Slot["kind"]) => {
      if (shown.current.kind === "ticket") show({ ...shown.current, kindOfSlot });
    },
    clear: () => show({ kind: "ready" }),
  };
}
