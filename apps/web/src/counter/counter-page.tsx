import { Alert, errorMessage, trpc } from "@qrcoats/ui";
import { useSubscription } from "@trpc/tanstack-react-query";
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { Link } from "wouter";
import { clockTime } from "../format";
import { OccupancySummary } from "./occupancy";
import { ClockInPrompt } from "./clock-in-prompt";
import { ConflictNotices } from "./offline/conflict-notices";
import { takePickupQueue, type DeviceState } from "./offline/device-store";
import { freeLeasedSlots, occupancyOf, type Copy } from "./offline/local-counter";
import { requestSnapshot } from "./offline/sync-engine";
import { SyncStatus, type Readiness } from "./offline/sync-status";
import { OPEN_ELSEWHERE, useDevice } from "./offline/use-device";
import { PickupsPanel } from "./pickups-panel";
import { ScanField } from "./scan-field";
import { ScanOutcome } from "./scan-outcome";
import { ShiftBar } from "./shift-bar";
import { resultOf, useCounter } from "./use-counter";
import { useCounterVenue } from "./use-counter-venue";

const CameraScanner = lazy(() => import("./camera-scanner"));

export function CounterPage() {
  const counter = useCounterVenue();
  const networkKnowsVenue = !counter.isPending && !counter.error;
  const { device, opened, problem, elsewhere } = useDevice(counter.venue, networkKnowsVenue);
  const fromDevice = !networkKnowsVenue && device?.copy;
  // Known from the network: with none, the device keeps working and the server judges each
  // action by when it was taken (docs/offline.md).
  const offShift = networkKnowsVenue && counter.venue && counter.shift?.venue.id !== counter.venue.id ? counter.venue : null;
  const onShiftHere = networkKnowsVenue && counter.venue !== undefined && offShift === null;
  // Clocked in elsewhere (another device, the shift bar): the device was refused its snapshot
  // while off shift, so it asks again now.
  useEffect(() => {
    if (onShiftHere) requestSnapshot();
  }, [onShiftHere]);

  if (elsewhere) return <Alert tone="warning">{OPEN_ELSEWHERE}</Alert>;
  if (problem)
    return (
      <Alert tone="error">{`This browser cannot keep the counter's data (${problem instanceof Error ? problem.message : "IndexedDB is unavailable"}). Try another browser.`}</Alert>
    );

  if (counter.isPending && !opened) return <p role="status">Opening the counter…</p>;
  if (!networkKnowsVenue && !device?.copy) {
    if (counter.isPending) return <p role="status">Opening the counter…</p>;
    return <Alert tone="error">{errorMessage(counter.error)}</Alert>;
  }
  return (
    <div className="flex flex-col gap-4">
      <h1 className="sr-only">Counter</h1>
      {fromDevice ? (
        <p className="rounded-xl bg-white p-3 text-lg font-bold text-slate-900 shadow-sm ring-1 ring-slate-200">
          {device.record.venue.name}
        </p>
      ) : (
        <ShiftBar counter={counter} />
      )}
      {device && <SyncStatus waiting={device.queued.length} readiness={device.copy ? readinessOf(device.copy) : null} />}
      {device && <ConflictNotices notices={device.notices} />}
      {offShift ? (
        <ClockInPrompt venue={offShift} />
      ) : device?.copy && (fromDevice || device.record.venue.id === counter.venue?.id) ? (
        <Counter key={device.record.venue.id} device={device} copy={device.copy} />
      ) : counter.venue ? (
        <p role="status" className="text-slate-800">
          Getting tonight's tickets for this counter…
        </p>
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

function Counter({ device, copy }: { device: DeviceState; copy: Copy }) {
  const venue = device.record.venue;
  const inputRef = useRef<HTMLInputElement>(null);
  // Whatever happened, the next scan goes straight into the field.
  const refocus = useCallback(() => inputRef.current?.focus(), []);
  const { outcome, history, scan, act, chooseKind, confirmNumber, pickup } = useCounter(venue, refocus);
  const [camera, setCamera] = useState(false);
  // The venue's live occupancy feed, as a sign that a colleague acted: the copy catches up.
  useSubscription(trpc.rack.occupancy.subscriptionOptions({ venueId: venue.id }, { onData: requestSnapshot }));
  // The pickup queue, kept on the device for working it offline; its requests go into the
  // tickets at once, so the next scan knows a coat is on the rail.
  useSubscription(
    trpc.pickup.queue.subscriptionOptions(
      { venueId: venue.id },
      {
        onData: (queue) =>
          void takePickupQueue(queue).then(({ unknown }) => {
            if (unknown) requestSnapshot();
          }),
      },
    ),
  );
  const totals = occupancyOf(copy);
  const hasShelves = totals.SHELF.slotCount > 0;
  // The panel shows the ticket as the copy has it now: a sync may have changed it meanwhile.
  const current = outcome.kind === "ticket" ? copy.tickets.get(outcome.result.ticket.publicId) : undefined;
  const shown = outcome.kind === "ticket" && current ? { ...outcome, result: resultOf(copy, current, outcome.kindOfSlot) } : outcome;

  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,26rem)] lg:items-start">
      <div className="flex flex-col gap-4">
        <OccupancySummary totals={totals} />
        {camera && (
          <Suspense fallback={<p className="h-48 rounded-xl bg-slate-200 p-4 text-slate-800 md:h-72">Starting the camera…</p>}>
            <CameraScanner onCode={scan} />
          </Suspense>
        )}
        <ScanField inputRef={inputRef} onCode={scan} cameraOn={camera} onCamera={() => setCamera((on) => !on)} />
        <ScanOutcome
          outcome={shown}
          venue={venue}
          hasShelves={hasShelves}
          freeSlots={freeLeasedSlots(copy)}
          onAct={act}
          onChooseKind={chooseKind}
          onConfirmNumber={confirmNumber}
        />
      </div>
      <aside className="flex flex-col gap-4">
        <PickupsPanel device={device} copy={copy} onStep={pickup} />
        <nav aria-label="Counter tools" className="grid grid-cols-2 gap-2">
          <ToolLink href="/counter/walk-in">New walk-in ticket</ToolLink>
          <ToolLink href="/counter/lookup">Find a lost ticket</ToolLink>
        </nav>
        {/* After a reload this session has done nothing yet, but what waits is still to be seen. */}
        {history.length === 0 && <WaitingActions queued={device.queued} />}
        {history.length > 0 && (
          <section aria-labelledby="recent-heading" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
            <h2 id="recent-heading" className="mb-2 text-sm font-semibold text-slate-800">
              Done at this counter
            </h2>
            <ol className="flex flex-col gap-1 text-sm text-slate-800" data-testid="counter-history">
              {history.map((done, index) => (
                <li key={history.length - index} className="flex justify-between gap-2">
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

/** What this counter holds for working with no network, to be seen before the network goes. */
function readinessOf(copy: Copy): Readiness {
  const hasShelves = copy.slots.some((slot) => slot.kind === "SHELF");
  return {
    hangers: freeLeasedSlots(copy, "HANGER").length,
    shelves: hasShelves ? freeLeasedSlots(copy, "SHELF").length : null,
    walkIns: copy.pool.length,
  };
}

const WAITING_SHOWN = 8;

/**
 * What this counter did that the server does not have yet, newest first: kept on the device,
 * so a reload or a reopened tab still shows which actions wait, not only how many. (In the
 * session that did them, "Done at this counter" lists them already.)
 */
function WaitingActions({ queued }: { queued: DeviceState["queued"] }) {
  if (queued.length === 0) return null;
  const newest = [...queued].reverse().slice(0, WAITING_SHOWN);
  return (
    <section aria-labelledby="waiting-heading" className="rounded-xl bg-amber-50 p-4 ring-1 ring-amber-300">
      <h2 id="waiting-heading" className="mb-2 text-sm font-semibold text-amber-950">
        Waiting to send
      </h2>
      <ol className="flex flex-col gap-1 text-sm text-slate-900" data-testid="waiting-actions">
        {newest.map((operation) => (
          <li key={operation.seq} className="flex justify-between gap-2">
            <span>{operation.described}</span>
            <time className="text-slate-700 tabular-nums" dateTime={operation.takenAt.toISOString()}>
              {clockTime(operation.takenAt)}
            </time>
          </li>
        ))}
      </ol>
      {queued.length > WAITING_SHOWN && <p className="mt-1 text-sm text-slate-800">and {queued.length - WAITING_SHOWN} earlier</p>}
    </section>
  );
}
