import { planWalks, queuedPlaces, type OfflineTicket, type Operation, type PickupEntry, type VenueQueue } from "@qrcoats/api/client";
import { isOpenPickup, steppedPickup, type Copy, type TicketPickup } from "./local-counter";

// The counter's pickup queue (docs/offline.md, "Pickups"). The device keeps the last queue the
// server sent — live while online, or with a snapshot — so the queue can be worked with no
// network. Each ticket's own `pickup` in the copy is what the device knows best about its
// request: a queue's arrival writes its requests into the tickets, this device's queued
// operations lay over them again, and the queue on screen reads each request's state back
// from its ticket. The hand-over scan then needs nothing but the ticket it scanned.

/** The last queue the server sent, and when this device got it (for "as of 01:12"). */
export type StoredQueue = { queue: VenueQueue; receivedAt: Date };

/** Of two reads of the queue (a snapshot's and the live feed's race), the one the server made last. */
export function newerQueue(current: StoredQueue | null, incoming: StoredQueue | null): StoredQueue | null {
  if (!incoming) return current;
  if (!current) return incoming;
  return incoming.queue.readAt.getTime() >= current.queue.readAt.getTime() ? incoming : current;
}

const samePickup = (a: TicketPickup | null, b: TicketPickup | null) =>
  a === b ||
  (a !== null &&
    b !== null &&
    a.requestId === b.requestId &&
    a.state === b.state &&
    a.railPosition === b.railPosition &&
    a.dueAt.getTime() === b.dueAt.getTime());

/** A ticket's request as the queue has it: its open one, else a coat still on the rail. */
function entriesByTicket(queue: VenueQueue): Map<string, PickupEntry> {
  const byTicket = new Map<string, PickupEntry>();
  for (const entry of queue.entries) {
    const held = byTicket.get(entry.ticketId);
    if (!held || !isOpenPickup(pickupOfEntry(held))) byTicket.set(entry.ticketId, entry);
  }
  return byTicket;
}

function pickupOfEntry(entry: PickupEntry): TicketPickup {
  return {
    requestId: entry.id,
    state: entry.state,
    dueAt: entry.dueAt,
    railPosition: entry.railPosition,
    uncollectedTo: entry.uncollectedTo,
  };
}

/**
 * The copy with each ticket's pickup as `queue` says (no entry: no request to work on), and
 * this device's still-queued pickup steps and hand-overs laid over it again. `unknown`: the
 * queue names tickets the copy does not hold yet, so a fresh snapshot is worth asking for.
 */
export function withQueuePickups(
  copy: Copy,
  queue: VenueQueue,
  queued: readonly Operation[],
): { copy: Copy; changed: OfflineTicket[]; unknown: boolean } {
  const byTicket = entriesByTicket(queue);
  const stepsByPublicId = new Map<string, Operation[]>();
  for (const operation of [...queued].sort((a, b) => a.seq - b.seq)) {
    if (!("publicId" in operation) || !operation.publicId) continue;
    stepsByPublicId.set(operation.publicId, [...(stepsByPublicId.get(operation.publicId) ?? []), operation]);
  }
  const known = new Set<string>();
  const changed: OfflineTicket[] = [];
  for (const ticket of copy.tickets.values()) {
    // A walk-in handed out here and not yet synced has no server id, and no request either.
    if (!ticket.id) continue;
    known.add(ticket.id);
    const entry = byTicket.get(ticket.id);
    let pickup: TicketPickup | null = entry ? pickupOfEntry(entry) : null;
    for (const operation of stepsByPublicId.get(ticket.publicId) ?? []) {
      if (operation.action === "PICKUP_START" || operation.action === "PICKUP_FETCHED") {
        if (isOpenPickup(pickup)) pickup = steppedPickup(pickup, operation.action);
      } else if (operation.action === "CHECK_OUT" || operation.action === "DETACH" || operation.action === "VOID") {
        pickup = null;
      }
    }
    if (!samePickup(ticket.pickup, pickup)) changed.push({ ...ticket, pickup });
  }
  const unknown = [...byTicket.keys()].some((ticketId) => !known.has(ticketId));
  if (changed.length === 0) return { copy, changed, unknown };
  const tickets = new Map(copy.tickets);
  for (const ticket of changed) tickets.set(ticket.publicId, ticket);
  return { copy: { ...copy, tickets }, changed, unknown };
}

/** A request on the counter's screen: the ticket to act on, and whether its rail place is still to come. */
export type CounterEntry = PickupEntry & {
  /** The ticket in the copy, to act on it; null when the copy does not hold it yet. */
  publicId: string | null;
  /** Fetched at this counter and not synced yet: the server has not given it a rail place. */
  placePending: boolean;
};

