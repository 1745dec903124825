import {
  decide,
  paymentDue,
  type OfflineSlot,
  type OfflineTicket,
  type Operation,
  type PaymentTiming,
  type PoolTicket,
  type Preparation,
  type TicketFacts,
} from "@qrcoats/api/client";

// The counter's copy of tonight and what an operation does to it, decided by the very state
// machine the server uses. Pure: the device store persists what these return, and a fresh
// snapshot from the server is rebased here by re-applying the operations still queued.

export type Venue = Omit<Preparation["venue"], "paymentTiming"> & {
  /** When guests pay; absent on a device prepared before venues said. */
  paymentTiming?: PaymentTiming;
};
/** A pool ticket with its code check worked out once, so a walk-in can be scanned offline. */
export type PooledTicket = PoolTicket & { codeCheck: string };

/** What the device acts on: tickets by public id, the venue's slots, its lease and its pool. */
export type Copy = {
  venue: Venue;
  slots: OfflineSlot[];
  leasedSlotIds: string[];
  tickets: Map<string, OfflineTicket>;
  /** Walk-in tickets not yet handed out, lowest number first. */
  pool: PooledTicket[];
};

export type Refusal = { allowed: false; reason: string; message: string };
export type Applied = { allowed: true; ticket: OfflineTicket | null; releasedSlot: OfflineSlot | null };

export function factsOf(ticket: OfflineTicket, venue: Venue): TicketFacts {
  return {
    state: ticket.state,
    inOutsUsed: ticket.inOutsUsed,
    inOutAllowance: venue.inOutAllowance,
    paymentStatus: ticket.paymentStatus,
    slotNumber: ticket.slot?.number ?? null,
    returnedAt: ticket.returnedAt,
    voidReason: ticket.voidReason,
    timezone: venue.timezone,
  };
}

/** Slots some ticket in the copy holds. */
export function heldSlotIds(tickets: Iterable<OfflineTicket>): Set<string> {
  const held = new Set<string>();
  for (const ticket of tickets) if (ticket.slot) held.add(ticket.slot.id);
  return held;
}

/** The leased slots of a kind no ticket holds, lowest number first: only these may be filled offline. */
export function freeLeasedSlots(copy: Copy, kind?: OfflineSlot["kind"]): OfflineSlot[] {
  const leased = new Set(copy.leasedSlotIds);
  const held = heldSlotIds(copy.tickets.values());
  return copy.slots
    .filter((slot) => leased.has(slot.id) && !held.has(slot.id) && (kind === undefined || slot.kind === kind))
    .sort((a, b) => a.number - b.number);
}

/**
 * What the guest owes before this step at the copy's venue, in cents (the server's rule). A
 * device prepared before venues said when guests pay takes payment at check-out, the default.
 */
export function dueBefore(action: "CHECK_IN" | "CHECK_OUT", ticket: OfflineTicket, venue: Venue): number {
  return paymentDue(action, ticket, { priceCents: venue.priceCents, paymentTiming: venue.paymentTiming ?? "CHECK_OUT" });
}

/**
 * A step that owes money needs the attendant's word on it: a payment, or "pays at pickup" at
 * a check-in, or why the coat goes back unpaid at a hand-back. The server applies a device's
 * operation without them (it already happened at the counter), so the counter asks here,
 * before the operation is queued.
 */
export function paymentNotAsked(copy: Copy, operation: NewOperation): Refusal | null {
  if (operation.action !== "CHECK_IN" && operation.action !== "CHECK_OUT") return null;
  const ticket = copy.tickets.get(operation.publicId);
  if (!ticket || operation.payment) return null;
  const due = dueBefore(operation.action, ticket, copy.venue);
  if (due === 0) return null;
  const price = new Intl.NumberFormat(undefined, { style: "currency", currency: copy.venue.currency }).format(due / 100);
  if (operation.action === "CHECK_IN") {
    if (operation.payLater) return null;
    return {
      allowed: false,
      reason: "PAYMENT_DUE",
      message: `${copy.venue.name} takes payment at check-in: ${price}. Take it, or check in with "pays at pickup".`,
    };
  }
  if (operation.unpaidReason?.trim()) return null;
  return {
    allowed: false,
    reason: "PAYMENT_DUE",
    message: `Ticket ${ticket.number} is not paid: ${price}. Take the payment, or hand the coat back unpaid with a reason.`,
  };
}

