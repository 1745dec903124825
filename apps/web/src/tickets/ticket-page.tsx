import { ticketQrPng } from "@qrcoats/api/client";
import { Alert, Button, QrImage, errorCode, trpc, useSession } from "@qrcoats/ui";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useState } from "react";
import { Link } from "wouter";
import { clockTime } from "../format";
import {
  getSavedTicket,
  isActive,
  normalizeCode,
  qrUrlOf,
  saveOwnedTicket,
  savePublicView,
  useSavedTicket,
  type SavedTicket,
} from "./saved-tickets";
import { PickupPanel } from "./pickup-panel";
import { TicketStatus } from "./ticket-status";
import { useOnline } from "./use-online";
import { useWakeLock } from "./use-wake-lock";

/**
 * A ticket's page, at the address its QR encodes. Everyone holding the code sees its state
 * live and its QR, drawn here from the code; its owner also sees the slot. Whatever was seen
 * is kept on the device, so the page opens in a basement with no signal.
 */
export function TicketPage({ params }: { params: { code: string } }) {
  const code = normalizeCode(decodeURIComponent(params.code));
  const saved = useSavedTicket(code);
  const ticketId = useOwnedTicketId(code, saved);
  const online = useOnline();
  const queryClient = useQueryClient();

  const watch = useSubscription(
    trpc.qr.watch.subscriptionOptions(
      { code },
      {
        onData: (view) => {
          const before = getSavedTicket(code);
          savePublicView(code, view);
          // The public view has no slot: the owner's own answer brings it.
          if (ticketId && before?.state !== view.state)
            void queryClient.invalidateQueries({ queryKey: trpc.qr.get.queryKey({ ticketId }) });
        },
      },
    ),
  );

  useWakeLock(saved !== undefined && isActive(saved.state));

  if (!saved) {
    if (errorCode(watch.error) === "NOT_FOUND") {
      return (
        <section className="flex flex-col gap-4">
          <h1 className="text-2xl font-bold">Ticket not found</h1>
          <Alert tone="error">This is not a valid QRcoats ticket. Check that the whole link was copied.</Alert>
        </section>
      );
    }
    if (!online) {
      return (
        <section className="flex flex-col gap-4">
          <h1 className="text-2xl font-bold">You are offline</h1>
          <Alert tone="warning">This ticket has not been opened on this phone before. It will show here as soon as you have signal.</Alert>
        </section>
      );
    }
    return <TicketSkeleton />;
  }

  const live = online && watch.status === "pending";
  return (
    <section aria-labelledby="ticket-heading" className="flex flex-col gap-4">
      <TicketStatus state={saved.state} slotNumber={saved.slotNumber} />
      <div className="flex items-end justify-between gap-4">
        <div className="min-w-0">
          <p className="truncate text-base font-medium text-slate-700">{saved.venueName}</p>
          <h1 id="ticket-heading" className="text-lg font-semibold text-slate-700">
            Ticket <span className="block text-7xl leading-none font-black tracking-tight text-slate-950 tabular-nums">{saved.number}</span>
          </h1>
        </div>
        <Connection live={live} online={online} heardAt={saved.heardAt} />
      </div>
      <PickupPanel code={code} pickup={watch.data?.pickup} online={online} />
      <TicketQr ticket={saved} />
      <div className="flex flex-col gap-3">
        <PngDownload code={code} number={saved.number} />
        <Link
          href="/tickets"
          className="inline-flex min-h-11 items-center justify-center rounded-lg px-4 font-semibold text-indigo-700 underline-offset-4 hover:underline"
        >
          All my tickets
        </Link>
      </div>
    </section>
  );
}

/** The owner's ticket id: known on this device, or found among their tickets once signed in. */
function useOwnedTicketId(code: string, saved: SavedTicket | undefined): string | null {
  const { me } = useSession();
  const mine = useQuery({ ...trpc.qr.mine.queryOptions({ limit: 50 }), enabled: me !== null && !saved?.id });
  const ticketId = saved?.id ?? mine.data?.items.find((ticket) => normalizeCode(ticket.code) === code)?.id ?? null;
  const owned = useQuery({ ...trpc.qr.get.queryOptions({ ticketId: ticketId ?? "" }), enabled: me !== null && ticketId !== null });
  useEffect(() => {
    if (owned.data) saveOwnedTicket(owned.data);
  }, [owned.data]);
  return me && ticketId;
}

function TicketQr({ ticket }: { ticket: SavedTicket }) {
  const usable = isActive(ticket.state);
  return (
    <div className="relative mx-auto w-full max-w-sm rounded-2xl bg-white p-3 shadow-sm ring-1 ring-slate-200">
      <QrImage
        url={qrUrlOf(ticket.code)}
        label={`QR code of ticket ${ticket.number} at ${ticket.venueName}`}
        className={usable ? "" : "opacity-25"}
      />
      {!usable && (
        <p className="absolute inset-0 flex items-center justify-center text-center text-2xl font-bold text-slate-800">No longer valid</p>
      )}
    </div>
  );
}

function Connection({ live, online, heardAt }: { live: boolean; online: boolean; heardAt: number }) {
  const updated = `Last updated ${clockTime(heardAt)}`;
  return (
    <p data-testid="ticket-connection" className="max-w-44 text-right text-sm text-slate-700">
      {live ? (
        <>
          <span className="inline-flex items-center gap-1.5 font-semibold text-emerald-800">
            <span aria-hidden className="size-2 rounded-full bg-emerald-600" />
            Live
          </span>
          <span className="block">{updated}</span>
        </>
      ) : (
        <>
          <span className="block font-semibold text-amber-900">{online ? "Reconnecting…" : "Offline — showing your saved ticket"}</span>
          <span className="block">{updated}</span>
        </>
      )}
    </p>
  );
}

/** Drawn on the phone when asked for, so that it costs the page nothing until then, and works offline. */
function PngDownload({ code, number }: { code: string; number: number }) {
  const [failed, setFailed] = useState(false);
  const save = () =>
    ticketQrPng(qrUrlOf(code))
      .then((dataUrl) => {
        const link = document.createElement("a");
        link.href = dataUrl;
        link.download = `qrcoats-ticket-${number}.png`;
        link.click();
      })
      .catch(() => setFailed(true));
  return (
    <Button variant="secondary" onClick={() => void save()}>
      {failed ? "This phone cannot save the image: take a screenshot" : "Save the QR as an image"}
    </Button>
  );
}

/** Holds the ticket's place while it loads, so nothing jumps when it arrives. */
function TicketSkeleton() {
  return (
    <section aria-busy className="flex flex-col gap-4">
      <p role="status" className="sr-only">
        Loading your ticket…
      </p>
      <div className="h-20 animate-pulse rounded-xl bg-slate-200" />
      <div className="h-24 w-40 animate-pulse rounded-lg bg-slate-200" />
      <div className="mx-auto aspect-square w-full max-w-sm animate-pulse rounded-2xl bg-slate-200" />
    </section>
  );
}
