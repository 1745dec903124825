import type { PaymentStatus, Prisma, PrismaClient, TicketState } from "@qrcoats/db";

// The vocabulary of qr.scan_events. Other domains read these rows (employee performance
// counts CHECK_IN/OK as a check-in, CHECK_OUT/OK as a check-out, action SCAN as a scan and
// result REFUSED as a refusal), so the strings live here and nowhere else.

/**
 * What was asked at the counter. FORGET is the closing-time job's, never an attendant's:
 * it has no employee and closes the stay of a coat in occupancy analytics.
 */
export const SCAN_ACTIONS = ["SCAN", "ISSUE", "CHECK_IN", "CHECK_OUT", "SWAP", "DETACH", "VOID", "PAY", "FORGET"] as const;
export type ScanAction = (typeof SCAN_ACTIONS)[number];

export const SCAN_RESULTS = ["OK", "REFUSED"] as const;
export type ScanResult = (typeof SCAN_RESULTS)[number];

export const REFUSAL_REASONS = [
  "UNKNOWN_CODE",
  "WRONG_VENUE",
  "VOIDED",
  "ALREADY_RETURNED",
  "ALREADY_CHECKED_IN",
  "NOT_CHECKED_IN",
  "FORGOTTEN",
  "ALLOWANCE_USED_UP",
  "ALREADY_PAID",
  "SLOT_TAKEN",
  "SLOT_WRONG_KIND",
  "SLOT_NOT_FOUND",
  "NO_FREE_SLOT",
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** What a row says besides who, where, when and how it ended. */
export type ScanFacts = {
  ticketId?: string | null;
  unknownCodeHash?: string | null;
  fromState?: TicketState | null;
  toState?: TicketState | null;
  slotId?: string | null;
  toSlotId?: string | null;
  paymentStatus?: PaymentStatus | null;
  amountCents?: number | null;
};

export type ScanEventInput = ScanFacts & {
  organizationId: string;
  venueId: string;
  employeeId: string | null;
  action: ScanAction;
  occurredAt: Date;
} & ({ result: "OK"; reason?: never } | { result: "REFUSED"; reason: RefusalReason });

export async function recordScanEvent(db: PrismaClient | Prisma.TransactionClient, event: ScanEventInput): Promise<void> {
  await db.scanEvent.create({ data: { ...event, reason: event.reason ?? null }, select: { id: true } });
}
