import type { SqlRunner } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import type { Deps } from "../context";
import { isUniqueViolation, tooManyRequests } from "../lib/errors";
import { checkIn, checkOut, detach, pay, scan, swap, voidTicket, type DeviceContext, type JournalEntry } from "../qr/counter";
import { markFetched, PickupRefusal, startFetching } from "../pickup/requests";
import { CounterRefusal } from "../qr/refusal";
import { recordScanEvent, type RefusalReason } from "../qr/scan-events";
import { sealContact } from "../qr/tickets";
import { assertOnShift } from "../shift/on-shift";
import { assertWorksAtVenue, type Member } from "../venue/access";
import { adviceFor } from "./advice";
import type { Operation, OperationOutcome, SyncResult } from "./contract";
import { offlineTicket } from "./tickets";

// Applying what a device did offline (docs/offline.md). Each operation goes through the very
// transitions the online counter uses, under the same row locks and state machine, with the
// device's journal entry written in the same transaction: the journal's key (device, seq) and
// the operation id are unique, so an operation sent twice, or by two requests at once, is
// applied once; the device's count must go up by one, so operations apply in its order.

type OfflineDeps = Pick<Deps, "db" | "config" | "clock" | "telemetry">;

/** How long one sync may hold its device before another may start (a host that died mid-sync holds it this long). */
const SYNC_HOLD_MS = 20_000;
/** An operation that reaches the server this long after it was done was done offline (a slow network takes seconds). */
const LATE_MS = 30_000;
/** An operation is dated when the device took it, but never in the future nor before yesterday. */
const OLDEST_TAKEN_AT_MS = 24 * 3_600_000;

/** Thrown inside an operation's transaction when the device's count moved meanwhile. */
class OutOfOrder extends Error {}

type StoredOutcome = {
  opId: string;
  status: "APPLIED" | "CONFLICT";
  reason: RefusalReason | null;
  message: string | null;
  ticketId: string | null;
};

async function storedOutcome(sql: SqlRunner, deviceId: string, seq: number): Promise<StoredOutcome | null> {
  const [row] = await sql.query<StoredOutcome>(
    `SELECT op_id AS "opId", status, reason, message, ticket_id AS "ticketId" FROM qr.device_operations WHERE device_id = $1::uuid AND seq = $2`,
    [deviceId, seq],
  );
  return row ?? null;
}

type HeldDevice = { lastSeq: number; createdAt: Date };

/** The device, held for this sync; a second sync of it at once is asked to come back. */
async function holdDevice(deps: OfflineDeps, member: Member, venueId: string, deviceId: string, now: Date): Promise<HeldDevice> {
  const [held] = await deps.db.sql.query<HeldDevice>(
    `UPDATE qr.counter_devices SET syncing_until = $4, last_seen_at = $3
      WHERE id = $1::uuid AND employee_id = $2::uuid AND venue_id = $5::uuid AND (syncing_until IS NULL OR syncing_until < $3)
     RETURNING last_seq AS "lastSeq", created_at AS "createdAt"`,
    [deviceId, member.employeeId, now, new Date(now.getTime() + SYNC_HOLD_MS), venueId],
  );
  if (held) return held;
  const [exists] = await deps.db.sql.query(
    `SELECT 1 FROM qr.counter_devices WHERE id = $1::uuid AND employee_id = $2::uuid AND venue_id = $3::uuid`,
    [deviceId, member.employeeId, venueId],
  );
  if (!exists) throw new TRPCError({ code: "NOT_FOUND", message: "No such counter device at this venue: prepare it first." });
  throw tooManyRequests("This device is already sending its actions.", Math.ceil(SYNC_HOLD_MS / 1000));
}

