import { createHash } from "node:crypto";
import { prismaRunner, type Prisma, type PrismaClient } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import type { ApiConfig } from "../config";
import type { Deps, Principal } from "../context";
import { encryptField, lookupHash, normalize, phoneLastDigits } from "../lib/field-crypto";
import { decodeTimeCursor, keysetAfter, toPage, type Page } from "../lib/pagination";
import { ticketPickup } from "../pickup/requests";
import { assertOnShift } from "../shift/on-shift";
import type { Member } from "../venue/access";
import { issueKeyOf, issueOnce } from "./issue-key";
import { candidateCode, codeFor, generatePublicId, renderPng, renderPngDataUrl, renderSvg, ticketUrl, verifyCode } from "./codes";
import { recordScanEvent } from "./scan-events";

/** Tickets a guest may hold unused at one venue: enough for a group, too few to hoard numbers. */
export const MAX_UNUSED_TICKETS_PER_VENUE = 5;

type TicketDeps = Pick<Deps, "prisma" | "config" | "clock" | "telemetry">;

/** A ticket as its guest sees it. The public id travels only inside the signed code. */
export const guestTicketSelect = {
  id: true,
  publicId: true,
  number: true,
  state: true,
  paymentStatus: true,
  amountCents: true,
  issuedAt: true,
  checkedInAt: true,
  returnedAt: true,
  updatedAt: true,
  venue: { select: { id: true, name: true } },
  slot: { select: { number: true } },
} satisfies Prisma.TicketSelect;

export type GuestTicketRow = Prisma.TicketGetPayload<{ select: typeof guestTicketSelect }>;

function toGuestTicket(config: ApiConfig, { publicId, slot, ...ticket }: GuestTicketRow) {
  const code = codeFor(config.keys.ticketSigning, publicId);
  return { ...ticket, slotNumber: slot?.number ?? null, code, url: ticketUrl(config.publicUrl, code) };
}

export type GuestTicket = ReturnType<typeof toGuestTicket>;

export function withSvg(config: ApiConfig, row: GuestTicketRow) {
  const ticket = toGuestTicket(config, row);
  return { ...ticket, svg: renderSvg(ticket.url) };
}

/** The venue's next ticket number. The row lock it takes lasts until the transaction ends. */
export async function takeTicketNumber(tx: Prisma.TransactionClient, venueId: string): Promise<number> {
  const [row] = await prismaRunner(tx).query<{ number: number }>(
    `UPDATE qr.venues SET next_ticket_number = next_ticket_number + 1
      WHERE id = $1::uuid
     RETURNING next_ticket_number - 1 AS number`,
    [venueId],
  );
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such venue." });
  return row.number;
}

/** The ticket a tap already made, found by its issue key (qr/issue-key.ts). */
export function ticketByIssueKey(prisma: PrismaClient, issueKey: string) {
  return prisma.ticket.findUnique({ where: { issueKey }, select: guestTicketSelect });
}

/** A signed-in guest asks for a ticket at a venue (the web app); the same `requestId` again gives the same ticket. */
export async function requestTicket(
  deps: TicketDeps,
  { userId: guestId }: Principal,
  { venueId, requestId }: { venueId: string; requestId?: string },
) {
  const now = deps.clock();
  const issueKey = requestId ? issueKeyOf("guest", guestId, venueId, requestId) : null;
  const { ticket } = await issueOnce(
    issueKey,
    (key) => ticketByIssueKey(deps.prisma, key),
    () =>
      deps.prisma.$transaction(async (tx) => {
        const venue = await tx.venue.findUnique({ where: { id: venueId }, select: { organizationId: true } });
        if (!venue) throw new TRPCError({ code: "NOT_FOUND", message: "No such venue." });
        const number = await takeTicketNumber(tx, venueId);
        // Counted after the venue row is locked, so requests sent at once cannot all pass.
        const unused = await tx.ticket.count({ where: { guestId, venueId, state: "ISSUED", checkedInAt: null } });
        if (unused >= MAX_UNUSED_TICKETS_PER_VENUE) {
          throw new TRPCError({
            code: "CONFLICT",
            message: `You already have ${unused} unused tickets for this venue. Use one of them first.`,
          });
        }
        return tx.ticket.create({
          data: {
            publicId: generatePublicId(),
            organizationId: venue.organizationId,
            venueId,
            number,
            guestId,
            issueKey,
            issuedAt: now,
            updatedAt: now,
          },
          select: guestTicketSelect,
        });
      }),
  );
  return withSvg(deps.config, ticket);
}

