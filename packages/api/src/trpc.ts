import { Prisma } from "@qrcoats/db";
import { initTRPC, TRPCError } from "@trpc/server";
import { z, ZodError } from "zod";
import type { Context } from "./context";
import { fieldError, ReasonedRefusal, RetryLaterError } from "./lib/errors";
import type { ProcedureOutcome } from "./lib/telemetry";
import { unstorableText } from "./lib/text";
import { transformer } from "./lib/transformer";

export const INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. Try again in a moment.";

const t = initTRPC.context<Context>().create({
  transformer,
  // Stack traces never leave the server, whatever NODE_ENV says.
  isDev: false,
  sse: {
    // Proxies drop quiet connections; a ping every 15 s keeps live feeds open.
    ping: { enabled: true, intervalMs: 15_000 },
    // Long-lived streams are ended now and then so reconnecting clients spread across hosts;
    // they resume from their last event id.
    maxDurationMs: 10 * 60_000,
    client: { reconnectAfterInactivityMs: 40_000 },
  },
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      // An internal error's own message is the database's or a library's words (table names,
      // connection state): the host logs it; the client learns only that it was not its fault.
      message: error.code === "INTERNAL_SERVER_ERROR" ? INTERNAL_ERROR_MESSAGE : shape.message,
      data: {
        ...shape.data,
        // Field errors for forms: { formErrors: string[], fieldErrors: { [field]: string[] } }.
        zodError: error.cause instanceof ZodError ? z.flattenError(error.cause) : null,
        retryAfterSeconds: error.cause instanceof RetryLaterError ? error.cause.retryAfterSeconds : null,
        reason: error.cause instanceof ReasonedRefusal ? error.cause.reason : null,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Database errors the code did not expect still come back as typed refusals, never as
 * INTERNAL_SERVER_ERROR: a safety net under every procedure.
 */
function asTypedRefusal(cause: unknown): TRPCError | null {
  if (!(cause instanceof Prisma.PrismaClientKnownRequestError)) return null;
  if (cause.code === "P2002") return new TRPCError({ code: "CONFLICT", message: "That already exists.", cause });
  if (cause.code === "P2025") return new TRPCError({ code: "NOT_FOUND", message: "Not found.", cause });
  if (cause.code === "P2003") return new TRPCError({ code: "BAD_REQUEST", message: "It refers to something that does not exist.", cause });
  return null;
}

/**
 * Browsers always send Origin with a POST. A mutation from a foreign origin, or one that
 * rides on the session cookie without saying where it comes from, is refused: the cookie's
 * SameSite=Lax is the first line against cross-site requests, this is the second.
 */
function refuseForeignMutation(ctx: Context, type: string) {
  if (type !== "mutation" || !ctx.request) return;
  const origin = ctx.request.headers.get("origin");
  const trusted = origin === null ? ctx.principal?.via !== "cookie" : trustedOrigins(ctx).has(origin);
  if (!trusted) {
    throw new TRPCError({ code: "FORBIDDEN", message: "This request did not come from a QRcoats app." });
  }
}

function trustedOrigins(ctx: Context): Set<string> {
  const own = `${ctx.request!.secure ? "https" : "http"}://${ctx.request!.headers.get("host")}`;
  return new Set([own, new URL(ctx.config.publicUrl).origin, ...ctx.config.trustedOrigins]);
}

/**
 * Text the database cannot store (see unstorableText) is refused for every procedure, as the
 * bad input it is, in the field that carries it.
 */
function refuseUnstorableText(input: unknown) {
  const found = unstorableField(input);
  if (found !== null) throw fieldError(found.field, found.reason);
}

/** The dotted path of the first unstorable string ("" for the input itself) and why, or null. */
function unstorableField(value: unknown, path: string[] = [], depth = 0): { field: string; reason: string } | null {
  if (typeof value === "string") {
    const reason = unstorableText(value);
    return reason === null ? null : { field: path.join("."), reason };
  }
  // Inputs nest a few levels; anything deeper is refused by the schemas anyway.
  if (typeof value !== "object" || value === null || depth > 8) return null;
  for (const [key, item] of Object.entries(value)) {
    const found = unstorableField(item, [...path, key], depth + 1);
    if (found !== null) return found;
  }
  return null;
}

// One middleware for what every procedure checks and measures, rather than one each: tRPC
// copies the call's options at every level of middleware, a measurable share of a counter
// request.
const everyRequest = t.middleware(async ({ ctx, path, type, getRawInput, next }) => {
  const started = performance.now();
  // Whatever escapes untyped, tRPC answers as an internal error.
  let outcome: ProcedureOutcome = "INTERNAL_SERVER_ERROR";
  try {
    refuseForeignMutation(ctx, type);
    refuseUnstorableText(await getRawInput());
    const result = await next();
    // Only an error nobody typed is translated: a deliberate refusal keeps its own code and words.
    if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") {
      const refusal = asTypedRefusal(result.error.cause);
      if (refusal) throw refusal;
    }
    outcome = result.ok ? "OK" : result.error.code;
    return result;
  } catch (error) {
    if (error instanceof TRPCError) outcome = error.code;
    throw error;
  } finally {
    ctx.telemetry?.procedureCompleted(path, outcome, (performance.now() - started) / 1000);
  }
});

/** Anyone may call it, signed in or not. */
export const publicProcedure = t.procedure.use(everyRequest);

// Exported for live streams, which ask again while they are open (live/streams.ts).

export function signedIn(principal: Context["principal"]) {
  if (!principal) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  return principal;
}

export function memberOf(principal: NonNullable<Context["principal"]>) {
  const membership = principal.membership;
  if (!membership) throw new TRPCError({ code: "FORBIDDEN", message: "This is for staff of an organization." });
  return { ...membership, userId: principal.userId };
}

export function adminOf(principal: NonNullable<Context["principal"]>) {
  const member = memberOf(principal);
  if (member.role !== "ADMIN") {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only an admin of your organization can do this." });
  }
  return member;
}

// Each role is one middleware over publicProcedure, not a chain of them, for the same reason
// as everyRequest.

/** Signed in, with any role, or none (a guest). */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => next({ ctx: { principal: signedIn(ctx.principal) } }));

/** A member of an organization, employee or admin; acts only within that organization. */
export const memberProcedure = publicProcedure.use(({ ctx, next }) => {
  const principal = signedIn(ctx.principal);
  return next({ ctx: { principal, member: memberOf(principal) } });
});

/** An admin of their organization. */
export const adminProcedure = publicProcedure.use(({ ctx, next }) => {
  const principal = signedIn(ctx.principal);
  return next({ ctx: { principal, member: adminOf(principal) } });
});
