import { OPEN_PICKUP_STATES, PICKUP_DELAYS_MINUTES, type GuestPickup, type PickupDelay } from "@qrcoats/api/client";
import { Alert, Button, Segmented, errorCode, trpc, trpcClient } from "@qrcoats/ui";
import { useMutation } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { clsx } from "clsx";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { clockTime } from "../format";
import { forgetPendingPickup, keepPendingPickup, usePendingPickup } from "./pending-pickup";

// "I'm leaving — get my coat ready" (docs/pickup.md): the guest asks from the ticket's page,
// then follows the request live from the ticket's watch stream until the coat is handed over.

export type TicketPickup = { offered: boolean; request: GuestPickup | null };

const DELAY_OPTIONS = PICKUP_DELAYS_MINUTES.map((minutes) => ({
  value: String(minutes) as `${PickupDelay}`,
  label: minutes === 0 ? "Now" : `In ${minutes} min`,
}));

/** A pending tap the server has not answered is sent again this often while the phone is online. */
const RETRY_MS = 5_000;

/** Refusals as sentences a guest acts on; never the API's raw words. */
function refusalSentence(error: unknown): string | null {
  if (!(error instanceof TRPCClientError) || !error.data) return null;
  const { reason } = error.data as { reason?: string | null };
  if (reason === "NOT_CHECKED_IN") return "There is no coat checked in on this ticket to get ready.";
  if (reason === "PICKUP_OFF") return "This venue does not take requests from phones tonight: come to the counter with your ticket.";
  if (reason === "PICKUP_READY") return "Your coat is already on the rail: collect it at the counter.";
  if (errorCode(error) === "TOO_MANY_REQUESTS") return "You have asked for your coat many times tonight: please come to the counter.";
  return "Your request could not be taken. Come to the counter with your ticket.";
}

/** No answer, or the server's own failure: worth sending again; a refusal is final. */
function unanswered(error: unknown): boolean {
  if (!(error instanceof TRPCClientError) || !error.data) return true;
  const { httpStatus } = error.data as { httpStatus?: number };
  return httpStatus === undefined || httpStatus >= 500;
}

export function PickupPanel({ code, pickup, online }: { code: string; pickup: TicketPickup | undefined; online: boolean }) {
  const pending = usePendingPickup(code);
  const [answered, setAnswered] = useState<GuestPickup | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const sendingRef = useRef<string | null>(null);

  // A tap kept on the phone goes as soon as it is online: on load, when the signal returns,
  // and again every few seconds while the server cannot be reached.
  useEffect(() => {
    if (!pending || !online) return;
    const send = async () => {
      if (sendingRef.current === pending.requestId) return;
      sendingRef.current = pending.requestId;
      setSending(true);
      try {
        const request = await trpcClient.pickup.request.mutate({
          code: pending.code,
          requestId: pending.requestId,
          delayMinutes: pending.delayMinutes,
        });
        forgetPendingPickup(pending.requestId);
        setAnswered(request);
        setRefusal(null);
      } catch (error) {
        // No answer: kept on the phone, and sent again (same id) when the network allows.
        if (!unanswered(error)) {
          forgetPendingPickup(pending.requestId);
          setRefusal(refusalSentence(error));
        }
      } finally {
        sendingRef.current = null;
        setSending(false);
      }
    };
    void send();
    const retry = window.setInterval(() => void send(), RETRY_MS);
    return () => window.clearInterval(retry);
  }, [pending, online]);

  const ask = (delayMinutes: PickupDelay) => {
    setRefusal(null);
    // Kept before it is sent: a tap lost to the network is sent again with the same id.
    keepPendingPickup({ code, requestId: crypto.randomUUID(), delayMinutes, tappedAt: Date.now() });
  };

  const request = latestOf(pickup?.request ?? null, answered);
  const open = request !== null && OPEN_PICKUP_STATES.includes(request.state);
  const canAsk = Boolean(pickup?.offered) && !open && !pending;

  if (!pickup?.offered && !request && !pending && !refusal) return null;
  return (
    <section aria-labelledby="pickup-heading" className="flex flex-col gap-3">
      <h2 id="pickup-heading" className="sr-only">
        Getting your coat
      </h2>
      <div aria-live="polite" aria-atomic="true" data-testid="pickup-status">
        {pending ? (
          <PendingNotice online={online} sending={sending} />
        ) : request ? (
          <RequestProgress request={request} canAskAgain={canAsk} />
        ) : null}
      </div>
      {/* A tap still on the phone: until it is sent, the guest may take it back. */}
      {pending && !sending && (
        <Button variant="secondary" onClick={() => forgetPendingPickup(pending.requestId)}>
          Don't send it
        </Button>
      )}
      {refusal && <Alert tone="error">{refusal}</Alert>}
      {(request?.state === "QUEUED" || request?.state === "FETCHING") && !pending && (
        <CancelRequest code={code} onCancelled={setAnswered} onRefused={setRefusal} />
      )}
      {canAsk && <LeavingChooser onAsk={ask} again={request !== null} />}
    </section>
  );
}