export type CounterQueue = Omit<VenueQueue, "entries"> & { entries: CounterEntry[] };

type TakenOperation = Pick<Operation, "action" | "takenAt"> & { publicId?: string };

/**
 * The queue as this counter knows it now: each request as its ticket in the copy has it, so
 * what the attendant did here shows at once, online or not. A request whose ticket no longer
 * has it (handed over, called off) is gone.
 */
export function counterQueue(queue: VenueQueue, copy: Copy, queued: readonly TakenOperation[], me: string | null): CounterQueue {
  const byId = new Map<string, OfflineTicket>();
  for (const ticket of copy.tickets.values()) if (ticket.id) byId.set(ticket.id, ticket);
  const takenAt = (publicId: string, action: Operation["action"]) =>
    queued.findLast((operation) => operation.publicId === publicId && operation.action === action)?.takenAt ?? null;

  const entries: CounterEntry[] = [];
  for (const entry of queue.entries) {
    const ticket = byId.get(entry.ticketId);
    if (!ticket) {
      entries.push({ ...entry, publicId: null, placePending: false });
      continue;
    }
    const pickup = ticket.pickup;
    if (!pickup || pickup.requestId !== entry.id) continue;
    const startedHere = pickup.state !== "QUEUED" && entry.state === "QUEUED";
    const fetchedHere = pickup.state === "READY" && entry.state !== "READY";
    entries.push({
      ...entry,
      publicId: ticket.publicId,
      state: pickup.state,
      railPosition: pickup.railPosition,
      dueAt: pickup.dueAt,
      fetchingAt: startedHere ? (takenAt(ticket.publicId, "PICKUP_START") ?? takenAt(ticket.publicId, "PICKUP_FETCHED")) : entry.fetchingAt,
      fetchingBy: startedHere ? me : entry.fetchingBy,
      readyAt: fetchedHere ? takenAt(ticket.publicId, "PICKUP_FETCHED") : entry.readyAt,
      placePending: pickup.state === "READY" && pickup.railPosition === null,
    });
  }
  return { ...queue, entries };
}

export type CounterWalk = { rackName: string; entries: CounterEntry[] };
export type LaterEntry = { entry: CounterEntry; dueInMinutes: number | null; waitingForPlace: boolean };

/** What the pickups panel shows, section by section. */
export type PickupSections = {
  /** Next to fetch, one walk per rack, coats in slot order. */
  walks: CounterWalk[];
  fetching: CounterEntry[];
  /** On the ready rail by place (those still waiting for one last), and coats kept there past their hold. */
  onRail: CounterEntry[];
  /** Queued, not to be fetched yet: wanted later, or waiting for a place under the venue's cap. */
  later: LaterEntry[];
};

export function pickupSections(queue: CounterQueue, now: Date): PickupSections {
  const byId = new Map(queue.entries.map((entry) => [entry.id, entry]));
  // planWalks hands back the very entries it was given, in walks.
  const walks = planWalks(queue, now).map((walk) => ({
    rackName: walk.rackName,
    entries: walk.entries.map((entry) => byId.get(entry.id)!),
  }));
  const walking = new Set(walks.flatMap((walk) => walk.entries.map((entry) => entry.id)));
  const places = queuedPlaces(queue, now);
  const railOrder = (entry: CounterEntry) => entry.railPosition ?? Number.MAX_SAFE_INTEGER;
  return {
    walks,
    fetching: queue.entries.filter((entry) => entry.state === "FETCHING"),
    onRail: queue.entries
      .filter((entry) => entry.state === "READY" || entry.railPosition !== null)
      .sort((a, b) => railOrder(a) - railOrder(b)),
    later: queue.entries
      .filter((entry) => entry.state === "QUEUED" && !walking.has(entry.id))
      .map((entry) => {
        const dueInMs = entry.dueAt.getTime() - now.getTime();
        return {
          entry,
          // Rounded, not up: a request made "in 5 min" by a clock a moment ahead reads 5, not 6.
          dueInMinutes: dueInMs > 0 ? Math.max(1, Math.round(dueInMs / 60_000)) : null,
          waitingForPlace: !(places.get(entry.id)?.inPlace ?? true),
        };
      }),
  };
}

/** A coat past its hold that goes back to its slot: still on the rail until an attendant hangs it back. */
export const goesBackToRack = (entry: PickupEntry) => entry.state === "UNCOLLECTED" && entry.uncollectedTo === "RACK";
