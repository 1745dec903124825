// Scan history in the words the counter uses (apps/web says the same at the counter).

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

const REFUSAL_WORDS: Record<string, string> = {
  UNKNOWN_CODE: "Not one of our tickets",
  WRONG_VENUE: "Ticket of another venue",
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

export const PAYMENT_WORDS: Record<string, string> = {
  UNPAID: "Not paid",
  PAID_CASH: "Cash",
  PAID_CARD: "Card",
  PREPAID: "Prepaid",
};

export const refusalWords = (reason: string | null) => (reason ? (REFUSAL_WORDS[reason] ?? reason) : "");
