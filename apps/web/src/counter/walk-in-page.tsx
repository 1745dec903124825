import { walkInContactFields } from "@qrcoats/api/client";
import { Alert, Button, QrImage, Segmented, TextField } from "@qrcoats/ui";
import { useEffect, useRef, useState } from "react";
import { Link } from "wouter";
import { PageTitle } from "../layout";
import { enqueue } from "./offline/device-store";
import { PAPER_WIDTHS, usePrintSettings, type PaperWidth, type PrintSettings } from "./device-settings";
import type { PooledTicket, Venue } from "./offline/local-counter";
import { requestSnapshot } from "./offline/sync-engine";
import { OPEN_ELSEWHERE, useDevice, useOnline } from "./offline/use-device";
import { PrintTicket, printTicket, typedCode } from "./print-ticket";
import { useCounterVenue } from "./use-counter-venue";
import { CheckInNow } from "./walk-in-check-in";

/**
 * A ticket for a guest without the app, from the walk-in tickets the server set aside for
 * this counter: the QR is drawn here, goes on the screen for the guest to photograph and on
 * the receipt printer's paper for a guest with no phone, with or without a network
 * (docs/paper-tickets.md). A name is optional and only helps find a lost ticket later. Email and
 * phone (for lookup, and the forgotten-coat notice) are asked only online: they leave the
 * device with the ticket's operation at once, rather than wait on it through a night offline.
 */
export function WalkInPage() {
  const counter = useCounterVenue();
  const { device, opened, elsewhere } = useDevice(counter.venue, !counter.isPending && !counter.error);
  const online = useOnline();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [phone, setPhone] = useState("");
  const [issued, setIssued] = useState<Issued | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [printing, changePrinting] = usePrintSettings();

  if (elsewhere) return <Alert tone="warning">{OPEN_ELSEWHERE}</Alert>;
  if (!opened) return <p role="status">Loading…</p>;
  if (!device?.copy) return <Alert tone="warning">Open the counter once with a network first: it keeps the walk-in tickets.</Alert>;
  const venueName = device.record.venue.name;

  if (issued) {
    return (
      <IssuedTicket
        issued={issued}
        venue={device.copy.venue}
        onAnother={() => {
          setIssued(null);
          setName("");
          setEmail("");
          setPhone("");
        }}
      />
    );
  }

  const left = device.copy.pool.length;
  // Offline the shift is unknown, and the queue waits for the network anyway.
  const offShift = online && !counter.isPending && !counter.error && counter.shift === null;
  return (
    <section>
      <PageTitle>New walk-in ticket</PageTitle>
      <form
        noValidate
        className="flex flex-col gap-4"
        onSubmit={(event) => {
          event.preventDefault();
          // Checked here as the server will: a queued operation it refused would hold up the rest.
          const contact = online ? contactOf(email, phone) : { ok: true as const, fields: {} };
          if (!contact.ok) {
            setProblem(contact.message);
            return;
          }
          let handedOut: PooledTicket | undefined;
          void enqueue(
            (copy) => {
              handedOut = copy.pool[0];
              if (!handedOut) return { allowed: false, reason: "POOL_EMPTY", message: POOL_EMPTY };
              return {
                action: "ISSUE_WALK_IN",
                publicId: handedOut.publicId,
                name: name.trim().slice(0, 100) || undefined,
                ...contact.fields,
              };
            },
            (applied) => `Walk-in ticket ${applied.ticket?.number ?? ""} handed out`,
          ).then((taken) => {
            if (taken.allowed && handedOut) {
              setIssued({ ...handedOut, issuedAt: taken.applied.ticket?.issuedAt ?? new Date(), printAtOnce: printing.printAfterIssuing });
              // The server tops the pool up on each refresh: ask for one before it runs dry.
              if ((taken.state.copy?.pool.length ?? 0) < 3) requestSnapshot();
            } else if (!taken.allowed) setProblem(taken.message);
          });
        }}
      >
        <p className="text-slate-700">
          At {venueName}. All optional: they help find the ticket if the guest loses it, and tell them if they leave their coat.
        </p>
        {offShift && (
          <Alert tone="warning">
            You are not clocked in: the server takes this counter's tickets and check-ins only during a shift.{" "}
            <Link href="/counter" className="font-semibold underline">
              Clock in on the counter screen
            </Link>
            .
          </Alert>
        )}
        {problem && <Alert tone="error">{problem}</Alert>}
        {left === 0 && !problem && <Alert tone="warning">{POOL_EMPTY}</Alert>}
        <TextField label="Guest's name" autoComplete="off" maxLength={100} value={name} onChange={(event) => setName(event.target.value)} />
        {online ? (
          <>
            <TextField
              label="Guest's email (optional)"
              type="email"
              autoComplete="off"
              maxLength={254}
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
            <TextField
              label="Guest's phone (optional)"
              type="tel"
              autoComplete="off"
              maxLength={30}
              value={phone}
              onChange={(event) => setPhone(event.target.value)}
            />
          </>
        ) : (
          <p className="text-sm text-slate-700">Offline, only a name: email and phone are asked when the network is back.</p>
        )}
        <Button type="submit" size="lg" disabled={left === 0}>
          Issue the ticket
        </Button>
        <p className="text-sm text-slate-700" data-testid="walk-in-pool">
          {left} walk-in ticket{left === 1 ? "" : "s"} left on this counter.
        </p>
      </form>
      <PrinterSettings settings={printing} onChange={changePrinting} />
    </section>
  );
}

