import type { PickupDelay } from "@qrcoats/api/client";
import { useSyncExternalStore } from "react";
import { normalizeCode } from "./saved-tickets";

/**
 * "I'm leaving" taps not yet answered by the server, kept on the device: a guest in a
 * basement taps with no signal, and the request goes when the phone is back online — after a
 * reload too. Each keeps the id made at the tap, so however often it is sent the server
 * applies it once.
 */
export type PendingPickup = { code: string; requestId: string; delayMinutes: PickupDelay; tappedAt: number };

const STORAGE_KEY = "qrcoats.pickup-requests.v1";
/** A tap older than this is from another night: sending it now would fetch a coat nobody waits for. */
const STALE_MS = 2 * 3_600_000;

const listeners = new Set<() => void>();
let cache: PendingPickup[] | null = null;

function read(): PendingPickup[] {
  if (cache) return cache;
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "[]");
    cache = Array.isArray(parsed) ? (parsed as PendingPickup[]).filter((pending) => Date.now() - pending.tappedAt < STALE_MS) : [];
  } catch {
    cache = [];
  }
  return cache;
}

function write(pending: PendingPickup[]) {
  cache = pending;
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(pending));
  } catch {
    // Private mode or a full disk: the request still goes while this page stays open.
  }
  listeners.forEach((listener) => listener());
}

/** Keeps a tap until the server has answered it; one per ticket, the latest tap wins. */
export function keepPendingPickup(pending: PendingPickup) {
  const code = normalizeCode(pending.code);
  write([{ ...pending, code }, ...read().filter((other) => other.code !== code)]);
}

/** The server answered this tap (accepted or refused), or the guest took it back: it is not to be sent again. */
export function forgetPendingPickup(requestId: string) {
  write(read().filter((pending) => pending.requestId !== requestId));
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  // Another tab of the app sent or kept a request.
  const onStorage = (event: StorageEvent) => {
    if (event.key !== STORAGE_KEY) return;
    cache = null;
    listener();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

export function usePendingPickup(code: string): PendingPickup | undefined {
  const all = useSyncExternalStore(subscribe, read);
  return all.find((pending) => pending.code === normalizeCode(code));
}
