import { prismaRunner } from "@qrcoats/db";
import type { ApiConfig } from "../config";
import type { Deps } from "../context";
import { decryptField } from "../lib/field-crypto";
import { enqueue, type OutgoingMessage } from "../notifications/outbox";
import type { ScanAction, ScanResult } from "./scan-events";
import { edgesOf } from "./state-machine";

const forget = edgesOf("FORGET")[0]!;

type Candidate = {
  id: string;
  number: number;
  slotId: string;
  organizationId: string;
  venueId: string;
  venueName: string;
  publicId: string;
  guestName: string | null;
  guestEmail: string | null;
  contactNameEncrypted: string | null;
  contactEmailEncrypted: string | null;
  contactPhoneEncrypted: string | null;
};

/**
 * Closing time: every ticket still checked in when its venue last closed, once the venue's
 * delay after that closing has passed, becomes FORGOTTEN. Its slot is freed (the coat goes
 * to lost & found) and each guest gets one notice for all their forgotten items, queued in
 * the same transaction. Running it again changes nothing; hosts running it at once share
 * the work (SKIP LOCKED) rather than repeat it.
 *
 * A venue's last closing is computed in its own time zone by the database: the latest
 * local closing time at or before `now - delay`. Closing after midnight therefore ends the
 * night that opened the evening before, and DST moves closing with the wall clock.
 */
export async function markForgottenTickets({
  prisma,
  clock,
  config,
}: Pick<Deps, "prisma" | "clock" | "config">): Promise<{ forgotten: number; notices: number }> {
  const now = clock();
  return prisma.$transaction(
    async (tx) => {
      const forgotten = await prismaRunner(tx).query<Candidate>(
        `WITH closing AS (
          SELECT v.id, v.name, v.organization_id,
                 CASE WHEN (day.local + v.closes_at::time) AT TIME ZONE v.timezone <= due.at
                      THEN (day.local + v.closes_at::time) AT TIME ZONE v.timezone
                      ELSE ((day.local - 1) + v.closes_at::time) AT TIME ZONE v.timezone
                 END AS closed_at
            FROM qr.venues v
           CROSS JOIN LATERAL (SELECT $1::timestamptz - make_interval(mins => v.forgotten_delay_minutes) AS at) due
           CROSS JOIN LATERAL (SELECT (due.at AT TIME ZONE v.timezone)::date AS local) day
        )
        SELECT t.id, t.number, t.slot_id AS "slotId", c.organization_id AS "organizationId", c.id AS "venueId",
               c.name AS "venueName", t.public_id AS "publicId", u.name AS "guestName", u.email AS "guestEmail",
               t.contact_name_encrypted AS "contactNameEncrypted", t.contact_email_encrypted AS "contactEmailEncrypted",
               t.contact_phone_encrypted AS "contactPhoneEncrypted"
          FROM qr.tickets t
          JOIN closing c ON c.id = t.venue_id
          LEFT JOIN auth.users u ON u.id = t.guest_id
         WHERE t.state = $2::qr."TicketState" AND t.checked_in_at < c.closed_at
         ORDER BY t.venue_id, t.number
           FOR UPDATE OF t SKIP LOCKED`,
        [now, forget.from],
      );
      if (forgotten.length === 0) return { forgotten: 0, notices: 0 };

      await tx.ticket.updateMany({
        where: { id: { in: forgotten.map((ticket) => ticket.id) } },
        data: { state: forget.to, slotId: null, forgottenAt: now, updatedAt: now },
      });
      await tx.scanEvent.createMany({
        data: forgotten.map((ticket) => ({
          organizationId: ticket.organizationId,
          venueId: ticket.venueId,
          employeeId: null,
          ticketId: ticket.id,
          action: "FORGET" satisfies ScanAction,
          result: "OK" satisfies ScanResult,
          fromState: forget.from,
          toState: forget.to,
          slotId: ticket.slotId,
          occurredAt: now,
        })),
      });

      const notices = noticesFor(forgotten, config.keys, now);
      await enqueue(tx, config.keys, notices, now);
      return { forgotten: forgotten.length, notices: notices.length };
    },
    { maxWait: 30_000, timeout: 60_000 },
  );
}

/** How long a notice is worth sending: after a week the guest has surely missed their coat already. */
export const FORGOTTEN_NOTICE_TTL_DAYS = 7;

/**
 * One message per person and organization, naming every item they left at its venues,
 * however many tickets that is: each organization's admins see their own notices only.
 */
function noticesFor(tickets: Candidate[], keys: ApiConfig["keys"], now: Date): OutgoingMessage[] {
  const byRecipient = new Map<string, { channel: "email" | "sms"; recipient: string; name: string | null; tickets: Candidate[] }>();
  for (const ticket of tickets) {
    const reach = reachOf(ticket, keys);
    if (!reach) continue;
    const key = `${ticket.organizationId}:${reach.channel}:${reach.recipient}`;
    const entry = byRecipient.get(key) ?? { ...reach, tickets: [] };
    entry.tickets.push(ticket);
    byRecipient.set(key, entry);
  }
  const expiresAt = new Date(now.getTime() + FORGOTTEN_NOTICE_TTL_DAYS * 24 * 60 * 60 * 1000);
  return [...byRecipient.values()].map(({ channel, recipient, name, tickets: theirs }) => ({
    template: "forgotten-items",
    params: { name, items: theirs.map((ticket) => ({ number: ticket.number, venueName: ticket.venueName, publicId: ticket.publicId })) },
    channel,
    to: recipient,
    audience: "GUEST",
    organizationId: theirs[0]!.organizationId,
    ticketId: theirs[0]!.id,
    expiresAt,
  }));
}

/** A registered guest by their account's email; a walk-in by the email, else the phone, they left. */
function reachOf(ticket: Candidate, keys: ApiConfig["keys"]) {
  if (ticket.guestEmail) return { channel: "email" as const, recipient: ticket.guestEmail, name: ticket.guestName };
  const name = ticket.contactNameEncrypted ? decryptField(keys, "ticket.contactName", ticket.contactNameEncrypted) : null;
  if (ticket.contactEmailEncrypted) {
    return { channel: "email" as const, recipient: decryptField(keys, "ticket.contactEmail", ticket.contactEmailEncrypted), name };
  }
  if (ticket.contactPhoneEncrypted) {
    return { channel: "sms" as const, recipient: decryptField(keys, "ticket.contactPhone", ticket.contactPhoneEncrypted), name };
  }
  return null;
}
