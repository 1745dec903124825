import { TICKET_STATE_TONES, TicketStateIcon, type TicketState } from "@qrcoats/ui";
import { clsx } from "clsx";

const WORDS: Record<TicketState, { title: string; detail: string }> = {
  ISSUED: { title: "Show this at the coat check", detail: "The attendant scans it and hangs up your coat." },
  CHECKED_IN: { title: "Your coat is checked in", detail: "Show this code again to pick it up." },
  RETURNED: { title: "Returned — have a good night", detail: "This ticket has been used." },
  VOIDED: { title: "This ticket was cancelled", detail: "It can no longer be used. Ask at the coat check if this is a surprise." },
  FORGOTTEN: { title: "Your coat is in lost & found", detail: "Show this code at the coat check to get it back." },
};

/** The ticket's state as a sentence, with its colour and glyph; announced when it changes. */
export function TicketStatus({ state, slotNumber }: { state: TicketState; slotNumber: number | null }) {
  const words = WORDS[state];
  return (
    <div
      role="status"
      data-testid="ticket-status"
      className={clsx("flex items-start gap-3 rounded-xl px-4 py-3 ring-2 ring-inset", TICKET_STATE_TONES[state])}
    >
      <TicketStateIcon state={state} className="mt-0.5 size-7 shrink-0" />
      <div className="min-w-0">
        <p className="text-xl leading-tight font-bold">
          {state === "CHECKED_IN" && slotNumber !== null ? `Your coat is checked in — slot ${slotNumber}` : words.title}
        </p>
        <p className="mt-0.5 text-base">{words.detail}</p>
      </div>
    </div>
  );
}
