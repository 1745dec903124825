import type { RouterOutputs } from "@qrcoats/api";
import { clsx } from "clsx";

export type TicketState = RouterOutputs["qr"]["view"]["state"];

/** The states in the words staff and guests use; never shown by colour alone. */
export const TICKET_STATE_LABELS: Record<TicketState, string> = {
  ISSUED: "Issued",
  CHECKED_IN: "Checked in",
  RETURNED: "Returned",
  VOIDED: "Voided",
  FORGOTTEN: "Lost & found",
};

/** Background, text and ring colours per state, all at WCAG AA contrast on their background. */
export const TICKET_STATE_TONES: Record<TicketState, string> = {
  ISSUED: "bg-indigo-50 text-indigo-900 ring-indigo-300",
  CHECKED_IN: "bg-emerald-50 text-emerald-900 ring-emerald-400",
  RETURNED: "bg-slate-100 text-slate-800 ring-slate-300",
  VOIDED: "bg-red-50 text-red-900 ring-red-300",
  FORGOTTEN: "bg-amber-50 text-amber-900 ring-amber-400",
};

// One glyph per state, so that the state reads at a glance even for the colour-blind.
const ICON_PATHS: Record<TicketState, string> = {
  ISSUED: "M4 7h16v10H4z M8 11h8",
  CHECKED_IN: "M5 12l5 5 9-10",
  RETURNED: "M9 14l-5-5 5-5 M4 9h11a5 5 0 010 10h-3",
  VOIDED: "M6 6l12 12 M18 6L6 18",
  FORGOTTEN: "M12 8v5 M12 16.5v.5 M10.3 3.9L2.6 17a2 2 0 001.7 3h15.4a2 2 0 001.7-3L13.7 3.9a2 2 0 00-3.4 0z",
};

export function TicketStateIcon({ state, className = "size-4" }: { state: TicketState; className?: string }) {
  return (
    <svg
      aria-hidden
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2.5}
      strokeLinecap="round"
      strokeLinejoin="round"
      className={className}
    >
      <path d={ICON_PATHS[state]} />
    </svg>
  );
}

export function TicketStateBadge({ state }: { state: TicketState }) {
  return (
    <span
      className={clsx(
        "inline-flex items-center gap-1 rounded-full px-2.5 py-0.5 text-sm font-semibold whitespace-nowrap ring-1 ring-inset",
        TICKET_STATE_TONES[state],
      )}
    >
      <TicketStateIcon state={state} />
      {TICKET_STATE_LABELS[state]}
    </span>
  );
}
