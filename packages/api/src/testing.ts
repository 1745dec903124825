import { createTestDatabase, type TestDatabase } from "@qrcoats/db/testing";
import { TRPCError } from "@trpc/server";
import { z, ZodError } from "zod";
import { createApiConfig, generateKeys, type ApiConfig } from "./config";
import { createInnerContext, type ApiServices, type Deps } from "./context";
import { LiveHub } from "./live/hub";
import { createInProcessClient, type InProcessCaller, type InProcessClient } from "./in-process-client";
import { ReasonedRefusal, RetryLaterError } from "./lib/errors";
import { appRouter } from "./root";
import { createCallerFactory } from "./trpc";

export const TEST_ORIGIN = "http://qrcoats.test";
const createCaller = createCallerFactory(appRouter);

/** A clock tests can move: sessions, tokens and rate-limit windows all read it. */
export class TestClock {
  private offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number) {
    this.offsetMs += ms;
  }
}

export type Caller = InProcessCaller;
export type TestClient = InProcessClient;

/**
 * The API over a fresh database, called through `createContext` exactly as the host does,
 * so cookies, bearer tokens, origins and addresses take the real path; only the HTTP
 * framing is skipped (the host's own tests cover that).
 */
export async function createTestApi(
  overrides: Partial<ApiConfig["auth"]> = {},
  liveLimits: Partial<ApiConfig["live"]> = {},
  other: { messageRetentionDays?: number; guestLinks?: Partial<ApiConfig["guestLinks"]> } = {},
) {
  const db: TestDatabase = await createTestDatabase();
  const clock = new TestClock();
  const { jwtSecret, ...keys } = generateKeys();
  const defaults = createApiConfig({ publicUrl: TEST_ORIGIN, jwtSecret, keys }, other);
  const config: ApiConfig = {
    ...defaults,
    auth: {
      ...defaults.auth,
      ...overrides,
      // Test files sign many people up and in from one address; the limits have their own tests.
      limits: {
        ...defaults.auth.limits,
        signInsPerAccount: { max: 10_000, windowSeconds: 3600 },
        registrationsPerAddress: { max: 10_000, windowSeconds: 3600 },
        passwordResetsPerAddress: { max: 10_000, windowSeconds: 3600 },
        passwordResetsPerEmail: { max: 10_000, windowSeconds: 3600 },
        ...overrides.limits,
      },
    },
    live: { ...defaults.live, ...liveLimits },
  };
  const live = new LiveHub(db);
  const services: ApiServices = { db, version: "test", config, clock: clock.now, live };
  /** For calling domain functions directly, as jobs are: no request. */
  const deps: Deps = { ...services, prisma: db.prisma };

  /** A client: a browser by default (Origin and a cookie jar), or a program (no Origin). */
  function client(options: { address?: string; origin?: string | null; secure?: boolean; signal?: AbortSignal } = {}): TestClient {
    return createInProcessClient(services, { address: "203.0.113.10", userAgent: "qrcoats-tests", ...options });
  }

  /** A program holding an access token. */
  function bearer(accessToken: string, address?: string): Caller {
    const c = client({ origin: null, address });
    c.headers.set("authorization", `Bearer ${accessToken}`);
    return c.api;
  }

  async function signUp(person: { email: string; name?: string; password?: string }, options?: { address?: string }) {
    const browser = client(options);
    const me = await browser.api.auth.register({
      email: person.email,
      name: person.name ?? person.email.split("@")[0]!,
      password: person.password ?? STRONG_PASSWORD,
    });
    return { ...browser, me };
  }

  /** An organization with its first admin signed in, ready to set up venues and staff. */
  async function signUpAdmin(orgName: string, email: string) {
    const admin = await signUp({ email, name: `Admin of ${orgName}` });
    const { organization } = await admin.api.org.create({ name: orgName });
    return { ...admin, organization };
  }

  return {
    db,
    services,
    deps,
    config,
    clock,
    client,
    bearer,
    signUp,
    signUpAdmin,
    /** In-process calls with no request at all, as jobs make them. */
    system: () => createCaller(createInnerContext(services)),
    async close() {
      await live.close();
      await db.close();
    },
  };
}

export type TestApi = Awaited<ReturnType<typeof createTestApi>>;

export const STRONG_PASSWORD = "correct horse battery staple 42";

export type Refusal = {
  code: string;
  message: string;
  fieldErrors: Record<string, string[] | undefined>;
  retryAfterSeconds: number | null;
  /** Why the counter refused (UNKNOWN_CODE, ALREADY_RETURNED...), as clients read it. */
  reason: string | null;
};

/** Awaits a call that must fail and describes the refusal as a client would see it. */
export async function refusal(call: Promise<unknown>): Promise<Refusal> {
  try {
    await call;
  } catch (error) {
    return refusalOf(error);
  }
  throw new Error("expected the call to be refused, but it succeeded");
}

/** Describes an error already caught as a client would see it; anything but a refusal is rethrown. */
export function refusalOf(error: unknown): Refusal {
  if (!(error instanceof TRPCError)) throw error;
  return {
    code: error.code,
    message: error.message,
    fieldErrors: error.cause instanceof ZodError ? z.flattenError(error.cause).fieldErrors : {},
    retryAfterSeconds: error.cause instanceof RetryLaterError ? error.cause.retryAfterSeconds : null,
    reason: error.cause instanceof ReasonedRefusal ? error.cause.reason : null,
  };
}
