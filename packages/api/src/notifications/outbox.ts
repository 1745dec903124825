import { setTimeout as sleep } from "node:timers/promises";
import type { MessageAudience, Prisma, PrismaClient } from "@qrcoats/db";
import type { ApiKeys } from "../config";
import type { Deps } from "../context";
import { decryptField, encryptField, lookupHash, normalize } from "../lib/field-crypto";
import { PermanentDeliveryError, type Channel, type MessageSender, type RenderedMessage } from "./sender";
import { isMessageTemplate, render, subjectOf, templateParams, type MessageTemplate, type TemplateParams } from "./templates";

// Messages to people are queued in the transaction that makes them true and delivered by a
// job. What a row keeps cannot be used by whoever reads the database: the address is sealed
// (field encryption) with a keyed hash to find it by, and the template's parameters (tokens,
// ticket ids, names) are sealed until the message is delivered or expires, then dropped.
// Links exist only in the message rendered at delivery, which is handed to a sender and
// never stored. A delivery error is kept for the admins, with every part of the message
// that could appear in it cut out.

/** A message to queue: its template with the parameters, whom it reaches, and until when it is worth sending. */
export type OutgoingMessage = {
  [T in MessageTemplate]: {
    template: T;
    params: TemplateParams[T];
    channel: Channel;
    to: string;
    /** STAFF: an organization's people, whose address its admins see. GUEST: anyone else. */
    audience: MessageAudience;
    organizationId: string | null;
    employeeId?: string;
    ticketId?: string;
    /** Not delivered by then, it fails as expired. */
    expiresAt: Date;
  };
}[MessageTemplate];

/** The keyed hash an address is found by, whatever its case or punctuation. */
export function recipientHash(keys: ApiKeys, channel: Channel, to: string): string {
  const normalized = channel === "email" ? normalize.email(to) : normalize.phoneDigits(to);
  return lookupHash(keys, "message.recipient", `${channel}:${normalized}`);
}

/**
 * Queues messages, none included, in one statement either way. Call it inside the
 * transaction that makes the messages true, so that a rolled-back change never sends
 * anything and a committed one always does.
 */
export async function enqueue(db: PrismaClient | Prisma.TransactionClient, keys: ApiKeys, messages: OutgoingMessage[], now: Date) {
  await db.notification.createMany({
    data: messages.map((message) => ({
      organizationId: message.organizationId,
      audience: message.audience,
      employeeId: message.employeeId ?? null,
      ticketId: message.ticketId ?? null,
      channel: message.channel,
      template: message.template,
      subject: subjectOf(message.template, message.params),
      recipientEncrypted: encryptField(keys, "message.recipient", message.to),
      recipientHash: recipientHash(keys, message.channel, message.to),
      paramsEncrypted: encryptField(keys, "message.params", JSON.stringify(message.params)),
      createdAt: now,
      expiresAt: message.expiresAt,
      nextAttemptAt: now,
    })),
  });
}

/** Which unsent messages a later change made useless: one person's, of one template. */
export type UnsentMessages = { template: MessageTemplate } & ({ employeeId: string } | { channel: Channel; to: string });

/**
 * Withdraws messages not sent yet whose link a later change made useless (a newer invitation
 * or reset link, an invitation accepted, a reset link used): sending them would only deliver
 * a dead link, or a stale one beside the live one. They fail at once with `reason`, their
 * parameters are dropped and they can no longer be retried. One being sent right now is
 * left to finish: it is out of anyone's hands.
 */
export async function withdrawUnsent(
  db: PrismaClient | Prisma.TransactionClient,
  keys: ApiKeys,
  which: UnsentMessages,
  reason: string,
  now: Date,
): Promise<void> {
  await db.notification.updateMany({
    where: {
      template: which.template,
      ...("employeeId" in which ? { employeeId: which.employeeId } : { recipientHash: recipientHash(keys, which.channel, which.to) }),
      deliveredAt: null,
      paramsEncrypted: { not: null },
      // One already past its expiry fails as expired, as it would have anyway.
      expiresAt: { gt: now },
      OR: [{ sendingUntil: null }, { sendingUntil: { lte: now } }],
    },
    data: { failedAt: now, withdrawnAt: now, lastError: reason, paramsEncrypted: null, expiresAt: now },
  });
}

/** After the first failed attempt, the wait before each next one; after the last, the message has failed. */
export const BACKOFF_SECONDS = [30, 2 * 60, 10 * 60, 60 * 60, 6 * 60 * 60] as const;
export const MAX_ATTEMPTS = BACKOFF_SECONDS.length + 1;

