import type { RouterOutputs } from "@qrcoats/api";

export type CounterResult = RouterOutputs["qr"]["scan"];
export type Slot = NonNullable<CounterResult["proposedSlot"]>;
export type PaymentStatus = CounterResult["ticket"]["paymentStatus"];
export type Payment = { status: Exclude<PaymentStatus, "UNPAID"> };

export const SLOT_WORD: Record<Slot["kind"], string> = { HANGER: "hook", SHELF: "shelf" };

export const PAYMENT_WORDS: Record<PaymentStatus, string> = {
  UNPAID: "Not paid",
  PAID_CASH: "Paid in cash",
  PAID_CARD: "Paid by card",
  PREPAID: "Prepaid",
};

/** A headline per refusal reason: the API's sentence below it says the rest. */
const REFUSAL_TITLES: Record<string, string> = {
  UNKNOWN_CODE: "Not one of our tickets",
  WRONG_VENUE: "Wrong venue",
  VOIDED: "Voided ticket",
  ALREADY_RETURNED: "Already returned",
  ALREADY_CHECKED_IN: "Already checked in",
  NOT_CHECKED_IN: "Not checked in",
  FORGOTTEN: "In lost & found",
  ALLOWANCE_USED_UP: "No in & outs left",
  ALREADY_PAID: "Already paid",
  SLOT_NOT_FOUND: "No such slot here",
  SLOT_WRONG_KIND: "Wrong kind of slot",
  SLOT_TAKEN: "Slot taken",
  NO_FREE_SLOT: "No free slot",
};

type ErrorShape = { data?: { code?: string; reason?: string | null } | null };

export function refusalReason(error: unknown): string | null {
  return (error as ErrorShape | null)?.data?.reason ?? null;
}

export function refusalTitle(error: unknown): string {
  const data = (error as ErrorShape | null)?.data;
  if (!data) return "No connection";
  if (data.reason && REFUSAL_TITLES[data.reason]) return REFUSAL_TITLES[data.reason]!;
  if (data.code === "FORBIDDEN") return "Not allowed";
  if (data.code === "BAD_REQUEST") return "Check the code";
  return "Refused";
}
