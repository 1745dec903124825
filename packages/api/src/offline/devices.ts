import type { SlotKind, SqlRunner } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import type { Deps } from "../context";
import { codeFor, generatePublicId, ticketUrl } from "../qr/codes";
import { assertWorksAtVenue, type Member } from "../venue/access";
import type { Preparation } from "./contract";
import { tonightsTickets, venueSlots } from "./tickets";

// Preparing a counter device for a night without network (docs/offline.md): it is registered
// to its attendant and venue, free slots are set aside for it alone, walk-in tickets are
// minted for it to hand out, and it gets tonight's tickets.

type OfflineDeps = Pick<Deps, "db" | "config" | "clock">;

/** How long a lease and a pool last without the device coming back: a night, and then some. */
export const LEASE_HOURS = 12;
/** Free slots set aside per device, by kind; never more than half of those still unleased. */
export const LEASE_TARGET: Record<SlotKind, number> = { HANGER: 20, SHELF: 5 };
/** Walk-in tickets a device holds ready. */
export const POOL_TARGET = 10;

/**
 * The device, registered to this attendant (a device id of someone else's is not confirmed
 * to exist). A device moved to another venue gives back what it held at the last one.
 */
async function registerDevice(sql: SqlRunner, member: Member, venueId: string, deviceId: string, now: Date): Promise<number> {
  const [device] = await sql.query<{ lastSeq: number; previousVenueId: string }>(
    `WITH previous AS (SELECT venue_id FROM qr.counter_devices WHERE id = $1::uuid)
     INSERT INTO qr.counter_devices AS d (id, organization_id, venue_id, employee_id, last_seen_at)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5)
     ON CONFLICT (id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at, venue_id = EXCLUDED.venue_id
      WHERE d.employee_id = EXCLUDED.employee_id
     RETURNING d.last_seq AS "lastSeq", COALESCE((SELECT venue_id FROM previous), d.venue_id) AS "previousVenueId"`,
    [deviceId, member.organizationId, venueId, member.employeeId, now],
  );
  if (!device) throw new TRPCError({ code: "NOT_FOUND", message: "No such counter device: start a new one." });
  if (device.previousVenueId !== venueId) await releaseHoldings(sql, deviceId);
  // An attendant works one counter at a venue: a device they set up anew (another browser,
  // cleared storage) takes over, and the slots set aside for their earlier ones go back, so
  // abandoned devices never starve the venue of free slots. Their walk-in pools stay theirs.
  await sql.query(
    `DELETE FROM qr.slot_leases l USING qr.counter_devices d
      WHERE l.device_id = d.id AND d.employee_id = $1::uuid AND d.venue_id = $2::uuid AND d.id <> $3::uuid`,
    [member.employeeId, venueId, deviceId],
  );
  return device.lastSeq;
}

async function releaseHoldings(sql: SqlRunner, deviceId: string) {
  await sql.query(`DELETE FROM qr.slot_leases WHERE device_id = $1::uuid`, [deviceId]);
  await sql.query(`DELETE FROM qr.walk_in_pool WHERE device_id = $1::uuid`, [deviceId]);
}

/**
 * Tops the device's lease up to its target of free slots per kind. A slot whose lease ran out
 * may go to another device; one still leased to another is never taken. Leases on slots that
 * now hold a coat are dropped: the slot is no longer free.
 */
async function renewLease(sql: SqlRunner, venueId: string, deviceId: string, now: Date, expiresAt: Date) {
  await sql.query(
    `DELETE FROM qr.slot_leases l WHERE l.device_id = $1::uuid AND EXISTS (SELECT 1 FROM qr.tickets t WHERE t.slot_id = l.slot_id)`,
    [deviceId],
  );
  await sql.query(`UPDATE qr.slot_leases SET expires_at = $2 WHERE device_id = $1::uuid`, [deviceId, expiresAt]);
  for (const [kind, target] of Object.entries(LEASE_TARGET) as [SlotKind, number][]) {
    // Free slots nobody holds, lowest numbers first; the device already has `held` of them.
    await sql.query(
      `WITH held AS (
         SELECT count(*)::int AS n FROM qr.slot_leases l JOIN qr.slots s ON s.id = l.slot_id
          WHERE l.device_id = $3::uuid AND s.kind = $2::qr."SlotKind"),
       open AS (
         SELECT s.id, s.number FROM qr.slots s
          WHERE s.venue_id = $1::uuid AND s.kind = $2::qr."SlotKind"
            AND NOT EXISTS (SELECT 1 FROM qr.tickets t WHERE t.slot_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM qr.slot_leases l WHERE l.slot_id = s.id AND l.expires_at > $4)),
       wanted AS (
         SELECT id FROM open ORDER BY number
          LIMIT GREATEST(0, LEAST($5::int - (SELECT n FROM held), ((SELECT count(*) FROM open) + 1) / 2)))
       INSERT INTO qr.slot_leases (slot_id, device_id, expires_at)
       SELECT id, $3::uuid, $6 FROM wanted
       ON CONFLICT (slot_id) DO UPDATE SET device_id = EXCLUDED.device_id, expires_at = EXCLUDED.expires_at
        WHERE qr.slot_leases.expires_at <= $4`,
      [venueId, kind, deviceId, now, target, expiresAt],
    );
  }
}

