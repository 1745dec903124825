import { oneRow, type PaymentStatus, type SlotKind, type SqlRunner, type TicketState } from "@qrcoats/db";
import type { ApiConfig } from "../config";
import type { Deps } from "../context";
import { isUniqueViolation } from "../lib/errors";
import { decryptField, lookupHash } from "../lib/field-crypto";
import { closePickupOnCounterAction } from "../pickup/requests";
import { assertOnShift } from "../shift/on-shift";
import type { Member } from "../venue/access";
import { candidateCode, verifyCode } from "./codes";
import { CounterRefusal } from "./refusal";
import { recordScanEvent, type RefusalReason, type ScanAction, type ScanFacts } from "./scan-events";
import {
  allowedActions,
  decide,
  decideScan,
  paymentDue,
  type CounterAction,
  type Decision,
  type PaymentTiming,
  type TicketFacts,
} from "./state-machine";

// The counter: scanning and every transition an attendant makes. Each transition locks the
// ticket's row, decides on what it reads under that lock, and commits the change with its
// scan event, so two attendants acting on one ticket leave exactly one result. A slot is
// claimed under its own row lock and kept unique by tickets.slot_id UNIQUE. Refusals are
// recorded after the transaction rolled back.
//
// This is the product's hot path, so it is written in SQL over the database's raw
// transactions: each Prisma query costs about a millisecond of compilation on the event
// loop (bench/RESULTS.md), several times the database's own work for these statements.

type CounterDeps = Pick<Deps, "db" | "config" | "clock" | "telemetry">;

/**
 * A ticket as scanned (its signed code, or its URL), as picked from a list (its id), or as
 * an offline counter device names it (its public id, which it holds for tonight's tickets).
 */
export type TicketRef = { code: string } | { ticketId: string } | { publicId: string } | { number: number };

/**
 * How long a ticket number stays a way in at the counter: numbers are short and guessable, so
 * only tonight's tickets answer to one (issued in the last day, or a coat still on the racks).
 */
const NUMBER_WINDOW_MS = 24 * 3_600_000;

/** What is known of the counter device an action comes from, when it comes from one. */
export type DeviceContext = {
  /** The device: slots set aside for it are its own to fill, and its events name it. */
  deviceId: string;
  /** Reached the server well after it was done: the network was down at the counter. */
  takenOffline: boolean;
  /**
   * Called with how the action ended, inside the action's own transaction (APPLIED) or with
   * the refusal's record (CONFLICT): the device's journal commits with what it records, so a
   * retried operation is applied once.
   */
  journal: (sql: SqlRunner, outcome: JournalEntry) => Promise<void>;
};

export type JournalEntry =
  { status: "APPLIED"; ticketId: string } | { status: "CONFLICT"; ticketId: string | null; reason: RefusalReason; message: string };

export type PaymentInput = { status: Exclude<PaymentStatus, "UNPAID">; amountCents?: number };

/** Actions after which the coat is no longer on the racks for a pickup request to fetch. */
const CLOSES_PICKUP: ReadonlySet<CounterAction> = new Set(["CHECK_OUT", "DETACH", "VOID"]);

/** Check-ins that lost a slot to a parallel one try the next free slot this many times. */
const SLOT_ATTEMPTS = 5;

export type SlotView = { id: string; number: number; kind: SlotKind; rackName: string };

/** What the counter reads of a ticket, with its venue's rules and its slot. */
type CounterTicketRow = {
  id: string;
  organizationId: string;
  venueId: string;
  venueName: string;
  number: number;
  state: TicketState;
  inOutsUsed: number;
  paymentStatus: PaymentStatus;
  amountCents: number | null;
  voidReason: string | null;
  issuedAt: Date;
  checkedInAt: Date | null;
  returnedAt: Date | null;
  contactNameEncrypted: string | null;
  guestName: string | null;
  timezone: string;
  inOutAllowance: number;
  priceCents: number;
  currency: string;
  paymentTiming: PaymentTiming;
  unpaidReason: string | null;
  slot: SlotView | null;
  /**
   * Its pickup request still to close (docs/pickup.md), read with the ticket so the hot path
   * asks nothing more: `railPosition` while its coat hangs on the ready rail for its guest.
   */
  pickup: { id: string; railPosition: number | null } | null;
};

