import type { PaymentStatus, Prisma, PrismaClient, SlotKind } from "@qrcoats/db";
import type { ApiConfig } from "../config";
import { isUniqueViolation } from "../lib/errors";
import { decryptField, lookupHash } from "../lib/field-crypto";
import { assertWorksAtVenue, type Member } from "../venue/access";
import { candidateCode, verifyCode } from "./codes";
import { CounterRefusal } from "./refusal";
import { recordScanEvent, type ScanAction, type ScanFacts } from "./scan-events";
import { allowedActions, decide, decideScan, type CounterAction, type Decision, type TicketFacts } from "./state-machine";

// The counter: scanning and every transition an attendant makes. Each transition locks the
// ticket's row, decides on what it reads under that lock, and commits the change with its
// scan event, so two attendants acting on one ticket leave exactly one result. A slot is
// claimed under its own row lock and kept unique by tickets.slot_id UNIQUE. Refusals are
// recorded after the transaction rolled back.

type Services = { prisma: PrismaClient; config: ApiConfig; clock: () => Date };

/** A ticket as scanned (its signed code, or its URL) or as picked from a list (its id). */
export type TicketRef = { code: string } | { ticketId: string };

export type PaymentInput = { status: Exclude<PaymentStatus, "UNPAID">; amountCents?: number };

// Generous: on the embedded database transactions run one at a time, and at opening a
// venue's counters may all be busy at once.
const TRANSACTION_OPTIONS = { maxWait: 30_000, timeout: 30_000 };

/** Check-ins that lost a slot to a parallel one try the next free slot this many times. */
const SLOT_ATTEMPTS = 5;

const slotSelect = { id: true, number: true, kind: true, rack: { select: { name: true } } } satisfies Prisma.SlotSelect;

export const counterTicketSelect = {
  id: true,
  number: true,
  state: true,
  inOutsUsed: true,
  paymentStatus: true,
  amountCents: true,
  voidReason: true,
  issuedAt: true,
  checkedInAt: true,
  returnedAt: true,
  contactNameEncrypted: true,
  slot: { select: slotSelect },
  guest: { select: { name: true } },
  venue: { select: { timezone: true, inOutAllowance: true, priceCents: true } },
} satisfies Prisma.TicketSelect;

type CounterTicketRow = Prisma.TicketGetPayload<{ select: typeof counterTicketSelect }>;
type SlotRow = Prisma.SlotGetPayload<{ select: typeof slotSelect }>;

export type SlotView = { id: string; number: number; kind: SlotKind; rackName: string };

function slotView(slot: SlotRow | null): SlotView | null {
  return slot && { id: slot.id, number: slot.number, kind: slot.kind, rackName: slot.rack.name };
}

function factsOf(row: CounterTicketRow): TicketFacts {
  return {
    state: row.state,
    inOutsUsed: row.inOutsUsed,
    inOutAllowance: row.venue.inOutAllowance,
    paymentStatus: row.paymentStatus,
    slotNumber: row.slot?.number ?? null,
    returnedAt: row.returnedAt,
    voidReason: row.voidReason,
    timezone: row.venue.timezone,
  };
}

