import fs from "node:fs";
import path from "node:path";
import { appRouter, codeFor, generateKeys, generatePublicId } from "@qrcoats/api";
import { createEmptyTestDatabase } from "@qrcoats/db/testing";
import {
  browserSession,
  linkPath,
  startHost,
  startMailServer,
  type BrowserSession,
  type MailServer,
  type RunningHost,
} from "@qrcoats/testing";
import Fastify from "fastify";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, urlForLog } from "./logging";

const PASSWORD = "correct horse battery staple 42";

const asInput = (input: unknown) => encodeURIComponent(JSON.stringify(superjson.serialize(input)));

const aCode = () => codeFor(generateKeys().ticketSigning, generatePublicId());
const A_TOKEN = "hwewnpcyrg5niuxlz2ggpqvog55vzks3";
const A_JWT =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzaWQiOiI4NTAzYmFmOC1jYTZkLTQzZGQtODE1Zi1hM2JkZjQxZDFlOWYifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1pdHNlbGY";

/** A logger made as the host makes it, writing to an array. */
function capturedLogger() {
  const lines: string[] = [];
  return { lines, logger: createLogger("trace", { write: (line: string) => void lines.push(line) }) };
}

describe("urlForLog", () => {
  it("keeps the path and the names of query parameters, never their values", () => {
    const code = aCode();
    const input = encodeURIComponent(JSON.stringify({ json: { code } }));
    expect(urlForLog(`/trpc/qr.view?input=${input}`)).toBe("/trpc/qr.view?input=[redacted]");
    expect(urlForLog(`/trpc/auth.verifyToken,qr.view?batch=1&input=${input}`)).toBe(
      "/trpc/auth.verifyToken,qr.view?batch=[redacted]&input=[redacted]",
    );
    expect(urlForLog(`/trpc/qr.watch?input=${input}&lastEventId=17`)).toBe("/trpc/qr.watch?input=[redacted]&lastEventId=[redacted]");
    expect(urlForLog(`/reset-password?token=${A_TOKEN}`)).toBe("/reset-password?token=[redacted]");
    expect(urlForLog("/accept-invitation?token=")).toBe("/accept-invitation?token=[redacted]");
    expect(urlForLog("/admin/tickets?state=ISSUED&flag")).toBe("/admin/tickets?state=[redacted]&flag");
    expect(urlForLog("/healthz")).toBe("/healthz");
  });

  it("replaces a ticket's code in its page's path, however it is spelled", () => {
    const code = aCode();
    expect(urlForLog(`/t/${code}`)).toBe("/t/[redacted]");
    // A poster link is printed on a wall, but a replaced one should stop working, not live on in logs.
    expect(urlForLog("/v/KWVUJUgdvgBuYShwtVxMrWqd")).toBe("/v/[redacted]");
    expect(urlForLog(`/T/${code.toUpperCase()}/?from=poster`)).toBe("/T/[redacted]/?from=[redacted]");
    expect(urlForLog(`/t/${code.slice(0, 20)}-${code.slice(20)}`)).toBe("/t/[redacted]");
    expect(urlForLog(`//t/${code}`)).toBe("//t/[redacted]");
    const percentEncoded = [...code].map((character) => `%${character.charCodeAt(0).toString(16)}`).join("");
    expect(urlForLog(`/tickets/${percentEncoded}`)).toBe("/tickets/[redacted]");
  });

  it("replaces anything shaped like a token, a code or a JWT wherever a client put it", () => {
    expect(urlForLog(`/trpc/${A_JWT}`)).toBe("/trpc/[redacted]");
    expect(urlForLog(`/${A_TOKEN}/reset-password`)).toBe("/[redacted]/reset-password");
    expect(urlForLog(`/trpc/auth.me?${A_JWT}`)).toBe("/trpc/auth.me?[redacted]");
    expect(urlForLog(`/trpc/auth.me?${A_TOKEN}=1`)).toBe("/trpc/auth.me?[redacted]=[redacted]");
  });

  it("keeps every procedure's name and every page of the apps, so the log still says what was asked for", () => {
    const procedures = Object.keys(appRouter._def.procedures);
    expect(procedures.length).toBeGreaterThan(50);
    for (const procedure of procedures) expect(urlForLog(`/trpc/${procedure}`)).toBe(`/trpc/${procedure}`);
    expect(urlForLog(`/trpc/${procedures.slice(0, 20).join(",")}?batch=1`)).toBe(
      `/trpc/${procedures.slice(0, 20).join(",")}?batch=[redacted]`,
    );

    const appsDir = path.resolve(import.meta.dirname, "..", "..");
    const pages = [
      ...routesOf(path.join(appsDir, "web", "src", "app.tsx")),
      ...routesOf(path.join(appsDir, "admin", "src", "app.tsx")).map((route) => `/admin${route}`),
    ];
    expect(pages).toContain("/t/:code");
    expect(pages).toContain("/admin/venues/:venueId/labels");
    // The pages whose address is a bearer value are redacted whole (above).
    const bearerPages = pages.filter((route) => /^\/[tv]\//.test(route));
    expect(bearerPages.sort()).toEqual(["/t/:code", "/v/:link"]);
    for (const page of pages.filter((route) => !bearerPages.includes(route))) {
      const address = page.replace(/:\w+/g, "0193d5a4-7c2e-7b61-9a3f-5b2e8c1d4f60");
      expect(urlForLog(address)).toBe(address);
    }
    for (const asset of ["/assets/index-CqF3aB9x.js", "/admin/assets/uplot-Dk2_x9aQ.css", "/favicon.svg", "/manifest.webmanifest"]) {
      expect(urlForLog(asset)).toBe(asset);
    }
  });
});

/** The path of every <Route path="..."> of an app. */
function routesOf(file: string): string[] {
  return [...fs.readFileSync(file, "utf8").matchAll(/<Route path="([^"]+)"/g)].map((match) => match[1]!);
}

describe("the host's logger", () => {
  it("cuts credentials and referrers out of any headers a log call passes along", () => {
    const { lines, logger } = capturedLogger();
    const headers = {
      authorization: `Bearer ${A_JWT}`,
      cookie: `qrcoats_session=${A_TOKEN}`,
      "set-cookie": [`qrcoats_session=${A_TOKEN}; HttpOnly`],
      "proxy-authorization": `Basic ${A_TOKEN}`,
      referer: `https://qrcoats.example/t/${A_TOKEN}`,
      accept: "text/html",
    };
    logger.info({ headers }, "headers");
    logger.info({ response: { headers } }, "nested headers");
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain(A_TOKEN);
      expect(line).not.toContain(A_JWT);
      expect(line).toContain('"accept":"text/html"');
      expect(line).toContain('"authorization":"[redacted]"');
    }
  });

  it("writes a database error's words and code, not the values of the statement that failed", async () => {
    const db = await createEmptyTestDatabase();
    const { lines, logger } = capturedLogger();
    try {
      const failure = await db
        .transaction(async (sql) => {
          await sql.query("CREATE TEMP TABLE coats (code text, slot integer NOT NULL) ON COMMIT DROP");
          await sql.query("INSERT INTO coats (code, slot) VALUES ($1, $2)", [A_TOKEN, null]);
        })
        .catch((error: unknown) => error);
      expect(String((failure as { detail?: string }).detail)).toContain(A_TOKEN);
      logger.error({ err: failure }, "procedure failed");
    } finally {
      await db.close();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(A_TOKEN);
    expect(JSON.parse(lines[0]!)).toMatchObject({ err: { code: "23502", message: expect.stringContaining("not-null constraint") } });
  });

  it("gives Fastify's own lines the request's address as urlForLog keeps it", async () => {
    const { lines, logger } = capturedLogger();
    const app = Fastify({ loggerInstance: logger });
    app.get("/t/:code", () => {
      throw new Error("the rack fell over");
    });
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    try {
      const response = await fetch(`${base}/t/${A_TOKEN}?token=${A_TOKEN}`, { headers: { cookie: `qrcoats_session=${A_TOKEN}` } });
      expect(response.status).toBe(500);
    } finally {
      await app.close();
    }
    const output = lines.join("");
    expect(output).toContain('"url":"/t/[redacted]?token=[redacted]"');
    expect(output).toContain("the rack fell over");
    expect(output).not.toContain(A_TOKEN);
  });
});

describe("the host's log after a night of activity at trace level", () => {
  let host: RunningHost;
  let mail: MailServer;
  /** Every secret the night used, and what it is, to look for in the output afterwards. */
  const secrets = new Map<string, string>();
  const keep = <T extends string>(what: string, secret: T): T => {
    secrets.set(secret, what);
    return secret;
  };
  const keepCookie = (what: string, session: BrowserSession) => keep(what, session.cookie().split("=")[1]!);

  beforeAll(async () => {
    mail = await startMailServer();
    host = await startHost({ LOG_LEVEL: "trace", SMTP_URL: mail.url, MAIL_FROM: "Night Ltd <coats@night.example>" });
  });
  afterAll(async () => {
    await host?.stop();
    await mail?.stop();
  });

  /** The token of the link to `page` in the mail `to` received over SMTP. */
  async function deliveredToken(page: string, to: string): Promise<string> {
    const received = await mail.waitFor(to);
    return new URLSearchParams(linkPath(received, `/${page}`).split("?")[1]).get("token")!;
  }

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${host.url}${path}`, { headers });
  const page = (path: string) => get(path, { accept: "text/html", referer: `${host.url}${path}` });

  it("holds no token, ticket code, JWT, password, cookie or contact, and still says which paths were asked for", async () => {
    const admin = browserSession(host.url);
    await admin.mutate("auth.register", {
      email: "night-admin@example.com",
      name: "Night Admin",
      password: keep("admin's password", PASSWORD),
    });
    keepCookie("admin's session cookie", admin);
    await admin.mutate("org.create", { name: "Night Ltd" });
    const venue = await admin.mutate<{ id: string }>("venue.create", {
      name: "Night Club",
      timezone: "Europe/Berlin",
      opensAt: "22:00",
      closesAt: "05:00",
    });
    await admin.mutate("rack.create", { venueId: venue.id, name: "A", slotCount: 10, kind: "HANGER" });
    await admin.mutate("shift.clockIn", { venueId: venue.id });
    const adminCookie = admin.cookie();

    // A program signs in for tokens, verifies one over GET, uses it as a bearer, refreshes.
    const program = async (path: string, input: unknown) => {
      const response = await fetch(`${host.url}/trpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(superjson.serialize(input)),
      });
      return superjson.deserialize<{ accessToken: string; refreshToken: string }>(
        ((await response.json()) as { result: { data: Parameters<typeof superjson.deserialize>[0] } }).result.data,
      );
    };
    const tokens = await program("auth.issueToken", { email: "night-admin@example.com", password: PASSWORD });
    keep("access token (JWT)", tokens.accessToken);
    keep("refresh token", tokens.refreshToken);
    expect((await get(`/trpc/auth.verifyToken?input=${asInput({ token: tokens.accessToken })}`)).status).toBe(200);
    expect((await get("/trpc/auth.me", { authorization: `Bearer ${tokens.accessToken}` })).status).toBe(200);
    const refreshed = await program("auth.refreshToken", { refreshToken: tokens.refreshToken });
    keep("refreshed access token (JWT)", refreshed.accessToken);
    keep("refreshed refresh token", refreshed.refreshToken);

    // A guest gets a ticket, opens its page, its image and its live feed by code.
    const guest = browserSession(host.url);
    await guest.mutate("auth.register", { email: "night-guest@example.com", name: "Night Guest", password: PASSWORD });
    keepCookie("guest's session cookie", guest);
    const ticket = await guest.mutate<{ code: string }>("qr.request", { venueId: venue.id });
    const code = keep("guest's ticket code", ticket.code);
    expect((await page(`/t/${code}`)).status).not.toBe(404);
    expect((await page(`/T/${code.toUpperCase()}/`)).status).not.toBe(404);
    await guest.query("qr.view", { code });
    await guest.query("qr.viewImage", { code });
    const watch = await guest.subscribe("qr.watch", { code });
    expect(await watch.waitFor((event) => event.data.includes('"state":"ISSUED"'))).toBeDefined();
    await watch.close();

    // A walk-in with contact details, checked in at the counter by code.
    const walkIn = await admin.mutate<{ code: string }>("qr.issueWalkIn", {
      venueId: venue.id,
      name: keep("walk-in's name", "Wanda Walkin"),
      email: keep("walk-in's email", "wanda.walkin@example.com"),
      phone: keep("walk-in's phone", "+49 151 2345 6789"),
    });
    keep("walk-in's ticket code", walkIn.code);
    await admin.mutate("qr.checkIn", { venueId: venue.id, code: walkIn.code });

    // A batch over GET: a JWT and a code in one input.
    const batch = await get(
      `/trpc/auth.verifyToken,qr.view?batch=1&input=${encodeURIComponent(
        JSON.stringify({ 0: superjson.serialize({ token: refreshed.accessToken }), 1: superjson.serialize({ code: walkIn.code }) }),
      )}`,
    );
    expect(batch.status).toBe(200);

    // An invitation, opened and accepted.
    await admin.mutate("employee.create", { email: "night-attendant@example.com", name: "Night Attendant", venueIds: [venue.id] });
    const invitation = keep("invitation token", await deliveredToken("accept-invitation", "night-attendant@example.com"));
    expect((await page(`/accept-invitation?token=${invitation}`)).status).not.toBe(404);
    const attendant = browserSession(host.url);
    await attendant.query("employee.invitation", { token: invitation });
    await attendant.mutate("employee.acceptInvitation", {
      token: invitation,
      password: keep("attendant's password", "a lantern by the cloakroom 7"),
    });
    keepCookie("attendant's session cookie", attendant);

    // A forgotten password, reset from its link.
    await guest.mutate("auth.requestPasswordReset", { email: "night-guest@example.com" });
    const reset = keep("reset token", await deliveredToken("reset-password", "night-guest@example.com"));
    expect((await page(`/reset-password?token=${reset}`)).status).not.toBe(404);
    await browserSession(host.url).mutate("auth.resetPassword", {
      token: reset,
      password: keep("guest's new password", "a new coat for winter 19"),
    });

    // Refused requests: a guesser locked out, hostile annotations, a body too large, bad JSON,
    // a JWT where a procedure's name goes, and a code with its last character altered.
    for (let attempt = 0; attempt < 7; attempt++) {
      await fetch(`${host.url}/trpc/auth.login`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: host.url, cookie: adminCookie },
        body: JSON.stringify(
          superjson.serialize({ email: "night-admin@example.com", password: keep("a guess", `guess number ${attempt}`) }),
        ),
      });
    }
    const hostile = encodeURIComponent(JSON.stringify({ json: { code }, meta: { values: ["custom", "x"] } }));
    expect((await get(`/trpc/qr.view?input=${hostile}`)).status).toBe(400);
    const tooLarge = await fetch(`${host.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: host.url },
      body: JSON.stringify({
        json: { email: "night-admin@example.com", password: keep("an oversized password", `${"x".repeat(300_000)}!`) },
      }),
    });
    expect(tooLarge.status).toBe(413);
    for (const path of ["/trpc/auth.login", "/healthz", "/nowhere"]) {
      await fetch(`${host.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: host.url },
        body: `{"password":"${keep("a password in bad JSON", "unfinished business 55")}"`,
      });
    }
    expect((await get(`/trpc/${tokens.accessToken}`, { cookie: adminCookie })).status).toBe(404);
    expect(
      (await get(`/trpc/qr.view?input=${asInput({ code: `${walkIn.code.slice(0, -1)}${walkIn.code.endsWith("a") ? "b" : "a"}` })}`)).status,
    ).toBe(404);

    // Both credentials in the headers of one request.
    expect((await get("/trpc/auth.me", { cookie: adminCookie, authorization: `Bearer ${refreshed.accessToken}` })).status).toBe(200);

    await host.stop();
    const output = host.output();
    expect(secrets.size).toBeGreaterThan(20);
    for (const [secret, what] of secrets) {
      for (const written of new Set([secret, secret.toUpperCase(), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) {
        expect.soft(output.includes(written), `the output holds the ${what}`).toBe(false);
      }
    }
    // Nor any other code, token or JWT, such as one the night made without this test seeing it.
    expect(output).not.toMatch(/\b([a-z2-7]{32,}|[A-Z2-7]{32,})\b/);
    expect(output).not.toMatch(/eyJ[\w-]+\.[\w-]+/);

    // Still a log an operator can use: which procedures and pages were asked for, and how it went.
    expect(output).toContain('"url":"/trpc/auth.verifyToken?input=[redacted]"');
    expect(output).toContain('"url":"/trpc/auth.verifyToken,qr.view?batch=[redacted]&input=[redacted]"');
    expect(output).toContain('"url":"/trpc/qr.watch?input=[redacted]"');
    expect(output).toContain('"url":"/t/[redacted]"');
    expect(output).toContain('"url":"/accept-invitation?token=[redacted]"');
    expect(output).toContain('"url":"/reset-password?token=[redacted]"');
    expect(output).toMatch(/"url":"\/trpc\/auth\.login","status":429/);
  });
});