const TICKET_COLUMNS = `
  SELECT t.id, t.organization_id AS "organizationId", t.venue_id AS "venueId", v.name AS "venueName",
         t.number, t.state::text AS state, t.in_outs_used AS "inOutsUsed", t.payment_status::text AS "paymentStatus",
         t.amount_cents AS "amountCents", t.void_reason AS "voidReason", t.issued_at AS "issuedAt",
         t.checked_in_at AS "checkedInAt", t.returned_at AS "returnedAt", t.contact_name_encrypted AS "contactNameEncrypted",
         g.name AS "guestName", v.timezone, v.in_out_allowance AS "inOutAllowance", v.price_cents AS "priceCents",
         v.currency, v.payment_timing::text AS "paymentTiming", t.unpaid_reason AS "unpaidReason",
         CASE WHEN s.id IS NOT NULL THEN json_build_object('id', s.id, 'number', s.number, 'kind', s.kind, 'rackName', r.name) END AS slot,
         (SELECT json_build_object('id', p.id,
                                   'railPosition', CASE WHEN p.state = 'READY' OR p.uncollected_to = 'RAIL' THEN p.rail_position END)
            FROM qr.pickup_requests p
           WHERE p.ticket_id = t.id AND (p.state IN ('QUEUED', 'FETCHING', 'READY') OR p.rail_position IS NOT NULL)
           ORDER BY p.seq DESC LIMIT 1) AS pickup`;

/** The joins that complete a ticket row `t` with its venue, slot and guest. */
const TICKET_JOINS = `
    JOIN qr.venues v ON v.id = t.venue_id
    LEFT JOIN qr.slots s ON s.id = t.slot_id
    LEFT JOIN qr.racks r ON r.id = s.rack_id
    LEFT JOIN auth.users g ON g.id = t.guest_id`;

async function readTicket(sql: SqlRunner, where: { id: string } | { publicId: string }, lock = false): Promise<CounterTicketRow | null> {
  const [row] = await sql.query<CounterTicketRow>(
    `${TICKET_COLUMNS} FROM qr.tickets t ${TICKET_JOINS} WHERE ${"id" in where ? "t.id = $1::uuid" : "t.public_id = $1"}${lock ? " FOR UPDATE OF t" : ""}`,
    ["id" in where ? where.id : where.publicId],
  );
  return row ?? null;
}

/** Tonight's ticket with this number at the venue, for a guest with no code to scan. */
async function readTicketByNumber(sql: SqlRunner, venueId: string, number: number, now: Date): Promise<CounterTicketRow | null> {
  const [row] = await sql.query<CounterTicketRow>(
    `${TICKET_COLUMNS} FROM qr.tickets t ${TICKET_JOINS}
      WHERE t.venue_id = $1::uuid AND t.number = $2 AND (t.issued_at > $3 OR t.state IN ('CHECKED_IN', 'FORGOTTEN'))`,
    [venueId, number, new Date(now.getTime() - NUMBER_WINDOW_MS)],
  );
  return row ?? null;
}

function factsOf(row: CounterTicketRow): TicketFacts {
  return {
    state: row.state,
    inOutsUsed: row.inOutsUsed,
    inOutAllowance: row.inOutAllowance,
    paymentStatus: row.paymentStatus,
    slotNumber: row.slot?.number ?? null,
    returnedAt: row.returnedAt,
    voidReason: row.voidReason,
    timezone: row.timezone,
  };
}

function counterResult(
  config: ApiConfig,
  row: CounterTicketRow,
  extra: { proposedSlot?: SlotView | null; releasedSlot?: SlotView | null; railPosition?: number | null },
) {
  return {
    ticket: {
      id: row.id,
      number: row.number,
      state: row.state,
      slot: row.slot,
      paymentStatus: row.paymentStatus,
      amountCents: row.amountCents,
      inOutsUsed: row.inOutsUsed,
      inOutAllowance: row.inOutAllowance,
      issuedAt: row.issuedAt,
      checkedInAt: row.checkedInAt,
      returnedAt: row.returnedAt,
      guestName: row.guestName,
      unpaidReason: row.unpaidReason,
      contactName: row.contactNameEncrypted ? decryptField(config.keys, "ticket.contactName", row.contactNameEncrypted) : null,
    },
    allowedActions: allowedActions(factsOf(row)),
    /** For an ISSUED ticket: the free slot check-in would take. */
    proposedSlot: extra.proposedSlot ?? null,
    /** The slot the coat was taken from: where to fetch it at check-out. */
    releasedSlot: extra.releasedSlot ?? null,
    /** Where the coat hung on the ready rail, when it was fetched ahead (docs/pickup.md). */
    railPosition: extra.railPosition ?? null,
    /**
     * What the guest owes before the ticket's next step (check-in at a venue that takes payment
     * then, or the hand-back), in the venue's currency: the counter asks for it before acting.
     */
    paymentDue: {
      amountCents: paymentDue(row.state === "ISSUED" ? "CHECK_IN" : "CHECK_OUT", row, row),
      currency: row.currency,
      timing: row.paymentTiming,
    },
  };
}

