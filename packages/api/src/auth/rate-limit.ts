import type { Prisma, PrismaClient } from "@qrcoats/db";
import type { Limit } from "../config";
import { tooManyRequests } from "../lib/errors";

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * Counts one attempt against a key in a fixed window, atomically, in the database that
 * every host shares. Returns the seconds until the window ends when the attempt is over
 * the limit, otherwise null.
 */
export async function hit(db: Db, key: string, limit: Limit, now: Date): Promise<number | null> {
  const windowFloor = new Date(now.getTime() - limit.windowSeconds * 1000);
  const [bucket] = await db.$queryRaw<{ hits: number; window_start: Date }[]>`
    INSERT INTO "auth"."rate_limit_buckets" (key, window_start, hits)
    VALUES (${key}, ${now}, 1)
    ON CONFLICT (key) DO UPDATE SET
      hits = CASE WHEN "rate_limit_buckets".window_start <= ${windowFloor}
                  THEN 1 ELSE "rate_limit_buckets".hits + 1 END,
      window_start = CASE WHEN "rate_limit_buckets".window_start <= ${windowFloor}
                  THEN ${now} ELSE "rate_limit_buckets".window_start END
    RETURNING hits, window_start`;
  if (!bucket || bucket.hits <= limit.max) return null;
  const endsAt = bucket.window_start.getTime() + limit.windowSeconds * 1000;
  return Math.max(1, Math.ceil((endsAt - now.getTime()) / 1000));
}

/** Takes back one counted attempt: a success that should not count as a failure. */
export async function unhit(db: Db, key: string): Promise<void> {
  await db.$executeRaw`
    UPDATE "auth"."rate_limit_buckets" SET hits = GREATEST(hits - 1, 0) WHERE key = ${key}`;
}

export async function clear(db: Db, key: string): Promise<void> {
  await db.$executeRaw`DELETE FROM "auth"."rate_limit_buckets" WHERE key = ${key}`;
}

/** Counts the attempt under every key and refuses it if any is over its limit. */
export async function enforce(
  db: Db,
  what: string,
  keys: { key: string; limit: Limit }[],
  now: Date,
): Promise<void> {
  const waits = await Promise.all(keys.map(({ key, limit }) => hit(db, key, limit, now)));
  const longest = Math.max(0, ...waits.map((wait) => wait ?? 0));
  if (longest > 0) throw tooManyRequests(what, longest);
}
