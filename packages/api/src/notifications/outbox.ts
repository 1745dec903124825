import { prismaRunner, type Prisma, type PrismaClient } from "@qrcoats/db";
import type { Deps } from "../context";

export type OutgoingMessage = {
  channel: "email" | "sms";
  recipient: string;
  template: string;
  subject: string;
  body: string;
};

/**
 * Queues a message. Call it inside the transaction that makes the message true, so that a
 * rolled-back change never sends anything and a committed one always does.
 */
export async function enqueue(db: PrismaClient | Prisma.TransactionClient, message: OutgoingMessage, now: Date) {
  await db.notification.create({ data: { ...message, createdAt: now } });
}

/** `enqueue` for any number of messages, none included, in one statement either way. */
export async function enqueueAll(db: PrismaClient | Prisma.TransactionClient, messages: OutgoingMessage[], now: Date) {
  await db.notification.createMany({ data: messages.map((message) => ({ ...message, createdAt: now })) });
}

export type DeliveredMessage = OutgoingMessage & { id: string; createdAt: Date };

/** Where messages go: an email or SMS provider in production, the log in development. */
export type NotificationSink = {
  deliver(message: DeliveredMessage): Promise<void>;
};

const MAX_ATTEMPTS = 5;

/**
 * Sends what is waiting, oldest first. Each message is claimed with SKIP LOCKED, so hosts
 * sharing one database never send a message twice; a failure is retried on a later run, up
 * to five attempts.
 */
export async function deliverPending(
  { prisma, clock }: Pick<Deps, "prisma" | "clock">,
  { sink, batchSize = 20 }: { sink: NotificationSink; batchSize?: number },
): Promise<{ delivered: number; failed: number }> {
  let delivered = 0;
  const failedIds: string[] = [];
  for (let i = 0; i < batchSize; i++) {
    const outcome = await prisma.$transaction(async (tx) => {
      const [message] = await prismaRunner(tx).query<DeliveredMessage>(
        `SELECT id, channel, recipient, template, subject, body, created_at AS "createdAt"
           FROM "auth"."notification_outbox"
          WHERE delivered_at IS NULL AND attempts < $1
            AND NOT (id = ANY($2::uuid[]))
          ORDER BY created_at
          LIMIT 1
          FOR UPDATE SKIP LOCKED`,
        [MAX_ATTEMPTS, failedIds],
      );
      if (!message) return "empty" as const;
      try {
        await sink.deliver(message);
        await tx.notification.update({
          where: { id: message.id },
          data: { deliveredAt: clock(), attempts: { increment: 1 }, lastError: null },
        });
        return "delivered" as const;
      } catch (error) {
        failedIds.push(message.id);
        await tx.notification.update({
          where: { id: message.id },
          data: { attempts: { increment: 1 }, lastError: String((error as Error).message ?? error).slice(0, 1000) },
        });
        return "failed" as const;
      }
    });
    if (outcome === "empty") break;
    if (outcome === "delivered") delivered++;
  }
  return { delivered, failed: failedIds.length };
}
