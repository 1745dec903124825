// The closing rush's rules, pure and browser-safe (docs/pickup.md): the server reads a venue's
// queue once and every view of it — the guest's position and estimate, the counter's walks
// along the racks, the pickup board's numbers — comes from these functions. The counter
// device runs the same ones on its last snapshot when the network is down.

export type PickupState = "QUEUED" | "FETCHING" | "READY" | "COLLECTED" | "CANCELLED" | "UNCOLLECTED";
export type PickupUncollected = "RACK" | "RAIL";

/** Requests still to be served: queued, being fetched, or waiting on the rail. */
export const OPEN_PICKUP_STATES: readonly PickupState[] = ["QUEUED", "FETCHING", "READY"];

/** How long a guest may ask to wait before the coat is fetched. */
export const PICKUP_DELAYS_MINUTES = [0, 5, 10] as const;
export type PickupDelay = (typeof PICKUP_DELAYS_MINUTES)[number];

/** Fetch time assumed until tonight has this many measured fetches at the venue. */
export const MIN_FETCH_SAMPLES = 3;
export const DEFAULT_FETCH_SECONDS = 60;

export type PickupSlot = { id: string; number: number; kind: "HANGER" | "SHELF"; rackName: string };

/** One request as the venue's staff see it in the queue: ticket number and slot, no guest data. */
export type PickupEntry = {
  id: string;
  ticketId: string;
  ticketNumber: number;
  state: PickupState;
  requestedBy: "GUEST" | "COUNTER";
  requestedAt: Date;
  dueAt: Date;
  fetchingAt: Date | null;
  fetchingBy: string | null;
  readyAt: Date | null;
  railPosition: number | null;
  uncollectedTo: PickupUncollected | null;
  slot: PickupSlot | null;
};

export type PickupRules = {
  enabled: boolean;
  /** Requests holding a place at once: queued, being fetched, or on the rail. */
  queueCap: number;
  holdMinutes: number;
  uncollected: PickupUncollected;
};

/** A venue's queue as read once, for every view of it. */
export type VenueQueue = {
  venueId: string;
  venueName: string;
  readAt: Date;
  rules: PickupRules;
  /** Tonight's median time from "being fetched" to "on the rail", or the default. */
  fetchSeconds: number;
  /** How many fetches tonight that median rests on. */
  fetchSamples: number;
  /** Attendants on shift at the venue now (at least 1, for the estimate). */
  attendants: number;
  /**
   * Open requests, and coats still on the rail after their hold, in the queue's one order:
   * by when the coat is wanted (now, or in 5 or 10 minutes), then by arrival at the server.
   */
  entries: PickupEntry[];
};

export type QueuedPlace = {
  /** 1 for the next coat to fetch. */
  position: number;
  /** Within the venue's cap: attendants fetch it; beyond, it waits for a place. */
  inPlace: boolean;
  /** Minutes until it should be on the rail, from tonight's fetch times. */
  estimateMinutes: number;
};

/** A coat on its way to the rail or hanging there (kept there after its hold, too) holds a place. */
function onTheWayOrRail(entry: PickupEntry) {
  return entry.state === "FETCHING" || onTheRail(entry);
}

/** On the ready rail for its guest: ready, or kept there after its hold (RAIL). */
export function onTheRail(entry: Pick<PickupEntry, "state" | "uncollectedTo" | "railPosition">) {
  return entry.railPosition !== null && (entry.state === "READY" || (entry.state === "UNCOLLECTED" && entry.uncollectedTo === "RAIL"));
}

// Every guest's page asks for its place in the same read of the queue: worked out once per
// read, and again only when the estimates (which count down to a request's due time) are
// seconds old.
const placesByQueue = new WeakMap<object, { at: number; places: Map<string, QueuedPlace> }>();
const PLACES_FRESH_MS = 5_000;

/**
 * Positions of the queued requests (entries already in queue order). Requests being fetched
 * or on the rail hold places first; queued ones take the remaining places in order.
 */
export function queuedPlaces(queue: Pick<VenueQueue, "entries" | "rules" | "fetchSeconds" | "attendants">, now: Date) {
  const known = placesByQueue.get(queue);
  if (known && Math.abs(known.at - now.getTime()) < PLACES_FRESH_MS) return known.places;
  const holding = queue.entries.filter(onTheWayOrRail).length;
  const places = new Map<string, QueuedPlace>();
  const attendants = Math.max(1, queue.attendants);
  let position = 0;
  for (const entry of queue.entries) {
    if (entry.state !== "QUEUED") continue;
    position += 1;
    const waitForDue = Math.max(0, entry.dueAt.getTime() - now.getTime()) / 1000;
    const rounds = Math.ceil(position / attendants);
    const seconds = waitForDue + rounds * queue.fetchSeconds;
    places.set(entry.id, {
      position,
      inPlace: queue.rules.queueCap === 0 || holding + position <= queue.rules.queueCap,
      estimateMinutes: Math.max(1, Math.round(seconds / 60)),
    });
  }
  placesByQueue.set(queue, { at: now.getTime(), places });
  return places;
}