function counterResult(config: ApiConfig, row: CounterTicketRow, extra: { proposedSlot?: SlotView | null; releasedSlot?: SlotView | null }) {
  return {
    ticket: {
      id: row.id,
      number: row.number,
      state: row.state,
      slot: slotView(row.slot),
      paymentStatus: row.paymentStatus,
      amountCents: row.amountCents,
      inOutsUsed: row.inOutsUsed,
      inOutAllowance: row.venue.inOutAllowance,
      issuedAt: row.issuedAt,
      checkedInAt: row.checkedInAt,
      returnedAt: row.returnedAt,
      guestName: row.guest?.name ?? null,
      contactName: row.contactNameEncrypted ? decryptField(config.keys, "ticket.contactName", row.contactNameEncrypted) : null,
    },
    allowedActions: allowedActions(factsOf(row)),
    /** For an ISSUED ticket: the free slot check-in would take. */
    proposedSlot: extra.proposedSlot ?? null,
    /** The slot the coat was taken from: where to fetch it at check-out. */
    releasedSlot: extra.releasedSlot ?? null,
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
async function atCounter<T>(services: Services, member: Member, attempt: Attempt, work: (attempt: Attempt) => Promise<T>): Promise<T> {
  await assertWorksAtVenue(services.prisma, member, attempt.venueId);
  try {
    return await work(attempt);
  } catch (error) {
    if (error instanceof CounterRefusal) {
      await recordScanEvent(services.prisma, {
        ...attempt,
        organizationId: member.organizationId,
        employeeId: member.employeeId,
        result: "REFUSED",
        reason: error.reason,
        occurredAt: services.clock(),
      });
    }
    throw error;
  }
}

/**
 * The ticket a scan or a pick refers to, if it belongs at this venue. A code is verified
 * before the database is asked; one that fails, or names no ticket, is kept only as a keyed
 * hash. Another organization's ticket is not linked to this one's history.
 */
async function findTicketAt(services: Services, member: Member, venueId: string, ref: TicketRef, attempt: Attempt): Promise<string> {
  const { prisma, config } = services;
  const input = "code" in ref ? candidateCode(ref.code) : ref.ticketId;
  const publicId = "code" in ref ? verifyCode(config.keys.ticketSigning, input) : null;
  const select = { id: true, organizationId: true, venueId: true, venue: { select: { name: true } } } satisfies Prisma.TicketSelect;
  const ticket =
    "code" in ref
      ? publicId && (await prisma.ticket.findUnique({ where: { publicId }, select }))
      : await prisma.ticket.findUnique({ where: { id: ref.ticketId }, select });
  if (!ticket || ticket.organizationId !== member.organizationId) {
    attempt.unknownCodeHash = lookupHash(config.keys, "scan.unknownCode", input);
    if (!ticket) {
      throw new CounterRefusal("NOT_FOUND", "UNKNOWN_CODE", "This is not one of our tickets. Ask for the ticket number or the guest's name.");
    }
    throw new CounterRefusal("CONFLICT", "WRONG_VENUE", "This ticket is for another venue.");
  }
  attempt.ticketId = ticket.id;
  if (ticket.venueId !== venueId) {
    throw new CounterRefusal("CONFLICT", "WRONG_VENUE", `This ticket is for ${ticket.venue.name}.`);
  }
  return ticket.id;
}

async function slotHolder(tx: Prisma.TransactionClient, slotId: string) {
  return tx.ticket.findUnique({ where: { slotId }, select: { number: true } });
}

function slotTaken(slotNumber: number, ticketNumber?: number) {
  return new CounterRefusal(
    "CONFLICT",
    "SLOT_TAKEN",
    ticketNumber === undefined ? `Slot ${slotNumber} was just taken.` : `Slot ${slotNumber} is taken by ticket ${ticketNumber}.`,
  );
}

const KIND_WORDS: Record<SlotKind, string> = { HANGER: "hanger", SHELF: "shelf" };

/** A slot the attendant picked, locked so no parallel check-in or swap takes it meanwhile. */
async function claimChosenSlot(tx: Prisma.TransactionClient, venueId: string, slotId: string, kind?: SlotKind): Promise<SlotRow> {
  const [locked] = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM qr.slots WHERE id = ${slotId}::uuid AND venue_id = ${venueId}::uuid FOR UPDATE`;
  if (!locked) throw new CounterRefusal("NOT_FOUND", "SLOT_NOT_FOUND", "There is no such slot at this venue.");
  const slot = await tx.slot.findUniqueOrThrow({ where: { id: slotId }, select: slotSelect });
  if (kind && slot.kind !== kind) {
    throw new CounterRefusal("CONFLICT", "SLOT_WRONG_KIND", `Slot ${slot.number} is a ${KIND_WORDS[slot.kind]}, not a ${KIND_WORDS[kind]}.`);
  }
  const holder = await slotHolder(tx, slot.id);
  if (holder) throw slotTaken(slot.number, holder.number);
  return slot;
}

function noFreeSlot(kind: SlotKind) {
  return new CounterRefusal("CONFLICT", "NO_FREE_SLOT", `There is no free ${KIND_WORDS[kind]} left at this venue.`);
}

/**
 * The lowest free slot of a kind. Slots other check-ins are claiming right now are skipped
 * rather than waited for, so a rush of check-ins spreads over distinct slots at once.
 */
async function claimFreeSlot(tx: Prisma.TransactionClient, venueId: string, kind: SlotKind): Promise<SlotRow> {
  const passedOver: string[] = [];
  for (;;) {
    const [candidate] = await tx.$queryRaw<{ id: string }[]>`
      SELECT s.id FROM qr.slots s
       WHERE s.venue_id = ${venueId}::uuid AND s.kind = ${kind}::qr."SlotKind"
         AND s.id <> ALL(${passedOver}::uuid[])
         AND NOT EXISTS (SELECT 1 FROM qr.tickets t WHERE t.slot_id = s.id)
       ORDER BY s.number
       LIMIT 1
       FOR UPDATE OF s SKIP LOCKED`;
    if (!candidate) throw noFreeSlot(kind);
    // The search saw tickets as they were when it began; a check-in that committed since
    // may hold this slot, and a fresh look (a new statement) shows it.
    if (!(await slotHolder(tx, candidate.id))) return tx.slot.findUniqueOrThrow({ where: { id: candidate.id }, select: slotSelect });
    passedOver.push(candidate.id);
  }
}

/** Thrown when a parallel transaction bound the slot first; the check-in starts over. */
class SlotRace extends Error {}

type Plan = {
  data: Prisma.TicketUncheckedUpdateInput;
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
  /** What was asked, for the record even if refused (a picked slot, a swap's target). */
  requested?: ScanFacts;
  /** What changes besides the state, decided under the ticket's lock; may claim a slot. */
  plan: (tx: Prisma.TransactionClient, row: CounterTicketRow, now: Date) => Promise<Plan>;
  /** The kind of slot a retried check-in looks for, to say which ran out. */
  slotKind?: SlotKind;
};

function paymentChange(row: CounterTicketRow, payment: PaymentInput | undefined, now: Date) {
  if (!payment) return null;
  enforce(decide("PAY", factsOf(row)));
  return { paymentStatus: payment.status, amountCents: payment.amountCents ?? row.venue.priceCents, paidAt: now };
}

async function transition(services: Services, member: Member, spec: TransitionSpec): Promise<CounterResult> {
  const { prisma, config } = services;
  return atCounter(services, member, { action: spec.action, venueId: spec.venueId, ...spec.requested }, async (attempt) => {
    const ticketId = await findTicketAt(services, member, spec.venueId, spec.ref, attempt);
    for (let round = 1; ; round++) {
      try {
        return await prisma.$transaction(async (tx) => {
          const now = services.clock();
          await tx.$queryRaw`SELECT id FROM qr.tickets WHERE id = ${ticketId}::uuid FOR UPDATE`;
          const row = await tx.ticket.findUniqueOrThrow({ where: { id: ticketId }, select: counterTicketSelect });
          attempt.fromState = row.state;
          attempt.slotId = row.slot?.id ?? spec.requested?.slotId ?? null;
          const toState = enforce(decide(spec.action, factsOf(row)));
          const payment = paymentChange(row, spec.payment, now);
          const plan = await spec.plan(tx, row, now);
          const updated = await tx.ticket
            .update({
              where: { id: ticketId },
              data: { ...plan.data, ...payment, state: toState, updatedAt: now },
              select: counterTicketSelect,
            })
            .catch((error: unknown) => {
              if (!isUniqueViolation(error) || !plan.onSlotRace) throw error;
              throw plan.onSlotRace === "retry" ? new SlotRace() : plan.onSlotRace;
            });
          await recordScanEvent(tx, {
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
            paymentStatus: payment?.paymentStatus ?? null,
            amountCents: payment?.amountCents ?? null,
            occurredAt: now,
          });
          return counterResult(config, updated, { releasedSlot: plan.releasedSlot });
        }, TRANSACTION_OPTIONS);
      } catch (error) {
        if (!(error instanceof SlotRace)) throw error;
        if (round >= SLOT_ATTEMPTS) throw noFreeSlot(spec.slotKind ?? "HANGER");
      }
    }
  });
}

/** What the counter shows after a scan: the ticket, what may be done, where it would go. */
export async function scan(services: Services, member: Member, input: { code: string; venueId: string; kind?: SlotKind }) {
  const { prisma, config } = services;
  return atCounter(services, member, { action: "SCAN", venueId: input.venueId }, async (attempt) => {
    const ticketId = await findTicketAt(services, member, input.venueId, { code: input.code }, attempt);
    const row = await prisma.ticket.findUniqueOrThrow({ where: { id: ticketId }, select: counterTicketSelect });
    attempt.fromState = row.state;
    attempt.slotId = row.slot?.id ?? null;
    enforce(decideScan(factsOf(row)));
    const proposedSlot =
      row.state === "ISSUED"
        ? await prisma.slot.findFirst({
            where: { venueId: input.venueId, kind: input.kind ?? "HANGER", ticket: { is: null } },
            orderBy: { number: "asc" },
            select: slotSelect,
          })
        : null;
    await recordScanEvent(prisma, {
      ...attempt,
      organizationId: member.organizationId,
      employeeId: member.employeeId,
      result: "OK",
      occurredAt: services.clock(),
    });
    return counterResult(config, row, { proposedSlot: slotView(proposedSlot) });
  });
}

export function checkIn(
  services: Services,
  member: Member,
  input: { venueId: string; ref: TicketRef; slotId?: string; kind?: SlotKind; payment?: PaymentInput },
) {
  const kind = input.kind ?? (input.slotId ? undefined : "HANGER");
  return transition(services, member, {
    action: "CHECK_IN",
    venueId: input.venueId,
    ref: input.ref,
    payment: input.payment,
    requested: { slotId: input.slotId ?? null },
    slotKind: kind,
    async plan(tx, _row, now) {
      const slot = input.slotId ? await claimChosenSlot(tx, input.venueId, input.slotId, kind) : await claimFreeSlot(tx, input.venueId, kind!);
      return {
        data: { slotId: slot.id, checkedInAt: now },
        slotId: slot.id,
        releasedSlot: null,
        onSlotRace: input.slotId ? slotTaken(slot.number) : "retry",
      };
    },
  });
}

export function checkOut(services: Services, member: Member, input: { venueId: string; ref: TicketRef; payment?: PaymentInput }) {
  return transition(services, member, {
    action: "CHECK_OUT",
    venueId: input.venueId,
    ref: input.ref,
    payment: input.payment,
    async plan(_tx, row, now) {
      return { data: { slotId: null, returnedAt: now }, slotId: row.slot?.id ?? null, releasedSlot: slotView(row.slot) };
    },
  });
}

export function swap(services: Services, member: Member, input: { venueId: string; ref: TicketRef; toSlotId: string }) {
  return transition(services, member, {
    action: "SWAP",
    venueId: input.venueId,
    ref: input.ref,
    requested: { toSlotId: input.toSlotId },
    async plan(tx, row) {
      if (row.slot?.id === input.toSlotId) {
        throw new CounterRefusal("CONFLICT", "SLOT_TAKEN", `The coat is already on slot ${row.slot.number}.`);
      }
      const slot = await claimChosenSlot(tx, input.venueId, input.toSlotId);
      return {
        data: { slotId: slot.id },
        slotId: row.slot?.id ?? null,
        toSlotId: slot.id,
        releasedSlot: slotView(row.slot),
        onSlotRace: slotTaken(slot.number),
      };
    },
  });
}

/** An "in & out": the guest takes the coat for a while; the ticket stays valid to re-check. */
export function detach(services: Services, member: Member, input: { venueId: string; ref: TicketRef }) {
  return transition(services, member, {
    action: "DETACH",
    venueId: input.venueId,
    ref: input.ref,
    async plan(_tx, row) {
      return { data: { slotId: null, inOutsUsed: { increment: 1 } }, slotId: row.slot?.id ?? null, releasedSlot: slotView(row.slot) };
    },
  });
}

export function voidTicket(services: Services, member: Member, input: { venueId: string; ref: TicketRef; reason?: string }) {
  return transition(services, member, {
    action: "VOID",
    venueId: input.venueId,
    ref: input.ref,
    async plan(_tx, row, now) {
      return {
        data: { slotId: null, voidedAt: now, voidReason: input.reason ?? null },
        slotId: row.slot?.id ?? null,
        releasedSlot: slotView(row.slot),
      };
    },
  });
}

/** Records a payment taken at the counter without moving the ticket. */
export function pay(services: Services, member: Member, input: { venueId: string; ref: TicketRef; payment: PaymentInput }) {
  return transition(services, member, {
    action: "PAY",
    venueId: input.venueId,
    ref: input.ref,
    payment: input.payment,
    async plan(_tx, row) {
      return { data: {}, slotId: row.slot?.id ?? null, releasedSlot: null };
    },
  });
}
