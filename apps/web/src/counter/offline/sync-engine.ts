import { MAX_SYNC_BATCH } from "@qrcoats/api/client";
import { errorCode, queryClient, trpc, trpcClient } from "@qrcoats/ui";
import { onlineManager } from "@tanstack/react-query";
import { acknowledge, deviceStore, mergePreparation, waitingOperations } from "./device-store";

// Sends the device's queue, oldest first, one call at a time, and asks for a fresh snapshot
// after: the only code that talks to the offline procedures. It never drops an operation the
// server has not acknowledged; on a network failure it waits (1, 2, 4 … 15 s) or until the
// browser says it is online again, and on an expired session it waits for a sign-in.

export type SyncPhase = "idle" | "sending" | "offline" | "signedOut";

export type SyncStatus = {
  phase: SyncPhase;
  /** Since when the network has failed us: the browser's word or a failed call. */
  offlineSince: Date | null;
  lastSyncedAt: Date | null;
  /** The last failure other than the network, for the attendant. */
  problem: string | null;
};

const REFRESH_EVERY_MS = 30_000;

// TanStack Query starts out assuming a network; a counter reopened in a basement has none.
if (!navigator.onLine) onlineManager.setOnline(false);
const MAX_BACKOFF_MS = 15_000;

// Since when it is offline and when it last synced outlive a reload: a page reopened in the
// basement must not say it went offline just now.
const REMEMBERED = "qrcoats.counterSync";
type Remembered = { offlineSince: string | null; lastSyncedAt: string | null };

function remembered(): Remembered {
  try {
    return { offlineSince: null, lastSyncedAt: null, ...(JSON.parse(localStorage.getItem(REMEMBERED) ?? "{}") as Partial<Remembered>) };
  } catch {
    return { offlineSince: null, lastSyncedAt: null };
  }
}

const earlier = remembered();
const dateOr = (text: string | null, fallback: Date | null) => (text ? new Date(text) : fallback);

let status: SyncStatus = {
  phase: onlineManager.isOnline() ? "idle" : "offline",
  offlineSince: onlineManager.isOnline() ? null : dateOr(earlier.offlineSince, new Date()),
  lastSyncedAt: dateOr(earlier.lastSyncedAt, null),
  problem: null,
};
const listeners = new Set<() => void>();
function setStatus(change: Partial<SyncStatus>) {
  status = { ...status, ...change };
  const keep: Remembered = {
    offlineSince: status.offlineSince?.toISOString() ?? null,
    lastSyncedAt: status.lastSyncedAt?.toISOString() ?? null,
  };
  localStorage.setItem(REMEMBERED, JSON.stringify(keep));
  for (const listener of listeners) listener();
}

export const syncStatus = {
  subscribe: (listener: () => void) => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
  get: () => status,
};

let running = false;
let again = false;
let backoffMs = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let currency = "EUR";
let snapshotWanted = true;
let snapshotAt = 0;

/** Runs a round now (or right after the one in flight): send what waits, then refresh. */
export function wake() {
  clearTimeout(retryTimer);
  if (running) {
    again = true;
    return;
  }
  running = true;
  void (async () => {
    try {
      do {
        again = false;
        await round();
      } while (again);
    } finally {
      running = false;
    }
  })();
}

type Failure = "network" | "signedOut" | "busy" | "refused" | "offShift";

/** The counter refusal's reason the server sends with it (NOT_ON_SHIFT, PAYMENT_DUE …), if any. */
export function refusalReason(error: unknown): string | null {
  return (error as { data?: { reason?: string | null } } | null)?.data?.reason ?? null;
}

/**
 * The server says the attendant is not on shift at this venue (clocked out on another device,
 * say): the shift is read again, and the counter shows its clock-in prompt.
 */
export function notOnShift() {
  void queryClient.invalidateQueries({ queryKey: trpc.shift.current.queryKey() });
}

function classify(error: unknown): Failure {
  const code = errorCode(error);
  const httpStatus = (error as { data?: { httpStatus?: number } } | null)?.data?.httpStatus;
  if (code === undefined || httpStatus === undefined || httpStatus >= 500) return "network";
  if (code === "UNAUTHORIZED") return "signedOut";
  if (refusalReason(error) === "NOT_ON_SHIFT") return "offShift";
  // "Sync in progress" from the server: another of this device's calls is still being applied.
  if (code === "CONFLICT" || code === "TOO_MANY_REQUESTS") return "busy";
  return "refused";
}

