import type { Prisma } from "@qrcoats/db";
import type { ApiConfig } from "../config";
import type { Deps } from "../context";
import { decryptField, lookupHash, normalize, phoneLastDigits } from "../lib/field-crypto";
import { decodeTimeCursor, keysetAfter, toPage } from "../lib/pagination";
import { assertWorksAtVenue, type Member } from "../venue/access";

// Lost tickets: staff find a ticket by what the guest can tell them. Walk-ins' contacts are
// encrypted, so they are matched exactly through their keyed hashes; registered guests'
// names and emails are matched by part, case-insensitively.

const lookupSelect = {
  id: true,
  number: true,
  state: true,
  issuedAt: true,
  checkedInAt: true,
  paymentStatus: true,
  contactNameEncrypted: true,
  contactEmailEncrypted: true,
  contactPhoneEncrypted: true,
  venue: { select: { id: true, name: true } },
  slot: { select: { number: true } },
  guest: { select: { name: true, email: true } },
} satisfies Prisma.TicketSelect;

type LookupRow = Prisma.TicketGetPayload<{ select: typeof lookupSelect }>;

/** "j•••@example.com": enough to confirm with the guest, too little to copy. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  return at <= 0 ? "•••" : `${email[0]}•••${email.slice(at)}`;
}

/** "••• 4567": the digits staff asked for, nothing more. */
export function maskPhone(phone: string): string {
  const last = phoneLastDigits(phone);
  return last ? `••• ${last}` : "•••";
}

function toFound(keys: ApiConfig["keys"], row: LookupRow) {
  const open = (purpose: "ticket.contactName" | "ticket.contactEmail" | "ticket.contactPhone", sealed: string | null) =>
    sealed === null ? null : decryptField(keys, purpose, sealed);
  const email = open("ticket.contactEmail", row.contactEmailEncrypted);
  const phone = open("ticket.contactPhone", row.contactPhoneEncrypted);
  return {
    id: row.id,
    number: row.number,
    state: row.state,
    issuedAt: row.issuedAt,
    checkedInAt: row.checkedInAt,
    paymentStatus: row.paymentStatus,
    venue: row.venue,
    slotNumber: row.slot?.number ?? null,
    guest: row.guest && { name: row.guest.name, email: maskEmail(row.guest.email) },
    contact:
      row.contactNameEncrypted || email || phone
        ? {
            name: open("ticket.contactName", row.contactNameEncrypted),
            email: email && maskEmail(email),
            phone: phone && maskPhone(phone),
          }
        : null,
  };
}

export type FoundTicket = ReturnType<typeof toFound>;

/** Every way the words typed could name a ticket: its number, a phone's last digits, an email, a name. */
function matchesFor(keys: ApiConfig["keys"], query: string): Prisma.TicketWhereInput[] {
  const text = query.trim();
  const matches: Prisma.TicketWhereInput[] = [];
  const number = /^#?\d{1,9}$/.test(text) ? Number(text.replace("#", "")) : null;
  if (number !== null && number <= 2_147_483_647) matches.push({ number });
  const digits = normalize.phoneDigits(text);
  if (/^[\d\s+().-]+$/.test(text) && digits.length >= 4) {
    matches.push({ contactPhoneLastDigitsHash: lookupHash(keys, "ticket.contactPhoneLastDigits", phoneLastDigits(digits)!) });
  }
  if (text.includes("@")) {
    matches.push({ contactEmailHash: lookupHash(keys, "ticket.contactEmail", normalize.email(text)) });
    matches.push({ guest: { email: { contains: normalize.email(text), mode: "insensitive" } } });
  } else if (/\p{L}/u.test(text)) {
    matches.push({ contactNameHash: lookupHash(keys, "ticket.contactName", normalize.name(text)) });
    matches.push({ guest: { name: { contains: text, mode: "insensitive" } } });
    if (text.length >= 3) matches.push({ guest: { email: { contains: text, mode: "insensitive" } } });
  }
  return matches;
}

/**
 * Tickets of the member's organization matching the query, newest first: at one venue,
 * or at every venue they work at (all of them for admins).
 */
export async function lookupTickets(
  { prisma, config }: Pick<Deps, "prisma" | "config">,
  member: Member,
  input: { venueId?: string; query: string; cursor?: string; limit: number },
) {
  if (input.venueId) await assertWorksAtVenue(prisma, member, input.venueId);
  const matches = matchesFor(config.keys, input.query);
  if (matches.length === 0) return { items: [], nextCursor: null };
  const after = input.cursor ? decodeTimeCursor(input.cursor) : null;
  const venueScope: Prisma.TicketWhereInput = input.venueId
    ? { venueId: input.venueId }
    : member.role === "ADMIN"
      ? {}
      : { venue: { employees: { some: { employeeId: member.employeeId } } } };
  const rows = await prisma.ticket.findMany({
    where: {
      organizationId: member.organizationId,
      ...venueScope,
      AND: [{ OR: matches }, ...(after ? [keysetAfter("issuedAt", "desc", after.at, after.id)] : [])],
    },
    orderBy: [{ issuedAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    select: lookupSelect,
  });
  return toPage(
    rows,
    input.limit,
    (row) => [row.issuedAt.toISOString(), row.id],
    (row) => toFound(config.keys, row),
  );
}
