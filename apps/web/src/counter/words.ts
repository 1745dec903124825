import type { RouterOutputs } from "@qrcoats/api";
import { REFUSAL_TITLES } from "@qrcoats/ui";

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
