import type { OfflineTicket } from "@qrcoats/api/client";
import { trpcClient } from "@qrcoats/ui";
import { deviceStore, takeServerTicket } from "./offline/device-store";
import { refreshNow } from "./offline/sync-engine";
import type { Payment, Slot } from "./words";

export type ServerCheckIn = { kind: Slot["kind"]; payment?: Payment; payLater?: boolean };

/**
 * Online, with no slot of this counter's lease free (the server sets aside at most half of
 * the venue's free slots for all counters together): the server picks a free slot no counter
 * holds, and the device's copy takes its answer, since only it can say which is free. Shared
 * by the counter's scan and the walk-in page's "Check in now".
 *
 * Throws as the API does; `null` when the ticket is a walk-in the server has not heard of yet.
 */
export async function checkInOnServer(
  venue: { id: string; priceCents: number },
  ticket: OfflineTicket,
  { kind, payment, payLater }: ServerCheckIn,
): Promise<OfflineTicket | null> {
  if (!ticket.id) return null;
  const result = await trpcClient.qr.checkIn.mutate({
    venueId: venue.id,
    ticketId: ticket.id,
    kind,
    payment: payment ? { status: payment.status, amountCents: venue.priceCents } : undefined,
    payLater,
  });
  const after = result.ticket;
  await takeServerTicket(ticket.publicId, {
    state: after.state,
    slot: after.slot,
    paymentStatus: after.paymentStatus,
    amountCents: after.amountCents,
    checkedInAt: after.checkedInAt,
  });
  return { ...ticket, ...after, name: ticket.name };
}

/**
 * The ticket as the device now holds it, with its server id once the walk-in's hand-out has
 * been sent: waits for one sync round when the id is still missing.
 */
export async function syncedTicket(publicId: string): Promise<OfflineTicket | null> {
  const held = () => deviceStore.get()?.copy?.tickets.get(publicId) ?? null;
  if (held()?.id) return held();
  await refreshNow();
  return held();
}