function journalFor(deviceId: string, operation: Operation, takenAt: Date, now: Date): DeviceContext["journal"] {
  return async (sql, entry: JournalEntry) => {
    await sql.query(
      `INSERT INTO qr.device_operations (device_id, seq, op_id, action, taken_at, applied_at, status, reason, message, ticket_id)
       VALUES ($1::uuid, $2, $3::uuid, $4, $5, $6, $7, $8, $9, $10::uuid)`,
      [
        deviceId,
        operation.seq,
        operation.opId,
        operation.action,
        takenAt,
        now,
        entry.status,
        entry.status === "CONFLICT" ? entry.reason : null,
        entry.status === "CONFLICT" ? entry.message : null,
        entry.ticketId,
      ],
    );
    const moved = await sql.query(`UPDATE qr.counter_devices SET last_seq = $2 WHERE id = $1::uuid AND last_seq = $2 - 1 RETURNING 1`, [
      deviceId,
      operation.seq,
    ]);
    if (moved.length === 0) throw new OutOfOrder();
  };
}

/** A walk-in ticket from the device's pool becomes a ticket, numbered and coded as minted. */
async function issueFromPool(
  deps: OfflineDeps,
  member: Member,
  venueId: string,
  operation: Extract<Operation, { action: "ISSUE_WALK_IN" }>,
  device: DeviceContext,
) {
  const now = deps.clock();
  try {
    await issuePooledTicket(deps, member, venueId, operation, device, now);
  } catch (error) {
    if (!(error instanceof CounterRefusal)) throw error;
    await deps.db.transaction(async (sql) => {
      await recordScanEvent(sql, {
        organizationId: member.organizationId,
        venueId,
        employeeId: member.employeeId,
        deviceId: device.deviceId,
        takenOffline: device.takenOffline,
        action: "ISSUE",
        result: "REFUSED",
        reason: error.reason,
        occurredAt: now,
      });
      await device.journal(sql, { status: "CONFLICT", ticketId: null, reason: error.reason, message: error.message });
    });
    throw error;
  }
}

async function issuePooledTicket(
  deps: OfflineDeps,
  member: Member,
  venueId: string,
  operation: Extract<Operation, { action: "ISSUE_WALK_IN" }>,
  device: DeviceContext,
  now: Date,
) {
  await assertOnShift(deps.db.sql, member, venueId, now, { fromDevice: true });
  return deps.db.transaction(async (sql) => {
    const [pooled] = await sql.query<{ number: number }>(
      `DELETE FROM qr.walk_in_pool WHERE public_id = $1 AND device_id = $2::uuid AND venue_id = $3::uuid RETURNING number`,
      [operation.publicId, device.deviceId, venueId],
    );
    if (!pooled) {
      throw new CounterRefusal("NOT_FOUND", "UNKNOWN_CODE", "This walk-in ticket was not set aside for this counter.");
    }
    const contact = sealContact(deps.config.keys, { name: operation.name, email: operation.email, phone: operation.phone });
    const [ticket] = await sql.query<{ id: string }>(
      `INSERT INTO qr.tickets (id, public_id, organization_id, venue_id, number, issued_by_id, issued_at, updated_at,
                               contact_name_encrypted, contact_name_hash, contact_email_encrypted, contact_email_hash,
                               contact_phone_encrypted, contact_phone_last_digits_hash)
       VALUES (gen_random_uuid(), $1, $2::uuid, $3::uuid, $4, $5::uuid, $6, $6, $7, $8, $9, $10, $11, $12)
       RETURNING id`,
      [
        operation.publicId,
        member.organizationId,
        venueId,
        pooled.number,
        member.employeeId,
        now,
        contact.contactNameEncrypted,
        contact.contactNameHash,
        contact.contactEmailEncrypted,
        contact.contactEmailHash,
        contact.contactPhoneEncrypted,
        contact.contactPhoneLastDigitsHash,
      ],
    );
    await recordScanEvent(sql, {
      organizationId: member.organizationId,
      venueId,
      employeeId: member.employeeId,
      ticketId: ticket!.id,
      deviceId: device.deviceId,
      takenOffline: device.takenOffline,
      action: "ISSUE",
      result: "OK",
      toState: "ISSUED",
      occurredAt: now,
    });
    await device.journal(sql, { status: "APPLIED", ticketId: ticket!.id });
  });
}

