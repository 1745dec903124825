import { Alert, errorMessage } from "@qrcoats/ui";
import { lazy, Suspense, useCallback, useRef, useState } from "react";
import { Link } from "wouter";
import { clockTime } from "../format";
import { OccupancySummary, useOccupancy } from "./occupancy";
import { ScanField } from "./scan-field";
import { ScanOutcome } from "./scan-outcome";
import { ShiftBar } from "./shift-bar";
import { useCounter } from "./use-counter";
import { useCounterVenue, type CounterVenue } from "./use-counter-venue";

const CameraScanner = lazy(() => import("./camera-scanner"));

export function CounterPage() {
  const counter = useCounterVenue();
  if (counter.isPending) return <p role="status">Opening the counter…</p>;
  if (counter.error) return <Alert tone="error">{errorMessage(counter.error)}</Alert>;
  return (
    <div className="flex flex-col gap-4">
      <h1 className="sr-only">Counter</h1>
      <ShiftBar counter={counter} />
      {counter.venue ? (
        <Counter key={counter.venue.id} venue={counter.venue} />
      ) : (
        <Alert tone="warning">
          {counter.workable.length === 0
            ? "You are not assigned to any venue yet. Ask an admin to add you to one."
            : "Choose the venue you work at tonight."}
        </Alert>
      )}
    </div>
  );
}

function Counter({ venue }: { venue: CounterVenue }) {
  const inputRef = useRef<HTMLInputElement>(null);
  // Whatever happened, the next scan goes straight into the field.
  const refocus = useCallback(() => inputRef.current?.focus(), []);
  const { outcome, history, busy, scan, act } = useCounter(venue.id, refocus);
  const racks = useOccupancy(venue.id);
  const [camera, setCamera] = useState(false);
  const hasShelves = (racks?.totals.SHELF.slotCount ?? 0) > 0;

  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_20rem] lg:items-start">
      <div className="flex flex-col gap-4">
        <OccupancySummary racks={racks} />
        {camera && (
          <Suspense fallback={<p className="h-48 rounded-xl bg-slate-200 p-4 text-slate-800 md:h-72">Starting the camera…</p>}>
            <CameraScanner onCode={scan} />
          </Suspense>
        )}
        <ScanField inputRef={inputRef} onCode={scan} busy={busy} cameraOn={camera} onCamera={() => setCamera((on) => !on)} />
        <ScanOutcome
          outcome={outcome}
          venue={venue}
          busy={busy}
          hasShelves={hasShelves}
          onAct={act}
          onRescan={(kind) => outcome.kind === "ticket" && scan(outcome.code, kind)}
        />
      </div>
      <aside className="flex flex-col gap-4">
        <nav aria-label="Counter tools" className="grid grid-cols-2 gap-2">
          <ToolLink href="/counter/walk-in">New walk-in ticket</ToolLink>
          <ToolLink href="/counter/lookup">Find a lost ticket</ToolLink>
        </nav>
        {history.length > 0 && (
          <section aria-labelledby="recent-heading" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
            <h2 id="recent-heading" className="mb-2 text-sm font-semibold text-slate-800">
              Done at this counter
            </h2>
            <ol className="flex flex-col gap-1 text-sm text-slate-800">
              {history.map((done) => (
                <li key={done.at.getTime()} className="flex justify-between gap-2">
                  <span>{done.title}</span>
                  <time className="text-slate-600 tabular-nums" dateTime={done.at.toISOString()}>
                    {clockTime(done.at)}
                  </time>
                </li>
              ))}
            </ol>
          </section>
        )}
      </aside>
    </div>
  );
}

function ToolLink({ href, children }: { href: string; children: string }) {
  return (
    <Link
      href={href}
      className="flex min-h-14 items-center justify-center rounded-xl bg-white px-3 text-center font-semibold text-slate-900 shadow-sm ring-1 ring-slate-300 hover:bg-slate-50"
    >
      {children}
    </Link>
  );
}
