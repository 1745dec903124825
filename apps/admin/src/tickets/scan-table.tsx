import type { RouterOutputs } from "@qrcoats/api";
import { columnHelper, DataTable } from "../components/data-table";
import { dayTime } from "../components/format";
import { ACTION_WORDS, refusalWords } from "./words";

type ScanEvent = RouterOutputs["qr"]["history"]["items"][number];

const column = columnHelper<ScanEvent>();
const columns = column.columns([
  column.accessor("occurredAt", {
    header: "When",
    cell: (info) => (
      <span className="whitespace-nowrap">
        {dayTime(info.getValue())}
        {/* Offline actions are dated when they were done, and arrive later: say so. */}
        {info.row.original.offline && (
          <span
            className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-900"
            title="Done without network, synced later"
          >
            offline
          </span>
        )}
      </span>
    ),
  }),
  column.accessor("action", { header: "Action", cell: (info) => ACTION_WORDS[info.getValue()] ?? info.getValue() }),
  column.accessor("result", {
    header: "Result",
    cell: (info) =>
      info.getValue() === "OK" ? (
        <span className="text-emerald-800">
          ✓ Done
          {/* A check-out recorded as unpaid: the attendant let the coat go unpaid, with a reason on the ticket. */}
          {info.row.original.action === "CHECK_OUT" && info.row.original.paymentStatus === "UNPAID" && (
            <span className="ml-2 rounded bg-red-100 px-1.5 py-0.5 text-xs font-semibold text-red-900">unpaid</span>
          )}
          {/* Found by the number the attendant typed, not a scanned code: numbers are guessable, so it shows. */}
          {info.row.original.byNumber && (
            <span
              className="ml-2 rounded bg-sky-100 px-1.5 py-0.5 text-xs font-semibold text-sky-900"
              title="Found by its number, confirmed against the ticket"
            >
              by number
            </span>
          )}
        </span>
      ) : (
        <span className="font-semibold text-red-800">✗ Refused: {refusalWords(info.row.original.reason)}</span>
      ),
  }),
  column.accessor((event) => (event.ticket ? `#${event.ticket.number}` : "—"), { id: "ticket", header: "Ticket" }),
  column.accessor(
    (event) => (event.toSlotNumber !== null ? `${event.slotNumber ?? "—"} → ${event.toSlotNumber}` : (event.slotNumber?.toString() ?? "—")),
    { id: "slot", header: "Slot" },
  ),
  column.accessor((event) => event.venue.name, { id: "venue", header: "Venue" }),
  column.accessor((event) => event.employee?.name ?? "System", { id: "employee", header: "By" }),
]);

/** Scan events, refusals in red with their reason. */
export function ScanTable({ events, caption, testId = "scan-table" }: { events: ScanEvent[]; caption: string; testId?: string }) {
  return (
    <DataTable
      columns={columns}
      data={events}
      caption={caption}
      testId={testId}
      rowClassName={(event) => (event.result === "REFUSED" ? "bg-red-50" : "")}
    />
  );
}
