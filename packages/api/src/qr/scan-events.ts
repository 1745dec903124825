import type { PaymentStatus, SqlRunner, TicketState } from "@qrcoats/db";

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
  // Every guest served (docs/guests.md): off shift, and a coat not handed back before it is paid for.
  "NOT_ON_SHIFT",
  "PAYMENT_DUE",
  // Pickup requests (docs/pickup.md): refused to a guest or an attendant, never a scan event.
  "NO_PICKUP_REQUEST",
  "PICKUP_OFF",
  "PICKUP_READY",
  "PICKUP_CLOSED",
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
  /** The counter device that did it (every action of the web app's counter comes from one). */
  deviceId?: string | null;
  /** Done with no network and synced later. */
  takenOffline?: boolean;
  /** The attendant typed the ticket's number and confirmed it against the ticket (no code scanned). */
  byNumber?: boolean;
};

export type ScanEventInput = ScanFacts & {
  organizationId: string;
  venueId: string;
  employeeId: string | null;
  action: ScanAction;
  occurredAt: Date;
} & ({ result: "OK"; reason?: never } | { result: "REFUSED"; reason: RefusalReason });

/**
 * Writes one scan-history row: one statement, in whatever transaction the runner belongs to
 * (the counter's raw ones, or a Prisma transaction through `prismaRunner`).
 */
export async function recordScanEvent(sql: SqlRunner, event: ScanEventInput): Promise<void> {
  await sql.query(
    `INSERT INTO qr.scan_events
       (occurred_at, organization_id, venue_id, employee_id, ticket_id, unknown_code_hash, action, result, reason,
        from_state, to_state, slot_id, to_slot_id, payment_status, amount_cents, device_id, taken_offline, by_number)
     VALUES ($1, $2::uuid, $3::uuid, $4::uuid, $5::uuid, $6, $7, $8, $9,
        $10::qr."TicketState", $11::qr."TicketState", $12::uuid, $13::uuid, $14::qr."PaymentStatus", $15, $16::uuid, $17, $18)`,
    [
      event.occurredAt,
      event.organizationId,
      event.venueId,
      event.employeeId,
      event.ticketId ?? null,
      event.unknownCodeHash ?? null,
      event.action,
      event.result,
      event.reason ?? null,
      event.fromState ?? null,
      event.toState ?? null,
      event.slotId ?? null,
      event.toSlotId ?? null,
      event.paymentStatus ?? null,
      event.amountCents ?? null,
      event.deviceId ?? null,
      event.takenOffline ?? false,
      event.byNumber ?? false,
    ],
  );
}