type Issued = PooledTicket & { issuedAt: Date; printAtOnce: boolean };

function IssuedTicket({ issued, venue, onAnother }: { issued: Issued; venue: Venue; onAnother: () => void }) {
  const [printing] = usePrintSettings();
  const printedAtOnce = useRef(false);
  useEffect(() => {
    // Once per ticket, even where React runs effects twice.
    if (!issued.printAtOnce || printedAtOnce.current) return;
    printedAtOnce.current = true;
    void printTicket();
  }, [issued]);

  return (
    <section className="flex flex-col items-center gap-4 text-center">
      <PageTitle>Walk-in ticket</PageTitle>
      <p className="-mt-3 text-lg font-semibold text-slate-700">
        Ticket{" "}
        <span className="block text-8xl leading-none font-black text-slate-950 tabular-nums" data-testid="walk-in-number">
          {issued.number}
        </span>
      </p>
      <div className="grid w-full max-w-md grid-cols-1 gap-2">
        <Button size="lg" variant="secondary" onClick={() => void printTicket()}>
          Print ({printing.paperWidth} mm)
        </Button>
      </div>
      <CheckInNow publicId={issued.publicId} number={issued.number} venue={venue} />
      <p className="text-slate-800">No printer? Ask the guest to take a photo of this code.</p>
      {/* Big enough to photograph from the guest's phone across the counter. */}
      <div className="w-full max-w-md rounded-2xl bg-white p-3 shadow-sm ring-1 ring-slate-200">
        <QrImage url={issued.url} label={`QR code of walk-in ticket ${issued.number}`} />
      </div>
      <p className="text-sm text-slate-700">
        Code{" "}
        <span className="block font-mono text-base font-bold break-words text-slate-950" data-testid="walk-in-code">
          {typedCode(issued.code)}
        </span>
      </p>
      <p className="text-slate-700">{venue.name}</p>
      <div className="grid w-full max-w-md grid-cols-2 gap-2">
        <Button size="lg" variant="secondary" onClick={onAnother}>
          Another walk-in
        </Button>
        <Link
          href="/counter"
          className="inline-flex min-h-14 items-center justify-center rounded-lg bg-indigo-600 px-6 text-lg font-semibold text-white hover:bg-indigo-700"
        >
          Done
        </Link>
      </div>
      <PrintTicket ticket={issued} venue={venue} paperWidth={printing.paperWidth} />
    </section>
  );
}

/** This device's receipt printer: remembered here, since it is the printer next to it. */
function PrinterSettings({ settings, onChange }: { settings: PrintSettings; onChange: (change: Partial<PrintSettings>) => void }) {
  return (
    <details className="mt-6 rounded-xl bg-white p-3 shadow-sm ring-1 ring-slate-200">
      <summary className="flex min-h-11 cursor-pointer flex-wrap items-center justify-between gap-x-3 text-slate-900">
        <span className="font-semibold">Printer on this device</span>
        <span className="text-sm text-slate-700">
          {settings.paperWidth} mm roll{settings.printAfterIssuing ? " · prints on issue" : ""} ▾
        </span>
      </summary>
      <div className="mt-2 flex flex-col gap-3">
        <Segmented<PaperWidth>
          legend="Paper roll"
          options={PAPER_WIDTHS.map((width) => ({ value: width, label: `${width} mm` }))}
          value={settings.paperWidth}
          onChange={(paperWidth) => onChange({ paperWidth })}
        />
        <label className="flex min-h-11 items-center gap-3 text-slate-900">
          <input
            type="checkbox"
            className="size-5"
            checked={settings.printAfterIssuing}
            onChange={(event) => onChange({ printAfterIssuing: event.target.checked })}
          />
          Print after issuing
        </label>
      </div>
    </details>
  );
}

function contactOf(email: string, phone: string) {
  const fields: { email?: string; phone?: string } = {};
  for (const [field, value] of [
    ["email", email],
    ["phone", phone],
  ] as const) {
    if (!value.trim()) continue;
    const checked = walkInContactFields[field].safeParse(value);
    if (!checked.success) return { ok: false as const, message: checked.error.issues[0]?.message ?? `Check the ${field}.` };
    fields[field] = checked.data;
  }
  return { ok: true as const, fields };
}

const POOL_EMPTY =
  "This counter has handed out all the walk-in tickets it was given. More come when it is back online; meanwhile ask a colleague's counter.";