/** How long a sender may take before the attempt counts as failed (and is tried again). */
export const SEND_TIMEOUT_MS = 60_000;
/** A claimed message is left alone this much longer than a send may take: a host that dies while sending leaves it to another after that. */
const CLAIM_MARGIN_MS = 60_000;

const EXPIRED = "Not delivered before it expired";
/** Rows each run expires or notes at most: the job runs every few seconds. */
const SWEEP_LIMIT = 500;

export type DeliveryRun = { delivered: number; retrying: number; failed: number; expired: number };

/** A row as the worker reads it. */
export type StoredMessage = {
  id: string;
  channel: string;
  template: string;
  recipientEncrypted: string;
  paramsEncrypted: string | null;
};

type Claimed = StoredMessage & { attempts: number };

/**
 * Sends what is due, soonest first, through the sender of each message's channel. A message
 * is claimed in one statement (SKIP LOCKED) that counts the attempt and leaves it alone for
 * a while, so hosts sharing a database never send it twice, and no transaction is held
 * while a sender talks to the network (on the embedded database that would stall every
 * request). A transient error is retried after BACKOFF_SECONDS; a PermanentDeliveryError,
 * or the last attempt, fails it. A message with no sender for its channel is not claimed;
 * its last error says why it waits. A message past its expiry fails as expired.
 */
export async function deliverPending(
  { db, clock, config }: Pick<Deps, "db" | "clock" | "config">,
  { senders, batchSize = 20, sendTimeoutMs = SEND_TIMEOUT_MS }: { senders: MessageSender[]; batchSize?: number; sendTimeoutMs?: number },
): Promise<DeliveryRun> {
  const run: DeliveryRun = { delivered: 0, retrying: 0, failed: 0, expired: await expireMessages(db.sql, clock()) };
  const channels = [...new Set(senders.map((sender) => sender.channel))];
  await noteMissingSenders(db.sql, channels);
  for (let i = 0; i < batchSize; i++) {
    const now = clock();
    const [message] = await db.sql.query<Claimed>(
      `UPDATE auth.notification_outbox o
          SET attempts = o.attempts + 1, next_attempt_at = $3, sending_until = $3
        WHERE o.id = (
          SELECT id FROM auth.notification_outbox
           WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 AND expires_at > $1
             AND channel = ANY($2::text[])
           ORDER BY next_attempt_at, created_at, id
           LIMIT 1
           FOR UPDATE SKIP LOCKED)
      RETURNING o.id, o.channel, o.template, o.recipient_encrypted AS "recipientEncrypted",
                o.params_encrypted AS "paramsEncrypted", o.attempts`,
      [now, channels, new Date(now.getTime() + sendTimeoutMs + CLAIM_MARGIN_MS)],
    );
    if (!message) break;
    const sender = senders.find((candidate) => candidate.channel === message.channel)!;
    const outcome = await attempt(config, sender, message, sendTimeoutMs);
    run[await record(db.sql, message, outcome, clock())]++;
  }
  return run;
}

type Outcome = { kind: "sent"; via: string } | { kind: "retry" | "permanent"; error: string };

async function attempt(config: Deps["config"], sender: MessageSender, message: Claimed, timeoutMs: number): Promise<Outcome> {
  let opened: ReturnType<typeof openMessage>;
  try {
    opened = openMessage(config, message);
  } catch {
    return { kind: "permanent", error: "Its sealed contents cannot be opened with this host's keys." };
  }
  try {
    await withTimeout(sender.send(opened.rendered), timeoutMs);
    return { kind: "sent", via: sender.via };
  } catch (error) {
    const kind = error instanceof PermanentDeliveryError ? "permanent" : "retry";
    return { kind, error: describeFailure(error, opened.rendered, opened.params) };
  }
}

/** The message as its sender gets it: address opened, parameters checked, template rendered. */
export function openMessage(config: Deps["config"], message: StoredMessage): { rendered: RenderedMessage; params: unknown } {
  const { template } = message;
  if (!isMessageTemplate(template) || message.paramsEncrypted === null) throw new Error("not a message this release can render");
  const params = templateParams[template].parse(JSON.parse(decryptField(config.keys, "message.params", message.paramsEncrypted)));
  const channel = message.channel as Channel;
  const content = render(template, params as never, { publicUrl: config.publicUrl, ticketSigning: config.keys.ticketSigning, channel });
  const to = decryptField(config.keys, "message.recipient", message.recipientEncrypted);
  return { rendered: { id: message.id, channel, to, template, ...content }, params };
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  const abort = new AbortController();
  try {
    return await Promise.race([
      work,
      sleep(ms, undefined, { signal: abort.signal, ref: false }).then(() => {
        throw new Error(`The sender did not answer within ${ms / 1000} s.`);
      }),
    ]);
  } finally {
    abort.abort();
  }
}