/**
 * Tonight's ticket with the number an attendant typed, for a guest with no code to show: as
 * on the server, numbers are short and guessable, so only a ticket issued in the last day or
 * a coat still on the racks answers to one.
 */
export function ticketByNumber(copy: Copy, number: number, now: Date): OfflineTicket | undefined {
  const since = now.getTime() - NUMBER_WINDOW_MS;
  return [...copy.tickets.values()].find(
    (ticket) =>
      ticket.number === number && (ticket.issuedAt.getTime() > since || ticket.state === "CHECKED_IN" || ticket.state === "FORGOTTEN"),
  );
}

const NUMBER_WINDOW_MS = 24 * 3_600_000;

export const LEASE_USED_UP =
  "This counter's set-aside slots are all used. Check this coat in when the network is back, or hand a coat back first.";

export type NewOperation = Operation extends infer O ? (O extends Operation ? Omit<O, "opId" | "seq" | "takenAt"> : never) : never;

/**
 * What `operation` does to the copy: the ticket as it is afterwards, or the state machine's
 * refusal. Nothing is changed in place.
 */
export function applyOperation(copy: Copy, operation: NewOperation, takenAt: Date): Applied | Refusal {
  if (operation.action === "SCAN") return { allowed: true, ticket: null, releasedSlot: null };
  if (operation.action === "ISSUE_WALK_IN") {
    const pooled = copy.pool.find((ticket) => ticket.publicId === operation.publicId);
    if (!pooled) return { allowed: false, reason: "UNKNOWN_CODE", message: "That walk-in ticket is not in this counter's pool." };
    return { allowed: true, ticket: walkInTicket(pooled, operation.name ?? null, takenAt), releasedSlot: null };
  }
  const ticket = copy.tickets.get(operation.publicId);
  if (!ticket) return { allowed: false, reason: "UNKNOWN_CODE", message: "This ticket is not among the ones this counter holds." };
  if (operation.action === "PICKUP_START" || operation.action === "PICKUP_FETCHED") return pickupStep(ticket, operation.action);
  const decision = decide(operation.action, factsOf(ticket, copy.venue));
  if (!decision.allowed) return decision;
  const paid = (payment: { status: OfflineTicket["paymentStatus"]; amountCents?: number } | undefined) =>
    payment ? { paymentStatus: payment.status, amountCents: payment.amountCents ?? copy.venue.priceCents } : {};

  switch (operation.action) {
    case "CHECK_IN": {
      const slot = copy.slots.find((candidate) => candidate.id === operation.slotId);
      if (!slot) return { allowed: false, reason: "SLOT_NOT_FOUND", message: "There is no such slot at this venue." };
      const holder = [...copy.tickets.values()].find((other) => other.slot?.id === slot.id);
      if (holder) return { allowed: false, reason: "SLOT_TAKEN", message: `Slot ${slot.number} is taken.` };
      return {
        allowed: true,
        ticket: { ...ticket, state: "CHECKED_IN", slot, checkedInAt: takenAt, ...paid(operation.payment) },
        releasedSlot: null,
      };
    }
    case "CHECK_OUT":
      return {
        allowed: true,
        ticket: { ...ticket, state: "RETURNED", slot: null, returnedAt: takenAt, pickup: null, ...paid(operation.payment) },
        releasedSlot: ticket.slot,
      };
    case "SWAP": {
      const slot = copy.slots.find((candidate) => candidate.id === operation.toSlotId);
      if (!slot) return { allowed: false, reason: "SLOT_NOT_FOUND", message: "There is no such slot at this venue." };
      return { allowed: true, ticket: { ...ticket, slot }, releasedSlot: ticket.slot };
    }
    case "DETACH":
      return {
        allowed: true,
        ticket: { ...ticket, state: "ISSUED", slot: null, inOutsUsed: ticket.inOutsUsed + 1, pickup: null },
        releasedSlot: ticket.slot,
      };
    case "PAY":
      return { allowed: true, ticket: { ...ticket, ...paid(operation.payment) }, releasedSlot: null };
    case "VOID":
      return {
        allowed: true,
        ticket: { ...ticket, state: "VOIDED", slot: null, voidReason: operation.reason ?? null, pickup: null },
        releasedSlot: ticket.slot,
      };
  }
}

export type TicketPickup = NonNullable<OfflineTicket["pickup"]>;

