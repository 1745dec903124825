import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { idInput, venueIdInput } from "../lib/inputs";
import { MAX_SCANNED_INPUT } from "../qr/codes";
import { adminProcedure, memberProcedure, publicProcedure } from "../trpc";
import { createBoard, listBoards, revokeBoard } from "./boards";
import { pickupBoardFeed, pickupQueueFeed } from "./live";
import { cancelAtCounter, cancelPickup, markFetched, putBack, requestAtCounter, requestPickup, startFetching } from "./requests";
import { PICKUP_DELAYS_MINUTES } from "./rules";

// The closing rush (docs/pickup.md): guests ask for their coat ahead, attendants fetch it to
// the ready rail, a board by the counter shows the numbers.

const codeInput = z.string().trim().min(1, "Give the ticket's code.").max(MAX_SCANNED_INPUT, "That is too long to be a ticket code.");
const requestIdInput = idInput("request");
const delayInput = z
  .union(
    PICKUP_DELAYS_MINUTES.map((minutes) => z.literal(minutes)),
    "Choose 0 (now), 5 or 10 minutes.",
  )
  .default(0);
const staffRequestInput = z.object({ venueId: venueIdInput, requestId: requestIdInput });

export const pickupRouter = {
  /** Whoever holds a checked-in ticket's code: "I'm leaving — get my coat ready", now or in 5 or 10 minutes. */
  request: publicProcedure
    .input(z.object({ code: codeInput, requestId: requestIdInput, delayMinutes: delayInput }))
    .mutation(({ ctx, input }) => requestPickup(ctx, input)),

  /** Calls the request off while it is queued or being fetched. */
  cancel: publicProcedure.input(z.object({ code: codeInput })).mutation(({ ctx, input }) => cancelPickup(ctx, input)),

  /** An attendant queues a walk-in's coat from the number on their paper ticket. */
  requestAtCounter: memberProcedure
    .input(
      z.object({
        venueId: venueIdInput,
        ticketNumber: z
          .number("Type the ticket's number.")
          .int("A ticket number is a whole number.")
          .min(1, "Ticket numbers start at 1.")
          .max(2_147_483_647, "No ticket has a number that high."),
        requestId: requestIdInput,
        delayMinutes: delayInput,
      }),
    )
    .mutation(({ ctx, input }) => requestAtCounter(ctx, ctx.member, input)),

  /** "On my way to the rack for it": the guest sees "being fetched". */
  start: memberProcedure
    .input(staffRequestInput)
    .mutation(({ ctx, input }) => startFetching(ctx, ctx.member, { venueId: input.venueId, ref: { requestId: input.requestId } })),

  /** "Fetched": the coat is on the ready rail, at the place this answers. */
  fetched: memberProcedure
    .input(staffRequestInput)
    .mutation(({ ctx, input }) => markFetched(ctx, ctx.member, { venueId: input.venueId, ref: { requestId: input.requestId } })),

  cancelAtCounter: memberProcedure.input(staffRequestInput).mutation(({ ctx, input }) => cancelAtCounter(ctx, ctx.member, input)),

  /** A coat taken off the rail and hung back on its slot. */
  putBack: memberProcedure.input(staffRequestInput).mutation(({ ctx, input }) => putBack(ctx, ctx.member, input)),

  /** Live: the venue's queue for its attendants. */
  queue: memberProcedure
    .input(z.object({ venueId: venueIdInput }))
    .subscription(({ ctx, input, signal }) => pickupQueueFeed(ctx, ctx.principal, input, signal)),

  /** Live: the pickup board, for a screen signed in with its link alone. Ticket numbers only. */
  board: publicProcedure
    .input(
      z.object({
        token: z.string().trim().min(1, "Give the board's link.").max(100, "That is not a board link."),
      }),
    )
    .subscription(({ ctx, input, signal }) => pickupBoardFeed(ctx, input, signal)),

  /** Admins: a new board link (shown once). */
  createBoard: adminProcedure
    .input(
      z.object({
        venueId: venueIdInput,
        label: z.string().trim().min(1, "Name the screen, e.g. “Main counter”.").max(60, "Use at most 60 characters."),
      }),
    )
    .mutation(({ ctx, input }) => createBoard(ctx, ctx.member, input)),

  boards: adminProcedure
    .input(z.object({ venueId: venueIdInput.optional() }).default({}))
    .query(({ ctx, input }) => listBoards(ctx, ctx.member, input)),

  revokeBoard: adminProcedure
    .input(z.object({ boardId: idInput("board") }))
    .mutation(({ ctx, input }) => revokeBoard(ctx, ctx.member, input)),
} satisfies TRPCRouterRecord;