async function round() {
  const device = deviceStore.get();
  if (!device) return;
  if (!onlineManager.isOnline()) {
    setStatus({ phase: "offline", offlineSince: status.offlineSince ?? new Date() });
    return;
  }
  const { deviceId, venue } = device.record;
  try {
    for (let batch = waitingOperations(MAX_SYNC_BATCH); batch.length > 0; batch = waitingOperations(MAX_SYNC_BATCH)) {
      setStatus({ phase: "sending" });
      // sentAt lets the server correct every takenAt by how far this device's clock is off.
      const result = await trpcClient.offline.sync.mutate({ venueId: venue.id, deviceId, sentAt: new Date(), operations: batch });
      await acknowledge(result);
      // A conflict means a colleague acted meanwhile: the rest of the copy may be stale too.
      if (result.outcomes.some((outcome) => outcome.status === "CONFLICT")) snapshotWanted = true;
      if (result.outcomes.some((outcome) => outcome.reason === "NOT_ON_SHIFT")) notOnShift();
      if (result.lastSeq < batch[0]!.seq) throw new Error("The server acknowledged none of the batch.");
    }
    // The whole snapshot is the heavier call: asked for on opening, after a conflict, when
    // the network returns, on an unknown scan, and every 30 s, not after every action.
    if (snapshotWanted || Date.now() - snapshotAt >= REFRESH_EVERY_MS) {
      const preparation = await trpcClient.offline.prepare.mutate({ venueId: venue.id, deviceId });
      await mergePreparation(preparation, currency);
      snapshotWanted = false;
      snapshotAt = Date.now();
    }
    backoffMs = 0;
    setStatus({ phase: "idle", offlineSince: null, lastSyncedAt: new Date(), problem: null });
    scheduleRetry(REFRESH_EVERY_MS);
  } catch (error) {
    const failure = classify(error);
    if (failure === "signedOut") {
      setStatus({ phase: "signedOut" });
      return;
    }
    if (failure === "offShift") {
      // Nothing to retry until the clock-in, which asks for the snapshot itself.
      notOnShift();
      setStatus({ phase: "idle", problem: null });
      return;
    }
    backoffMs = Math.min(backoffMs === 0 ? 1000 : backoffMs * 2, MAX_BACKOFF_MS);
    if (failure === "network") setStatus({ phase: "offline", offlineSince: status.offlineSince ?? new Date() });
    else if (failure === "refused") setStatus({ phase: "idle", problem: error instanceof Error ? error.message : String(error) });
    else setStatus({ phase: "idle" });
    scheduleRetry(backoffMs);
  }
}

function scheduleRetry(delayMs: number) {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(wake, delayMs);
}

/** The counter opened (or the venue's currency is known): start syncing, and keep at it. */
export function startSyncing(venueCurrency: string) {
  currency = venueCurrency;
  snapshotWanted = true;
  wake();
}

let snapshotSoon: ReturnType<typeof setTimeout> | undefined;

/**
 * Something changed at the venue (a colleague's counter acted): refresh the copy shortly,
 * once for a burst of changes, so an online counter sees its colleagues' work in a second
 * rather than at the next 30 s refresh.
 */
export function requestSnapshot() {
  snapshotWanted = true;
  snapshotSoon ??= setTimeout(() => {
    snapshotSoon = undefined;
    wake();
  }, 500);
}

/** A round that also tells whether the snapshot could be refreshed, for an unknown scan. */
export async function refreshNow(): Promise<boolean> {
  const before = snapshotAt;
  snapshotWanted = true;
  wake();
  while (running) await new Promise((resolve) => setTimeout(resolve, 50));
  return snapshotAt !== before;
}

// An action taken on the counter goes out at once when it can.
let lastQueuedSeq = 0;
deviceStore.subscribe(() => {
  const newest = deviceStore.get()?.queued.at(-1)?.seq ?? 0;
  if (newest > lastQueuedSeq) {
    lastQueuedSeq = newest;
    if (status.phase !== "signedOut") wake();
  }
});

onlineManager.subscribe((online) => {
  if (online) {
    backoffMs = 0;
    snapshotWanted = true;
    wake();
  } else {
    setStatus({ phase: "offline", offlineSince: status.offlineSince ?? new Date() });
  }
});

const RELEASE_PENDING = "qrcoats.releasePending";

/**
 * Sign-out: stop, and hand the device's lease and pool back — now, or, with no network, before
 * the remembered sign-out reaches the server (`releasePendingDevice`), so a phone signed out
 * in the basement does not keep the venue's slots for the rest of the night.
 */
export async function stopSyncing(deviceId: string) {
  clearTimeout(retryTimer);
  localStorage.removeItem(REMEMBERED);
  await trpcClient.offline.release.mutate({ deviceId }).catch(() => localStorage.setItem(RELEASE_PENDING, deviceId));
}

/** Gives back what a device signed out offline still holds; called before the sign-out itself reaches the server. */
export async function releasePendingDevice() {
  const deviceId = localStorage.getItem(RELEASE_PENDING);
  if (!deviceId) return;
  await trpcClient.offline.release.mutate({ deviceId }).catch(() => {});
  localStorage.removeItem(RELEASE_PENDING);
}
