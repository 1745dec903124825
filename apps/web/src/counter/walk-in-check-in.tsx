import { paymentDue, type OfflineTicket } from "@qrcoats/api/client";
import { Alert, Button, errorCode, errorMessage } from "@qrcoats/ui";
import { onlineManager } from "@tanstack/react-query";
import { useState } from "react";
import { money } from "../format";
import { checkInOnServer, syncedTicket, type ServerCheckIn } from "./check-in-on-server";
import { deviceStore, enqueue } from "./offline/device-store";
import { LEASE_USED_UP, freeLeasedSlots, type NewOperation, type Refusal, type Venue } from "./offline/local-counter";
import { notOnShift, refusalReason } from "./offline/sync-engine";
import { PAYMENT_WORDS, SLOT_WORD, type Payment, type Slot } from "./words";

/** How the guest settles at check-in, where the venue asks then: paid now, or at pickup. */
type Settlement = { payment: Payment["status"] } | { payLater: true } | null;

type Done = { slot: Slot; paid: string };

/**
 * The walk-in's coat checked in with the same tap that handed out the ticket: the next free
 * slot of this counter's lease, taken on the device and queued like every counter action, so
 * it works with no network (docs/offline.md). With none of the lease's hooks left, online,
 * the server picks a free one, as the counter's own check-in does. Where the venue takes payment at check-in
 * (`paymentDue`), the tap says how: cash, card, or "pays at pickup".
 */
export function CheckInNow({ publicId, number, venue }: { publicId: string; number: number; venue: Venue }) {
  const [done, setDone] = useState<Done | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // A walk-in ticket is handed out unpaid.
  // A copy stored before venues chose when guests pay reads as paying at the hand-back.
  const due = paymentDue(
    "CHECK_IN",
    { paymentStatus: "UNPAID" },
    { priceCents: venue.priceCents, paymentTiming: venue.paymentTiming ?? "CHECK_OUT" },
  );

  const finish = (ticket: OfflineTicket) =>
    setDone({
      slot: ticket.slot!,
      paid: ticket.paymentStatus === "UNPAID" ? "Pays at pickup." : `${PAYMENT_WORDS[ticket.paymentStatus]}.`,
    });

  async function checkIn(settlement: Settlement) {
    setBusy(true);
    setProblem(null);
    const payment = settlement && "payment" in settlement ? { status: settlement.payment } : undefined;
    const payLater = settlement !== null && "payLater" in settlement ? true : undefined;
    const copy = deviceStore.get()?.copy;
    // No set-aside hook left and a network: the server picks a free one, as at the counter.
    if (copy && freeLeasedSlots(copy, "HANGER").length === 0 && onlineManager.isOnline()) {
      await checkInOnline({ payment, payLater });
      return setBusy(false);
    }
    const taken = await enqueue(
      (copy): NewOperation | Refusal => {
        const slot = freeLeasedSlots(copy, "HANGER")[0];
        if (!slot) return { allowed: false, reason: "NO_FREE_SLOT", message: LEASE_USED_UP };
        const paid = payment ? { payment: { ...payment, amountCents: venue.priceCents } } : payLater ? { payLater } : {};
        return { action: "CHECK_IN", publicId, slotId: slot.id, ...paid };
      },
      (applied) => `Walk-in ticket ${number} checked in on ${slotWords(applied.ticket?.slot ?? null)}`,
    );
    setBusy(false);
    if (!taken.allowed) return setProblem(taken.message);
    finish(taken.applied.ticket!);
  }

  async function checkInOnline(how: Omit<ServerCheckIn, "kind">) {
    try {
      // The walk-in's hand-out may still be on its way to the server: its ticket has no id until then.
      const ticket = await syncedTicket(publicId);
      const after = ticket && (await checkInOnServer(venue, ticket, { kind: "HANGER", ...how }));
      if (!after) return setProblem(`One moment: walk-in ticket ${number} is still being sent. Try again.`);
      finish(after);
    } catch (error) {
      if (refusalReason(error) === "NOT_ON_SHIFT") notOnShift();
      setProblem(errorCode(error) ? errorMessage(error) : LEASE_USED_UP);
    }
  }

  if (done) {
    return (
      <div className="w-full max-w-md rounded-xl border border-emerald-300 bg-emerald-50 px-4 py-3 text-emerald-950" role="status">
        <p className="text-sm font-semibold">Checked in</p>
        <p className="text-4xl font-black" data-testid="walk-in-slot">
          {capitalised(slotWords(done.slot))}
        </p>
        <p className="text-sm">
          Ticket {number} is on {slotWords(done.slot)} ({done.slot.rackName}).{venue.priceCents > 0 ? ` ${done.paid}` : ""}
        </p>
      </div>
    );
  }

  return (
    <div className="flex w-full max-w-md flex-col gap-2">
      {problem && <Alert tone="error">{problem}</Alert>}
      {due > 0 ? (
        <fieldset className="flex flex-col gap-2" disabled={busy}>
          <legend className="mb-1 font-semibold text-slate-900">Check in now · {money(due, venue.currency)}</legend>
          <div className="grid grid-cols-2 gap-2">
            <Button size="lg" onClick={() => void checkIn({ payment: "PAID_CASH" })}>
              Cash
            </Button>
            <Button size="lg" onClick={() => void checkIn({ payment: "PAID_CARD" })}>
              Card
            </Button>
            <Button size="lg" variant="secondary" className="col-span-2" onClick={() => void checkIn({ payLater: true })}>
              Pays at pickup
            </Button>
          </div>
        </fieldset>
      ) : (
        <Button size="lg" busy={busy} onClick={() => void checkIn(null)}>
          Check in now
        </Button>
      )}
    </div>
  );
}

const slotWords = (slot: Slot | null) => (slot ? `${SLOT_WORD[slot.kind]} ${slot.number}` : "its slot");
const capitalised = (words: string) => `${words[0]!.toUpperCase()}${words.slice(1)}`;