/** Mints walk-in tickets for the device up to its target, each with its venue number taken now. */
async function renewPool(sql: SqlRunner, venueId: string, deviceId: string, expiresAt: Date) {
  await sql.query(`UPDATE qr.walk_in_pool SET expires_at = $2 WHERE device_id = $1::uuid`, [deviceId, expiresAt]);
  const [{ held } = { held: 0 }] = await sql.query<{ held: number }>(
    `SELECT count(*)::int AS held FROM qr.walk_in_pool WHERE device_id = $1::uuid`,
    [deviceId],
  );
  const missing = POOL_TARGET - held;
  if (missing <= 0) return;
  const [{ first } = { first: 0 }] = await sql.query<{ first: number }>(
    `UPDATE qr.venues SET next_ticket_number = next_ticket_number + $2 WHERE id = $1::uuid RETURNING next_ticket_number - $2 AS first`,
    [venueId, missing],
  );
  const numbers = Array.from({ length: missing }, (_, index) => first + index);
  await sql.query(
    `INSERT INTO qr.walk_in_pool (public_id, device_id, venue_id, number, expires_at)
     SELECT unnest($1::text[]), $2::uuid, $3::uuid, unnest($4::int[]), $5`,
    [numbers.map(() => generatePublicId()), deviceId, venueId, numbers, expiresAt],
  );
}

export async function prepareDevice(
  deps: OfflineDeps,
  member: Member,
  { venueId, deviceId }: { venueId: string; deviceId: string },
): Promise<Preparation> {
  const { db, config } = deps;
  await assertWorksAtVenue(db.sql, member, venueId);
  const now = deps.clock();
  const expiresAt = new Date(now.getTime() + LEASE_HOURS * 3_600_000);
  const lastSeq = await db.transaction(async (sql) => {
    const seq = await registerDevice(sql, member, venueId, deviceId, now);
    await renewLease(sql, venueId, deviceId, now, expiresAt);
    await renewPool(sql, venueId, deviceId, expiresAt);
    return seq;
  });
  const [venue] = await db.sql.query<Preparation["venue"]>(
    `SELECT id, name, timezone, in_out_allowance AS "inOutAllowance", price_cents AS "priceCents" FROM qr.venues WHERE id = $1::uuid`,
    [venueId],
  );
  const [tickets, slots, leased, pool] = await Promise.all([
    tonightsTickets(db.sql, config, venueId, now),
    venueSlots(db.sql, venueId),
    db.sql.query<{ slotId: string }>(`SELECT slot_id AS "slotId" FROM qr.slot_leases WHERE device_id = $1::uuid`, [deviceId]),
    db.sql.query<{ publicId: string; number: number }>(
      `SELECT public_id AS "publicId", number FROM qr.walk_in_pool WHERE device_id = $1::uuid ORDER BY number`,
      [deviceId],
    ),
  ]);
  return {
    deviceId,
    serverTime: now,
    venue: venue!,
    lastSeq,
    tickets,
    slots,
    leasedSlotIds: leased.map((lease) => lease.slotId),
    leaseExpiresAt: expiresAt,
    walkInPool: pool.map(({ publicId, number }) => {
      const code = codeFor(config.keys.ticketSigning, publicId);
      return { publicId, number, code, url: ticketUrl(config.publicUrl, code) };
    }),
  };
}

/** Sign-out: the device's set-aside slots and unused walk-in tickets go back. */
export async function releaseDevice(deps: OfflineDeps, member: Member, { deviceId }: { deviceId: string }) {
  await deps.db.transaction(async (sql) => {
    const [device] = await sql.query(`SELECT 1 FROM qr.counter_devices WHERE id = $1::uuid AND employee_id = $2::uuid FOR UPDATE`, [
      deviceId,
      member.employeeId,
    ]);
    if (device) await releaseHoldings(sql, deviceId);
  });
  return { released: true as const };
}
