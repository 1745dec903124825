import { PaymentStatus, SlotKind, TicketState } from "@qrcoats/db";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { checkPeriod, idInput, optionalPeriodFields, periodFields, venueIdInput, walkInContactFields } from "../lib/inputs";
import { pageInput } from "../lib/pagination";
import { adminProcedure, memberProcedure, protectedProcedure, publicProcedure } from "../trpc";
import { analyticsCsv, MAX_ANALYTICS_DAYS, venueAnalytics } from "./analytics";
import { MAX_SCANNED_INPUT } from "./codes";
import { checkIn, checkOut, detach, pay, scan, swap, voidTicket, type TicketRef } from "./counter";
import { scanHistory } from "./history";
import { liveScanFeed, watchTicket } from "./live";
import { lookupTickets } from "./lookup";
import { listTickets } from "./ticket-list";
import { claimTickets, guestLinkRequestFields, MAX_CLAIMED_CODES, requestByLink } from "./guest-link";
import { getTicket, issueWalkIn, myTickets, publicTicketImage, publicTicketView, requestTicket, ticketImage } from "./tickets";

const ticketIdInput = idInput("ticket");
const codeInput = z
  .string()
  .trim()
  .min(1, "Scan or type the ticket's code.")
  .max(MAX_SCANNED_INPUT, "That is too long to be a ticket code.");
const slotKindInput = z.enum(SlotKind, "Choose HANGER or SHELF.");
const ticketNumberInput = z
  .number("Type a ticket number.")
  .int("A ticket number is a whole number.")
  .min(1, "Ticket numbers start at 1.")
  .max(2_147_483_647, "No ticket has a number that high.");
const slotIdInput = idInput("slot");
/** Made by the client once per tap and sent again with every retry of it: one tap, one ticket. */
const requestIdInput = idInput("request");

const paymentInput = z.object({
  status: z.enum(PaymentStatus).exclude(["UNPAID"], "Choose PAID_CASH, PAID_CARD or PREPAID."),
  amountCents: z
    .number()
    .int("Give the amount in whole cents.")
    .min(0, "The amount cannot be negative.")
    .max(100_000, "The amount is at most 100000 cents.")
    .optional(),
});

/** A counter action names its ticket by the scanned code or by its id (picked from a lookup). */
const ticketRefFields = { venueId: venueIdInput, code: codeInput.optional(), ticketId: ticketIdInput.optional() };

function oneTicketRef(input: { code?: string; ticketId?: string }, check: z.RefinementCtx) {
  if ((input.code === undefined) === (input.ticketId === undefined)) {
    check.addIssue({ code: "custom", path: ["code"], message: "Scan the ticket, or pick it from a list: one of the two." });
  }
}

function refOf(input: { code?: string; ticketId?: string }): TicketRef {
  return input.ticketId !== undefined ? { ticketId: input.ticketId } : { code: input.code! };
}

/**
 * Reports cover the product's own years: an hour of a venue's night at the calendar's very
 * start (year 1, in a zone with a local mean time offset) falls before year 1, which neither
 * engine hands back as a date. Nothing happened at a counter before 2000.
 */
const ANALYTICS_EARLIEST = new Date("2000-01-01T00:00:00.000Z");

const analyticsInput = z
  .object({ venueId: venueIdInput, ...periodFields })
  .superRefine(checkPeriod(MAX_ANALYTICS_DAYS))
  .superRefine(({ from }, check) => {
    if (from < ANALYTICS_EARLIEST) check.addIssue({ code: "custom", path: ["from"], message: "Reports start in the year 2000 or later." });
  });

