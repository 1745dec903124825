import type { PaymentStatus, SqlRunner, TicketState } from "@qrcoats/db";
import type { ApiConfig } from "../config";
import { decryptField } from "../lib/field-crypto";
import { codeFor } from "../qr/codes";
import { codeCheckOf } from "../qr/codes-shape";
import type { OfflineSlot, OfflineTicket } from "./contract";

// The tickets a counter device keeps: its venue's tickets of tonight, with what the counter
// shows of them and nothing else (no email, no phone, no guest account).

/** Tickets that changed this recently are tonight's, whatever their state. */
const TONIGHT_HOURS = 24;
/** Coats left after closing go to lost & found and may be fetched on a later night. */
const LOST_AND_FOUND_DAYS = 7;

type Row = Omit<OfflineTicket, "codeCheck" | "name" | "pickup"> & {
  pickup: (Omit<NonNullable<OfflineTicket["pickup"]>, "dueAt"> & { dueAt: string }) | null;
  contactNameEncrypted: string | null;
  guestName: string | null;
  state: TicketState;
  paymentStatus: PaymentStatus;
};

const COLUMNS = `
  SELECT t.id, t.public_id AS "publicId", t.number, t.state::text AS state, t.payment_status::text AS "paymentStatus",
         t.amount_cents AS "amountCents", t.in_outs_used AS "inOutsUsed", t.void_reason AS "voidReason",
         t.issued_at AS "issuedAt", t.checked_in_at AS "checkedInAt", t.returned_at AS "returnedAt",
         t.contact_name_encrypted AS "contactNameEncrypted", g.name AS "guestName",
         CASE WHEN s.id IS NOT NULL THEN json_build_object('id', s.id, 'number', s.number, 'kind', s.kind, 'rackName', r.name) END AS slot,
         (SELECT json_build_object('requestId', p.id, 'state', p.state, 'dueAt', p.due_at, 'railPosition', p.rail_position,
                                   'uncollectedTo', p.uncollected_to)
            FROM qr.pickup_requests p
           WHERE p.ticket_id = t.id AND (p.state IN ('QUEUED', 'FETCHING', 'READY') OR p.rail_position IS NOT NULL)
           ORDER BY p.seq DESC LIMIT 1) AS pickup
    FROM qr.tickets t
    LEFT JOIN qr.slots s ON s.id = t.slot_id
    LEFT JOIN qr.racks r ON r.id = s.rack_id
    LEFT JOIN auth.users g ON g.id = t.guest_id`;

async function toOfflineTicket(config: ApiConfig, { contactNameEncrypted, guestName, pickup, ...row }: Row): Promise<OfflineTicket> {
  return {
    ...row,
    // Read as JSON: its date comes as text.
    pickup: pickup && { ...pickup, dueAt: new Date(pickup.dueAt) },
    codeCheck: await codeCheckOf(codeFor(config.keys.ticketSigning, row.publicId)),
    name: contactNameEncrypted ? decryptField(config.keys, "ticket.contactName", contactNameEncrypted) : guestName,
  };
}

/** Tonight's tickets at a venue: coats on the racks, tickets from the last day, lost & found of the week. */
export async function tonightsTickets(sql: SqlRunner, config: ApiConfig, venueId: string, now: Date): Promise<OfflineTicket[]> {
  const rows = await sql.query<Row>(
    `${COLUMNS}
      WHERE t.venue_id = $1::uuid
        AND (t.state = 'CHECKED_IN'
             OR (t.state = 'FORGOTTEN' AND t.forgotten_at > $3)
             OR t.updated_at > $2)
      ORDER BY t.number`,
    [venueId, new Date(now.getTime() - TONIGHT_HOURS * 3_600_000), new Date(now.getTime() - LOST_AND_FOUND_DAYS * 86_400_000)],
  );
  return Promise.all(rows.map((row) => toOfflineTicket(config, row)));
}

/** One ticket of the venue as a device keeps it, or null. */
export async function offlineTicket(sql: SqlRunner, config: ApiConfig, ticketId: string, venueId: string): Promise<OfflineTicket | null> {
  const [row] = await sql.query<Row>(`${COLUMNS} WHERE t.id = $1::uuid AND t.venue_id = $2::uuid`, [ticketId, venueId]);
  return row ? toOfflineTicket(config, row) : null;
}

export async function venueSlots(sql: SqlRunner, venueId: string): Promise<OfflineSlot[]> {
  return sql.query<OfflineSlot>(
    `SELECT s.id, s.number, s.kind::text AS kind, r.name AS "rackName"
       FROM qr.slots s JOIN qr.racks r ON r.id = s.rack_id
      WHERE s.venue_id = $1::uuid ORDER BY s.number`,
    [venueId],
  );
}
