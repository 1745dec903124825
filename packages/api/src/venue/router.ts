import { SlotKind } from "@qrcoats/db";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import type { Context } from "../context";
import { idInput } from "../lib/inputs";
import { pageInput } from "../lib/pagination";
import { adminProcedure, memberProcedure, publicProcedure } from "../trpc";
import { liveOccupancy } from "./occupancy";
import { createRack, listRacks, renameRack } from "./racks";
import { createVenue, getVenue, listVenues, updateVenue, venueFields } from "./venues";

export const venueIdInput = idInput("venue");

/**
 * Members read their own organization's venues unless they ask for the public view (an
 * employee looking for a ticket elsewhere is a guest there); everyone else gets that view.
 */
const scopeInput = z.enum(["organization", "public"]).optional();

function audienceOf(ctx: Context, scope: "organization" | "public" | undefined) {
  const membership = ctx.principal?.membership;
  return membership && scope !== "public" ? { organizationId: membership.organizationId } : ("public" as const);
}

export const venueRouter = {
  create: adminProcedure
    .input(
      z.object({
        name: venueFields.name,
        timezone: venueFields.timezone,
        opensAt: venueFields.opensAt,
        closesAt: venueFields.closesAt,
        priceCents: venueFields.priceCents.optional(),
        currency: venueFields.currency.optional(),
        inOutAllowance: venueFields.inOutAllowance.optional(),
        forgottenDelayMinutes: venueFields.forgottenDelayMinutes.optional(),
        publiclyListed: venueFields.publiclyListed.optional(),
      }),
    )
    .mutation(({ ctx, input }) => createVenue(ctx.prisma, ctx.member.organizationId, input, ctx.clock())),

  update: adminProcedure
    .input(
      z.object({
        venueId: venueIdInput,
        name: venueFields.name.optional(),
        timezone: venueFields.timezone.optional(),
        opensAt: venueFields.opensAt.optional(),
        closesAt: venueFields.closesAt.optional(),
        priceCents: venueFields.priceCents.optional(),
        currency: venueFields.currency.optional(),
        inOutAllowance: venueFields.inOutAllowance.optional(),
        forgottenDelayMinutes: venueFields.forgottenDelayMinutes.optional(),
        publiclyListed: venueFields.publiclyListed.optional(),
      }),
    )
    .mutation(({ ctx, input: { venueId, ...changes } }) =>
      updateVenue(ctx.prisma, ctx.member.organizationId, venueId, changes, ctx.clock()),
    ),

  list: publicProcedure
    .input(
      z
        .object({
          search: z.string().trim().max(100, "Use at most 100 characters.").optional(),
          scope: scopeInput,
          ...pageInput,
        })
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => listVenues(ctx.prisma, audienceOf(ctx, input.scope), input)),

  get: publicProcedure
    .input(z.object({ venueId: venueIdInput, scope: scopeInput }))
    .query(({ ctx, input }) => getVenue(ctx.prisma, audienceOf(ctx, input.scope), input.venueId)),
} satisfies TRPCRouterRecord;

export const rackRouter = {
  /** A rack of `slotCount` slots, numbered after the venue's highest slot number. */
  create: adminProcedure
    .input(
      z.object({
        venueId: venueIdInput,
        name: z.string().trim().min(1, "Enter the rack's name.").max(50, "Use at most 50 characters."),
        slotCount: z.number().int("Use a whole number.").min(1, "A rack has at least 1 slot.").max(500, "A rack has at most 500 slots."),
        kind: z.enum(SlotKind, "Choose HANGER or SHELF.").default("HANGER"),
      }),
    )
    .mutation(({ ctx, input }) => createRack(ctx.prisma, ctx.member.organizationId, input, ctx.clock())),

  update: adminProcedure
    .input(
      z.object({
        rackId: idInput("rack"),
        name: z.string().trim().min(1, "Enter the rack's name.").max(50, "Use at most 50 characters."),
      }),
    )
    .mutation(({ ctx, input }) => renameRack(ctx.prisma, ctx.member.organizationId, input.rackId, input.name)),

  list: memberProcedure
    .input(z.object({ venueId: venueIdInput }))
    .query(({ ctx, input }) => listRacks(ctx.prisma, ctx.member.organizationId, input.venueId)),

  /** Live: the same as `rack.list`, now and after every change at the venue (its attendants). */
  occupancy: memberProcedure
    .input(z.object({ venueId: venueIdInput }))
    .subscription(({ ctx, input, signal }) => liveOccupancy(ctx, ctx.member, input.venueId, signal)),
} satisfies TRPCRouterRecord;
