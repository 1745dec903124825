import type { CounterAction as Step, OfflineSlot, OfflineTicket, PaymentTiming } from "@qrcoats/api/client";

export type Slot = OfflineSlot;
export type PaymentStatus = OfflineTicket["paymentStatus"];

/** A ticket as the counter shows it, read from the device's copy. */
export type CounterResult = {
  ticket: OfflineTicket & { inOutAllowance: number };
  allowedActions: Step[];
  /** For a ticket to check in: the free slot of this counter's lease it would take. */
  proposedSlot: Slot | null;
};

/** The venue as the counter needs it, online or from the device. */
export type CounterVenueFacts = {
  id: string;
  name: string;
  timezone: string;
  priceCents: number;
  currency: string;
  /** When guests pay; absent on a device prepared before venues said (then at check-out). */
  paymentTiming?: PaymentTiming;
};
export type Payment = { status: Exclude<PaymentStatus, "UNPAID"> };

export const SLOT_WORD: Record<Slot["kind"], string> = { HANGER: "hook", SHELF: "shelf" };

export const PAYMENT_WORDS: Record<PaymentStatus, string> = {
  UNPAID: "Not paid",
  PAID_CASH: "Paid (cash)",
  PAID_CARD: "Paid (card)",
  PREPAID: "Prepaid",
};