export type CounterResult = ReturnType<typeof counterResult>;

function enforce(decision: Decision) {
  if (!decision.allowed) throw new CounterRefusal("CONFLICT", decision.reason, decision.message);
  return decision.to;
}

type Attempt = ScanFacts & { action: ScanAction; venueId: string };

/**
 * Runs one counter attempt by a member who works at the venue. Whatever it learns on the
 * way (the ticket, its state, the slots) goes into `attempt`, so a refusal is recorded with
 * as much as was known; success records its own event inside its transaction.
 */
async function atCounter<T>(
  deps: CounterDeps,
  member: Member,
  attempt: Attempt,
  work: (attempt: Attempt) => Promise<T>,
  device?: DeviceContext,
): Promise<T> {
  try {
    // Inside the try: an attendant off shift is refused and recorded like any refusal. The
    // clock is the moment the action was taken (a device's operation sent later keeps its own).
    await assertOnShift(deps.db.sql, member, attempt.venueId, deps.clock(), { fromDevice: device !== undefined });
    const result = await work(attempt);
    deps.telemetry?.counterAction(attempt.action, "OK");
    return result;
  } catch (error) {
    if (error instanceof CounterRefusal) {
      const refused = {
        ...attempt,
        organizationId: member.organizationId,
        employeeId: member.employeeId,
        deviceId: device?.deviceId ?? null,
        takenOffline: device?.takenOffline ?? false,
        result: "REFUSED" as const,
        reason: error.reason,
        occurredAt: deps.clock(),
      };
      if (device) {
        // The refusal and the device's journal commit together: a retry finds the journal
        // entry and is not recorded twice.
        await deps.db.transaction(async (sql) => {
          await recordScanEvent(sql, refused);
          await device.journal(sql, {
            status: "CONFLICT",
            ticketId: attempt.ticketId ?? null,
            reason: error.reason,
            message: error.message,
          });
        });
      } else {
        await recordScanEvent(deps.db.sql, refused);
      }
      deps.telemetry?.counterAction(attempt.action, error.reason);
    }
    throw error;
  }
}

/**
 * The ticket a scan or a pick refers to, if it belongs at this venue. A code is verified
 * before the database is asked; one that fails, or names no ticket, is kept only as a keyed
 * hash. Another organization's ticket is not linked to this one's history.
 */
async function findTicketAt(
  sql: SqlRunner,
  config: ApiConfig,
  member: Member,
  venueId: string,
  ref: TicketRef,
  attempt: Attempt,
  now: Date,
  lock = false,
): Promise<CounterTicketRow> {
  if ("number" in ref) {
    const ticket = await readTicketByNumber(sql, venueId, ref.number, now);
    if (!ticket) {
      throw new CounterRefusal(
        "NOT_FOUND",
        "UNKNOWN_CODE",
        `There is no ticket ${ref.number} tonight at this venue. Check the number, or look the guest up by name.`,
      );
    }
    attempt.ticketId = ticket.id;
    return ticket;
  }
  const input = "code" in ref ? candidateCode(ref.code) : "publicId" in ref ? ref.publicId : ref.ticketId;
  const publicId = "code" in ref ? verifyCode(config.keys.ticketSigning, input) : "publicId" in ref ? ref.publicId : null;
  const ticket =
    "ticketId" in ref ? await readTicket(sql, { id: ref.ticketId }, lock) : publicId && (await readTicket(sql, { publicId }, lock));
  if (!ticket || ticket.organizationId !== member.organizationId) {
    attempt.unknownCodeHash = lookupHash(config.keys, "scan.unknownCode", input);
    // A code is in the hands of the guest at the counter: saying it belongs elsewhere helps
    // them. An id is not, and another organization's is never confirmed to exist.
    if (!ticket || !("code" in ref)) {
      throw new CounterRefusal(
        "NOT_FOUND",
        "UNKNOWN_CODE",
        "This is not one of our tickets. Ask for the ticket number or the guest's name.",
      );
    }
    throw new CounterRefusal("CONFLICT", "WRONG_VENUE", "This ticket is for another venue.");
  }
  attempt.ticketId = ticket.id;
  if (ticket.venueId !== venueId) {
    throw new CounterRefusal("CONFLICT", "WRONG_VENUE", `This ticket is for ${ticket.venueName}.`);
  }
  return ticket;
}

