import type { Prisma } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Deps, Principal } from "../context";
import { fieldError } from "../lib/errors";
import { decodeCursor, keysetAfter, toPage, type Page } from "../lib/pagination";
import { assertVenuesOfOrganization, type Member } from "./access";

/** What anyone may know of a venue, to find it and ask for a ticket there. */
export const publicVenueSelect = {
  id: true,
  name: true,
  timezone: true,
  opensAt: true,
  closesAt: true,
  priceCents: true,
  currency: true,
  paymentTiming: true,
} satisfies Prisma.VenueSelect;

/** What the venue's own staff see: every setting. */
export const venueSettingsSelect = {
  ...publicVenueSelect,
  inOutAllowance: true,
  forgottenDelayMinutes: true,
  publiclyListed: true,
  pickupEnabled: true,
  pickupQueueCap: true,
  pickupHoldMinutes: true,
  pickupUncollected: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.VenueSelect;

export type PublicVenue = Prisma.VenueGetPayload<{ select: typeof publicVenueSelect }> & { view: "public" };
export type VenueSettings = Prisma.VenueGetPayload<{ select: typeof venueSettingsSelect }> & { view: "organization" };

const zonesByLowerCase = new Map(Intl.supportedValuesOf("timeZone").map((zone) => [zone.toLowerCase(), zone]));

/**
 * The IANA zone, spelt as Intl lists it when the case was off, or null. Aliases Intl knows
 * but does not list (America/Indiana/Indianapolis, Asia/Kolkata on older ICU) are kept as
 * typed rather than swapped for ICU's older canonical names. Offsets ("+01:00") and
 * abbreviations ("CET") are refused even where Intl takes them: the database reads the
 * same string in `AT TIME ZONE`, where an offset means the opposite sign, and closing
 * times must follow DST.
 */
export function canonicalTimeZone(input: string): string | null {
  if (!/^(?:UTC|[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+)$/.test(input)) return null;
  const listed = zonesByLowerCase.get(input.toLowerCase());
  if (listed) return listed;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: input });
    return input;
  } catch {
    return null;
  }
}

const HOURS = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

export const venueFields = {
  name: z.string().trim().min(1, "Enter the venue's name.").max(100, "Use at most 100 characters."),
  timezone: z
    .string()
    .trim()
    .max(64, "Use an IANA time zone such as Europe/Berlin.")
    .transform((zone, check) => {
      const canonical = canonicalTimeZone(zone);
      if (canonical) return canonical;
      check.addIssue({ code: "custom", message: "Use an IANA time zone such as Europe/Berlin." });
      return z.NEVER;
    }),
  opensAt: z
    .string()
    .trim()
    .max(5, { message: "Use 24-hour time, HH:MM (for example 22:00).", abort: true })
    .regex(HOURS, "Use 24-hour time, HH:MM (for example 22:00)."),
  closesAt: z
    .string()
    .trim()
    .max(5, { message: "Use 24-hour time, HH:MM (for example 05:00).", abort: true })
    .regex(HOURS, "Use 24-hour time, HH:MM (for example 05:00)."),
  priceCents: z
    .number()
    .int("Give the price in whole cents.")
    .min(0, "The price cannot be negative.")
    .max(100_000, "The price is at most 100000 cents."),
  currency: z
    .string()
    .trim()
    .max(3, { message: "Use a three-letter currency code such as EUR.", abort: true })
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, "Use a three-letter currency code such as EUR."),
  inOutAllowance: z.number().int("Use a whole number.").min(0, "It cannot be negative.").max(50, "At most 50 in & outs."),
  forgottenDelayMinutes: z
    .number()
    .int("Use whole minutes.")
    .min(0, "It cannot be negative.")
    .max(7 * 24 * 60, "At most a week (10080 minutes)."),
  publiclyListed: z.boolean("Choose whether guests find the venue in the public list."),
  pickupEnabled: z.boolean("Choose whether guests may ask for their coat ahead."),
  pickupQueueCap: z
    .number()
    .int("Use a whole number.")
    .min(0, "It cannot be negative (0 means no cap).")
    .max(500, "At most 500 requests at once."),
  pickupHoldMinutes: z.number().int("Use whole minutes.").min(1, "At least a minute.").max(240, "At most 4 hours (240 minutes)."),
  pickupUncollected: z.enum(["RACK", "RAIL"], "Choose RACK (back to its slot) or RAIL (it stays on the rail)."),
  paymentTiming: z.enum(
    ["CHECK_IN", "CHECK_OUT"],
    "Choose CHECK_IN (guests pay as they hand the coat over) or CHECK_OUT (as they take it back).",
  ),
};