async function record(sql: Deps["db"]["sql"], message: Claimed, outcome: Outcome, now: Date): Promise<keyof DeliveryRun> {
  // Only while the claim is still this run's: a later claim counted another attempt.
  const mine = `id = $1 AND attempts = $2 AND delivered_at IS NULL`;
  if (outcome.kind === "sent") {
    await sql.query(
      `UPDATE auth.notification_outbox SET delivered_at = $3, delivered_via = $4, last_error = NULL, params_encrypted = NULL, sending_until = NULL WHERE ${mine}`,
      [message.id, message.attempts, now, outcome.via],
    );
    return "delivered";
  }
  if (outcome.kind === "permanent" || message.attempts >= MAX_ATTEMPTS) {
    await sql.query(`UPDATE auth.notification_outbox SET failed_at = $3, last_error = $4, sending_until = NULL WHERE ${mine}`, [
      message.id,
      message.attempts,
      now,
      outcome.error,
    ]);
    return "failed";
  }
  const wait = BACKOFF_SECONDS[message.attempts - 1]! * 1000;
  await sql.query(`UPDATE auth.notification_outbox SET next_attempt_at = $3, last_error = $4, sending_until = NULL WHERE ${mine}`, [
    message.id,
    message.attempts,
    new Date(now.getTime() + wait),
    outcome.error,
  ]);
  return "retrying";
}

/**
 * What an admin is told of a failed attempt: the error's words with every part of the
 * message cut out (address, parameters, links, lines of the body), should a sender or a
 * server have echoed any of it, and never longer than a line or two.
 */
export function describeFailure(error: unknown, message: RenderedMessage, params: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const lines = (text: string) => text.split("\n").map((line) => line.trim());
  const parts = [
    message.to,
    ...leaves(params),
    ...(`${message.text}\n${message.html}`.match(/https?:\/\/[^\s"'<>]+/g) ?? []),
    ...lines(message.text),
    ...lines(message.html),
  ].filter((part) => part.length >= 4);
  let scrubbed = raw;
  // In any case: a server may echo a token upper-cased.
  for (const part of [...new Set(parts)].sort((a, b) => b.length - a.length)) {
    scrubbed = scrubbed.replace(new RegExp(part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"), "[…]");
  }
  // And anything shaped like a token or a code, however the server cut or spelled it.
  scrubbed = scrubbed.replace(/[A-Za-z0-9_+/=-]{16,}/g, "[…]");
  scrubbed = scrubbed.replace(/\s+/g, " ").trim();
  return (scrubbed.length > 300 ? `${scrubbed.slice(0, 299)}…` : scrubbed) || "The sender failed without saying why.";
}

function leaves(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (typeof value === "number") return [String(value)].filter((text) => text.length >= 4);
  if (value && typeof value === "object") return Object.values(value).flatMap(leaves);
  return [];
}

/**
 * Messages past their expiry lose their parameters; the ones still waiting fail as expired,
 * with the reason they were waiting. Delivered messages lost theirs when they went.
 */
async function expireMessages(sql: Deps["db"]["sql"], now: Date): Promise<number> {
  const rows = await sql.query<{ expired: boolean }>(
    `WITH due AS (
       SELECT id FROM auth.notification_outbox
        WHERE params_encrypted IS NOT NULL AND delivered_at IS NULL AND expires_at <= $1
        LIMIT $3 FOR UPDATE SKIP LOCKED)
     UPDATE auth.notification_outbox o
        SET params_encrypted = NULL,
            failed_at = COALESCE(o.failed_at, $1),
            last_error = CASE WHEN o.failed_at IS NULL THEN $2 || COALESCE(' (' || o.last_error || ')', '') || '.' ELSE o.last_error END
       FROM due WHERE o.id = due.id
     RETURNING o.failed_at = $1 AS expired`,
    [now, EXPIRED, SWEEP_LIMIT],
  );
  return rows.filter((row) => row.expired).length;
}

/** A message whose channel this host cannot send on says so, for the admins, and waits. */
async function noteMissingSenders(sql: Deps["db"]["sql"], channels: Channel[]): Promise<void> {
  await sql.query(
    `UPDATE auth.notification_outbox SET last_error = 'No ' || channel || ' sender is configured on this host.'
      WHERE id IN (
        SELECT id FROM auth.notification_outbox
         WHERE delivered_at IS NULL AND failed_at IS NULL AND NOT (channel = ANY($1::text[]))
           AND last_error IS DISTINCT FROM 'No ' || channel || ' sender is configured on this host.'
         LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [channels, SWEEP_LIMIT],
  );
}