export type WalkInContact = { name?: string; email?: string; phone?: string };

/** Encrypted contact columns with the keyed hashes that lost-ticket lookup searches. */
export function sealContact(keys: ApiConfig["keys"], contact: WalkInContact) {
  const lastDigits = contact.phone ? phoneLastDigits(contact.phone) : null;
  return {
    contactNameEncrypted: contact.name ? encryptField(keys, "ticket.contactName", contact.name) : null,
    contactNameHash: contact.name ? lookupHash(keys, "ticket.contactName", normalize.name(contact.name)) : null,
    contactEmailEncrypted: contact.email ? encryptField(keys, "ticket.contactEmail", contact.email) : null,
    contactEmailHash: contact.email ? lookupHash(keys, "ticket.contactEmail", normalize.email(contact.email)) : null,
    contactPhoneEncrypted: contact.phone ? encryptField(keys, "ticket.contactPhone", contact.phone) : null,
    contactPhoneLastDigitsHash: lastDigits ? lookupHash(keys, "ticket.contactPhoneLastDigits", lastDigits) : null,
  };
}

/** An attendant issues a ticket to a guest without an account, to show and photograph. */
export async function issueWalkIn(
  deps: TicketDeps,
  member: Member,
  { venueId, requestId, ...contact }: WalkInContact & { venueId: string; requestId?: string },
) {
  const { prisma, config } = deps;
  const now = deps.clock();
  await assertOnShift(prisma, member, venueId, now);
  // A tap on "Issue" sent twice (a retry, a double tap) hands out one ticket, not two.
  const issueKey = requestId ? issueKeyOf("walk-in", member.employeeId, venueId, requestId) : null;
  const issued = await issueOnce(
    issueKey,
    (key) => ticketByIssueKey(prisma, key),
    () =>
      prisma.$transaction(async (tx) => {
        const number = await takeTicketNumber(tx, venueId);
        const ticket = await tx.ticket.create({
          data: {
            publicId: generatePublicId(),
            organizationId: member.organizationId,
            venueId,
            number,
            issuedById: member.employeeId,
            issueKey,
            ...sealContact(config.keys, contact),
            issuedAt: now,
            updatedAt: now,
          },
          select: guestTicketSelect,
        });
        await recordScanEvent(prismaRunner(tx), {
          organizationId: member.organizationId,
          venueId,
          employeeId: member.employeeId,
          ticketId: ticket.id,
          action: "ISSUE",
          result: "OK",
          toState: "ISSUED",
          occurredAt: now,
        });
        return ticket;
      }),
  );
  if (issued.made) deps.telemetry?.counterAction("ISSUE", "OK");
  return withSvg(config, issued.ticket);
}

/**
 * Who may see a ticket: the guest it was issued to, and the members of the organization
 * whose venue issued it. Everyone else is told there is no such ticket, as for an unknown
 * id, so ticket ids are never confirmed.
 */
async function readableTicket(prisma: PrismaClient, principal: Principal, ticketId: string): Promise<GuestTicketRow> {
  const ticket = await prisma.ticket.findUnique({
    where: { id: ticketId },
    select: { ...guestTicketSelect, guestId: true, organizationId: true },
  });
  const noSuchTicket = () => new TRPCError({ code: "NOT_FOUND", message: "No such ticket." });
  if (!ticket) throw noSuchTicket();
  const { guestId, organizationId, ...row } = ticket;
  if (guestId !== principal.userId && principal.membership?.organizationId !== organizationId) throw noSuchTicket();
  return row;
}

export async function getTicket(deps: TicketDeps, principal: Principal, { ticketId }: { ticketId: string }) {
  return withSvg(deps.config, await readableTicket(deps.prisma, principal, ticketId));
}

export async function ticketImage(
  deps: TicketDeps,
  principal: Principal,
  { ticketId, format }: { ticketId: string; format: "svg" | "png" },
) {
  const ticket = toGuestTicket(deps.config, await readableTicket(deps.prisma, principal, ticketId));
  return format === "svg"
    ? { format, number: ticket.number, svg: renderSvg(ticket.url) }
    : { format, number: ticket.number, dataUrl: await renderPngDataUrl(ticket.url) };
}

/**
 * A ticket's QR as a file, for a plain HTTP GET by ticket id (the host's
 * `/images/tickets/:id.svg|png`), for whom `qr.image` serves: no tRPC envelope, no superjson
 * of a 10 KB string, and a strong ETag from the image's bytes, which never change for a
 * ticket. The id in the address is no secret; the code only ever travels inside the image.
 */
