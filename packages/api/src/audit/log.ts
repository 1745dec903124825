import type { Prisma } from "@qrcoats/db";
import { z } from "zod";
import type { AuditEventType } from "../auth/audit";
import type { Deps } from "../context";
import { decodeTimeCursor, toPage, type Page } from "../lib/pagination";
import type { Member } from "../venue/access";

// The audit log as an organization's admins read it. Events are written by the auth and
// employee domains (auth/audit.ts); an event belongs to an organization when it was stamped
// with it, or, unstamped, when it is about one of its members: their own sign-ins before an
// organization was known, and refused sign-ins typed with a member's email address. Someone
// invited is no member: their membership is joined to their account only when they accept,
// so until then nothing of that account's history is the organization's to read.

export type AuditLogQuery = {
  type?: AuditEventType;
  userId?: string;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
};

type AuditRow = {
  /** A bigserial, as text: every driver reads it alike and it is the cursor's tie-breaker. */
  id: string;
  occurredAt: Date;
  type: AuditEventType;
  email: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  detail: Prisma.JsonValue;
  userId: string | null;
  userName: string | null;
};

function toAuditItem({ userId, userName, ...event }: AuditRow) {
  return {
    ...event,
    user: userId === null ? null : { id: userId, name: userName },
  };
}

export type AuditItem = ReturnType<typeof toAuditItem>;

/** Audit events are numbered by a bigserial: its value breaks ties, and must fit the column. */
const eventNumber = z.string().regex(/^\d{1,18}$/);

/** An organization's security events, newest first, in one statement whatever the page size. */
export async function auditLog({ db }: Pick<Deps, "db">, { organizationId }: Member, query: AuditLogQuery): Promise<Page<AuditItem>> {
  const after = query.cursor ? decodeTimeCursor(query.cursor, eventNumber) : null;
  const params: unknown[] = [organizationId, query.limit + 1];
  const filters: string[] = [];
  if (query.type) filters.push(`AND a.type = $${params.push(query.type)}`);
  if (query.userId) filters.push(`AND a.user_id = $${params.push(query.userId)}::uuid`);
  if (query.from) filters.push(`AND a.occurred_at >= $${params.push(query.from)}::timestamptz`);
  if (query.to) filters.push(`AND a.occurred_at < $${params.push(query.to)}::timestamptz`);
  if (after) filters.push(`AND (a.occurred_at, a.id) < ($${params.push(after.at)}::timestamptz, $${params.push(after.id)}::int8)`);
  const rows = await db.sql.query<AuditRow>(
    `WITH members AS (
      SELECT u.id, u.email FROM auth.memberships m JOIN auth.users u ON u.id = m.user_id
       WHERE m.organization_id = $1::uuid
    )
    SELECT a.id::text AS id, a.occurred_at AS "occurredAt", a.type, a.email, a.ip_address AS "ipAddress",
           a.user_agent AS "userAgent", a.detail, u.id AS "userId", u.name AS "userName"
      FROM auth.audit_events a
      LEFT JOIN auth.users u ON u.id = a.user_id
     WHERE (a.organization_id = $1::uuid
            OR (a.organization_id IS NULL AND a.user_id IN (SELECT id FROM members))
            OR (a.organization_id IS NULL AND a.user_id IS NULL AND a.email IN (SELECT email FROM members)))
           ${filters.join(" ")}
     ORDER BY a.occurred_at DESC, a.id DESC
     LIMIT $2`,
    params,
  );
  return toPage(rows, query.limit, (row) => [row.occurredAt.toISOString(), row.id], toAuditItem);
}