/** The newer of what the watch stream said and what the request's own answer said. */
function latestOf(watched: GuestPickup | null, answered: GuestPickup | null): GuestPickup | null {
  if (!answered) return watched;
  if (!watched) return answered;
  if (watched.id === answered.id) return watched;
  return new Date(answered.requestedAt).getTime() > new Date(watched.requestedAt).getTime() ? answered : watched;
}

function LeavingChooser({ onAsk, again }: { onAsk: (delayMinutes: PickupDelay) => void; again: boolean }) {
  const [delay, setDelay] = useState<`${PickupDelay}`>("0");
  return (
    <div className="flex flex-col gap-3 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <Segmented legend="When should we fetch it?" options={DELAY_OPTIONS} value={delay} onChange={setDelay} />
      <Button size="lg" className="w-full text-xl" onClick={() => onAsk(Number(delay) as PickupDelay)}>
        {again ? "Ask again — get my coat ready" : "I'm leaving — get my coat ready"}
      </Button>
      <p className="text-base text-slate-700">An attendant brings your coat to the counter, so you don't wait in the queue.</p>
    </div>
  );
}

function PendingNotice({ online, sending }: { online: boolean; sending: boolean }) {
  return (
    <Card tone="waiting">
      <p className="text-xl leading-tight font-bold">{online && sending ? "Sending your request…" : "No signal"}</p>
      <p className="mt-1 text-base">
        {online ? "Your request will be sent in a moment." : "Your request will be sent as soon as you're back online."}
      </p>
    </Card>
  );
}