/** Minutes until a coat being fetched should be on the rail. */
export function fetchingEstimateMinutes(entry: Pick<PickupEntry, "fetchingAt">, fetchSeconds: number, now: Date) {
  const elapsed = entry.fetchingAt ? (now.getTime() - entry.fetchingAt.getTime()) / 1000 : 0;
  return Math.max(1, Math.round((fetchSeconds - elapsed) / 60));
}

/** One walk along one rack: the coats to bring back from it, in slot order. */
export type PickupWalk = { rackName: string; entries: PickupEntry[] };

/** Requests due this soon are worth fetching on the walk that starts now. */
const DUE_SOON_MS = 60_000;

/**
 * What attendants fetch next: queued requests that hold a place and are due (or nearly),
 * grouped by rack and in slot order there, so one walk brings several coats. Walks come in
 * the order of their earliest request, so nobody waits behind a later rack.
 */
export function planWalks(queue: Pick<VenueQueue, "entries" | "rules" | "fetchSeconds" | "attendants">, now: Date): PickupWalk[] {
  const places = queuedPlaces(queue, now);
  const walks = new Map<string, PickupWalk>();
  for (const entry of queue.entries) {
    const place = places.get(entry.id);
    if (!place?.inPlace || entry.dueAt.getTime() > now.getTime() + DUE_SOON_MS) continue;
    const rackName = entry.slot?.rackName ?? "";
    const walk = walks.get(rackName) ?? { rackName, entries: [] };
    walk.entries.push(entry);
    walks.set(rackName, walk);
  }
  for (const walk of walks.values()) walk.entries.sort((a, b) => (a.slot?.number ?? 0) - (b.slot?.number ?? 0));
  return [...walks.values()];
}

/** What the pickup board shows: ticket numbers only. */
export type PickupBoardView = {
  venueName: string;
  /** Being fetched, or next in line (holding a place and due). */
  getting: number[];
  /** On the ready rail, with the place to look. */
  ready: { ticketNumber: number; railPosition: number | null }[];
};

export function boardOf(queue: VenueQueue, now: Date): PickupBoardView {
  const places = queuedPlaces(queue, now);
  const getting = queue.entries.filter(
    (entry) =>
      entry.state === "FETCHING" || (entry.state === "QUEUED" && places.get(entry.id)?.inPlace && entry.dueAt.getTime() <= now.getTime()),
  );
  const ready = queue.entries
    .filter(onTheRail)
    .sort((a, b) => (a.railPosition ?? 0) - (b.railPosition ?? 0))
    .map((entry) => ({ ticketNumber: entry.ticketNumber, railPosition: entry.railPosition }));
  return { venueName: queue.venueName, getting: getting.map((entry) => entry.ticketNumber), ready };
}

/** A guest's request as their ticket's page shows it. */
export type GuestPickup = {
  id: string;
  state: PickupState;
  requestedAt: Date;
  dueAt: Date;
  /** For a queued request: its place in the queue, and whether it is waiting for a place. */
  position: number | null;
  waitingForPlace: boolean;
  /** Minutes until the coat should be ready, while it is queued or being fetched. */
  estimateMinutes: number | null;
  railPosition: number | null;
  readyAt: Date | null;
  /** When a coat on the rail stops waiting for its guest. */
  holdUntil: Date | null;
  uncollectedTo: PickupUncollected | null;
  collectedAt: Date | null;
  cancelledAt: Date | null;
};

/** The request's public view, placed in its venue's queue when it is still open. */
export function guestPickupOf(
  request: Omit<GuestPickup, "position" | "waitingForPlace" | "estimateMinutes" | "holdUntil"> & { fetchingAt: Date | null },
  queue: VenueQueue | null,
  now: Date,
): GuestPickup {
  const place = queue && request.state === "QUEUED" ? queuedPlaces(queue, now).get(request.id) : undefined;
  const { fetchingAt, ...view } = request;
  return {
    ...view,
    position: place?.position ?? null,
    waitingForPlace: place ? !place.inPlace : false,
    estimateMinutes:
      place?.estimateMinutes ??
      (request.state === "FETCHING" && queue ? fetchingEstimateMinutes({ fetchingAt }, queue.fetchSeconds, now) : null),
    holdUntil:
      request.state === "READY" && request.readyAt && queue ? new Date(request.readyAt.getTime() + queue.rules.holdMinutes * 60_000) : null,
  };
}
