import type { RouterOutputs } from "@qrcoats/api";
import {
  codeCheckOf,
  type OfflineSlot,
  type OfflineTicket,
  type Operation,
  type Preparation,
  type SyncResult,
  type VenueQueue,
} from "@qrcoats/api/client";
import { openDB, deleteDB, type DBSchema, type IDBPDatabase } from "idb";
import {
  applyOperation,
  paymentNotAsked,
  rebase,
  withOperation,
  type Applied,
  type Copy,
  type NewOperation,
  type PooledTicket,
  type Refusal,
  type Venue,
} from "./local-counter";
import { newerQueue, withQueuePickups, type StoredQueue } from "./pickup-queue";

// The counter device's state in IndexedDB (docs/offline.md, "What the device stores"): its
// venue, tonight's tickets there, the walk-in pool, the operations not yet acknowledged and
// the conflicts not yet read. Every change is one transaction, written before the screen says
// anything was done; memory mirrors the database for the screens to read synchronously.

const DATABASE = "qrcoats-counter";

export type SignedInMe = NonNullable<RouterOutputs["auth"]["me"]>;

export type DeviceRecord = {
  deviceId: string;
  /** Who the device was prepared for: used when the network cannot say who is signed in. */
  me: SignedInMe;
  venue: Venue & { currency: string };
  slots: OfflineSlot[];
  leasedSlotIds: string[];
  /** The last operation the server acknowledged. */
  ackedSeq: number;
  /** The seq the next operation gets. */
  nextSeq: number;
  /** When the last snapshot arrived: null until the first one. */
  preparedAt: Date | null;
  /** The venue's pickup queue as the server last sent it (absent on devices stored before pickups). */
  pickupQueue?: StoredQueue | null;
};

export type ConflictNotice = {
  opId: string;
  seq: number;
  ticketNumber: number | null;
  /** What the device had done, in the attendant's words. */
  did: string;
  message: string;
  advice: string | null;
  takenAt: Date;
};

type QueuedOperation = Operation & { described: string };

interface CounterDB extends DBSchema {
  device: { key: "current"; value: DeviceRecord };
  tickets: { key: string; value: OfflineTicket };
  pool: { key: string; value: PooledTicket };
  operations: { key: number; value: QueuedOperation };
  notices: { key: string; value: ConflictNotice };
}

export type DeviceState = {
  record: DeviceRecord;
  copy: Copy | null;
  queued: QueuedOperation[];
  notices: ConflictNotice[];
};

let database: Promise<IDBPDatabase<CounterDB>> | null = null;
const open = () =>
  (database ??= openDB<CounterDB>(DATABASE, 1, {
    upgrade(db) {
      db.createObjectStore("device");
      db.createObjectStore("tickets", { keyPath: "publicId" });
      db.createObjectStore("pool", { keyPath: "publicId" });
      db.createObjectStore("operations", { keyPath: "seq" });
      db.createObjectStore("notices", { keyPath: "opId" });
    },
  }));

let state: DeviceState | null = null;
const listeners = new Set<() => void>();
function publish(next: DeviceState | null) {
  state = next;
  for (const listener of listeners) listener();
}

export const deviceStore = {
  subscribe: (listener: () => void) => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
  get: () => state,
};

// One change at a time: seq numbers are handed out in the order the attendant acted, and a
// snapshot is merged against the queue as it is when the merge runs.
let tail: Promise<unknown> = Promise.resolve();
function serially<T>(work: () => Promise<T>): Promise<T> {
  const run = tail.then(work, work);
  tail = run.catch(() => {});
  return run;
}

const copyOf = (record: DeviceRecord, tickets: OfflineTicket[], pool: PooledTicket[]): Copy | null =>
  record.preparedAt
    ? {
        venue: record.venue,
        slots: record.slots,
        leasedSlotIds: record.leasedSlotIds,
        tickets: new Map(tickets.map((ticket) => [ticket.publicId, ticket])),
        pool: [...pool].sort((a, b) => a.number - b.number),
      }
    : null;

/** The device this browser holds, as stored: for the session check offline, before the counter loads. */
export async function readDevice(): Promise<DeviceRecord | null> {
  // Asking must not create the database in a guest's browser.
  if ("databases" in indexedDB && !(await indexedDB.databases()).some((database) => database.name === DATABASE)) return null;
  return (await (await open()).get("device", "current")) ?? null;
}

