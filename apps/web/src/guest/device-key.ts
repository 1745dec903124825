/**
 * This phone's own secret for poster-link tickets (docs/guests.md): made once, kept. The
 * server stores only its hash and counts its limits by it, so a phone is told apart from the
 * hundreds of others on the venue's Wi-Fi without an account. It is no password: losing it
 * costs only the limit's memory; the tickets live in the saved tickets.
 */
const STORAGE_KEY = "qrcoats.deviceKey.v1";
const VALID = /^[A-Za-z0-9_-]{43}$/;

let kept: string | null = null;

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

export function deviceKey(): string {
  if (kept) return kept;
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored && VALID.test(stored)) return (kept = stored);
  } catch {
    // Private mode: a key for as long as this page stays open.
  }
  kept = base64url(crypto.getRandomValues(new Uint8Array(32)));
  try {
    localStorage.setItem(STORAGE_KEY, kept);
  } catch {
    // As above.
  }
  return kept;
}

/**
 * The request id of the tap still waiting for its ticket at this poster link: kept until the
 * ticket arrives, so a retry, a reload or the way back online sends the same tap again and
 * the server answers with the one ticket it made. A tap left waiting longer than a few
 * minutes is let go: asking again later is a new tap, not last night's ticket.
 */
const PENDING_FOR_MS = 10 * 60_000;
const pendingKey = (link: string) => `qrcoats.guestLink.pending.${link}`;

/** The request id of this link's tap still waiting for its ticket, if one was made lately. */
export function pendingTap(link: string): string | null {
  try {
    const pending = JSON.parse(localStorage.getItem(pendingKey(link)) ?? "null") as { requestId?: unknown; at?: unknown } | null;
    if (pending && typeof pending.requestId === "string" && typeof pending.at === "number" && Date.now() - pending.at < PENDING_FOR_MS) {
      return pending.requestId;
    }
  } catch {
    // Unreadable: no tap waiting.
  }
  return null;
}

export function startTap(link: string): string {
  const pending = pendingTap(link);
  if (pending) return pending;
  const requestId = crypto.randomUUID();
  try {
    localStorage.setItem(pendingKey(link), JSON.stringify({ requestId, at: Date.now() }));
  } catch {
    // The tap still carries its id through this page's retries.
  }
  return requestId;
}

export function finishTap(link: string) {
  try {
    localStorage.removeItem(pendingKey(link));
  } catch {
    // Nothing kept, nothing to remove.
  }
}
