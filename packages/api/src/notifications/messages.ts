import type { Prisma } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import type { Deps } from "../context";
import { decryptField, FieldDecryptionError } from "../lib/field-crypto";
import { decodeTimeCursor, keysetAfter, toPage, type Page } from "../lib/pagination";
import type { Member } from "../venue/access";

// The admins' view of the outbox: what was sent to their organization's people, what waits
// and why, what failed. It shows whom a message was for only when they are staff; a guest's
// address stays closed, and the ticket number stands in. Nothing here ever carries a link,
// a token or a body: those exist only at delivery.

export type MessageStatus = "PENDING" | "SENT" | "FAILED" | "WITHDRAWN";

/** How email leaves this host, for the admins' panel: "none" means nothing is sent. */
export type MailDelivery = { email: "smtp" | "local-mailbox" | "none"; from?: string };

const messageSelect = {
  id: true,
  audience: true,
  template: true,
  channel: true,
  subject: true,
  recipientEncrypted: true,
  attempts: true,
  lastError: true,
  createdAt: true,
  expiresAt: true,
  nextAttemptAt: true,
  deliveredAt: true,
  deliveredVia: true,
  failedAt: true,
  withdrawnAt: true,
  employeeId: true,
  ticket: { select: { number: true } },
} satisfies Prisma.NotificationSelect;

type MessageRow = Prisma.NotificationGetPayload<{ select: typeof messageSelect }>;

const statusWhere: Record<MessageStatus, Prisma.NotificationWhereInput> = {
  PENDING: { deliveredAt: null, failedAt: null },
  SENT: { deliveredAt: { not: null } },
  FAILED: { failedAt: { not: null }, withdrawnAt: null },
  WITHDRAWN: { withdrawnAt: { not: null } },
};

function statusOf(row: { deliveredAt: Date | null; failedAt: Date | null; withdrawnAt: Date | null }): MessageStatus {
  return row.deliveredAt ? "SENT" : row.withdrawnAt ? "WITHDRAWN" : row.failedAt ? "FAILED" : "PENDING";
}

function toMessage(row: MessageRow, keys: Deps["config"]["keys"], now: Date) {
  const status = statusOf(row);
  let to: string | null = null;
  if (row.audience === "STAFF") {
    try {
      to = decryptField(keys, "message.recipient", row.recipientEncrypted);
    } catch (error) {
      if (!(error instanceof FieldDecryptionError)) throw error;
    }
  }
  return {
    id: row.id,
    template: row.template,
    channel: row.channel,
    /** The address, for staff; null for a guest, whose ticket number is given instead. */
    to,
    ticketNumber: row.ticket?.number ?? null,
    subject: row.subject,
    status,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    nextAttemptAt: status === "PENDING" ? row.nextAttemptAt : null,
    deliveredAt: row.deliveredAt,
    deliveredVia: row.deliveredVia,
    employeeId: row.employeeId,
    /** Whether `messages.retry` can send it now: not sent, and not past its expiry. */
    retryable: status !== "SENT" && row.expiresAt > now,
  };
}

export type MessageListItem = ReturnType<typeof toMessage>;

export type MessageListInput = { status?: MessageStatus; cursor?: string; limit: number };

/** The organization's messages, newest first. */
export async function listMessages(
  deps: Pick<Deps, "prisma" | "config" | "clock">,
  admin: Member,
  input: MessageListInput,
): Promise<Page<MessageListItem>> {
  const filters: Prisma.NotificationWhereInput[] = [];
  if (input.status) filters.push(statusWhere[input.status]);
  if (input.cursor) {
    const after = decodeTimeCursor(input.cursor);
    filters.push(keysetAfter("createdAt", "desc", after.at, after.id));
  }
  const rows = await deps.prisma.notification.findMany({
    where: { organizationId: admin.organizationId, AND: filters },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    select: messageSelect,
  });
  const now = deps.clock();
  return toPage(
    rows,
    input.limit,
    (row) => [row.createdAt.toISOString(), row.id],
    (row) => toMessage(row, deps.config.keys, now),
  );
}

const NO_SUCH_MESSAGE = "No such message.";

/**
 * Sends a message that has not gone yet once more, now: a failed one (its reason fixed, a
 * mail server back) or one waiting out its backoff. Another organization's message is
 * answered as one that does not exist.
 */
export async function retryMessage(
  deps: Pick<Deps, "prisma" | "config" | "clock">,
  admin: Member,
  { id }: { id: string },
): Promise<MessageListItem> {
  const now = deps.clock();
  const message = await deps.prisma.notification.findUnique({
    where: { id },
    select: { organizationId: true, deliveredAt: true, expiresAt: true, sendingUntil: true },
  });
  if (!message || message.organizationId !== admin.organizationId) throw new TRPCError({ code: "NOT_FOUND", message: NO_SUCH_MESSAGE });
  if (message.deliveredAt) throw new TRPCError({ code: "CONFLICT", message: "This message was already sent." });
  if (message.expiresAt <= now) {
    throw new TRPCError({
      code: "CONFLICT",
      message: "This message has expired: its link would no longer work. Send a new one instead (for an invitation, send it again).",
    });
  }
  // Conditional, so a message sent, expired or taken by a worker meanwhile is left as it is:
  // making a message being sent due again would let another worker send it a second time.
  const notSending = { OR: [{ sendingUntil: null }, { sendingUntil: { lte: now } }] };
  const retried = await deps.prisma.notification.updateMany({
    where: { id, deliveredAt: null, expiresAt: { gt: now }, ...notSending },
    data: { failedAt: null, nextAttemptAt: now },
  });
  if (retried.count === 0 && message.sendingUntil && message.sendingUntil > now) {
    throw new TRPCError({ code: "CONFLICT", message: "This message is being sent right now: look again in a minute." });
  }
  const row = await deps.prisma.notification.findUniqueOrThrow({ where: { id }, select: messageSelect });
  return toMessage(row, deps.config.keys, now);
}

/** How this host sends email, so the panel can say when nothing leaves it. */
export function mailDelivery(deps: Pick<Deps, "mail">): MailDelivery {
  return deps.mail ?? { email: "none" };
}