/**
 * The counter's device for this person at this venue: the one stored if it is theirs (its
 * queue survives signing in again), else a fresh one. Another person's device is erased
 * first: what one attendant did offline is never sent in another's name.
 */
export function openDevice(me: SignedInMe, venue: Venue & { currency: string }): Promise<DeviceState> {
  return serially(async () => {
    const db = await open();
    const stored = await db.get("device", "current");
    if (stored && stored.me.user.id !== me.user.id) {
      await clearAll(db);
    } else if (stored) {
      const queued = await db.getAll("operations");
      // With nothing waiting, the device follows the attendant to another venue; with
      // actions waiting it stays where they were taken until they are sent.
      if (stored.venue.id === venue.id || queued.length > 0) {
        const record = { ...stored, me };
        await db.put("device", record, "current");
        return loaded(db, record);
      }
      await clearAll(db);
    }
    const record: DeviceRecord = {
      deviceId: crypto.randomUUID(),
      me,
      venue: { ...venue },
      slots: [],
      leasedSlotIds: [],
      ackedSeq: 0,
      nextSeq: 1,
      preparedAt: null,
    };
    await db.put("device", record, "current");
    return loaded(db, record);
  });
}

/** The stored device as it is, when the network cannot say who is signed in. */
export function resumeDevice(): Promise<DeviceState | null> {
  return serially(async () => {
    const db = await open();
    const record = await db.get("device", "current");
    return record ? loaded(db, record) : null;
  });
}

async function loaded(db: IDBPDatabase<CounterDB>, record: DeviceRecord): Promise<DeviceState> {
  const [tickets, pool, queued, notices] = await Promise.all([
    db.getAll("tickets"),
    db.getAll("pool"),
    db.getAll("operations"),
    db.getAll("notices"),
  ]);
  const next = { record, copy: copyOf(record, tickets, pool), queued, notices: notices.sort((a, b) => a.seq - b.seq) };
  publish(next);
  return next;
}

async function clearAll(db: IDBPDatabase<CounterDB>) {
  const tx = db.transaction(["device", "tickets", "pool", "operations", "notices"], "readwrite");
  await Promise.all([...tx.objectStoreNames].map((name) => tx.objectStore(name).clear()));
  await tx.done;
}

export type Taken = { allowed: true; operation: Operation; applied: Applied; state: DeviceState };

/**
 * Takes an action on the device: `build` names it against the copy as it is at that moment
 * (so two quick check-ins never pick one slot), the state machine decides, and the action is
 * numbered, applied to the copy and queued in one transaction. Resolves once it is stored,
 * and only then may the screen say it was done. A refusal is stored only for scans, which
 * the server records either way.
 */
export function enqueue(
  build: (copy: Copy) => NewOperation | Refusal,
  describe: (applied: Applied, operation: NewOperation) => string,
): Promise<Taken | Refusal> {
  return serially(async () => {
    const current = requireState();
    if (!current.copy) return { allowed: false, reason: "NOT_PREPARED", message: NOT_PREPARED } as const;
    const built = build(current.copy);
    if ("allowed" in built) return built;
    const notAsked = paymentNotAsked(current.copy, built);
    if (notAsked) return notAsked;
    const takenAt = new Date();
    const applied = applyOperation(current.copy, built, takenAt);
    if (!applied.allowed) return applied;

    const record = current.record;
    const queuedOperation = {
      ...built,
      opId: crypto.randomUUID(),
      seq: record.nextSeq,
      takenAt,
      described: describe(applied, built),
    } as QueuedOperation;
    const copy = withOperation(current.copy, queuedOperation);
    const nextRecord = { ...record, nextSeq: record.nextSeq + 1 };

    const db = await open();
    const tx = db.transaction(["device", "tickets", "pool", "operations"], "readwrite");
    const writes: Promise<unknown>[] = [
      tx.objectStore("device").put(nextRecord, "current"),
      tx.objectStore("operations").add(queuedOperation),
    ];
    if (applied.ticket) writes.push(tx.objectStore("tickets").put(applied.ticket));
    if (queuedOperation.action === "ISSUE_WALK_IN") writes.push(tx.objectStore("pool").delete(queuedOperation.publicId));
    await Promise.all([...writes, tx.done]);

    const next = { ...current, record: nextRecord, copy, queued: [...current.queued, queuedOperation] };
    publish(next);
    return { allowed: true, operation: stripDescription(queuedOperation), applied, state: next } as const;
  });
}