function slotTaken(slotNumber: number, ticketNumber?: number) {
  return new CounterRefusal(
    "CONFLICT",
    "SLOT_TAKEN",
    ticketNumber === undefined ? `Slot ${slotNumber} was just taken.` : `Slot ${slotNumber} is taken by ticket ${ticketNumber}.`,
  );
}

const KIND_WORDS: Record<SlotKind, string> = { HANGER: "hanger", SHELF: "shelf" };

const SLOT_COLUMNS = `s.id, s.number, s.kind::text AS kind, r.name AS "rackName"`;

/**
 * Slots set aside for an offline counter device are left to it (docs/offline.md): others skip
 * them while the lease lasts. `$device` is the acting device, whose own set it is.
 */
const NOT_LEASED_TO_ANOTHER = (now: string, device: string) =>
  `NOT EXISTS (SELECT 1 FROM qr.slot_leases l WHERE l.slot_id = s.id AND l.expires_at > ${now} AND l.device_id IS DISTINCT FROM ${device}::uuid)`;

/** A slot the attendant picked, locked so no parallel check-in or swap takes it meanwhile. */
async function claimChosenSlot(
  sql: SqlRunner,
  at: { venueId: string; now: Date; deviceId: string | null },
  slotId: string,
  kind?: SlotKind,
): Promise<SlotView> {
  const [slot] = await sql.query<SlotView & { holder: number | null; setAside: boolean }>(
    `SELECT ${SLOT_COLUMNS}, (SELECT t.number FROM qr.tickets t WHERE t.slot_id = s.id) AS holder,
            NOT ${NOT_LEASED_TO_ANOTHER("$3", "$4")} AS "setAside"
       FROM qr.slots s JOIN qr.racks r ON r.id = s.rack_id
      WHERE s.id = $1::uuid AND s.venue_id = $2::uuid
        FOR UPDATE OF s`,
    [slotId, at.venueId, at.now, at.deviceId],
  );
  if (!slot) throw new CounterRefusal("NOT_FOUND", "SLOT_NOT_FOUND", "There is no such slot at this venue.");
  if (kind && slot.kind !== kind) {
    throw new CounterRefusal(
      "CONFLICT",
      "SLOT_WRONG_KIND",
      `Slot ${slot.number} is a ${KIND_WORDS[slot.kind]}, not a ${KIND_WORDS[kind]}.`,
    );
  }
  if (slot.holder !== null) throw slotTaken(slot.number, slot.holder);
  if (slot.setAside) {
    throw new CounterRefusal("CONFLICT", "SLOT_TAKEN", `Slot ${slot.number} is set aside for another counter working offline.`);
  }
  const { holder: _, setAside: __, ...view } = slot;
  return view;
}

function noFreeSlot(kind: SlotKind) {
  return new CounterRefusal("CONFLICT", "NO_FREE_SLOT", `There is no free ${KIND_WORDS[kind]} left at this venue.`);
}

/**
 * The lowest free slot of a kind. Slots other check-ins are claiming right now are skipped
 * rather than waited for, so a rush of check-ins spreads over distinct slots at once.
 */
