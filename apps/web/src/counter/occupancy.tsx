import { clsx } from "clsx";
import type { occupancyOf } from "./offline/local-counter";

/**
 * Free slots per kind, from the counter's copy: the same count online and offline, moved by
 * this counter's actions at once and by colleagues' with each refresh.
 */
export function OccupancySummary({ totals }: { totals: ReturnType<typeof occupancyOf> }) {
  const kinds = (["HANGER", "SHELF"] as const).filter((kind) => totals[kind].slotCount > 0);
  if (kinds.length === 0) return <p className="h-12 text-sm text-amber-900">This venue has no racks yet: an admin sets them up.</p>;
  return (
    <dl className={clsx("grid h-12 gap-3", kinds.length > 1 ? "grid-cols-2" : "grid-cols-1")} aria-label="Free slots">
      {kinds.map((kind) => {
        const { freeCount, slotCount } = totals[kind];
        return (
          <div key={kind} className="flex flex-col gap-1">
            <div className="flex items-baseline justify-between text-sm">
              <dt className="font-medium text-slate-700">{kind === "HANGER" ? "Hooks free" : "Shelves free"}</dt>
              <dd className="font-bold text-slate-900 tabular-nums">
                {freeCount} <span className="font-normal text-slate-700">of {slotCount}</span>
              </dd>
            </div>
            {/* A gauge of what is left, red when almost nothing is. */}
            <div aria-hidden className="h-2 overflow-hidden rounded-full bg-slate-200">
              <div
                className={clsx("h-full rounded-full", freeCount / slotCount < 0.1 ? "bg-red-600" : "bg-emerald-600")}
                style={{ width: `${(100 * freeCount) / slotCount}%` }}
              />
            </div>
          </div>
        );
      })}
    </dl>
  );
}
