import { TRPCError } from "@trpc/server";
import { ZodRealError } from "zod";

/**
 * A BAD_REQUEST shaped like an input validation failure, so that forms show it beside the
 * field even when the check needed the database (a reset token, the current password).
 */
export function fieldError(field: string, message: string): TRPCError {
  return new TRPCError({
    code: "BAD_REQUEST",
    message,
    // ZodRealError, not ZodError: only the former is an Error, which tRPC keeps as the cause.
    cause: new ZodRealError([{ code: "custom", path: [field], message, input: undefined }]),
  });
}

/** Carried as the cause of TOO_MANY_REQUESTS, so clients learn when to try again. */
export class RetryLaterError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Try again in ${describeWait(retryAfterSeconds)}.`);
  }
}

/**
 * Carried as the cause of a refusal that clients act on by kind, not by wording (why the
 * counter refused a scan: UNKNOWN_CODE, ALREADY_RETURNED...).
 */
export class ReasonedRefusal extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export function tooManyRequests(what: string, retryAfterSeconds: number): TRPCError {
  const cause = new RetryLaterError(retryAfterSeconds);
  return new TRPCError({ code: "TOO_MANY_REQUESTS", message: `${what} ${cause.message}`, cause });
}

function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}

/** A unique constraint or unique index said no: Prisma's P2002, or SQLSTATE 23505 from raw SQL. */
export { isUniqueViolation } from "@qrcoats/db";
