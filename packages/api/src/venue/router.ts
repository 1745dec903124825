import { SlotKind } from "@qrcoats/db";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { idInput, venueIdInput } from "../lib/inputs";
import { pageInput } from "../lib/pagination";
import { adminProcedure, memberProcedure, publicProcedure } from "../trpc";
import { liveOccupancy } from "./occupancy";
import { createRack, listRacks, renameRack } from "./racks";
import { guestLink, guestLinkInput, removeGuestLink, renewGuestLink, venueByGuestLink } from "./guest-links";
import { createVenue, getVenue, listVenues, updateVenue, venueFields } from "./venues";

/** A member asking for the public view is a guest there (see `audienceOf` in venues.ts). */
const scopeInput = z.enum(["organization", "public"]).optional();

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
        pickupEnabled: venueFields.pickupEnabled.optional(),
        pickupQueueCap: venueFields.pickupQueueCap.optional(),
        pickupHoldMinutes: venueFields.pickupHoldMinutes.optional(),
        pickupUncollected: venueFields.pickupUncollected.optional(),
        paymentTiming: venueFields.paymentTiming.optional(),
      }),
    )
    .mutation(({ ctx, input }) => createVenue(ctx, ctx.member, input)),

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
        pickupEnabled: venueFields.pickupEnabled.optional(),
        pickupQueueCap: venueFields.pickupQueueCap.optional(),
        pickupHoldMinutes: venueFields.pickupHoldMinutes.optional(),
        pickupUncollected: venueFields.pickupUncollected.optional(),
        paymentTiming: venueFields.paymentTiming.optional(),
      }),
    )
    .mutation(({ ctx, input }) => updateVenue(ctx, ctx.member, input)),

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
    .query(({ ctx, input }) => listVenues(ctx, ctx.principal, input)),

  get: publicProcedure
    .input(z.object({ venueId: venueIdInput, scope: scopeInput }))
    .query(({ ctx, input }) => getVenue(ctx, ctx.principal, input)),

  /** Admins: the venue's poster link (docs/guests.md), or null. */
  guestLink: adminProcedure.input(z.object({ venueId: venueIdInput })).query(({ ctx, input }) => guestLink(ctx, ctx.member, input)),

  /** Admins: a new poster link; the old one stops working. */
  renewGuestLink: adminProcedure
    .input(z.object({ venueId: venueIdInput }))
    .mutation(({ ctx, input }) => renewGuestLink(ctx, ctx.member, input)),

  /** Admins: no poster link any more. */
  removeGuestLink: adminProcedure
    .input(z.object({ venueId: venueIdInput }))
    .mutation(({ ctx, input }) => removeGuestLink(ctx, ctx.member, input)),

  /** The guest page a poster link opens: the venue, its price and when to pay. */
  byGuestLink: publicProcedure.input(z.object({ link: guestLinkInput })).query(({ ctx, input }) => venueByGuestLink(ctx, input)),
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
    .mutation(({ ctx, input }) => createRack(ctx, ctx.member, input)),

  update: adminProcedure
    .input(
      z.object({
        rackId: idInput("rack"),
        name: z.string().trim().min(1, "Enter the rack's name.").max(50, "Use at most 50 characters."),
      }),
    )
    .mutation(({ ctx, input }) => renameRack(ctx, ctx.member, input)),

  list: memberProcedure.input(z.object({ venueId: venueIdInput })).query(({ ctx, input }) => listRacks(ctx, ctx.member, input)),

  /** Live: the same as `rack.list`, now and after every change at the venue (its attendants). */
  occupancy: memberProcedure
    .input(z.object({ venueId: venueIdInput }))
    .subscription(({ ctx, input, signal }) => liveOccupancy(ctx, ctx.principal, input, signal)),
} satisfies TRPCRouterRecord;
