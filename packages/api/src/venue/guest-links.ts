import { randomBytes } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { audit } from "../auth/audit";
import { enforce } from "../auth/rate-limit";
import type { ApiConfig } from "../config";
import type { Deps } from "../context";
import { assertVenuesOfOrganization, type Member } from "./access";

// A venue's poster link (docs/guests.md): `/v/<guestLinkId>` on a poster by the cloakroom
// gives a ticket with no account. The id is random, so the link cannot be guessed from the
// venue, and replaceable, so a poster that ended up where it should not can be retired.

/** 18 random bytes, 24 base64url characters: as unguessable as a session token's 128 bits, and more. */
const GUEST_LINK_BYTES = 18;

export const guestLinkInput = z
  .string("This poster link is not valid: scan the poster again.")
  .trim()
  .regex(/^[A-Za-z0-9_-]{16,64}$/, "This poster link is not valid: scan the poster again.");

export function guestLinkUrl(config: Pick<ApiConfig, "publicUrl">, guestLinkId: string): string {
  return `${config.publicUrl}/v/${guestLinkId}`;
}

const unknownLink = () =>
  new TRPCError({ code: "NOT_FOUND", message: "This poster link no longer works: ask at the cloakroom for a new one." });

type LinkLookupDeps = Pick<Deps, "prisma" | "db" | "config" | "clock" | "request">;

/**
 * NOT_FOUND for a link that names no venue (replaced, removed or never made), counted
 * against the asking address's budget of unknown links: guessing a link (144 random bits) is
 * hopeless, and the budget keeps anyone from trying at volume. It is not the tickets' budget,
 * so made-up links cannot use up what the real guests behind the address share.
 */
async function refuseUnknownLink(deps: LinkLookupDeps): Promise<never> {
  await enforce(
    deps.db.sql,
    "Too many unknown poster links from this network.",
    [{ key: `guest-link:unknown:${deps.request?.clientAddress ?? "in-process"}`, limit: deps.config.guestLinks.unknownLinksPerAddress }],
    deps.clock(),
  );
  throw unknownLink();
}

/** The venue a poster link names, or NOT_FOUND: a link replaced or removed is unknown like one never made. */
export async function venueOfGuestLink(deps: LinkLookupDeps, link: string) {
  const venue = await deps.prisma.venue.findUnique({ where: { guestLinkId: link }, select: { id: true, organizationId: true } });
  return venue ?? refuseUnknownLink(deps);
}

/** What the guest page shows before the tap: the venue, its price and when it is paid. */
export async function venueByGuestLink(deps: LinkLookupDeps, { link }: { link: string }) {
  const venue = await deps.prisma.venue.findUnique({
    where: { guestLinkId: link },
    select: { name: true, priceCents: true, currency: true, paymentTiming: true, opensAt: true, closesAt: true, timezone: true },
  });
  return venue ?? refuseUnknownLink(deps);
}

type AdminDeps = Pick<Deps, "prisma" | "config" | "clock" | "request">;
/** The admin acting, with their account for the audit log. */
type Admin = Member & { userId: string };

/** The venue's poster link as its admins see it, or null when it has none. */
export async function guestLink({ prisma, config }: AdminDeps, member: Member, { venueId }: { venueId: string }) {
  await assertVenuesOfOrganization(prisma, member.organizationId, [venueId]);
  const venue = await prisma.venue.findUniqueOrThrow({ where: { id: venueId }, select: { guestLinkId: true } });
  return { url: venue.guestLinkId ? guestLinkUrl(config, venue.guestLinkId) : null };
}

/** A new poster link, replacing the old one: posters with the old link stop giving tickets. */
export async function renewGuestLink(deps: AdminDeps, admin: Admin, { venueId }: { venueId: string }) {
  return setGuestLink(deps, admin, venueId, randomBytes(GUEST_LINK_BYTES).toString("base64url"));
}

/** No poster link: tickets only from the counter or with an account. */
export async function removeGuestLink(deps: AdminDeps, admin: Admin, { venueId }: { venueId: string }) {
  return setGuestLink(deps, admin, venueId, null);
}

async function setGuestLink(deps: AdminDeps, admin: Admin, venueId: string, guestLinkId: string | null) {
  const { prisma, config } = deps;
  const now = deps.clock();
  await assertVenuesOfOrganization(prisma, admin.organizationId, [venueId]);
  await prisma.$transaction(async (tx) => {
    const before = await tx.venue.findUniqueOrThrow({ where: { id: venueId }, select: { guestLinkId: true } });
    await tx.venue.update({ where: { id: venueId }, data: { guestLinkId, updatedAt: now } });
    const type = guestLinkId === null ? "GUEST_LINK_REMOVED" : before.guestLinkId ? "GUEST_LINK_REPLACED" : "GUEST_LINK_CREATED";
    await audit(tx, { type, userId: admin.userId, organizationId: admin.organizationId, detail: { venueId } }, deps.request, now);
  });
  return { url: guestLinkId ? guestLinkUrl(config, guestLinkId) : null };
}
