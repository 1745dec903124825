import { useSyncExternalStore } from "react";

// How this counter device prints walk-in tickets (docs/paper-tickets.md). A setting of the
// device, not of the attendant or the venue: it follows the printer standing next to it, so
// it lives in this browser's localStorage and survives sign-outs and reloads.

/** The two roll widths receipt printers take. */
export const PAPER_WIDTHS = ["58", "80"] as const;
export type PaperWidth = (typeof PAPER_WIDTHS)[number];

export type PrintSettings = {
  paperWidth: PaperWidth;
  /** Open the print dialog as soon as a walk-in ticket is issued. */
  printAfterIssuing: boolean;
};

const STORAGE_KEY = "qrcoats-counter-printing";
// 80 mm is what most counter receipt printers take; nothing prints until someone asks.
const DEFAULTS: PrintSettings = { paperWidth: "80", printAfterIssuing: false };

const listeners = new Set<() => void>();
let cached: { raw: string | null; settings: PrintSettings } | null = null;

function read(): PrintSettings {
  const raw = localStorage.getItem(STORAGE_KEY);
  if (cached?.raw === raw) return cached.settings;
  cached = { raw, settings: parse(raw) };
  return cached.settings;
}

/** What was stored, or the defaults for whatever is missing or from an older version. */
function parse(raw: string | null): PrintSettings {
  try {
    const stored = JSON.parse(raw ?? "{}") as Partial<Record<keyof PrintSettings, unknown>>;
    return {
      paperWidth: PAPER_WIDTHS.find((width) => width === stored.paperWidth) ?? DEFAULTS.paperWidth,
      printAfterIssuing: typeof stored.printAfterIssuing === "boolean" ? stored.printAfterIssuing : DEFAULTS.printAfterIssuing,
    };
  } catch {
    return DEFAULTS;
  }
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  // Another tab of this device changed them.
  window.addEventListener("storage", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", listener);
  };
}

export function usePrintSettings(): [PrintSettings, (change: Partial<PrintSettings>) => void] {
  const settings = useSyncExternalStore(subscribe, read);
  const change = (next: Partial<PrintSettings>) => {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...read(), ...next }));
    listeners.forEach((listener) => listener());
  };
  return [settings, change];
}
