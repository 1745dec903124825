import type { SlotKind, SqlRunner } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import type { Deps } from "../context";
import { codeFor, generatePublicId, ticketUrl } from "../qr/codes";
import { assertOnShift } from "../shift/on-shift";
import type { Member } from "../venue/access";
import type { Preparation } from "./contract";
import { readVenueQueue } from "../pickup/queue";
import { tonightsTickets, venueSlots } from "./tickets";

// Preparing a counter device for a night without network (docs/offline.md): it is registered
// to its attendant and venue, free slots are set aside for it alone, walk-in tickets are
// minted for it to hand out, and it gets tonight's tickets.

type OfflineDeps = Pick<Deps, "db" | "config" | "clock">;

/** How long a lease and a pool last without the device coming back: a night, and then some. */
export const LEASE_HOURS = 12;
/**
 * Free slots set aside per device, by kind. All devices together never hold more than half
 * of a venue's free slots of a kind, so online counters always find some, and devices set up
 * and abandoned (a cleared browser) cannot take them all.
 */
export const LEASE_TARGET: Record<SlotKind, number> = { HANGER: 20, SHELF: 5 };
/** Walk-in tickets a device holds ready. */
export const POOL_TARGET = 10;
/**
 * Unused walk-in tickets one attendant's devices hold at a venue: each takes a number for
 * good. A device not heard from for two hours (a dead or swapped phone) no longer counts,
 * so the attendant's next one gets its own.
 */
export const POOL_LIMIT_PER_ATTENDANT = 2 * POOL_TARGET;
const POOL_DEVICE_GONE_MS = 2 * 3_600_000;

/**
 * The device, registered to this attendant (a device id of someone else's is not confirmed
 * to exist). A device moved to another venue gives back what it held at the last one.
 */
async function registerDevice(sql: SqlRunner, member: Member, venueId: string, deviceId: string, now: Date): Promise<number> {
  const [device] = await sql.query<{ lastSeq: number; previousVenueId: string }>(
    `WITH previous AS (SELECT venue_id FROM qr.counter_devices WHERE id = $1::uuid)
     INSERT INTO qr.counter_devices AS d (id, organization_id, venue_id, employee_id, created_at, last_seen_at)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5, $5)
     ON CONFLICT (id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at, venue_id = EXCLUDED.venue_id
      WHERE d.employee_id = EXCLUDED.employee_id
     RETURNING d.last_seq AS "lastSeq", COALESCE((SELECT venue_id FROM previous), d.venue_id) AS "previousVenueId"`,
    [deviceId, member.organizationId, venueId, member.employeeId, now],
  );
  if (!device) throw new TRPCError({ code: "NOT_FOUND", message: "No such counter device: start a new one." });
  if (device.previousVenueId !== venueId) await releaseHoldings(sql, deviceId);
  return device.lastSeq;
}

async function releaseHoldings(sql: SqlRunner, deviceId: string) {
  await sql.query(`DELETE FROM qr.slot_leases WHERE device_id = $1::uuid`, [deviceId]);
  await sql.query(`DELETE FROM qr.walk_in_pool WHERE device_id = $1::uuid`, [deviceId]);
}

/**
 * Tops the device's lease up to its target of free slots per kind, while all live leases stay
 * within half of the free slots. A slot whose lease ran out may go to another device; one
 * still leased to another is never taken. Leases on slots that now hold a coat are dropped:
 * the slot is no longer free.
 */
async function renewLease(sql: SqlRunner, venueId: string, deviceId: string, now: Date, expiresAt: Date) {
  await sql.query(
    `DELETE FROM qr.slot_leases l WHERE l.device_id = $1::uuid AND EXISTS (SELECT 1 FROM qr.tickets t WHERE t.slot_id = l.slot_id)`,
    [deviceId],
  );
  await sql.query(`UPDATE qr.slot_leases SET expires_at = $2 WHERE device_id = $1::uuid`, [deviceId, expiresAt]);
  for (const [kind, target] of Object.entries(LEASE_TARGET) as [SlotKind, number][]) {
    // Free slots nobody holds, lowest numbers first; the device already has `held` of them,
    // and all devices together `leased` of the venue's `free`.
    await sql.query(
      `WITH free AS (
         SELECT s.id, s.number, l.device_id, l.expires_at > $4 AS live FROM qr.slots s
           LEFT JOIN qr.slot_leases l ON l.slot_id = s.id
          WHERE s.venue_id = $1::uuid AND s.kind = $2::qr."SlotKind"
            AND NOT EXISTS (SELECT 1 FROM qr.tickets t WHERE t.slot_id = s.id)),
       counts AS (
         SELECT count(*) FILTER (WHERE device_id = $3::uuid AND live) AS held,
                count(*) FILTER (WHERE live) AS leased,
                count(*) AS free
           FROM free),
       wanted AS (
         SELECT id FROM free WHERE live IS NOT TRUE ORDER BY number
          LIMIT GREATEST(0, LEAST($5::int - (SELECT held FROM counts), (SELECT free / 2 - leased FROM counts))))
       INSERT INTO qr.slot_leases (slot_id, device_id, expires_at)
       SELECT id, $3::uuid, $6 FROM wanted
       ON CONFLICT (slot_id) DO UPDATE SET device_id = EXCLUDED.device_id, expires_at = EXCLUDED.expires_at
        WHERE qr.slot_leases.expires_at <= $4`,
      [venueId, kind, deviceId, now, target, expiresAt],
    );
  }
}

