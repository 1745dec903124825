import { oneRow, type SqlRunner } from "@qrcoats/db";
import type { Deps } from "../context";

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long sign-in records are kept; docs/api.md ("Retention") says why each. */
export const RETENTION_DAYS = {
  /** A full year and a month: a yearly review, or an incident found late, still sees the whole year. */
  auditEvents: 400,
  /** After a session expires or is revoked: the account's recent addresses and devices stay on record for a month. */
  endedSessions: 30,
  /** A spent refresh token of a live session: replaying one this old simply fails. */
  spentRefreshTokens: 30,
  /** After a reset link is used or expires: kept a day to tell a late click why it failed. */
  resetTokens: 1,
} as const;

/** Rows per statement, so that deleting a backlog never holds many locks for long. */
const BATCH = 5_000;

/**
 * Runs a DELETE of at most BATCH rows (its last parameter) again and again until none is
 * left. Rows are claimed with SKIP LOCKED, so hosts running this at once share the work and
 * never wait on each other or on sign-ins.
 */
async function deleteInBatches(sql: SqlRunner, deletion: string, params: unknown[]): Promise<number> {
  let total = 0;
  for (;;) {
    const { deleted } = oneRow(
      await sql.query<{ deleted: number }>(`WITH deleted AS (${deletion} RETURNING 1) SELECT count(*)::int AS deleted FROM deleted`, [
        ...params,
        BATCH,
      ]),
    );
    total += deleted;
    if (deleted < BATCH) return total;
  }
}

/**
 * Deletes the sign-in records that have outlived their use, and messages older than
 * `config.messageRetentionDays`, whatever became of them. Idempotent.
 */
export async function deleteExpiredAuthRecords({ db, clock, config }: Pick<Deps, "db" | "clock" | "config">) {
  const now = clock();
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const auditCutoff = before(RETENTION_DAYS.auditEvents);
  const sessionCutoff = before(RETENTION_DAYS.endedSessions);
  const refreshCutoff = before(RETENTION_DAYS.spentRefreshTokens);
  const resetCutoff = before(RETENTION_DAYS.resetTokens);
  // Every limit's window has ended for a bucket this old: it would start afresh anyway.
  const longestWindowMs = Math.max(...Object.values(config.auth.limits).map((limit) => limit.windowSeconds * 1000));
  const bucketCutoff = new Date(now.getTime() - longestWindowMs);
  const messageCutoff = before(config.messageRetentionDays);

  const auditEvents = await deleteInBatches(
    db.sql,
    `
    DELETE FROM "auth"."audit_events" WHERE id IN (
      SELECT id FROM "auth"."audit_events" WHERE occurred_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [auditCutoff],
  );
  const refreshTokens = await deleteInBatches(
    db.sql,
    `
    DELETE FROM "auth"."refresh_tokens" WHERE id IN (
      SELECT r.id FROM "auth"."refresh_tokens" r JOIN "auth"."sessions" s ON s.id = r.session_id
       WHERE s.expires_at < $1 OR s.revoked_at < $1 OR r.used_at < $2
       LIMIT $3 FOR UPDATE OF r SKIP LOCKED)`,
    [sessionCutoff, refreshCutoff],
  );
  // A session is deleted only once its refresh tokens are: those refer to it.
  const sessions = await deleteInBatches(
    db.sql,
    `
    DELETE FROM "auth"."sessions" WHERE id IN (
      SELECT s.id FROM "auth"."sessions" s
       WHERE (s.expires_at < $1 OR s.revoked_at < $1)
         AND NOT EXISTS (SELECT 1 FROM "auth"."refresh_tokens" r WHERE r.session_id = s.id)
       LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [sessionCutoff],
  );
  const resetTokens = await deleteInBatches(
    db.sql,
    `
    DELETE FROM "auth"."password_reset_tokens" WHERE id IN (
      SELECT id FROM "auth"."password_reset_tokens" WHERE used_at < $1 OR expires_at < $1
       LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [resetCutoff],
  );
  const rateLimitBuckets = await deleteInBatches(
    db.sql,
    `
    DELETE FROM "auth"."rate_limit_buckets" WHERE key IN (
      SELECT key FROM "auth"."rate_limit_buckets" WHERE window_start < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [bucketCutoff],
  );
  const messages = await deleteInBatches(
    db.sql,
    `
    DELETE FROM "auth"."notification_outbox" WHERE id IN (
      SELECT id FROM "auth"."notification_outbox" WHERE created_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [messageCutoff],
  );
  return { auditEvents, sessions, refreshTokens, resetTokens, rateLimitBuckets, messages };
}
