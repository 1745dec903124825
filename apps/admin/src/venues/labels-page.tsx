import { Button, trpc } from "@qrcoats/ui";
import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "wouter";
import { QueryState } from "../components/panel";

/**
 * One label per slot, to print on A4 and stick on the hangers and shelves: big numbers an
 * attendant reads from across the counter. The app's header and buttons do not print.
 */
export function LabelsPage() {
  const { venueId } = useParams<{ venueId: string }>();
  const venue = useQuery(trpc.venue.get.queryOptions({ venueId, scope: "organization" }));
  const racks = useQuery(trpc.rack.list.queryOptions({ venueId }));
  return (
    <section className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-2 print:hidden">
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">Slot labels{venue.data ? ` · ${venue.data.name}` : ""}</h1>
        <div className="flex gap-2">
          <Link
            href={`/venues/${venueId}`}
            className="inline-flex min-h-11 items-center rounded-lg px-4 font-semibold text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50"
          >
            Back to the venue
          </Link>
          <Button onClick={() => window.print()}>Print</Button>
        </div>
      </div>
      <QueryState
        query={racks}
        what="slots"
        isEmpty={(data) => data.racks.length === 0}
        empty="This venue has no racks yet, so there is nothing to print."
      >
        {(data) => (
          <ol className="labels-sheet grid grid-cols-3 gap-3 sm:grid-cols-4 print:grid-cols-4 print:gap-2">
            {data.racks.flatMap((rack) =>
              rack.slots.map((slot) => (
                <li
                  key={slot.id}
                  className="label flex aspect-[3/2] flex-col items-center justify-center rounded-lg border-2 border-dashed border-slate-400 bg-white p-2 text-center"
                >
                  <span className="text-5xl font-black text-slate-950 tabular-nums">{slot.number}</span>
                  <span className="text-xs text-slate-700">
                    {rack.name} · {slot.kind === "SHELF" ? "shelf" : "hanger"}
                  </span>
                  <span className="text-xs text-slate-500">{venue.data?.name}</span>
                </li>
              )),
            )}
          </ol>
        )}
      </QueryState>
    </section>
  );
}