async function claimFreeSlot(
  sql: SqlRunner,
  at: { venueId: string; now: Date; deviceId: string | null },
  kind: SlotKind,
): Promise<SlotView> {
  const passedOver: string[] = [];
  for (;;) {
    const [candidate] = await sql.query<SlotView>(
      `SELECT ${SLOT_COLUMNS} FROM qr.slots s JOIN qr.racks r ON r.id = s.rack_id
        WHERE s.venue_id = $1::uuid AND s.kind = $2::qr."SlotKind" AND s.id <> ALL($3::uuid[])
          AND NOT EXISTS (SELECT 1 FROM qr.tickets t WHERE t.slot_id = s.id)
          AND ${NOT_LEASED_TO_ANOTHER("$4", "$5")}
        ORDER BY s.number
        LIMIT 1
          FOR UPDATE OF s SKIP LOCKED`,
      [at.venueId, kind, passedOver, at.now, at.deviceId],
    );
    if (!candidate) throw noFreeSlot(kind);
    // The search saw tickets as they were when it began; a check-in that committed since
    // may hold this slot, and a fresh look (a new statement) shows it.
    const [held] = await sql.query(`SELECT 1 FROM qr.tickets WHERE slot_id = $1::uuid`, [candidate.id]);
    if (!held) return candidate;
    passedOver.push(candidate.id);
  }
}

/** Thrown when a parallel transaction bound the slot first; the check-in starts over. */
class SlotRace extends Error {}

/** What a transition changes on the ticket besides its state. */
type TicketChange = {
  slotId?: string | null;
  checkedInAt?: Date;
  returnedAt?: Date;
  voidedAt?: Date;
  voidReason?: string | null;
  /** An in & out used. */
  inOut?: true;
  paymentStatus?: PaymentStatus;
  amountCents?: number;
  paidAt?: Date;
  unpaidReason?: string;
};

const CHANGE_COLUMNS: Record<Exclude<keyof TicketChange, "inOut">, string> = {
  slotId: "slot_id = $n::uuid",
  checkedInAt: "checked_in_at = $n",
  returnedAt: "returned_at = $n",
  voidedAt: "voided_at = $n",
  voidReason: "void_reason = $n",
  paymentStatus: 'payment_status = $n::qr."PaymentStatus"',
  amountCents: "amount_cents = $n",
  paidAt: "paid_at = $n",
  unpaidReason: "unpaid_reason = $n",
};

/** Writes a transition and reads the ticket back as changed, in one statement. */
async function updateTicket(
  sql: SqlRunner,
  ticketId: string,
  state: TicketState,
  change: TicketChange,
  now: Date,
): Promise<CounterTicketRow> {
  const params: unknown[] = [ticketId, state, now];
  const sets = ['state = $2::qr."TicketState"', "updated_at = $3"];
  if (change.inOut) sets.push("in_outs_used = in_outs_used + 1");
  for (const [field, assignment] of Object.entries(CHANGE_COLUMNS) as [keyof typeof CHANGE_COLUMNS, string][]) {
    if (change[field] === undefined) continue;
    params.push(change[field]);
    sets.push(assignment.replace("$n", `$${params.length}`));
  }
  return oneRow(
    await sql.query<CounterTicketRow>(
      `WITH t AS (UPDATE qr.tickets SET ${sets.join(", ")} WHERE id = $1::uuid RETURNING *)
       ${TICKET_COLUMNS} FROM t ${TICKET_JOINS}`,
      params,
    ),
  );
}

type Plan = {
  change: TicketChange;
  /** The slot the action concerns (bound at check-in, freed at check-out; swapped from). */
  slotId: string | null;
  /** A swap's destination. */
  toSlotId?: string | null;
  releasedSlot: SlotView | null;
  /** How a lost race for the slot ends: try another slot, or refuse the one picked. */
  onSlotRace?: "retry" | CounterRefusal;
};

type TransitionSpec = {
  action: CounterAction;
  venueId: string;
  ref: TicketRef;
  payment?: PaymentInput;
  /** The guest pays later: at check-in, "pays at pickup"; at the hand-back, why it goes back unpaid. */
  unpaid?: Unpaid;
  /** What was asked, for the record even if refused (a picked slot, a swap's target). */
  requested?: ScanFacts;
  /** What changes besides the state, decided under the ticket's lock; may claim a slot. */
  plan: (sql: SqlRunner, row: CounterTicketRow, now: Date) => Promise<Plan>;
  /** The kind of slot a retried check-in looks for, to say which ran out. */
  slotKind?: SlotKind;
  device?: DeviceContext;
};

/** A check-in whose payment waits for the pickup, or a coat handed back unpaid and why. */
export type Unpaid = { payLater: true } | { reason: string };

