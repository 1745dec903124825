import type { Prisma, PrismaClient } from "@qrcoats/db";
import type { RequestInfo } from "../context";

export const AUDIT_EVENT_TYPES = [
  "USER_REGISTERED",
  "SIGN_IN",
  "SIGN_IN_FAILED",
  "SIGN_IN_RATE_LIMITED",
  "SIGN_OUT",
  "TOKEN_ISSUED",
  "TOKEN_REFRESHED",
  "REFRESH_TOKEN_REUSED",
  "SESSIONS_REVOKED",
  "PASSWORD_CHANGED",
  "PASSWORD_RESET_REQUESTED",
  "PASSWORD_RESET",
  "ORGANIZATION_CREATED",
  "INVITATION_DECLINED",
  "CROSS_ORIGIN_REFUSED",
  "EMPLOYEE_INVITED",
  "INVITATION_RESENT",
  "INVITATION_LINK_COPIED",
  "INVITATION_ACCEPTED",
  "EMPLOYEE_UPDATED",
  "EMPLOYEE_DEACTIVATED",
  "EMPLOYEE_REACTIVATED",
  "GUEST_LINK_CREATED",
  "GUEST_LINK_REPLACED",
  "GUEST_LINK_REMOVED",
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export type AuditEntry = {
  type: AuditEventType;
  userId?: string | null;
  organizationId?: string | null;
  email?: string | null;
  detail?: Prisma.InputJsonObject;
};

/** Records a security event with where it came from. */
export async function audit(
  db: PrismaClient | Prisma.TransactionClient,
  entry: AuditEntry,
  request: RequestInfo | undefined,
  now: Date,
): Promise<void> {
  await db.auditEvent.create({
    data: {
      type: entry.type,
      occurredAt: now,
      userId: entry.userId ?? null,
      organizationId: entry.organizationId ?? null,
      email: entry.email?.slice(0, 320) ?? null,
      ipAddress: request?.clientAddress ?? null,
      userAgent: request?.headers.get("user-agent")?.slice(0, 512) ?? null,
      detail: entry.detail,
    },
  });
}