/**
 * Mints walk-in tickets for the device up to its target, each with its venue number taken now,
 * within what its attendant's devices at the venue may hold unused.
 */
async function renewPool(sql: SqlRunner, member: Member, venueId: string, deviceId: string, now: Date, expiresAt: Date) {
  await sql.query(`UPDATE qr.walk_in_pool SET expires_at = $2 WHERE device_id = $1::uuid`, [deviceId, expiresAt]);
  const [{ held, attendantHolds } = { held: 0, attendantHolds: 0 }] = await sql.query<{ held: number; attendantHolds: number }>(
    `SELECT count(*) FILTER (WHERE p.device_id = $1::uuid)::int AS held, count(*)::int AS "attendantHolds"
       FROM qr.walk_in_pool p JOIN qr.counter_devices d ON d.id = p.device_id
      WHERE d.employee_id = $2::uuid AND p.venue_id = $3::uuid AND p.expires_at > $4
        AND (d.id = $1::uuid OR d.last_seen_at > $5)`,
    [deviceId, member.employeeId, venueId, now, new Date(now.getTime() - POOL_DEVICE_GONE_MS)],
  );
  const missing = Math.min(POOL_TARGET - held, POOL_LIMIT_PER_ATTENDANT - attendantHolds);
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
  const now = deps.clock();
  // A counter is made ready for a shift: off shift, its screen offers the clock-in first.
  await assertOnShift(db.sql, member, venueId, now);
  const expiresAt = new Date(now.getTime() + LEASE_HOURS * 3_600_000);
  const lastSeq = await db.transaction(async (sql) => {
    const seq = await registerDevice(sql, member, venueId, deviceId, now);
    await renewLease(sql, venueId, deviceId, now, expiresAt);
    await renewPool(sql, member, venueId, deviceId, now, expiresAt);
    return seq;
  });
  const [venue] = await db.sql.query<Preparation["venue"]>(
    `SELECT id, name, timezone, in_out_allowance AS "inOutAllowance", price_cents AS "priceCents", currency,
            payment_timing::text AS "paymentTiming"
       FROM qr.venues WHERE id = $1::uuid`,
    [venueId],
  );
  const [tickets, slots, leased, pool, pickupQueue] = await Promise.all([
    tonightsTickets(db.sql, config, venueId, now),
    venueSlots(db.sql, venueId),
    db.sql.query<{ slotId: string }>(`SELECT slot_id AS "slotId" FROM qr.slot_leases WHERE device_id = $1::uuid`, [deviceId]),
    db.sql.query<{ publicId: string; number: number }>(
      `SELECT public_id AS "publicId", number FROM qr.walk_in_pool WHERE device_id = $1::uuid ORDER BY number`,
      [deviceId],
    ),
    readVenueQueue(db.sql, venueId, now),
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
    pickupQueue,
  };
}

/** Sign-out: the device's set-aside slots and unused walk-in tickets go back. */
export async function releaseDevice(deps: OfflineDeps, member: Member, { deviceId }: { deviceId: string }) {
  await deps.db.transaction(async (sql) => {
    const [device] = await sql.query(`SELECT 1 FROM qr.counter_devices WHERE id = $1::uuid AND employee_id = $2::uuid FOR UPDATE`, [
      deviceId,
      member.employeeId,
    ]);
    if (!device) throw new TRPCError({ code: "NOT_FOUND", message: "No such counter device." });
    await releaseHoldings(sql, deviceId);
  });
  return { released: true as const };
}

/**
 * After an attendant's access changed (deactivated, demoted, taken off venues): the slots set
 * aside for their devices at venues where they may no longer work go back at once, rather
 * than staying out of everyone's reach until the lease runs out. Their devices can no longer
 * sync there anyway. Admins work at every venue of their organization.
 */
export async function releaseWithdrawnLeases(sql: SqlRunner, employeeId: string): Promise<void> {
  await sql.query(
    `DELETE FROM qr.slot_leases l
      USING qr.counter_devices d, employees.employees e, auth.memberships m
      WHERE l.device_id = d.id AND d.employee_id = $1::uuid AND e.id = d.employee_id AND m.id = e.membership_id
        AND (m.status <> 'ACTIVE'
             OR (m.role <> 'ADMIN'
                 AND NOT EXISTS (SELECT 1 FROM employees.employee_venues ev WHERE ev.employee_id = d.employee_id AND ev.venue_id = d.venue_id)))`,
    [employeeId],
  );
}