/** What a counter device records when it handed a coat back unpaid without asking (a screen from before payments were asked). */
const NOT_ASKED_OFFLINE = "Handed back on a counter that did not ask for payment";

function money(amountCents: number, currency: string) {
  return new Intl.NumberFormat("en", { style: "currency", currency }).format(amountCents / 100);
}

/**
 * The payment a step takes, or the attendant's word that the guest pays later. A step that
 * owes money and has neither is refused online (the counter asks first); a device's operation
 * already happened at the counter, so it is applied and the coat marked handed back unpaid.
 */
function paymentChange(spec: TransitionSpec, row: CounterTicketRow, now: Date): TicketChange & { handedBackUnpaid?: number } {
  const { payment, unpaid } = spec;
  if (payment) {
    enforce(decide("PAY", factsOf(row)));
    const amountCents = payment.amountCents ?? row.priceCents;
    // Cash or card of nothing for a priced coat is a coat let go unpaid under another name:
    // that takes its reason (prepaid elsewhere, at 0 here, is a payment).
    if (amountCents === 0 && row.priceCents > 0 && payment.status !== "PREPAID") {
      throw new CounterRefusal(
        "CONFLICT",
        "PAYMENT_DUE",
        `A ${payment.status === "PAID_CASH" ? "cash" : "card"} payment of nothing is no payment: take ${money(row.priceCents, row.currency)}, or hand the coat back unpaid with a reason.`,
      );
    }
    return { paymentStatus: payment.status, amountCents, paidAt: now };
  }
  const due = paymentDue(spec.action, row, row);
  if (due === 0) return {};
  if (spec.action === "CHECK_IN") {
    if (unpaid || spec.device) return {};
    throw new CounterRefusal(
      "CONFLICT",
      "PAYMENT_DUE",
      `${row.venueName} takes payment at check-in: ${money(due, row.currency)}. Take it, or check in with "pays at pickup".`,
    );
  }
  const reason = unpaid && "reason" in unpaid ? unpaid.reason : spec.device ? NOT_ASKED_OFFLINE : null;
  if (reason === null) {
    throw new CounterRefusal(
      "CONFLICT",
      "PAYMENT_DUE",
      `Ticket ${row.number} is not paid: ${money(due, row.currency)}. Take the payment, or hand the coat back unpaid with a reason.`,
    );
  }
  return { unpaidReason: reason, handedBackUnpaid: due };
}

async function transition(deps: CounterDeps, member: Member, spec: TransitionSpec): Promise<CounterResult> {
  const { db, config } = deps;
  return atCounter(
    deps,
    member,
    { action: spec.action, venueId: spec.venueId, ...spec.requested },
    async (attempt) => {
      for (let round = 1; ; round++) {
        try {
          return await db.transaction(async (sql) => {
            const now = deps.clock();
            // Found and locked in one statement; a refusal rolls back and is recorded outside.
            const row = await findTicketAt(sql, config, member, spec.venueId, spec.ref, attempt, now, true);
            const ticketId = row.id;
            attempt.fromState = row.state;
            attempt.slotId = row.slot?.id ?? spec.requested?.slotId ?? null;
            const toState = enforce(decide(spec.action, factsOf(row)));
            const { handedBackUnpaid, ...payment } = paymentChange(spec, row, now);
            const plan = await spec.plan(sql, row, now);
            const changed = await updateTicket(sql, ticketId, toState, { ...plan.change, ...payment }, now).catch((error: unknown) => {
              if (!isUniqueViolation(error) || !plan.onSlotRace) throw error;
              throw plan.onSlotRace === "retry" ? new SlotRace() : plan.onSlotRace;
            });
            await recordScanEvent(sql, {
              organizationId: member.organizationId,
              venueId: spec.venueId,
              employeeId: member.employeeId,
              ticketId,
              action: spec.action,
              result: "OK",
              fromState: row.state,
              toState,
              slotId: plan.slotId,
              toSlotId: plan.toSlotId ?? null,
              // A hand-back recorded as UNPAID is one the attendant let go unpaid, with its reason on the ticket.
              // with the amount it owed, which analytics counts as unpaid.
              paymentStatus: payment.paymentStatus ?? (handedBackUnpaid ? "UNPAID" : null),
              amountCents: payment.amountCents ?? handedBackUnpaid ?? null,
              deviceId: spec.device?.deviceId ?? null,
              takenOffline: spec.device?.takenOffline ?? false,
              occurredAt: now,
            });
            // The coat is handed over (or the ticket voided): its pickup request ends with it.
            const closesPickup = CLOSES_PICKUP.has(spec.action);
            if (closesPickup && row.pickup)
              await closePickupOnCounterAction(sql, row.pickup.id, spec.action === "VOID" ? "VOID" : "COLLECT", now);
            await spec.device?.journal(sql, { status: "APPLIED", ticketId });
            return counterResult(config, changed, {
              releasedSlot: plan.releasedSlot,
              railPosition: closesPickup ? (row.pickup?.railPosition ?? null) : null,
            });
          });
        } catch (error) {
          if (!(error instanceof SlotRace)) throw error;
          if (round >= SLOT_ATTEMPTS) throw noFreeSlot(spec.slotKind ?? "HANGER");
        }
      }
    },
    spec.device,
  );
}

