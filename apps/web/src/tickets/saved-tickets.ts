import type { RouterOutputs } from "@qrcoats/api";
import type { TicketState } from "@qrcoats/ui";
import { ticketUrl } from "@qrcoats/api/client";
import { useSyncExternalStore } from "react";

/**
 * Tickets kept on this device, so that a ticket shown once opens again in a basement with
 * no signal, after a reload too. The network only ever refreshes this copy; pages render
 * from it, so nothing jumps when an answer arrives. The QR is drawn from the code, so no
 * image is kept.
 */
export type SavedTicket = {
  code: string;
  /** Known to the ticket's owner (and staff); null for a ticket opened from its link alone. */
  id: string | null;
  number: number;
  venueName: string;
  state: TicketState;
  /** Only the owner learns the slot; the public view never carries it. */
  slotNumber: number | null;
  /** When the server last told this device about the ticket (ms since the epoch). */
  heardAt: number;
};

type OwnedTicket = Pick<RouterOutputs["qr"]["get"], "code" | "id" | "number" | "state" | "slotNumber" | "venue">;
type PublicView = RouterOutputs["qr"]["view"];

const STORAGE_KEY = "qrcoats.tickets.v1";
const MAX_KEPT = 30;
const FINISHED_KEPT_MS = 7 * 24 * 3600_000;
const ACTIVE: readonly TicketState[] = ["ISSUED", "CHECKED_IN", "FORGOTTEN"];

const listeners = new Set<() => void>();
let cache: SavedTicket[] | null = null;

/** Codes arrive typed, pasted or from a URL: the same ticket must find the same entry. */
export function normalizeCode(code: string): string {
  return code.trim().toLowerCase();
}

/**
 * What a ticket's QR encodes, drawn on this device: its page on the address this app was
 * opened at (the host's PUBLIC_URL, as people reach it). The counter reads the code from any
 * ticket address, whatever its host.
 */
export function qrUrlOf(code: string): string {
  return ticketUrl(window.location.origin, normalizeCode(code));
}

export function isActive(state: TicketState): boolean {
  return ACTIVE.includes(state);
}

function read(): SavedTicket[] {
  if (cache) return cache;
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "[]");
    // Earlier releases kept each ticket's SVG (about 10 KB each) here; it is drawn now.
    cache = Array.isArray(parsed) ? (parsed as (SavedTicket & { svg?: unknown })[]).map(({ svg: _drawnNow, ...ticket }) => ticket) : [];
  } catch {
    cache = [];
  }
  return cache;
}

function write(tickets: SavedTicket[]) {
  const now = Date.now();
  cache = tickets
    .filter((ticket) => isActive(ticket.state) || now - ticket.heardAt < FINISHED_KEPT_MS)
    .sort((a, b) => b.heardAt - a.heardAt)
    .slice(0, MAX_KEPT);
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(cache));
  } catch {
    // Private mode or a full disk: the ticket still shows while this page stays open.
  }
  listeners.forEach((listener) => listener());
}

function upsert(code: string, change: (current: SavedTicket | undefined) => SavedTicket) {
  const tickets = read();
  const current = tickets.find((ticket) => ticket.code === code);
  write([change(current), ...tickets.filter((ticket) => ticket !== current)]);
}

/** What the owner's own calls (qr.request, qr.get, qr.mine) say about a ticket. */
export function saveOwnedTicket(ticket: OwnedTicket) {
  const code = normalizeCode(ticket.code);
  upsert(code, () => ({
    code,
    id: ticket.id,
    number: ticket.number,
    venueName: ticket.venue.name,
    state: ticket.state,
    slotNumber: ticket.slotNumber,
    heardAt: Date.now(),
  }));
}

/** What anyone holding the code hears (qr.view, qr.watch): the state, never the slot. */
export function savePublicView(code: string, view: PublicView) {
  const key = normalizeCode(code);
  upsert(key, (current) => ({
    code: key,
    id: current?.id ?? null,
    number: view.number,
    venueName: view.venueName,
    state: view.state,
    // The slot stays known while the coat is on it; any other state has none.
    slotNumber: view.state === "CHECKED_IN" && current?.state === "CHECKED_IN" ? current.slotNumber : null,
    heardAt: Date.now(),
  }));
}

/** On sign-out: a shared phone must not keep the previous person's tickets. */
export function forgetSavedTickets() {
  write([]);
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  // Another tab of the app changed the tickets.
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

export function getSavedTicket(code: string): SavedTicket | undefined {
  return read().find((ticket) => ticket.code === normalizeCode(code));
}

/** Every ticket kept on this device, by code: what a sign-in claims for the account. */
export function savedTicketCodes(): string[] {
  return read().map((ticket) => ticket.code);
}

export function useSavedTickets(): SavedTicket[] {
  return useSyncExternalStore(subscribe, read);
}

export function useSavedTicket(code: string): SavedTicket | undefined {
  return useSavedTickets().find((ticket) => ticket.code === normalizeCode(code));
}
