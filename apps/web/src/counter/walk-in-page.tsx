import { walkInContactFields } from "@qrcoats/api/client";
import { Alert, Button, QrImage, TextField } from "@qrcoats/ui";
import { useState } from "react";
import { Link } from "wouter";
import { PageTitle } from "../layout";
import { enqueue } from "./offline/device-store";
import type { PooledTicket } from "./offline/local-counter";
import { requestSnapshot } from "./offline/sync-engine";
import { OPEN_ELSEWHERE, useDevice, useOnline } from "./offline/use-device";
import { useCounterVenue } from "./use-counter-venue";

/**
 * A ticket for a guest without the app, from the walk-in tickets the server set aside for
 * this counter: the QR is drawn here and goes on the screen for the guest to photograph, with
 * or without a network. A name is optional and only helps find a lost ticket later. Email and
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
  const [issued, setIssued] = useState<PooledTicket | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  if (elsewhere) return <Alert tone="warning">{OPEN_ELSEWHERE}</Alert>;
  if (!opened) return <p role="status">Loading…</p>;
  if (!device?.copy) return <Alert tone="warning">Open the counter once with a network first: it keeps the walk-in tickets.</Alert>;
  const venueName = device.record.venue.name;

  if (issued) {
    return (
      <section className="flex flex-col items-center gap-4 text-center">
        <PageTitle>Walk-in ticket</PageTitle>
        <p className="-mt-2 text-lg text-slate-800">Ask the guest to take a photo of this code.</p>
        <div className="w-full max-w-md rounded-2xl bg-white p-3 shadow-sm ring-1 ring-slate-200">
          <QrImage url={issued.url} label={`QR code of walk-in ticket ${issued.number}`} />
        </div>
        <p className="text-lg font-semibold text-slate-700">
          Ticket{" "}
          <span className="block text-8xl leading-none font-black text-slate-950 tabular-nums" data-testid="walk-in-number">
            {issued.number}
          </span>
        </p>
        <p className="text-slate-700">{venueName}</p>
        <div className="grid w-full max-w-md grid-cols-2 gap-2">
          <Button
            size="lg"
            variant="secondary"
            onClick={() => {
              setIssued(null);
              setName("");
              setEmail("");
              setPhone("");
            }}
          >
            Another walk-in
          </Button>
          <Link
            href="/counter"
            className="inline-flex min-h-14 items-center justify-center rounded-lg bg-indigo-600 px-6 text-lg font-semibold text-white hover:bg-indigo-700"
          >
            Done
          </Link>
        </div>
      </section>
    );
  }

  const left = device.copy.pool.length;
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
              setIssued(handedOut);
              // The server tops the pool up on each refresh: ask for one before it runs dry.
              if ((taken.state.copy?.pool.length ?? 0) < 3) requestSnapshot();
            } else if (!taken.allowed) setProblem(taken.message);
          });
        }}
      >
        <p className="text-slate-700">
          At {venueName}. All optional: they help find the ticket if the guest loses it, and tell them if they leave their coat.
        </p>
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
    </section>
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
