import type { SqlRunner } from "@qrcoats/db";
import type { Limit } from "../config";
import { tooManyRequests } from "../lib/errors";

/** One limit applied to one key: `sign-in:pair:<email> <address>` at 5 per 15 minutes... */
export type Budget = { key: string; limit: Limit };

type BucketState = { key: string; hits: number; pending: number; window_start: Date };

/**
 * Seconds to wait before an attempt fits every budget, or 0 when it fits now. Attempts under
 * way (pending) will settle within a second, so waiting for them is short; spent budget waits
 * for its window to end.
 */
function waitFor(budgets: Budget[], buckets: BucketState[], now: Date): number {
  let longest = 0;
  for (const { key, limit } of budgets) {
    const bucket = buckets.find((candidate) => candidate.key === key);
    const endsAt = bucket ? bucket.window_start.getTime() + limit.windowSeconds * 1000 : 0;
    if (!bucket || endsAt <= now.getTime()) continue;
    if (bucket.hits >= limit.max) longest = Math.max(longest, Math.ceil((endsAt - now.getTime()) / 1000));
    else if (bucket.hits + bucket.pending >= limit.max) longest = Math.max(longest, 1);
  }
  return longest;
}

async function read(sql: SqlRunner, keys: string[]): Promise<BucketState[]> {
  return sql.query<BucketState>(`SELECT key, hits, pending, window_start FROM "auth"."rate_limit_buckets" WHERE key = ANY($1::text[])`, [
    keys,
  ]);
}

/**
 * Adds to a key's counters if the window has room, atomically in the database every host
 * shares; a full window is left untouched. A window that has ended starts afresh, pending
 * attempts included, so that those of a host that died mid-attempt are not held forever.
 */
async function add(sql: SqlRunner, { key, limit }: Budget, counts: { hits: number; pending: number }, now: Date): Promise<boolean> {
  const windowFloor = new Date(now.getTime() - limit.windowSeconds * 1000);
  const rows = await sql.query<{ hits: number }>(
    `INSERT INTO "auth"."rate_limit_buckets" AS bucket (key, window_start, hits, pending)
     VALUES ($1, $2::timestamptz, $3::int, $4::int)
     ON CONFLICT (key) DO UPDATE SET
       hits = CASE WHEN bucket.window_start <= $5::timestamptz THEN $3::int ELSE bucket.hits + $3::int END,
       pending = CASE WHEN bucket.window_start <= $5::timestamptz THEN $4::int ELSE bucket.pending + $4::int END,
       window_start = CASE WHEN bucket.window_start <= $5::timestamptz THEN $2::timestamptz ELSE bucket.window_start END
     WHERE bucket.window_start <= $5::timestamptz OR bucket.hits + bucket.pending < $6::int
     RETURNING hits`,
    [key, now, counts.hits, counts.pending, windowFloor, limit.max],
  );
  return rows.length > 0;
}

/**
 * Takes room in every budget, or refuses with TOO_MANY_REQUESTS having written nothing: the
 * budgets are read first, so a refused attempt costs one read and leaves no trace. Two
 * attempts racing for the last room are settled by the conditional update; the loser gives
 * back what it took.
 */
async function takeRoom(sql: SqlRunner, what: string, budgets: Budget[], counts: { hits: number; pending: number }, now: Date) {
  const refuse = (wait: number) => tooManyRequests(what, Math.max(1, wait));
  const before = waitFor(
    budgets,
    await read(
      sql,
      budgets.map(({ key }) => key),
    ),
    now,
  );
  if (before > 0) throw refuse(before);
  const taken: Budget[] = [];
  for (const budget of budgets) {
    if (await add(sql, budget, counts, now)) {
      taken.push(budget);
      continue;
    }
    for (const done of taken) await release(sql, done.key, counts);
    throw refuse(
      waitFor(
        budgets,
        await read(
          sql,
          budgets.map(({ key }) => key),
        ),
        now,
      ),
    );
  }
}

async function release(sql: SqlRunner, key: string, counts: { hits: number; pending: number }) {
  await sql.query(
    `UPDATE "auth"."rate_limit_buckets"
        SET hits = GREATEST(hits - $1::int, 0), pending = GREATEST(pending - $2::int, 0)
      WHERE key = $3`,
    [counts.hits, counts.pending, key],
  );
}

/** Counts one attempt under every budget, or refuses it without counting anything. */
export async function enforce(sql: SqlRunner, what: string, budgets: Budget[], now: Date): Promise<void> {
  await takeRoom(sql, what, budgets, { hits: 1, pending: 0 }, now);
}

/**
 * Holds room for an attempt whose outcome decides what it counts as (a password check: a
 * failure or a success), so that simultaneous attempts cannot overshoot a limit between
 * checking it and counting. `settle` counts the attempt under the budgets that `counts`
 * picks and frees the room in the others.
 */
export async function reserve(sql: SqlRunner, what: string, budgets: Budget[], now: Date) {
  await takeRoom(sql, what, budgets, { hits: 0, pending: 1 }, now);
  return {
    async settle(counts: (budget: Budget) => boolean) {
      for (const budget of budgets) {
        await sql.query(
          `UPDATE "auth"."rate_limit_buckets"
              SET hits = hits + $1::int, pending = GREATEST(pending - 1, 0)
            WHERE key = $2`,
          [counts(budget) ? 1 : 0, budget.key],
        );
      }
    },
  };
}

export async function clear(sql: SqlRunner, key: string): Promise<void> {
  await sql.query(`DELETE FROM "auth"."rate_limit_buckets" WHERE key = $1`, [key]);
}