/** Whether attendants still work on the request: queued, being fetched, or on the rail. */
export function isOpenPickup(pickup: TicketPickup | null): pickup is TicketPickup {
  return pickup !== null && (pickup.state === "QUEUED" || pickup.state === "FETCHING" || pickup.state === "READY");
}

/**
 * A step of an open pickup request (docs/pickup.md): off to the rack, then on the ready rail.
 * The rail place is the server's to give; until it answers the coat is "on the rail".
 */
export function steppedPickup(pickup: TicketPickup, action: "PICKUP_START" | "PICKUP_FETCHED"): TicketPickup {
  const state = action === "PICKUP_FETCHED" ? "READY" : pickup.state === "QUEUED" ? "FETCHING" : pickup.state;
  return { ...pickup, state };
}

function pickupStep(ticket: OfflineTicket, action: "PICKUP_START" | "PICKUP_FETCHED"): Applied | Refusal {
  if (!isOpenPickup(ticket.pickup)) {
    return { allowed: false, reason: "NO_PICKUP_REQUEST", message: `Ticket ${ticket.number} has no open pickup request.` };
  }
  return { allowed: true, ticket: { ...ticket, pickup: steppedPickup(ticket.pickup, action) }, releasedSlot: null };
}

/**
 * Whether the ticket's coat hangs on the ready rail (or was just put there by this counter):
 * its scan at the counter is the hand-over.
 */
export function isOnRail(ticket: OfflineTicket): boolean {
  const pickup = ticket.pickup;
  if (!pickup) return false;
  // A coat sent back to the rack after its hold may hang on its slot again: fetched as usual.
  if (pickup.state === "UNCOLLECTED") return pickup.uncollectedTo === "RAIL" && pickup.railPosition !== null;
  return pickup.railPosition !== null || pickup.state === "READY";
}

/** A pool ticket once handed out: ISSUED, with no server id until the server answers. */
export function walkInTicket(pooled: PooledTicket, name: string | null, issuedAt: Date): OfflineTicket {
  return {
    id: "",
    publicId: pooled.publicId,
    codeCheck: pooled.codeCheck,
    number: pooled.number,
    state: "ISSUED",
    slot: null,
    paymentStatus: "UNPAID",
    amountCents: null,
    inOutsUsed: 0,
    name,
    voidReason: null,
    issuedAt,
    checkedInAt: null,
    returnedAt: null,
    pickup: null,
  };
}

/** The copy with one operation applied, or unchanged where the state machine refuses it. */
export function withOperation(copy: Copy, operation: Operation): Copy {
  const applied = applyOperation(copy, operation, operation.takenAt);
  if (!applied.allowed || !applied.ticket) return copy;
  const tickets = new Map(copy.tickets).set(applied.ticket.publicId, applied.ticket);
  const pool = operation.action === "ISSUE_WALK_IN" ? copy.pool.filter((ticket) => ticket.publicId !== operation.publicId) : copy.pool;
  return { ...copy, tickets, pool };
}

/**
 * A server snapshot with the device's still-queued operations (seq > lastSeq) laid on top, so
 * a refresh never undoes what the attendant did and the server has not yet applied. An
 * operation the snapshot now refuses (a colleague acted first) changes nothing here; the
 * server will answer it as a conflict.
 */
export function rebase(snapshot: Copy, queued: Operation[]): Copy {
  return [...queued].sort((a, b) => a.seq - b.seq).reduce(withOperation, snapshot);
}

/** Tonight's tickets matching a number or part of a name, for the lost-ticket search offline. */
export function searchCopy(tickets: Iterable<OfflineTicket>, query: string): OfflineTicket[] {
  const text = query.trim().toLowerCase();
  if (!text) return [];
  return [...tickets]
    .filter((ticket) => String(ticket.number) === text || (ticket.name?.toLowerCase().includes(text) ?? false))
    .sort((a, b) => a.number - b.number);
}

/** Free and total slots per kind, as the copy sees them. */
export function occupancyOf(copy: Pick<Copy, "slots" | "tickets">) {
  const held = heldSlotIds(copy.tickets.values());
  const totals = { HANGER: { slotCount: 0, freeCount: 0 }, SHELF: { slotCount: 0, freeCount: 0 } };
  for (const slot of copy.slots) {
    totals[slot.kind].slotCount += 1;
    if (!held.has(slot.id)) totals[slot.kind].freeCount += 1;
  }
  return totals;
}
