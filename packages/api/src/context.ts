import type { Database, PrismaClient, Role } from "@qrcoats/db";
import { authenticateRequest } from "./auth/credentials";
import type { ApiConfig } from "./config";
import type { ApiTelemetry } from "./lib/telemetry";
import type { LiveHub } from "./live/hub";
import type { MailDelivery } from "./notifications/messages";

/** What the API needs from its host, made once at start-up. */
export type ApiServices = {
  db: Database;
  /** The release being served, shown by `health`. */
  version: string;
  config: ApiConfig;
  /** "Now" for every expiry and window; tests move it. */
  clock: () => Date;
  /** Changes announced by the database, for live subscriptions. */
  live: LiveHub;
  /** Where procedure timings and counter outcomes go, when the host exports metrics. */
  telemetry?: ApiTelemetry;
  /** How the host sends email (its senders run in its jobs), for the admins' panel; none when absent. */
  mail?: MailDelivery;
};

/**
 * Everything a domain function may depend on. Each one names the part it uses,
 * `Pick<Deps, "prisma" | "clock">`, so its signature says what it touches; a router passes
 * its context, which holds all of it (docs/architecture.md, "Domain functions").
 */
export type Deps = ApiServices & {
  prisma: PrismaClient;
  /** The request being served, for its client address and cookies; none in-process. */
  request?: RequestInfo;
};

/** What a host knows about one HTTP request, whatever framework it runs on. */
export type RequestInfo = {
  /** The request's headers by lower-case name; a Fetch `Headers` will do. */
  headers: Pick<Headers, "get">;
  /** The client's address, as the host determined it (after any trusted proxy). */
  clientAddress: string;
  /** Whether the client reached us over HTTPS, directly or through a trusted proxy. */
  secure: boolean;
  /** Headers the procedures want on the response (cookies); the host sends them. */
  responseHeaders: Headers;
};

/** The signed-in caller, as their session says now (not as a token once said). */
export type Principal = {
  userId: string;
  email: string;
  name: string;
  sessionId: string;
  via: "cookie" | "bearer";
  /** With the staff record every membership has (admins work the counter too). */
  membership: { id: string; organizationId: string; role: Role; employeeId: string } | null;
};

/**
 * The context that needs no HTTP request: what tests build directly and pass to
 * `createCallerFactory(appRouter)`.
 */
export function createInnerContext(services: ApiServices, caller: { principal?: Principal | null; request?: RequestInfo } = {}) {
  return {
    ...services,
    prisma: services.db.prisma,
    principal: caller.principal ?? null,
    request: caller.request,
  };
}

/** The context of one HTTP request: who is calling, from the cookie or the bearer token. */
export async function createContext(services: ApiServices, request: RequestInfo) {
  const principal = await authenticateRequest(services, request);
  return createInnerContext(services, { principal, request });
}

export type Context = ReturnType<typeof createInnerContext>;