export type VenueInput = {
  name: string;
  timezone: string;
  opensAt: string;
  closesAt: string;
  priceCents?: number;
  currency?: string;
  inOutAllowance?: number;
  forgottenDelayMinutes?: number;
  publiclyListed?: boolean;
  pickupEnabled?: boolean;
  pickupQueueCap?: number;
  pickupHoldMinutes?: number;
  pickupUncollected?: "RACK" | "RAIL";
  paymentTiming?: "CHECK_IN" | "CHECK_OUT";
};

function assertHoursDiffer(opensAt: string, closesAt: string) {
  // Equal times would leave no way to tell a 24-hour venue from a closed one.
  if (opensAt === closesAt) throw fieldError("closesAt", "Closing time must differ from opening time.");
}

export async function createVenue(
  { prisma, clock }: Pick<Deps, "prisma" | "clock">,
  { organizationId }: Member,
  input: VenueInput,
): Promise<VenueSettings> {
  const now = clock();
  assertHoursDiffer(input.opensAt, input.closesAt);
  const venue = await prisma.venue.create({
    data: { ...input, organizationId, createdAt: now, updatedAt: now },
    select: venueSettingsSelect,
  });
  return { view: "organization", ...venue };
}

export async function updateVenue(
  { prisma, clock }: Pick<Deps, "prisma" | "clock">,
  { organizationId }: Member,
  { venueId, ...changes }: Partial<VenueInput> & { venueId: string },
): Promise<VenueSettings> {
  const now = clock();
  await assertVenuesOfOrganization(prisma, organizationId, [venueId]);
  return prisma.$transaction(async (tx) => {
    const current = await tx.venue.findUniqueOrThrow({ where: { id: venueId }, select: { opensAt: true, closesAt: true } });
    assertHoursDiffer(changes.opensAt ?? current.opensAt, changes.closesAt ?? current.closesAt);
    const venue = await tx.venue.update({ where: { id: venueId }, data: { ...changes, updatedAt: now }, select: venueSettingsSelect });
    return { view: "organization" as const, ...venue };
  });
}

export type VenueScope = "organization" | "public";

/**
 * Members read their own organization's venues unless they ask for the public view (an
 * employee looking for a ticket elsewhere is a guest there); everyone else gets that view.
 */
function audienceOf(caller: Principal | null, scope: VenueScope | undefined) {
  const membership = caller?.membership;
  return membership && scope !== "public" ? { organizationId: membership.organizationId } : ("public" as const);
}

/**
 * Venues by name. Members see their own organization's with every setting; everyone else
 * (guests looking for a place to get a ticket) sees the public view of the venues whose
 * admins listed them. Anyone may start an organization, so an unlisted venue is found only
 * through its own link or code.
 */
export async function listVenues(
  { prisma }: Pick<Deps, "prisma">,
  caller: Principal | null,
  query: { search?: string; scope?: VenueScope; cursor?: string; limit: number },
): Promise<Page<PublicVenue | VenueSettings>> {
  const audience = audienceOf(caller, query.scope);
  const after = query.cursor ? decodeCursor(query.cursor, 2) : null;
  const where: Prisma.VenueWhereInput = {
    ...(audience === "public" ? { publiclyListed: true } : { organizationId: audience.organizationId }),
    ...(query.search ? { name: { contains: query.search, mode: "insensitive" } } : {}),
    ...(after ? keysetAfter("name", "asc", after[0], after[1]) : {}),
  };
  const orderBy: Prisma.VenueOrderByWithRelationInput[] = [{ name: "asc" }, { id: "asc" }];
  const take = query.limit + 1;
  if (audience === "public") {
    const rows = await prisma.venue.findMany({ where, orderBy, take, select: publicVenueSelect });
    return toPage(
      rows,
      query.limit,
      (row) => [row.name, row.id],
      (row) => ({ view: "public" as const, ...row }),
    );
  }
  const rows = await prisma.venue.findMany({ where, orderBy, take, select: venueSettingsSelect });
  return toPage(
    rows,
    query.limit,
    (row) => [row.name, row.id],
    (row) => ({ view: "organization" as const, ...row }),
  );
}

/**
 * One venue: its settings for members of its organization, the public view for guests and
 * for members who ask for it; FORBIDDEN for a member reaching into another organization.
 */
export async function getVenue(
  { prisma }: Pick<Deps, "prisma">,
  caller: Principal | null,
  { venueId, scope }: { venueId: string; scope?: VenueScope },
): Promise<PublicVenue | VenueSettings> {
  const audience = audienceOf(caller, scope);
  if (audience !== "public") {
    await assertVenuesOfOrganization(prisma, audience.organizationId, [venueId]);
    const venue = await prisma.venue.findUniqueOrThrow({ where: { id: venueId }, select: venueSettingsSelect });
    return { view: "organization", ...venue };
  }
  const venue = await prisma.venue.findUnique({ where: { id: venueId }, select: publicVenueSelect });
  if (!venue) throw new TRPCError({ code: "NOT_FOUND", message: "No such venue." });
  return { view: "public", ...venue };
}