export const qrRouter = {
  /** A signed-in guest gets a ticket for a venue. */
  request: protectedProcedure
    .input(z.object({ venueId: venueIdInput, requestId: requestIdInput.optional() }))
    .mutation(({ ctx, input }) => requestTicket(ctx, ctx.principal, input)),

  /** An attendant issues a ticket to a walk-in, optionally with contact data for lookup. */
  issueWalkIn: memberProcedure
    .input(
      z.object({
        venueId: venueIdInput,
        requestId: requestIdInput.optional(),
        name: walkInContactFields.name.optional(),
        email: walkInContactFields.email.optional(),
        phone: walkInContactFields.phone.optional(),
      }),
    )
    .mutation(({ ctx, input }) => issueWalkIn(ctx, ctx.member, input)),

  /** Anyone holding a venue's poster link gets a ticket, no account: docs/guests.md. */
  requestByLink: publicProcedure
    .input(
      z.object({
        ...guestLinkRequestFields,
        email: walkInContactFields.email.optional(),
        phone: walkInContactFields.phone.optional(),
      }),
    )
    .mutation(({ ctx, input }) => requestByLink(ctx, input)),

  /** The tickets saved on the caller's phone become theirs, where no one has them yet. */
  claim: protectedProcedure
    .input(z.object({ codes: z.array(codeInput).max(MAX_CLAIMED_CODES, `Claim at most ${MAX_CLAIMED_CODES} tickets at once.`) }))
    .mutation(({ ctx, input }) => claimTickets(ctx, ctx.principal, input)),

  mine: protectedProcedure
    .input(z.object(pageInput).default({ limit: 50 }))
    .query(({ ctx, input }) => myTickets(ctx, ctx.principal, input)),

  get: protectedProcedure.input(z.object({ ticketId: ticketIdInput })).query(({ ctx, input }) => getTicket(ctx, ctx.principal, input)),

  image: protectedProcedure
    .input(z.object({ ticketId: ticketIdInput, format: z.enum(["svg", "png"], "Choose svg or png.").default("svg") }))
    .query(({ ctx, input }) => ticketImage(ctx, ctx.principal, input)),

  /** The ticket page a phone camera opens: no personal data. */
  view: publicProcedure.input(z.object({ code: codeInput })).query(({ ctx, input }) => publicTicketView(ctx, input)),

  /** The QR for whoever holds the code, so a ticket opened from its link can be shown at the counter. */
  viewImage: publicProcedure.input(z.object({ code: codeInput })).query(({ ctx, input }) => publicTicketImage(ctx, input)),

  /**
   * A scanned code, or tonight's ticket number typed by the attendant when the guest has no
   * code to show (`byNumber` in the answer and the history: confirm it against the ticket).
   */
  scan: memberProcedure
    .input(
      z
        .object({ venueId: venueIdInput, code: codeInput.optional(), number: ticketNumberInput.optional(), kind: slotKindInput.optional() })
        .superRefine((input, check) => {
          if ((input.code === undefined) === (input.number === undefined)) {
            check.addIssue({ code: "custom", path: ["code"], message: "Scan the ticket, or type its number: one of the two." });
          }
        }),
    )
    .mutation(async ({ ctx, input }) => {
      const byNumber = input.number !== undefined;
      const ref = byNumber ? { number: input.number! } : { code: input.code! };
      return { ...(await scan(ctx, ctx.member, { venueId: input.venueId, kind: input.kind, ref, byNumber })), byNumber };
    }),

  checkIn: memberProcedure
    .input(
      z
        .object({
          ...ticketRefFields,
          slotId: slotIdInput.optional(),
          kind: slotKindInput.optional(),
          payment: paymentInput.optional(),
          /** At a venue that takes payment at check-in: the guest pays at pickup instead. */
          payLater: z.boolean().optional(),
        })
        .superRefine(oneTicketRef),
    )
    .mutation(({ ctx, input }) => checkIn(ctx, ctx.member, { ...input, ref: refOf(input) })),

  checkOut: memberProcedure
    .input(
      z
        .object({
          ...ticketRefFields,
          payment: paymentInput.optional(),
          /** The coat goes back unpaid, and why: the counter never lets one go unpaid silently. */
          unpaidReason: z.string().trim().min(1, "Say why the coat goes back unpaid.").max(200, "Use at most 200 characters.").optional(),
        })
        .superRefine(oneTicketRef)
        .superRefine((input, check) => {
          if (input.payment && input.unpaidReason !== undefined) {
            check.addIssue({ code: "custom", path: ["unpaidReason"], message: "Take the payment or say why it goes unpaid: not both." });
          }
        }),
    )
    .mutation(({ ctx, input }) => checkOut(ctx, ctx.member, { ...input, ref: refOf(input) })),

  swap: memberProcedure
    .input(z.object({ ...ticketRefFields, toSlotId: slotIdInput }).superRefine(oneTicketRef))
    .mutation(({ ctx, input }) => swap(ctx, ctx.member, { ...input, ref: refOf(input) })),

  detach: memberProcedure
    .input(z.object(ticketRefFields).superRefine(oneTicketRef))
    .mutation(({ ctx, input }) => detach(ctx, ctx.member, { ...input, ref: refOf(input) })),

  void: memberProcedure
    .input(
      z
        .object({
          ...ticketRefFields,
          reason: z.string().trim().min(1, "Give a reason or leave it out.").max(200, "Use at most 200 characters.").optional(),
        })
        .superRefine(oneTicketRef),
    )
    .mutation(({ ctx, input }) => voidTicket(ctx, ctx.member, { ...input, ref: refOf(input) })),

  pay: memberProcedure
    .input(z.object({ ...ticketRefFields, payment: paymentInput }).superRefine(oneTicketRef))
    .mutation(({ ctx, input }) => pay(ctx, ctx.member, { ...input, ref: refOf(input) })),

  /** Lost tickets: by number, a walk-in's exact name or email, a phone's last 4 digits, a guest's name or email. */
  lookup: memberProcedure
    .input(
      z.object({
        venueId: venueIdInput.optional(),
        query: z
          .string()
          .trim()
          .min(1, "Type a ticket number, a name, an email or a phone's last digits.")
          .max(200, "Use at most 200 characters."),
        ...pageInput,
      }),
    )
    .query(({ ctx, input }) => lookupTickets(ctx, ctx.member, input)),

  /** Admins: the organization's tickets, newest first, by venue, state, number and issue period. */
  list: adminProcedure
    .input(
      z
        .object({
          venueId: venueIdInput.optional(),
          state: z.enum(TicketState, "Choose ISSUED, CHECKED_IN, RETURNED, VOIDED or FORGOTTEN.").optional(),
          number: ticketNumberInput.optional(),
          ...optionalPeriodFields,
          ...pageInput,
        })
        .superRefine(checkPeriod())
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => listTickets(ctx, ctx.member, input)),

  history: memberProcedure
    .input(
      z
        .object({
          ticketId: ticketIdInput.optional(),
          venueId: venueIdInput.optional(),
          employeeId: idInput("employee").optional(),
          ...optionalPeriodFields,
          ...pageInput,
        })
        .superRefine(checkPeriod())
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => scanHistory(ctx, ctx.member, input)),

  /** Live: every counter event at a venue (admins), resumable with lastEventId. */
  liveScans: adminProcedure
    .input(
      z.object({
        venueId: venueIdInput,
        lastEventId: z
          .string()
          .regex(/^\d{1,18}$/, "Not an event id.")
          .optional(),
      }),
    )
    .subscription(({ ctx, input, signal }) => liveScanFeed(ctx, ctx.principal, input, signal)),

  /** Live: a ticket's public state for whoever holds its code. */
  watch: publicProcedure
    .input(z.object({ code: codeInput }))
    .subscription(({ ctx, input, signal }) => watchTicket(ctx, ctx.principal, input, signal)),

  analytics: adminProcedure.input(analyticsInput).query(({ ctx, input }) => venueAnalytics(ctx, ctx.member, input)),

  analyticsCsv: adminProcedure
    .input(analyticsInput)
    .query(async ({ ctx, input }) => analyticsCsv(await venueAnalytics(ctx, ctx.member, input))),
} satisfies TRPCRouterRecord;
