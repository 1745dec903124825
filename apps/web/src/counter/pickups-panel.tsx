import { PICKUP_DELAYS_MINUTES, type PickupDelay } from "@qrcoats/api/client";
import { Alert, Button, Segmented, TextField, errorMessage, trpc } from "@qrcoats/ui";
import { useMutation } from "@tanstack/react-query";
import { clsx } from "clsx";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { clockTime } from "../format";
import type { DeviceState } from "./offline/device-store";
import type { Copy } from "./offline/local-counter";
import { counterQueue, goesBackToRack, pickupSections, type CounterEntry, type CounterWalk, type LaterEntry } from "./offline/pickup-queue";
import { useOnline } from "./offline/use-device";
import type { PickupTarget } from "./use-counter";
import { SLOT_WORD } from "./words";

// The closing rush at the counter (docs/offline.md, "Pickups"): the venue's pickup queue as
// walks along the racks, what is being fetched, what hangs on the ready rail, and what comes
// later — read at arm's length by an attendant with a coat in each hand. Starting a walk and
// putting a coat on the rail are device actions (queued, synced, fine offline); calling a
// request off, hanging a coat back and queuing a paper ticket ask the server, online only.

/** Requests "in 5 minutes" become due by this device's clock: the panel looks again this often. */
const NOW_EVERY_MS = 15_000;

