import { createApiConfig, generateKeys, LiveHub } from "@qrcoats/api";
import { createTestDatabase, type TestDatabase } from "@qrcoats/db/testing";
import { browserSession, type BrowserSession } from "@qrcoats/testing";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "./server";

const PASSWORD = "correct horse battery staple 42";

describe("a ticket's QR as a plain HTTP image", () => {
  let db: TestDatabase;
  let server: FastifyInstance;
  let base: string;
  let guest: BrowserSession;
  let staff: BrowserSession;
  let outsider: BrowserSession;
  let ticket: { id: string; code: string; number: number; svg: string };
  const logged: string[] = [];

  const signUp = async (local: string) => {
    const session = browserSession(base);
    await session.mutate("auth.register", { email: `${local}@example.com`, name: local, password: PASSWORD });
    return session;
  };
  const image = (ticketId: string, format: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/images/tickets/${ticketId}.${format}`, { headers });

  beforeAll(async () => {
    db = await createTestDatabase();
    const { jwtSecret, ...keys } = generateKeys();
    const services = {
      db,
      version: "test",
      config: createApiConfig({ publicUrl: "http://localhost", jwtSecret, keys }),
      clock: () => new Date(),
      live: new LiveHub(db),
    };
    const logger = pino({ level: "info" }, { write: (line: string) => void logged.push(line) });
    server = await buildServer({ services, logger, apps: [] });
    base = await server.listen({ host: "127.0.0.1", port: 0 });

    staff = await signUp("ada");
    await staff.mutate("org.create", { name: "Velvet Group" });
    const venue = await staff.mutate<{ id: string }>("venue.create", {
      name: "Velvet Room",
      timezone: "Europe/Berlin",
      opensAt: "22:00",
      closesAt: "05:00",
      publiclyListed: true,
    });
    guest = await signUp("gus");
    ticket = await guest.mutate("qr.request", { venueId: venue.id });
    outsider = await signUp("otto");
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });

  it("gives the ticket's guest the SVG qr.request gave, and a PNG, cached privately for good", async () => {
    const svg = await image(ticket.id, "svg", { cookie: guest.cookie() });
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(await svg.text()).toBe(ticket.svg);

    const png = await image(ticket.id, "png", { cookie: guest.cookie() });
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(png.headers.get("content-disposition")).toBe(`inline; filename="qrcoats-ticket-${ticket.number}.png"`);
    const bytes = Buffer.from(await png.arrayBuffer());
    const { dataUrl } = await guest.query<{ dataUrl: string }>("qr.image", { ticketId: ticket.id, format: "png" });
    expect(bytes.equals(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ""), "base64"))).toBe(true);

    for (const response of [svg, png]) {
      // The image carries the guest's code: a browser may keep it, a shared cache never.
      expect(response.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
      expect(response.headers.get("vary")).toBe("cookie, authorization");
      expect(response.headers.get("etag")).toMatch(/^"[\w-]{27}"$/);
    }
    expect(svg.headers.get("etag")).not.toBe(png.headers.get("etag"));
  });

  it("answers a browser that holds the image with 304 and no body, and one that holds another with the image", async () => {
    const first = await image(ticket.id, "svg", { cookie: guest.cookie() });
    const etag = first.headers.get("etag")!;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const again = await image(ticket.id, "svg", { cookie: guest.cookie(), "if-none-match": ifNoneMatch });
      expect(again.status, ifNoneMatch).toBe(304);
      expect(await again.text(), ifNoneMatch).toBe("");
      expect(again.headers.get("etag"), ifNoneMatch).toBe(etag);
    }
    const other = await image(ticket.id, "svg", { cookie: guest.cookie(), "if-none-match": '"something-else"' });
    expect(other.status).toBe(200);
    expect(await other.text()).toBe(ticket.svg);
  });

  it("serves the venue's staff and programs with a bearer token, as qr.image does", async () => {
    expect((await image(ticket.id, "svg", { cookie: staff.cookie() })).status).toBe(200);
    const { accessToken } = await browserSession(base).mutate<{ accessToken: string }>("auth.issueToken", {
      email: "ada@example.com",
      password: PASSWORD,
    });
    const viaToken = await image(ticket.id, "svg", { authorization: `Bearer ${accessToken}` });
    expect(viaToken.status).toBe(200);
    expect(await viaToken.text()).toBe(ticket.svg);
  });

  it("refuses the signed-out (401) and answers anyone else's ticket, an unknown id or a bad address as not found (404)", async () => {
    const signedOut = await image(ticket.id, "svg");
    expect(signedOut.status).toBe(401);
    expect(signedOut.headers.get("cache-control")).toBeNull();
    const unknown = "00000000-0000-4000-8000-000000000000";
    for (const [id, format, who] of [
      [ticket.id, "svg", outsider],
      [ticket.id, "png", outsider],
      [unknown, "svg", guest],
      ["not-a-uuid", "svg", guest],
      [ticket.id, "gif", guest],
      [`${ticket.id}.svg`, "svg", guest],
    ] as const) {
      const response = await image(id, format, { cookie: who.cookie() });
      expect(response.status, `${id}.${format}`).toBe(404);
      expect(await response.text(), `${id}.${format}`).not.toContain("<svg");
    }
  });

  it("keeps the code out of the address and so out of the host's log", async () => {
    await image(ticket.id, "svg", { cookie: guest.cookie() });
    const lines = logged.filter((line) => line.includes("/images/tickets/"));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join("\n")).not.toContain(ticket.code);
  });
});
