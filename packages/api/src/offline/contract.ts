import type { PaymentStatus, SlotKind, TicketState } from "@qrcoats/db";
import { z } from "zod";
import { dateInput, idInput, venueIdInput, walkInContactFields } from "../lib/inputs";
import type { PickupState, PickupUncollected, VenueQueue } from "../pickup/rules";
import type { RefusalReason } from "../qr/scan-events";
import type { PaymentTiming } from "../qr/state-machine";

// The offline counter's contract (docs/offline.md). A counter device keeps tonight's tickets
// of its venue, a lease of free slots and a pool of walk-in tickets, acts on them with no
// network, and sends what it did as numbered operations that the server applies exactly
// once, in the device's order.

/** Operations one sync call carries; a device with more sends them in several calls. */
export const MAX_SYNC_BATCH = 100;

const deviceIdInput = idInput("device");
const publicIdInput = z.string().regex(/^[a-z2-7]{20}$/, "That is not a ticket's public id.");
const slotIdInput = idInput("slot");

export const offlinePaymentInput = z.object({
  status: z.enum(["PAID_CASH", "PAID_CARD", "PREPAID"], "Choose PAID_CASH, PAID_CARD or PREPAID."),
  amountCents: z.number().int("Give the amount in whole cents.").min(0).max(100_000).optional(),
});

const operationBase = {
  /** Made on the device (crypto.randomUUID): the same operation sent twice is applied once. */
  opId: z.uuid("Operation ids are UUIDs."),
  /** The device's own count, from 1: the server applies seq n only after n - 1. */
  seq: z.number().int().min(1).max(2_147_483_647),
  /** When the attendant did it, by the device's clock; the server keeps it within the last day. */
  takenAt: dateInput("Give takenAt as a date."),
};

export const operationInput = z.discriminatedUnion("action", [
  /** A scan: a known ticket by public id, or what was scanned when the device did not know it. */
  z.object({
    ...operationBase,
    action: z.literal("SCAN"),
    publicId: publicIdInput.optional(),
    code: z.string().trim().min(1).max(512).optional(),
    /** Found by the number the attendant typed and confirmed against the ticket, not by a scanned code. */
    byNumber: z.boolean().optional(),
  }),
  /**
   * A walk-in ticket handed out from the device's pool. Email and phone are asked only
   * online, and leave the device with this operation (docs/offline.md).
   */
  z.object({
    ...operationBase,
    action: z.literal("ISSUE_WALK_IN"),
    publicId: publicIdInput,
    name: walkInContactFields.name.optional(),
    email: walkInContactFields.email.optional(),
    phone: walkInContactFields.phone.optional(),
  }),
  z.object({
    ...operationBase,
    action: z.literal("CHECK_IN"),
    publicId: publicIdInput,
    slotId: slotIdInput,
    payment: offlinePaymentInput.optional(),
    /** At a venue that takes payment at check-in: the guest pays at pickup instead. */
    payLater: z.boolean().optional(),
  }),
  z.object({
    ...operationBase,
    action: z.literal("CHECK_OUT"),
    publicId: publicIdInput,
    payment: offlinePaymentInput.optional(),
    /** Handed back unpaid, and why (docs/guests.md). */
    unpaidReason: z.string().trim().min(1).max(200).optional(),
  }),
  z.object({ ...operationBase, action: z.literal("SWAP"), publicId: publicIdInput, toSlotId: slotIdInput }),
  z.object({ ...operationBase, action: z.literal("DETACH"), publicId: publicIdInput }),
  z.object({ ...operationBase, action: z.literal("PAY"), publicId: publicIdInput, payment: offlinePaymentInput }),
  z.object({ ...operationBase, action: z.literal("VOID"), publicId: publicIdInput, reason: z.string().trim().min(1).max(200).optional() }),
  /** The closing rush (docs/pickup.md): off to the rack for the ticket's requested coat. */
  z.object({ ...operationBase, action: z.literal("PICKUP_START"), publicId: publicIdInput }),
  /** The ticket's requested coat is on the ready rail; the server gives it its place there. */
  z.object({ ...operationBase, action: z.literal("PICKUP_FETCHED"), publicId: publicIdInput }),
]);