function RequestProgress({ request, canAskAgain }: { request: GuestPickup; canAskAgain: boolean }) {
  const now = useNow(15_000);
  switch (request.state) {
    case "QUEUED": {
      const dueAt = new Date(request.dueAt);
      const later = dueAt.getTime() > now;
      return (
        <Card tone="waiting">
          <p className="text-xl leading-tight font-bold">
            {request.waitingForPlace
              ? `The queue is full — you're number ${request.position}, waiting for a place`
              : later
                ? `We'll start fetching at ${clockTime(dueAt)}`
                : `You're number ${request.position} — about ${request.estimateMinutes} min`}
          </p>
          <p className="mt-1 text-base">
            {request.waitingForPlace
              ? `${later ? `You asked for ${clockTime(dueAt)}. ` : ""}You get a place as coats ahead of yours are handed over: about ${request.estimateMinutes} min to the counter.`
              : later
                ? `You're number ${request.position} in the queue. Your coat will be at the counter in about ${request.estimateMinutes} min.`
                : "We'll tell you here when your coat is at the counter."}
          </p>
        </Card>
      );
    }
    case "FETCHING":
      return (
        <Card tone="waiting">
          <p className="text-xl leading-tight font-bold">{`An attendant is fetching your coat — about ${request.estimateMinutes ?? 1} min`}</p>
          <p className="mt-1 text-base">Head to the counter; we'll tell you here when it is ready.</p>
        </Card>
      );
    case "READY":
      return (
        <Card tone="ready">
          <p className="text-3xl leading-tight font-black">Your coat is ready</p>
          <p className="mt-1 text-xl font-semibold">
            {request.railPosition !== null ? `at the counter, rail place ${request.railPosition}` : "at the counter"}
          </p>
          {request.holdUntil && <p className="mt-1 text-base">{`Waiting for you until ${clockTime(new Date(request.holdUntil))}`}</p>}
          <p className="mt-1 text-base">Show this ticket's QR at the counter.</p>
        </Card>
      );
    case "COLLECTED":
      return (
        <Card tone="done">
          <p className="text-xl leading-tight font-bold">Collected — good night</p>
          <p className="mt-1 text-base">Thanks for coming. Get home safe.</p>
        </Card>
      );
    case "CANCELLED":
      return (
        <Card tone="done">
          <p className="text-xl leading-tight font-bold">Request called off</p>
          <p className="mt-1 text-base">
            {canAskAgain ? "Your coat stays on the rack. Ask again whenever you're ready to leave." : "Your coat stays on the rack."}
          </p>
        </Card>
      );
    case "UNCOLLECTED":
      return request.uncollectedTo === "RAIL" ? (
        <Card tone="ready">
          <p className="text-xl leading-tight font-bold">Not collected in time</p>
          <p className="mt-1 text-base">
            {request.railPosition !== null
              ? `Your coat is still waiting for you on the rail at place ${request.railPosition}.`
              : "Your coat is still waiting for you on the rail at the counter."}
          </p>
        </Card>
      ) : (
        <Card tone="warning">
          <p className="text-xl leading-tight font-bold">Not collected in time</p>
          <p className="mt-1 text-base">Your coat went back to the rack. Ask again, or come to the counter.</p>
        </Card>
      );
  }
}

const CARD_TONES = {
  waiting: "bg-sky-50 text-sky-950 ring-sky-300",
  ready: "bg-emerald-50 text-emerald-950 ring-emerald-500",
  done: "bg-slate-50 text-slate-900 ring-slate-300",
  warning: "bg-amber-50 text-amber-950 ring-amber-400",
} as const;

function Card({ tone, children }: { tone: keyof typeof CARD_TONES; children: ReactNode }) {
  return <div className={clsx("rounded-xl px-4 py-4 ring-2 ring-inset", CARD_TONES[tone])}>{children}</div>;
}

/** Calling a request off takes a second tap on the page itself: no browser dialog on a phone in a crowd. */
function CancelRequest({
  code,
  onCancelled,
  onRefused,
}: {
  code: string;
  onCancelled: (request: GuestPickup) => void;
  onRefused: (sentence: string | null) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const cancel = useMutation({
    ...trpc.pickup.cancel.mutationOptions(),
    onSuccess: (request) => {
      setConfirming(false);
      onCancelled(request);
    },
    onError: (error) => {
      setConfirming(false);
      onRefused(unanswered(error) ? "No signal: your request was not called off. Try again in a moment." : refusalSentence(error));
    },
  });
  if (!confirming) {
    return (
      <Button variant="secondary" onClick={() => setConfirming(true)}>
        Cancel request
      </Button>
    );
  }
  return (
    <div role="group" aria-label="Call off your request?" className="flex flex-col gap-2 rounded-xl bg-white p-4 ring-1 ring-slate-300">
      <p className="text-base font-semibold text-slate-900">Call off your request? Your coat stays on the rack.</p>
      <div className="grid grid-cols-2 gap-2">
        <Button variant="danger" busy={cancel.isPending} onClick={() => cancel.mutate({ code })}>
          Yes, call it off
        </Button>
        <Button variant="secondary" onClick={() => setConfirming(false)}>
          Keep my request
        </Button>
      </div>
    </div>
  );
}

/** The time now, refreshed: "we'll start fetching at 01:20" turns into a place in the queue by itself. */
function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}