export async function ticketImageFile(
  deps: Pick<TicketDeps, "prisma" | "config">,
  principal: Principal,
  { ticketId, format }: { ticketId: string; format: "svg" | "png" },
) {
  const ticket = toGuestTicket(deps.config, await readableTicket(deps.prisma, principal, ticketId));
  const body = format === "svg" ? renderSvg(ticket.url) : await renderPng(ticket.url);
  return {
    number: ticket.number,
    body,
    contentType: format === "svg" ? "image/svg+xml; charset=utf-8" : "image/png",
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
  };
}

/** The caller's own tickets, newest first. */
export async function myTickets(
  deps: TicketDeps,
  { userId: guestId }: Principal,
  query: { cursor?: string; limit: number },
): Promise<Page<GuestTicket>> {
  const after = query.cursor ? decodeTimeCursor(query.cursor) : null;
  const rows = await deps.prisma.ticket.findMany({
    where: {
      guestId,
      ...(after ? keysetAfter("issuedAt", "desc", after.at, after.id) : {}),
    },
    orderBy: [{ issuedAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    select: guestTicketSelect,
  });
  return toPage(
    rows,
    query.limit,
    (row) => [row.issuedAt.toISOString(), row.id],
    (row) => toGuestTicket(deps.config, row),
  );
}

const publicViewSelect = {
  id: true,
  venueId: true,
  number: true,
  state: true,
  updatedAt: true,
  venue: { select: { name: true } },
} satisfies Prisma.TicketSelect;

/** The ticket a scanned code names; codes that do not verify never reach the database. */
/** The public id a scanned code carries; a code that does not verify is NOT_FOUND, checked without the database. */
export function verifiedPublicId(config: ApiConfig, scanned: string): string {
  const publicId = verifyCode(config.keys.ticketSigning, candidateCode(scanned));
  if (!publicId) throw notATicket();
  return publicId;
}

const notATicket = () => new TRPCError({ code: "NOT_FOUND", message: "This is not a valid QRcoats ticket." });

async function ticketByCode(deps: TicketDeps, scanned: string) {
  const publicId = verifiedPublicId(deps.config, scanned);
  const ticket =
    (await deps.prisma.ticket.findUnique({ where: { publicId }, select: publicViewSelect })) ?? (await pooledTicket(deps, publicId));
  if (!ticket) throw notATicket();
  return { publicId, ticket };
}

/**
 * A walk-in ticket a counter handed out with no network (docs/offline.md) is a real ticket
 * to its guest before the counter syncs it: its code was minted by the server, and only
 * the device it was minted for showed it. Until then it reads as issued, as it will be.
 */
async function pooledTicket(deps: TicketDeps, publicId: string) {
  const pooled = await deps.prisma.walkInPoolTicket.findUnique({
    where: { publicId },
    select: { number: true, device: { select: { venue: { select: { name: true } } } } },
  });
  if (!pooled) return null;
  return { id: null, venueId: null, number: pooled.number, state: "ISSUED" as const, updatedAt: deps.clock(), venue: pooled.device.venue };
}

/**
 * What anyone holding a code may see (the page a phone camera opens): never a name, an id
 * or a slot. Codes that do not verify are NOT_FOUND without touching the database.
 */
export async function publicTicketView(deps: TicketDeps, { code }: { code: string }) {
  const { ticket } = await ticketByCode(deps, code);
  const { id, venueId } = ticket;
  return {
    number: ticket.number,
    state: ticket.state,
    venueName: ticket.venue.name,
    updatedAt: ticket.updatedAt,
    /** "I'm leaving — get my coat ready" (docs/pickup.md): whether it may be asked now, and the latest request. */
    pickup:
      id && venueId
        ? await ticketPickup(prismaRunner(deps.prisma), { id, venueId, state: ticket.state }, deps.clock())
        : { offered: false, request: null },
  };
}

export type PublicTicketView = Awaited<ReturnType<typeof publicTicketView>>;

/**
 * The QR of a code its holder already has — a walk-in who opened their ticket's link keeps
 * it on the phone to show at pickup. It reveals nothing the code does not, and only for
 * codes that name a ticket, so this is no QR service for anything else.
 */
export async function publicTicketImage(deps: TicketDeps, { code }: { code: string }) {
  const { publicId, ticket } = await ticketByCode(deps, code);
  const url = ticketUrl(deps.config.publicUrl, codeFor(deps.config.keys.ticketSigning, publicId));
  return { number: ticket.number, svg: renderSvg(url) };
}