export const NOT_PREPARED =
  "This counter has not received tonight's tickets yet. Connect to the network once, then it also works without one.";

function stripDescription({ described: _, ...operation }: QueuedOperation): Operation {
  return operation;
}

/** The oldest waiting operations, as the server takes them. */
export function waitingOperations(limit: number): Operation[] {
  return (state?.queued ?? []).slice(0, limit).map(stripDescription);
}

/**
 * A fresh snapshot: the server's tickets with what is still queued laid over them. A snapshot
 * older than an acknowledgement already merged is ignored: it would undo those operations.
 */
export function mergePreparation(preparation: Preparation, currency: string): Promise<DeviceState | null> {
  return serially(async () => {
    const current = requireState();
    if (preparation.lastSeq < current.record.ackedSeq) return current;
    const queued = current.queued.filter((operation) => operation.seq > preparation.lastSeq);
    const pool = await Promise.all(
      preparation.walkInPool.map(async (ticket) => ({ ...ticket, codeCheck: await codeCheckOf(ticket.code) })),
    );
    const offered = preparation.pickupQueue ? { queue: preparation.pickupQueue, receivedAt: new Date() } : null;
    const pickupQueue = newerQueue(current.record.pickupQueue ?? null, offered);
    const record: DeviceRecord = {
      ...current.record,
      venue: { ...preparation.venue, currency },
      slots: preparation.slots,
      leasedSlotIds: preparation.leasedSlotIds,
      ackedSeq: preparation.lastSeq,
      // A device restored from an older copy never reuses a number the server has seen.
      nextSeq: Math.max(current.record.nextSeq, preparation.lastSeq + 1),
      preparedAt: new Date(),
      pickupQueue,
    };
    const snapshot = copyOf(record, preparation.tickets, pool)!;
    let copy = rebase(snapshot, queued);
    // The live feed may have sent a queue read after this snapshot: its requests are newer.
    if (pickupQueue && pickupQueue !== offered) copy = withQueuePickups(copy, pickupQueue.queue, queued).copy;

    const db = await open();
    const tx = db.transaction(["device", "tickets", "pool", "operations"], "readwrite");
    const tickets = tx.objectStore("tickets");
    const poolStore = tx.objectStore("pool");
    const operations = tx.objectStore("operations");
    await Promise.all([
      tx.objectStore("device").put(record, "current"),
      tickets.clear().then(() => Promise.all([...copy.tickets.values()].map((ticket) => tickets.put(ticket)))),
      poolStore.clear().then(() => Promise.all(copy.pool.map((ticket) => poolStore.put(ticket)))),
      ...current.queued.filter((operation) => operation.seq <= preparation.lastSeq).map((operation) => operations.delete(operation.seq)),
      tx.done,
    ]);
    const next = { ...current, record, copy, queued };
    publish(next);
    return next;
  });
}

/**
 * The server's answer to a batch: acknowledged operations leave the queue, each ticket it
 * names takes the server's state with later queued operations laid over it, and conflicts
 * are kept until the attendant has read them.
 */