/** Runs one operation through the counter; a refusal is journaled by the counter itself. */
async function apply(deps: OfflineDeps, member: Member, venueId: string, operation: Operation, device: DeviceContext): Promise<void> {
  const ref = { publicId: "publicId" in operation && operation.publicId ? operation.publicId : "" };
  switch (operation.action) {
    case "SCAN":
      await scan(
        deps,
        member,
        { venueId, ref: operation.publicId ? ref : { code: operation.code ?? "" }, byNumber: operation.byNumber ?? false },
        device,
      );
      return;
    case "ISSUE_WALK_IN":
      await issueFromPool(deps, member, venueId, operation, device);
      return;
    case "CHECK_IN":
      await checkIn(
        deps,
        member,
        { venueId, ref, slotId: operation.slotId, payment: operation.payment, payLater: operation.payLater },
        device,
      );
      return;
    case "CHECK_OUT":
      await checkOut(deps, member, { venueId, ref, payment: operation.payment, unpaidReason: operation.unpaidReason }, device);
      return;
    case "SWAP":
      await swap(deps, member, { venueId, ref, toSlotId: operation.toSlotId }, device);
      return;
    case "DETACH":
      await detach(deps, member, { venueId, ref }, device);
      return;
    case "PAY":
      await pay(deps, member, { venueId, ref, payment: operation.payment }, device);
      return;
    case "VOID":
      await voidTicket(deps, member, { venueId, ref, reason: operation.reason }, device);
      return;
    case "PICKUP_START":
      await startFetching(deps, member, { venueId, ref }, device);
      return;
    case "PICKUP_FETCHED":
      await markFetched(deps, member, { venueId, ref }, device);
      return;
  }
}

async function outcomeOf(deps: OfflineDeps, venueId: string, operation: Operation, stored: StoredOutcome): Promise<OperationOutcome> {
  // Another venue's ticket (a WRONG_VENUE conflict) is not this counter's to see.
  const ticket = stored.ticketId ? await offlineTicket(deps.db.sql, deps.config, stored.ticketId, venueId) : null;
  // A scan changes nothing: it is recorded, refused or not, and the device showed the
  // refusal when it scanned. Its reason still comes back, for an unknown code checked now.
  const status = operation.action === "SCAN" ? "APPLIED" : stored.status;
  return {
    opId: operation.opId,
    seq: operation.seq,
    status,
    reason: stored.reason,
    message: stored.message,
    advice: status === "CONFLICT" ? adviceFor(operation, stored.reason, ticket) : null,
    ticket,
  };
}

/**
 * Applies a device's operations in its order, each exactly once, and answers how each ended.
 * Operations it already applied are answered from the journal; a gap in the count ends the
 * batch there (the device sends the missing ones first).
 */
