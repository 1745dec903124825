import type { RefusalReason } from "@qrcoats/api";

/**
 * Why the counter refused, in a few words, the same at the counter and in the admin panel's
 * scan history; the API's own sentence says the rest. Every reason the API has needs a title
 * here (a new one fails the typecheck); the lookup takes any string, as errors carry it.
 */
export const REFUSAL_TITLES: Readonly<Record<string, string>> = {
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
  NOT_ON_SHIFT: "Not clocked in",
  PAYMENT_DUE: "Not paid yet",
  NO_PICKUP_REQUEST: "No pickup request",
  PICKUP_OFF: "No pickup requests here",
  PICKUP_READY: "Already on the rail",
  PICKUP_CLOSED: "Request closed",
} satisfies Record<RefusalReason, string>;