export function acknowledge(result: SyncResult): Promise<DeviceState> {
  return serially(async () => {
    const current = requireState();
    const acked = current.queued.filter((operation) => operation.seq <= result.lastSeq);
    const queued = current.queued.filter((operation) => operation.seq > result.lastSeq);
    const bySeq = new Map(acked.map((operation) => [operation.seq, operation]));
    const notices: ConflictNotice[] = result.outcomes
      .filter((outcome) => outcome.status === "CONFLICT" && !current.notices.some((notice) => notice.opId === outcome.opId))
      .map((outcome) => ({
        opId: outcome.opId,
        seq: outcome.seq,
        ticketNumber: outcome.ticket?.number ?? null,
        did: bySeq.get(outcome.seq)?.described ?? "An action",
        message: outcome.message ?? "Another counter changed this ticket first.",
        advice: outcome.advice,
        takenAt: bySeq.get(outcome.seq)?.takenAt ?? new Date(),
      }));

    let copy = current.copy;
    const changed = new Map<string, OfflineTicket>();
    if (copy) {
      for (const outcome of result.outcomes) if (outcome.ticket) changed.set(outcome.ticket.publicId, outcome.ticket);
      if (changed.size > 0) {
        const tickets = new Map(copy.tickets);
        for (const ticket of changed.values()) tickets.set(ticket.publicId, ticket);
        copy = rebase(
          { ...copy, tickets },
          queued.filter((operation) => "publicId" in operation && operation.publicId !== undefined && changed.has(operation.publicId)),
        );
      }
    }
    const record = { ...current.record, ackedSeq: Math.max(current.record.ackedSeq, result.lastSeq) };

    const db = await open();
    const tx = db.transaction(["device", "tickets", "operations", "notices"], "readwrite");
    await Promise.all([
      tx.objectStore("device").put(record, "current"),
      ...acked.map((operation) => tx.objectStore("operations").delete(operation.seq)),
      ...[...changed.keys()].map((publicId) => tx.objectStore("tickets").put(copy!.tickets.get(publicId)!)),
      ...notices.map((notice) => tx.objectStore("notices").put(notice)),
      tx.done,
    ]);
    const next = { ...current, record, copy, queued, notices: [...current.notices, ...notices] };
    publish(next);
    return next;
  });
}

/**
 * The venue's pickup queue from the live feed: kept (for the counter offline), and its
 * requests written into the tickets, with this device's queued steps laid over them, so a
 * scan knows at once that a coat is on the rail. A queue older than the one held is ignored.
 * Answers whether the queue names tickets the copy does not hold yet.
 */
export function takePickupQueue(queue: VenueQueue): Promise<{ unknown: boolean }> {
  return serially(async () => {
    // The feed may still speak as the counter signs out and its device is erased.
    const current = state;
    if (!current) return { unknown: false };
    const offered = { queue, receivedAt: new Date() };
    if (newerQueue(current.record.pickupQueue ?? null, offered) !== offered) return { unknown: false };
    const record = { ...current.record, pickupQueue: offered };
    const merged = current.copy ? withQueuePickups(current.copy, queue, current.queued) : null;

    const db = await open();
    const tx = db.transaction(["device", "tickets"], "readwrite");
    await Promise.all([
      tx.objectStore("device").put(record, "current"),
      ...(merged?.changed ?? []).map((ticket) => tx.objectStore("tickets").put(ticket)),
      tx.done,
    ]);
    publish({ ...current, record, copy: merged?.copy ?? current.copy });
    return { unknown: merged?.unknown ?? false };
  });
}

/**
 * A ticket the server changed outside the queue (an online check-in on a slot this counter
 * does not lease): the copy takes the server's word, with queued operations laid over it.
 */
export function takeServerTicket(publicId: string, change: Partial<OfflineTicket>): Promise<DeviceState> {
  return serially(async () => {
    const current = requireState();
    const existing = current.copy?.tickets.get(publicId);
    if (!current.copy || !existing) return current;
    const tickets = new Map(current.copy.tickets).set(publicId, { ...existing, ...change });
    const copy = rebase(
      { ...current.copy, tickets },
      current.queued.filter((operation) => "publicId" in operation && operation.publicId === publicId),
    );
    await (await open()).put("tickets", copy.tickets.get(publicId)!);
    const next = { ...current, copy };
    publish(next);
    return next;
  });
}

export function dismissNotice(opId: string): Promise<void> {
  return serially(async () => {
    const current = requireState();
    await (await open()).delete("notices", opId);
    publish({ ...current, notices: current.notices.filter((notice) => notice.opId !== opId) });
  });
}

/** Operations not yet acknowledged, counted in the database (the counter may not be open). */
export async function waitingCount(): Promise<number> {
  return (await open()).count("operations");
}

/** Sign-out: the device and everything it held are erased. */
export function eraseDevice(): Promise<void> {
  return serially(async () => {
    if (database) (await database).close();
    database = null;
    await deleteDB(DATABASE);
    publish(null);
  });
}

function requireState(): DeviceState {
  if (!state) throw new Error("The counter's device is not open.");
  return state;
}