export async function syncDevice(
  deps: OfflineDeps,
  member: Member,
  input: { venueId: string; deviceId: string; sentAt?: Date; operations: Operation[] },
): Promise<SyncResult> {
  const { db } = deps;
  await assertWorksAtVenue(db.sql, member, input.venueId);
  const started = deps.clock();
  const device = await holdDevice(deps, member, input.venueId, input.deviceId, started);
  let { lastSeq } = device;
  // How far the device's clock is off, when it said what time it was.
  const skewMs = input.sentAt ? started.getTime() - input.sentAt.getTime() : 0;
  const outcomes: OperationOutcome[] = [];
  try {
    for (const operation of [...input.operations].sort((a, b) => a.seq - b.seq)) {
      if (operation.seq > lastSeq + 1) {
        if (outcomes.length === 0) {
          throw new TRPCError({
            code: "BAD_REQUEST",
            message: `Operations ${lastSeq + 1} to ${operation.seq - 1} of this device are missing: send them first.`,
          });
        }
        break;
      }
      if (operation.seq <= lastSeq) {
        outcomes.push(await replayed(deps, input.venueId, input.deviceId, operation));
        continue;
      }
      const now = deps.clock();
      const takenAt = await dateOf(deps, operation, { now, skewMs, earliest: device.createdAt });
      // The counter dates what it records by its clock: here, when the attendant did it.
      const atTakenTime = { ...deps, clock: () => takenAt };
      const context: DeviceContext = {
        deviceId: input.deviceId,
        takenOffline: now.getTime() - takenAt.getTime() > LATE_MS,
        journal: journalFor(input.deviceId, operation, takenAt, now),
      };
      try {
        await apply(atTakenTime, member, input.venueId, operation, context);
      } catch (error) {
        // A refusal was journaled as a conflict; a duplicate lost to the journal's keys and
        // the journal has the first one's answer.
        if (!(
          error instanceof CounterRefusal ||
          error instanceof PickupRefusal ||
          error instanceof OutOfOrder ||
          isUniqueViolation(error)
        )) {
          throw error;
        }
      }
      outcomes.push(await replayed(deps, input.venueId, input.deviceId, operation));
      lastSeq = operation.seq;
    }
  } finally {
    await db.sql.query(`UPDATE qr.counter_devices SET syncing_until = NULL WHERE id = $1::uuid`, [input.deviceId]);
  }
  const [after] = await db.sql.query<{ lastSeq: number }>(`SELECT last_seq AS "lastSeq" FROM qr.counter_devices WHERE id = $1::uuid`, [
    input.deviceId,
  ]);
  return { lastSeq: after?.lastSeq ?? lastSeq, outcomes };
}

/**
 * When the attendant did it: the device's time, corrected by its clock's error, and kept
 * where it can have been — not in the future, not before the device was set up nor before
 * yesterday, and not before the ticket's last change, so no history runs backwards (a coat
 * returned before it was checked in) and no wrong clock makes tonight's coat look forgotten.
 */
async function dateOf(deps: OfflineDeps, operation: Operation, { now, skewMs, earliest }: { now: Date; skewMs: number; earliest: Date }) {
  const bounds = [now.getTime() - OLDEST_TAKEN_AT_MS, earliest.getTime()];
  if ("publicId" in operation && operation.publicId && operation.action !== "ISSUE_WALK_IN") {
    const [ticket] = await deps.db.sql.query<{ updatedAt: Date }>(`SELECT updated_at AS "updatedAt" FROM qr.tickets WHERE public_id = $1`, [
      operation.publicId,
    ]);
    if (ticket) bounds.push(ticket.updatedAt.getTime());
  }
  return new Date(Math.min(now.getTime(), Math.max(operation.takenAt.getTime() + skewMs, ...bounds)));
}

/** The journal's answer for an operation, which must be the one the device sent with that number. */
async function replayed(deps: OfflineDeps, venueId: string, deviceId: string, operation: Operation): Promise<OperationOutcome> {
  const stored = await storedOutcome(deps.db.sql, deviceId, operation.seq);
  if (!stored) {
    // Its id was taken: the device sent an operation it had already sent, under a new number.
    const [earlier] = await deps.db.sql.query<{ seq: number }>(`SELECT seq FROM qr.device_operations WHERE op_id = $1::uuid`, [
      operation.opId,
    ]);
    if (earlier) {
      throw new TRPCError({
        code: "CONFLICT",
        message: `This operation was already applied as operation ${earlier.seq}; operation ${operation.seq} must be another one.`,
      });
    }
    throw new Error(`Operation ${operation.seq} of device ${deviceId} left no journal entry.`);
  }
  if (stored.opId !== operation.opId) {
    throw new TRPCError({
      code: "CONFLICT",
      message: `This device's operation ${operation.seq} was already applied as another operation.`,
    });
  }
  return outcomeOf(deps, venueId, operation, stored);
}
