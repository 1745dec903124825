import { createApiConfig, generateKeys, LiveHub } from "@qrcoats/api";
import { createTestDatabase, type TestDatabase } from "@qrcoats/db/testing";
import { browserSession } from "@qrcoats/testing";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "./server";

// What live streams leave in the host when they end over real HTTP, and their limit per
// address as a client sees it: server-sent events on a real socket, the hub counted directly.

const MAX_PER_ADDRESS = 3;

describe("live streams over HTTP", () => {
  let db: TestDatabase;
  let live: LiveHub;
  let server: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    live = new LiveHub(db);
    const { jwtSecret, ...keys } = generateKeys();
    const config = createApiConfig({ publicUrl: "http://localhost", jwtSecret, keys }, { live: { maxStreamsPerAddress: MAX_PER_ADDRESS } });
    server = await buildServer({
      services: { db, version: "test", config, clock: () => new Date(), live },
      logger: pino({ level: "silent" }),
    });
    base = await server.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await live.close();
    await server.close();
    await db.close();
  });

  const watchUrl = (code: string) => `${base}/trpc/qr.watch?input=${encodeURIComponent(JSON.stringify(superjson.serialize({ code })))}`;

  it("leaves no subscriber behind for refused qr.watch calls, nor for streams their clients closed", async () => {
    for (let batch = 0; batch < 10; batch++) {
      const bodies = await Promise.all(
        Array.from({ length: 50 }, async (_, i) =>
          (await fetch(watchUrl(`no-ticket-${batch}-${i}`), { headers: { accept: "text/event-stream" } })).text(),
        ),
      );
      for (const body of bodies) expect(body).toContain("NOT_FOUND");
    }
    expect(live.subscriberCount()).toBe(0);

    const admin = browserSession(base);
    await admin.mutate("auth.register", { email: "http-live@example.com", name: "HTTP Live", password: "correct horse battery staple 42" });
    await admin.mutate("org.create", { name: "HTTP Live Ltd" });
    const venue = await admin.mutate<{ id: string }>("venue.create", {
      name: "HTTP Club",
      timezone: "Europe/Berlin",
      opensAt: "22:00",
      closesAt: "05:00",
    });
    await admin.mutate("shift.clockIn", { venueId: venue.id });
    const ticket = await admin.mutate<{ code: string }>("qr.issueWalkIn", { venueId: venue.id });
    const phones = await Promise.all(Array.from({ length: MAX_PER_ADDRESS }, () => admin.subscribe("qr.watch", { code: ticket.code })));
    for (const phone of phones) expect(await phone.waitFor((event) => event.data.includes("ISSUED"))).toBeDefined();
    // Each ticket page follows two channels (its state, and pickup requests) as one stream.
    expect(live.subscriberCount()).toBe(2 * MAX_PER_ADDRESS);

    // One more from the same address is refused in the stream, as tRPC sends errors there.
    const refused = await (await fetch(watchUrl(ticket.code), { headers: { accept: "text/event-stream" } })).text();
    expect(refused).toContain("TOO_MANY_REQUESTS");

    for (const phone of phones) await phone.close();
    for (let i = 0; i < 100 && live.subscriberCount() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(live.subscriberCount()).toBe(0);
    expect(live.streams.count).toBe(0);
  });
});
