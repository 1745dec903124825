import { REFUSAL_TITLES } from "@qrcoats/ui";

// Scan history in the words the counter uses.

export const ACTION_WORDS: Record<string, string> = {
  SCAN: "Scan",
  ISSUE: "Issue",
  CHECK_IN: "Check-in",
  CHECK_OUT: "Check-out",
  SWAP: "Swap",
  DETACH: "In & out",
  VOID: "Void",
  PAY: "Payment",
  FORGET: "Forgotten at closing",
};

export const PAYMENT_WORDS: Record<string, string> = {
  UNPAID: "Not paid",
  PAID_CASH: "Cash",
  PAID_CARD: "Card",
  PREPAID: "Prepaid",
};

export const refusalWords = (reason: string | null) => (reason ? (REFUSAL_TITLES[reason] ?? reason) : "");