export type Operation = z.infer<typeof operationInput>;
export type OperationAction = Operation["action"];

export const prepareInput = z.object({ venueId: venueIdInput, deviceId: deviceIdInput });

export const syncInput = z.object({
  venueId: venueIdInput,
  deviceId: deviceIdInput,
  /**
   * The device's clock when it sent this: the server corrects every takenAt by how far that
   * clock is off, so a phone set to the wrong time still dates its actions right.
   */
  sentAt: dateInput("Give sentAt as a date.").optional(),
  operations: z.array(operationInput).min(1).max(MAX_SYNC_BATCH, `Send at most ${MAX_SYNC_BATCH} operations at a time.`),
});

export const releaseInput = z.object({ deviceId: deviceIdInput });

export type OfflineSlot = { id: string; number: number; kind: SlotKind; rackName: string };

/** A ticket as the device keeps it: what the counter shows, nothing more. */
export type OfflineTicket = {
  id: string;
  publicId: string;
  /** First 16 bytes of SHA-256 of the ticket's whole code, base64url: a scanned code is checked against it. */
  codeCheck: string;
  number: number;
  state: TicketState;
  slot: OfflineSlot | null;
  paymentStatus: PaymentStatus;
  amountCents: number | null;
  inOutsUsed: number;
  /** The guest's account name, or the walk-in's contact name. */
  name: string | null;
  voidReason: string | null;
  issuedAt: Date;
  checkedInAt: Date | null;
  returnedAt: Date | null;
  /** Its open pickup request, or the rail place of a coat fetched for it (docs/pickup.md). */
  pickup: {
    requestId: string;
    state: PickupState;
    dueAt: Date;
    railPosition: number | null;
    /** Not collected in time: back to the rack (it may hang on its slot again), or kept on the rail. */
    uncollectedTo: PickupUncollected | null;
  } | null;
};

/** A walk-in ticket the device may hand out offline: its code is final, minted by the server. */
export type PoolTicket = { publicId: string; number: number; code: string; url: string };

export type Preparation = {
  deviceId: string;
  /** The server's clock when this was read. */
  serverTime: Date;
  venue: {
    id: string;
    name: string;
    timezone: string;
    inOutAllowance: number;
    priceCents: number;
    currency: string;
    /** When guests pay: the counter asks for it at that step (docs/guests.md). */
    paymentTiming: PaymentTiming;
  };
  /** The last operation of this device the server applied: the device drops those up to it. */
  lastSeq: number;
  /** Tonight's tickets at the venue: live ones, and any that changed in the last 12 hours. */
  tickets: OfflineTicket[];
  /** Every slot of the venue, for the slot picker and to name slots. */
  slots: OfflineSlot[];
  /** Free slots only this device may fill until the lease ends (ids from `slots`). */
  leasedSlotIds: string[];
  leaseExpiresAt: Date;
  /** Unused walk-in tickets reserved for this device. */
  walkInPool: PoolTicket[];
  /** The venue's pickup queue as the server orders it, for the counter's walks (docs/pickup.md). */
  pickupQueue: VenueQueue | null;
};

export type OperationOutcome = {
  opId: string;
  seq: number;
  /** APPLIED: done as the device did it. CONFLICT: the server's state machine refused it. */
  status: "APPLIED" | "CONFLICT";
  reason: RefusalReason | null;
  /** What happened, for the attendant. */
  message: string | null;
  /** What to do about it. */
  advice: string | null;
  /** The ticket as the server has it now, when the operation named one. */
  ticket: OfflineTicket | null;
};

export type SyncResult = { lastSeq: number; outcomes: OperationOutcome[] };