function useNow(everyMs: number) {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

type Step = (action: "PICKUP_START" | "PICKUP_FETCHED", targets: PickupTarget[]) => void;

const targetOf = (entry: CounterEntry): PickupTarget[] =>
  entry.publicId ? [{ publicId: entry.publicId, ticketNumber: entry.ticketNumber }] : [];

const slotText = (entry: CounterEntry) => (entry.slot ? `${SLOT_WORD[entry.slot.kind]} ${entry.slot.number}` : "no slot");

export function PickupsPanel({ device, copy, onStep }: { device: DeviceState; copy: Copy; onStep: Step }) {
  const stored = device.record.pickupQueue ?? null;
  const now = useNow(NOW_EVERY_MS);
  const online = useOnline();
  const [lastFetched, setLastFetched] = useState<string[]>([]);
  if (!stored) return null;
  const queue = counterQueue(stored.queue, copy, device.queued, device.record.me.user.name);
  if (!queue.rules.enabled && queue.entries.length === 0) return null;
  const { walks, fetching, onRail, later } = pickupSections(queue, now);

  const fetched = (entries: CounterEntry[]) => {
    const targets = entries.flatMap(targetOf);
    setLastFetched(targets.map((target) => target.publicId));
    onStep("PICKUP_FETCHED", targets);
  };

  return (
    <section
      aria-labelledby="pickups-heading"
      data-testid="pickups"
      className="flex flex-col gap-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="pickups-heading" className="text-2xl font-black text-slate-950">
          Pickups ({queue.entries.length})
        </h2>
        {/* A request arriving while the attendant looks elsewhere is said, not only drawn. */}
        <p className="sr-only" aria-live="polite">
          {queue.entries.length === 1 ? "1 pickup request" : `${queue.entries.length} pickup requests`}
        </p>
        <p data-testid="pickups-as-of" className={clsx("text-sm", online ? "text-slate-600" : "font-semibold text-amber-900")}>
          {online ? "Live" : "Offline"} · as of {clockTime(stored.receivedAt)}
        </p>
      </div>
      {!queue.rules.enabled && <Alert tone="warning">This venue has stopped taking pickup requests: finish these.</Alert>}

      <JustFetched publicIds={lastFetched} copy={copy} online={online} />

      {queue.entries.length === 0 && (
        <p className="text-base text-slate-700">No coats to fetch. Guests ask for theirs from their ticket's page.</p>
      )}

      {walks.length > 0 && (
        <Section title="Next walks">
          {walks.map((walk) => (
            <WalkCard key={walk.rackName} walk={walk} venueId={queue.venueId} online={online} onStep={onStep} onFetched={fetched} />
          ))}
        </Section>
      )}

      {fetching.length > 0 && (
        <Section title="Being fetched">
          <ul className="flex flex-col gap-2">
            {fetching.map((entry) => (
              <li key={entry.id} className="flex flex-wrap items-center justify-between gap-3 rounded-lg bg-sky-50 p-3 ring-1 ring-sky-200">
                <CoatNumbers entry={entry} />
                <p className="text-sm text-slate-800">
                  {entry.fetchingBy ?? "Someone"}
                  {entry.fetchingAt ? ` since ${clockTime(entry.fetchingAt)}` : ""}
                </p>
                <FetchedButton entry={entry} onFetched={fetched} />
              </li>
            ))}
          </ul>
        </Section>
      )}

      {onRail.length > 0 && (
        <Section title="On the rail">
          <ul className="flex flex-col gap-2">
            {onRail.map((entry) => (
              <RailRow key={entry.id} entry={entry} venueId={queue.venueId} online={online} />
            ))}
          </ul>
        </Section>
      )}

      {later.length > 0 && (
        <Section title="Later">
          <ul className="flex flex-col gap-1">
            {later.map((item) => (
              <LaterRow key={item.entry.id} item={item} venueId={queue.venueId} online={online} />
            ))}
          </ul>
        </Section>
      )}

      <PaperTicket venueId={queue.venueId} online={online} />
    </section>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-2">
      <h3 className="text-sm font-bold tracking-wide text-slate-700 uppercase">{title}</h3>
      {children}
    </div>
  );
}

/** Ticket and slot numbers, big: what the eyes look for at the rack. */
function CoatNumbers({ entry }: { entry: CounterEntry }) {
  return (
    <p className="flex items-end gap-5">
      <span className="flex flex-col leading-none">
        <span className="text-xs font-semibold text-slate-600 uppercase">Ticket</span>
        <span className="text-4xl font-black text-slate-950 tabular-nums">{entry.ticketNumber}</span>
      </span>
      <span className="flex flex-col leading-none">
        <span className="text-xs font-semibold text-slate-600 uppercase">{entry.slot ? SLOT_WORD[entry.slot.kind] : "Slot"}</span>
        <span className="text-4xl font-black text-indigo-800 tabular-nums">{entry.slot?.number ?? "–"}</span>
      </span>
    </p>
  );
}

function FetchedButton({ entry, onFetched }: { entry: CounterEntry; onFetched: (entries: CounterEntry[]) => void }) {
  return (
    <button
      type="button"
      aria-label={`Fetched ticket ${entry.ticketNumber} → rail`}
      disabled={!entry.publicId}
      onClick={() => onFetched([entry])}
      className="inline-flex min-h-14 items-center justify-center rounded-lg bg-emerald-700 px-6 text-lg font-semibold text-white hover:bg-emerald-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-700 disabled:opacity-60"
    >
      Fetched → rail
    </button>
  );
}

function WalkCard({
  walk,
  venueId,
  online,
  onStep,
  onFetched,
}: {
  walk: CounterWalk;
  venueId: string;
  online: boolean;
  onStep: Step;
  onFetched: (entries: CounterEntry[]) => void;
}) {
  const rack = walk.rackName || "No rack";
  return (
    <section aria-label={`Walk to ${rack}`} className="flex flex-col gap-3 rounded-xl bg-indigo-50 p-3 ring-1 ring-indigo-200">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-lg font-bold text-indigo-950">
          {rack} · {walk.entries.length} {walk.entries.length === 1 ? "coat" : "coats"}
        </p>
        <Button size="lg" onClick={() => onStep("PICKUP_START", walk.entries.flatMap(targetOf))}>
          Start walk
        </Button>
      </div>
      <ol className="flex flex-col gap-2">
        {walk.entries.map((entry) => (
          <li key={entry.id} className="flex flex-wrap items-center justify-between gap-3 rounded-lg bg-white p-3 ring-1 ring-indigo-100">
            <CoatNumbers entry={entry} />
            <div className="flex items-center gap-2">
              <CancelRequest entry={entry} venueId={venueId} online={online} />
              <FetchedButton entry={entry} onFetched={onFetched} />
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The coats just put on the rail here, with the place the server gave each once it has. */
function JustFetched({ publicIds, copy, online }: { publicIds: string[]; copy: Copy; online: boolean }) {
  const waiting = publicIds
    .map((publicId) => copy.tickets.get(publicId))
    .filter((ticket) => ticket?.pickup?.state === "READY" || (ticket?.pickup?.railPosition ?? null) !== null);
  if (waiting.length === 0) return null;
  return (
    <div role="status" data-testid="just-fetched" className="flex flex-col gap-1 rounded-xl bg-emerald-50 p-4 ring-2 ring-emerald-600">
      {waiting.map((ticket) => {
        const place = ticket!.pickup!.railPosition;
        return (
          <p key={ticket!.publicId} className="flex flex-wrap items-baseline gap-x-3 text-emerald-950">
            <span className="text-lg font-semibold">Ticket {ticket!.number}:</span>
            {place !== null ? (
              <span className="text-4xl font-black">Hang on rail {place}</span>
            ) : (
              <>
                <span className="text-3xl font-black">Put on the rail</span>
                <span className="text-sm">{online ? "its place is on the way" : "its place comes once the network is back"}</span>
              </>
            )}
          </p>
        );
      })}
    </div>
  );
}

function RailRow({ entry, venueId, online }: { entry: CounterEntry; venueId: string; online: boolean }) {
  const putBack = useMutation(trpc.pickup.putBack.mutationOptions());
  const backToRack = goesBackToRack(entry) && entry.railPosition !== null;
  return (
    <li className="flex flex-wrap items-center justify-between gap-3 rounded-lg bg-emerald-50 p-3 ring-1 ring-emerald-200">
      <p className="flex items-end gap-5">
        <span className="flex flex-col leading-none">
          <span className="text-xs font-semibold text-slate-600 uppercase">Rail</span>
          <span className="text-4xl font-black text-emerald-900 tabular-nums">{entry.railPosition ?? "–"}</span>
        </span>
        <span className="flex flex-col leading-none">
          <span className="text-xs font-semibold text-slate-600 uppercase">Ticket</span>
          <span className="text-4xl font-black text-slate-950 tabular-nums">{entry.ticketNumber}</span>
        </span>
      </p>
      <p className="text-sm text-slate-800">
        {entry.placePending
          ? "Put on the rail · its place comes when synced"
          : entry.state === "UNCOLLECTED"
            ? backToRack
              ? `Past its hold: back to ${slotText(entry)}`
              : "Past its hold: stays on the rail"
            : entry.readyAt
              ? `Ready since ${clockTime(entry.readyAt)}`
              : "Ready"}
      </p>
      {backToRack && (
        <div className="flex flex-col items-end gap-1">
          <Button
            variant="secondary"
            disabled={!online}
            busy={putBack.isPending}
            onClick={() => putBack.mutate({ venueId, requestId: entry.id })}
          >
            Hung back on {slotText(entry)}
          </Button>
          {!online && <span className="text-xs text-slate-700">Needs the network</span>}
          {putBack.error && <span className="text-sm text-red-800">{errorMessage(putBack.error)}</span>}
        </div>
      )}
    </li>
  );
}

function LaterRow({ item, venueId, online }: { item: LaterEntry; venueId: string; online: boolean }) {
  const { entry } = item;
  const when = [item.dueInMinutes !== null ? `in ${item.dueInMinutes} min` : null, item.waitingForPlace ? "waiting for a place" : null]
    .filter(Boolean)
    .join(" · ");
  return (
    <li className="flex flex-wrap items-center justify-between gap-2 rounded-lg bg-slate-50 px-3 py-2 text-slate-500">
      <span className="text-xl font-bold tabular-nums">
        Ticket {entry.ticketNumber} <span className="text-base font-medium">· {slotText(entry)}</span>
      </span>
      <span className="text-base">{when}</span>
      <CancelRequest entry={entry} venueId={venueId} online={online} />
    </li>
  );
}

/** Calling a request off asks the server (online only), and asks the attendant first. */
function CancelRequest({ entry, venueId, online }: { entry: CounterEntry; venueId: string; online: boolean }) {
  const [asking, setAsking] = useState(false);
  const cancel = useMutation(trpc.pickup.cancelAtCounter.mutationOptions());
  if (!asking) {
    return (
      <Button variant="ghost" size="sm" onClick={() => setAsking(true)} aria-label={`Cancel ticket ${entry.ticketNumber}'s request`}>
        Cancel
      </Button>
    );
  }
  return (
    <div className="flex flex-wrap items-center gap-2 text-slate-900">
      {online ? (
        <>
          <span className="text-sm">Call off ticket {entry.ticketNumber}?</span>
          <Button variant="secondary" size="sm" onClick={() => setAsking(false)}>
            Keep
          </Button>
          <Button
            variant="danger"
            size="sm"
            busy={cancel.isPending}
            onClick={() => cancel.mutate({ venueId, requestId: entry.id }, { onSuccess: () => setAsking(false) })}
          >
            Call off
          </Button>
        </>
      ) : (
        <>
          <span className="text-sm">Calling a request off needs the network.</span>
          <Button variant="secondary" size="sm" onClick={() => setAsking(false)}>
            OK
          </Button>
        </>
      )}
      {cancel.error && <span className="w-full text-sm text-red-800">{errorMessage(cancel.error)}</span>}
    </div>
  );
}

const DELAY_LABELS: Record<PickupDelay, string> = { 0: "Now", 5: "In 5 min", 10: "In 10 min" };

/** A guest with a paper ticket and no phone: the attendant queues the coat by its number. */
function PaperTicket({ venueId, online }: { venueId: string; online: boolean }) {
  const [open, setOpen] = useState(false);
  const [number, setNumber] = useState("");
  const [delay, setDelay] = useState<PickupDelay>(0);
  // One id per request the attendant means: a retry after a lost answer is the same request.
  const requestId = useRef(crypto.randomUUID());
  const request = useMutation(trpc.pickup.requestAtCounter.mutationOptions());
  const [queued, setQueued] = useState<string | null>(null);

  if (!open) {
    return (
      <Button variant="secondary" size="lg" onClick={() => setOpen(true)}>
        Queue a paper ticket
      </Button>
    );
  }
  const ticketNumber = Number(number.trim());
  const valid = /^\d+$/.test(number.trim()) && ticketNumber > 0;
  return (
    <form
      noValidate
      aria-label="Queue a paper ticket"
      className="flex flex-col gap-3 rounded-xl bg-slate-50 p-3 ring-1 ring-slate-200"
      onSubmit={(event) => {
        event.preventDefault();
        if (!valid || !online) return;
        setQueued(null);
        request.mutate(
          { venueId, ticketNumber, requestId: requestId.current, delayMinutes: delay },
          {
            onSuccess: (pickup) => {
              requestId.current = crypto.randomUUID();
              setNumber("");
              setQueued(
                `Ticket ${ticketNumber} is queued${pickup.position !== null ? ` (number ${pickup.position} in line)` : ""}${
                  pickup.state === "READY" ? `: it is on the rail${pickup.railPosition !== null ? ` at ${pickup.railPosition}` : ""}` : ""
                }.`,
              );
            },
          },
        );
      }}
    >
      <p className="text-lg font-bold text-slate-900">Queue a paper ticket</p>
      {!online && <Alert tone="warning">Queuing a paper ticket needs the network: ask the guest to wait at the counter.</Alert>}
      <TextField
        label="Ticket number"
        inputMode="numeric"
        autoComplete="off"
        value={number}
        onChange={(event) => {
          requestId.current = crypto.randomUUID();
          setNumber(event.target.value);
        }}
        error={number.trim() !== "" && !valid ? "Type the number printed on the ticket." : undefined}
      />
      <Segmented
        legend="When does the guest want it?"
        options={PICKUP_DELAYS_MINUTES.map((minutes) => ({ value: String(minutes) as `${PickupDelay}`, label: DELAY_LABELS[minutes] }))}
        value={String(delay) as `${PickupDelay}`}
        onChange={(value) => setDelay(Number(value) as PickupDelay)}
      />
      {request.error && <Alert tone="error">{errorMessage(request.error)}</Alert>}
      {queued && <Alert tone="success">{queued}</Alert>}
      <div className="flex gap-2">
        <Button variant="secondary" className="flex-1" onClick={() => setOpen(false)}>
          Close
        </Button>
        <Button type="submit" className="flex-1" disabled={!valid || !online} busy={request.isPending}>
          {valid ? `Queue ticket ${ticketNumber}` : "Queue it"}
        </Button>
      </div>
    </form>
  );
}