/**
 * What the counter shows after a scan: the ticket, what may be done, where it would go. A coat
 * fetched ahead to the ready rail is handed over by the scan itself: the check-out follows at
 * once (docs/pickup.md). A counter device decides that itself and sends the check-out.
 */
export async function scan(
  deps: CounterDeps,
  member: Member,
  input: { ref: TicketRef; venueId: string; kind?: SlotKind; byNumber?: boolean },
  device?: DeviceContext,
): Promise<CounterResult & { handedOver: boolean }> {
  const scanned = await scanOnly(deps, member, input, device);
  // A coat not paid for is not handed over by the scan: the counter asks for the payment first.
  // Found by its number, the ticket waits for the attendant to confirm it is the guest's.
  const handOver =
    !input.byNumber && scanned.onRail && scanned.result.allowedActions.includes("CHECK_OUT") && scanned.result.paymentDue.amountCents === 0;
  if (!device && handOver) {
    return { ...(await checkOut(deps, member, { venueId: input.venueId, ref: { ticketId: scanned.result.ticket.id } })), handedOver: true };
  }
  return { ...scanned.result, handedOver: false };
}

async function scanOnly(
  deps: CounterDeps,
  member: Member,
  input: { ref: TicketRef; venueId: string; kind?: SlotKind; byNumber?: boolean },
  device?: DeviceContext,
) {
  const { db, config } = deps;
  return atCounter(
    deps,
    member,
    { action: "SCAN", venueId: input.venueId, byNumber: input.byNumber ?? false },
    async (attempt) => {
      const now = deps.clock();
      const row = await findTicketAt(db.sql, config, member, input.venueId, input.ref, attempt, now);
      attempt.fromState = row.state;
      attempt.slotId = row.slot?.id ?? null;
      enforce(decideScan(factsOf(row)));
      const [proposedSlot] =
        row.state === "ISSUED"
          ? await db.sql.query<SlotView>(
              `SELECT ${SLOT_COLUMNS} FROM qr.slots s JOIN qr.racks r ON r.id = s.rack_id
                WHERE s.venue_id = $1::uuid AND s.kind = $2::qr."SlotKind"
                  AND NOT EXISTS (SELECT 1 FROM qr.tickets t WHERE t.slot_id = s.id)
                  AND ${NOT_LEASED_TO_ANOTHER("$3", "$4")}
                ORDER BY s.number LIMIT 1`,
              [input.venueId, input.kind ?? "HANGER", now, device?.deviceId ?? null],
            )
          : [];
      const event = {
        ...attempt,
        organizationId: member.organizationId,
        employeeId: member.employeeId,
        deviceId: device?.deviceId ?? null,
        takenOffline: device?.takenOffline ?? false,
        result: "OK" as const,
        occurredAt: now,
      };
      if (device) {
        await db.transaction(async (sql) => {
          await recordScanEvent(sql, event);
          await device.journal(sql, { status: "APPLIED", ticketId: row.id });
        });
      } else {
        await recordScanEvent(db.sql, event);
      }
      const railPosition = row.pickup?.railPosition ?? null;
      return { result: counterResult(config, row, { proposedSlot: proposedSlot ?? null, railPosition }), onRail: railPosition !== null };
    },
    device,
  );
}

