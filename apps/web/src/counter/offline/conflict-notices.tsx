import { Button } from "@qrcoats/ui";
import { clockTime } from "../../format";
import { dismissNotice, type ConflictNotice } from "./device-store";

/**
 * What the server refused when this counter's actions arrived (a colleague acted on the same
 * ticket first): each stays until the attendant has read it and tapped it away.
 */
export function ConflictNotices({ notices }: { notices: ConflictNotice[] }) {
  if (notices.length === 0) return null;
  return (
    <section
      aria-labelledby="conflicts-heading"
      className="flex flex-col gap-2 rounded-xl border-l-8 border-amber-600 bg-amber-50 p-4 shadow-sm"
    >
      <h2 id="conflicts-heading" className="text-lg font-black text-amber-950">
        {notices.length === 1 ? "An action was not applied" : `${notices.length} actions were not applied`}
      </h2>
      <ul className="flex flex-col gap-3">
        {notices.map((notice) => (
          <li key={notice.opId} data-testid="conflict-notice" className="flex flex-col gap-1 text-amber-950">
            <p className="font-bold">
              {notice.ticketNumber !== null ? `Ticket ${notice.ticketNumber} · ` : ""}
              {clockTime(notice.takenAt)}
            </p>
            <p>This counter: {notice.did}</p>
            <p>Server: {notice.message}</p>
            {notice.advice && <p className="font-semibold">{notice.advice}</p>}
            <Button variant="secondary" className="self-start" onClick={() => void dismissNotice(notice.opId)}>
              Got it
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
