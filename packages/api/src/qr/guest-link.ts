import { createHash } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Limit } from "../config";
import type { Deps, Principal } from "../context";
import { enforce } from "../auth/rate-limit";
import { tooManyRequests } from "../lib/errors";
import { idInput } from "../lib/inputs";
import { guestLinkInput, venueOfGuestLink } from "../venue/guest-links";
import { generatePublicId, verifyCode } from "./codes";
import { candidateCode } from "./codes-shape";
import { issueKeyOf, issueOnce } from "./issue-key";
import type { Prisma } from "@qrcoats/db";
import { guestTicketSelect, sealContact, takeTicketNumber, ticketByIssueKey, withSvg, type WalkInContact } from "./tickets";

// Tickets from a venue's poster link, with no account (docs/guests.md). The phone proves it
// is the same phone with a key it made once and keeps; the server stores only its hash.

type LinkDeps = Pick<Deps, "prisma" | "db" | "config" | "clock" | "request">;

/** The phone's own secret: 32 random bytes in base64url (43 characters) from the web app; 22 to 128 accepted. */
export const deviceKeyInput = z
  .string("This phone's key is missing: reload the page.")
  .regex(/^[A-Za-z0-9_-]{22,128}$/, "This phone's key is not valid: reload the page.");

export const guestLinkRequestFields = {
  link: guestLinkInput,
  deviceKey: deviceKeyInput,
  requestId: idInput("request"),
};

/** Only this leaves the phone's key: what the tickets remember and the limits count by. */
export function deviceHashOf(deviceKey: string): string {
  return createHash("sha256").update(deviceKey).digest("base64url");
}

/** A ticket from a poster link: the same tap (request id) from the same phone gives the same ticket. */
export async function requestByLink(
  deps: LinkDeps,
  input: { link: string; deviceKey: string; requestId: string } & Pick<WalkInContact, "email" | "phone">,
) {
  const { prisma, config } = deps;
  const limits = config.guestLinks;
  const now = deps.clock();
  // Unknown links count against a budget of their own (venueOfGuestLink).
  const venue = await venueOfGuestLink(deps, input.link);
  const guestDeviceHash = deviceHashOf(input.deviceKey);
  const issueKey = issueKeyOf("link", guestDeviceHash, venue.id, input.requestId);
  // A retry of a tap that made its ticket is answered before any budget: it asks for nothing new.
  const made = await ticketByIssueKey(prisma, issueKey);
  if (made) return withSvg(config, made);
  await enforce(
    deps.db.sql,
    "Too many ticket requests from this network.",
    [{ key: `guest-link:address:${deps.request?.clientAddress ?? "in-process"}`, limit: limits.requestsPerAddress }],
    now,
  );
  const { ticket } = await issueOnce(
    issueKey,
    (key) => ticketByIssueKey(prisma, key),
    () =>
      prisma.$transaction(async (tx) => {
        const number = await takeTicketNumber(tx, venue.id);
        // Counted after the venue row is locked, so requests sent at once cannot all pass.
        const byDevice = { venueId: venue.id, guestDeviceHash };
        const unused = await tx.ticket.count({ where: { ...byDevice, state: "ISSUED", checkedInAt: null } });
        if (unused >= limits.unusedPerDevice) {
          throw new TRPCError({
            code: "CONFLICT",
            message: `This phone already has ${unused} unused tickets here. Hand in a coat on one of them first.`,
          });
        }
        await withinWindow(tx, byDevice, limits.ticketsPerDevice, now, "This phone has had many tickets here tonight.");
        await withinWindow(
          tx,
          { venueId: venue.id, guestDeviceHash: { not: null } },
          limits.ticketsPerVenue,
          now,
          "This venue's poster has given all the tickets it may tonight: ask at the counter.",
        );
        return tx.ticket.create({
          data: {
            publicId: generatePublicId(),
            organizationId: venue.organizationId,
            venueId: venue.id,
            number,
            guestDeviceHash,
            issueKey,
            ...sealContact(config.keys, { email: input.email, phone: input.phone }),
            issuedAt: now,
            updatedAt: now,
          },
          select: guestTicketSelect,
        });
      }),
  );
  return withSvg(config, ticket);
}

/**
 * Refuses when `where` already counts `limit.max` tickets issued in the window, saying when
 * the oldest of them leaves it.
 */
async function withinWindow(tx: Prisma.TransactionClient, where: Prisma.TicketWhereInput, limit: Limit, now: Date, what: string) {
  const since = new Date(now.getTime() - limit.windowSeconds * 1000);
  const inWindow = { ...where, issuedAt: { gt: since } };
  if ((await tx.ticket.count({ where: inWindow })) < limit.max) return;
  const oldest = await tx.ticket.findFirst({ where: inWindow, orderBy: { issuedAt: "asc" }, select: { issuedAt: true } });
  const leavesAt = (oldest?.issuedAt.getTime() ?? now.getTime()) + limit.windowSeconds * 1000;
  throw tooManyRequests(what, Math.max(1, Math.ceil((leavesAt - now.getTime()) / 1000)));
}

/** The most codes one claim takes: a phone's saved tickets, not a list to try. */
export const MAX_CLAIMED_CODES = 50;

/**
 * A guest who signs in takes the tickets saved on their phone into their account (they then
 * show in `qr.mine`). Only tickets with no guest yet move; a code of someone else's ticket,
 * or one that does not verify, is passed over without a word, so a claim confirms nothing.
 */
export async function claimTickets(deps: Pick<Deps, "prisma" | "config">, { userId }: Principal, { codes }: { codes: string[] }) {
  const publicIds = new Set<string>();
  for (const code of codes) {
    const publicId = verifyCode(deps.config.keys.ticketSigning, candidateCode(code));
    if (publicId) publicIds.add(publicId);
  }
  if (publicIds.size === 0) return { claimed: 0 };
  const { count } = await deps.prisma.ticket.updateMany({
    where: { publicId: { in: [...publicIds] }, guestId: null },
    data: { guestId: userId },
  });
  return { claimed: count };
}