export function checkIn(
  deps: CounterDeps,
  member: Member,
  input: { venueId: string; ref: TicketRef; slotId?: string; kind?: SlotKind; payment?: PaymentInput; payLater?: boolean },
  device?: DeviceContext,
) {
  const kind = input.kind ?? (input.slotId ? undefined : "HANGER");
  return transition(deps, member, {
    device,
    action: "CHECK_IN",
    venueId: input.venueId,
    ref: input.ref,
    payment: input.payment,
    unpaid: input.payLater ? { payLater: true } : undefined,
    requested: { slotId: input.slotId ?? null },
    slotKind: kind,
    async plan(sql, _row, now) {
      const at = { venueId: input.venueId, now, deviceId: device?.deviceId ?? null };
      const slot = input.slotId ? await claimChosenSlot(sql, at, input.slotId, kind) : await claimFreeSlot(sql, at, kind!);
      return {
        change: { slotId: slot.id, checkedInAt: now },
        slotId: slot.id,
        releasedSlot: null,
        onSlotRace: input.slotId ? slotTaken(slot.number) : "retry",
      };
    },
  });
}

export function checkOut(
  deps: CounterDeps,
  member: Member,
  input: { venueId: string; ref: TicketRef; payment?: PaymentInput; unpaidReason?: string },
  device?: DeviceContext,
) {
  return transition(deps, member, {
    device,
    action: "CHECK_OUT",
    venueId: input.venueId,
    ref: input.ref,
    payment: input.payment,
    unpaid: input.unpaidReason !== undefined ? { reason: input.unpaidReason } : undefined,
    async plan(_sql, row, now) {
      return { change: { slotId: null, returnedAt: now }, slotId: row.slot?.id ?? null, releasedSlot: row.slot };
    },
  });
}

export function swap(
  deps: CounterDeps,
  member: Member,
  input: { venueId: string; ref: TicketRef; toSlotId: string },
  device?: DeviceContext,
) {
  return transition(deps, member, {
    device,
    action: "SWAP",
    venueId: input.venueId,
    ref: input.ref,
    requested: { toSlotId: input.toSlotId },
    async plan(sql, row, now) {
      if (row.slot?.id === input.toSlotId) {
        throw new CounterRefusal("CONFLICT", "SLOT_TAKEN", `The coat is already on slot ${row.slot.number}.`);
      }
      const slot = await claimChosenSlot(sql, { venueId: input.venueId, now, deviceId: device?.deviceId ?? null }, input.toSlotId);
      return {
        change: { slotId: slot.id },
        slotId: row.slot?.id ?? null,
        toSlotId: slot.id,
        releasedSlot: row.slot,
        onSlotRace: slotTaken(slot.number),
      };
    },
  });
}

/** An "in & out": the guest takes the coat for a while; the ticket stays valid to re-check. */
export function detach(deps: CounterDeps, member: Member, input: { venueId: string; ref: TicketRef }, device?: DeviceContext) {
  return transition(deps, member, {
    device,
    action: "DETACH",
    venueId: input.venueId,
    ref: input.ref,
    async plan(_sql, row) {
      return { change: { slotId: null, inOut: true }, slotId: row.slot?.id ?? null, releasedSlot: row.slot };
    },
  });
}

export function voidTicket(
  deps: CounterDeps,
  member: Member,
  input: { venueId: string; ref: TicketRef; reason?: string },
  device?: DeviceContext,
) {
  return transition(deps, member, {
    device,
    action: "VOID",
    venueId: input.venueId,
    ref: input.ref,
    async plan(_sql, row, now) {
      return {
        change: { slotId: null, voidedAt: now, voidReason: input.reason ?? null },
        slotId: row.slot?.id ?? null,
        releasedSlot: row.slot,
      };
    },
  });
}

/** Records a payment taken at the counter without moving the ticket. */
export function pay(
  deps: CounterDeps,
  member: Member,
  input: { venueId: string; ref: TicketRef; payment: PaymentInput },
  device?: DeviceContext,
) {
  return transition(deps, member, {
    device,
    action: "PAY",
    venueId: input.venueId,
    ref: input.ref,
    payment: input.payment,
    async plan(_sql, row) {
      return { change: {}, slotId: row.slot?.id ?? null, releasedSlot: null };
    },
  });
}
