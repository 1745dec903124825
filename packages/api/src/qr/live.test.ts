import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, refusal, type TestApi } from "../testing";
import { hireAttendantOnShift, onShiftAt, openVenue } from "./testing";

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

/** A connection for live streams as the given client (same cookies); stop() closes it. */
function subscriber(as: { cookies: Map<string, string> }) {
  const connection = new AbortController();
  const client = t.client({ signal: connection.signal, origin: null });
  for (const [name, value] of as.cookies) client.cookies.set(name, value);
  return { api: client.api, close: () => connection.abort() };
}

/** Reads a live stream in the background, keeping what arrives, until its connection closes. */
function record<T>(stream: AsyncIterable<T>, connection: { close(): void }) {
  const received: T[] = [];
  const iterator = stream[Symbol.asyncIterator]();
  const done = (async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      received.push(next.value);
    }
  })().catch(() => {});
  return {
    received,
    async waitFor(count: number) {
      for (let i = 0; i < 200 && received.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      return received;
    },
    async stop() {
      connection.close();
      await done;
    },
  };
}

type FeedEvent = { id: string; action: string; result: string; ticket: { number: number } | null };
/** tracked(id, data) arrives as [id, data, marker]. */
const unwrap = (item: unknown) => (item as [string, FeedEvent])[1];

describe("qr.liveScans: a venue's counter, live, for its admins", () => {
  it("delivers each event as it commits, resumes after a drop without gaps, and keeps venues apart", async () => {
    const club = await openVenue(t, "Live", { hangers: 10 });
    const other = await club.admin.api.venue.create({ name: "Other Room", timezone: "Europe/Berlin", opensAt: "22:00", closesAt: "05:00" });
    await club.admin.api.rack.create({ venueId: other.id, name: "Other", slotCount: 2, kind: "HANGER" });
    const attendant = await hireAttendantOnShift(t, club.organizationId, "live-attendant@example.com", [club.venue.id, other.id]);

    const feedConnection = subscriber(club.admin);
    // From the venue's first event: what happens while the subscription starts is not lost.
    const feed = record(await feedConnection.api.qr.liveScans({ venueId: club.venue.id, lastEventId: "0" }), feedConnection);
    const first = await attendant.api.qr.issueWalkIn({ venueId: club.venue.id });
    await attendant.api.qr.checkIn({ venueId: club.venue.id, code: first.code });
    await onShiftAt(attendant.api, other.id, club.venue.id, () => attendant.api.qr.issueWalkIn({ venueId: other.id }));
    await refusal(attendant.api.qr.scan({ venueId: club.venue.id, code: "not-a-ticket" }));

    const events = (await feed.waitFor(3)).map(unwrap);
    expect(events.map((e) => [e.action, e.result])).toEqual([
      ["ISSUE", "OK"],
      ["CHECK_IN", "OK"],
      ["SCAN", "REFUSED"],
    ]);
    expect(events[1]!.ticket).toMatchObject({ number: first.number });
    await feed.stop();

    // While disconnected, more happens; the client comes back with the last id it saw.
    await attendant.api.qr.checkOut({ venueId: club.venue.id, code: first.code });
    const second = await attendant.api.qr.issueWalkIn({ venueId: club.venue.id });
    const again = subscriber(club.admin);
    const resumed = record(await again.api.qr.liveScans({ venueId: club.venue.id, lastEventId: events.at(-1)!.id }), again);
    await attendant.api.qr.checkIn({ venueId: club.venue.id, code: second.code });
    const caughtUp = (await resumed.waitFor(3)).map(unwrap);
    expect(caughtUp.map((e) => e.action)).toEqual(["CHECK_OUT", "ISSUE", "CHECK_IN"]);
    expect(caughtUp.map((e) => BigInt(e.id)).every((id, i, all) => i === 0 || id > all[i - 1]!)).toBe(true);
    await resumed.stop();
  });

  it("is for admins of the venue's organization only", async () => {
    const club = await openVenue(t, "Guarded");
    const stranger = await openVenue(t, "Stranger");
    const attendant = await hireAttendantOnShift(t, club.organizationId, "guarded-attendant@example.com", [club.venue.id]);
    expect((await refusal(attendant.api.qr.liveScans({ venueId: club.venue.id }))).code).toBe("FORBIDDEN");
    const cross = await stranger.admin.api.qr.liveScans({ venueId: club.venue.id });
    expect((await refusal(cross[Symbol.asyncIterator]().next())).code).toBe("NOT_FOUND");
  });
});

describe("qr.watch: a ticket's page follows its state", () => {
  it("sends the public view now and after every change, to whoever holds the code", async () => {
    const club = await openVenue(t, "Watch");
    const guest = await t.signUp({ email: "watcher@example.com" });
    const ticket = await guest.api.qr.request({ venueId: club.venue.id });
    const anyone = subscriber({ cookies: new Map() });
    const stream = record(await anyone.api.qr.watch({ code: ticket.code }), anyone);
    expect((await stream.waitFor(1))[0]).toEqual({
      number: ticket.number,
      state: "ISSUED",
      venueName: "Watch Club",
      updatedAt: expect.any(Date),
      pickup: { offered: false, request: null },
    });

    await club.admin.api.qr.checkIn({ venueId: club.venue.id, code: ticket.code });
    await club.admin.api.qr.checkOut({ venueId: club.venue.id, code: ticket.code });
    const states = (await stream.waitFor(3)).map((view) => (view as { state: string }).state);
    expect(states).toEqual(["ISSUED", "CHECKED_IN", "RETURNED"]);
    expect(JSON.stringify(stream.received)).not.toMatch(/watcher|slot|guest/i);
    await stream.stop();
  });

  it("follows a walk-in ticket handed out offline, from before its counter syncs it", async () => {
    const club = await openVenue(t, "Basement");
    const deviceId = crypto.randomUUID();
    const device = await club.admin.api.offline.prepare({ venueId: club.venue.id, deviceId });
    const pooled = device.walkInPool[0]!;
    const anyone = subscriber({ cookies: new Map() });
    const stream = record(await anyone.api.qr.watch({ code: pooled.code }), anyone);
    expect((await stream.waitFor(1))[0]).toMatchObject({ number: pooled.number, state: "ISSUED", venueName: "Basement Club" });
    const op = (seq: number) => ({ opId: crypto.randomUUID(), seq, takenAt: t.clock.now() });
    await club.admin.api.offline.sync({
      venueId: club.venue.id,
      deviceId,
      operations: [
        { ...op(1), action: "ISSUE_WALK_IN", publicId: pooled.publicId },
        { ...op(2), action: "CHECK_IN", publicId: pooled.publicId, slotId: device.leasedSlotIds[0]! },
      ],
    });
    const states = (await stream.waitFor(2)).map((view) => (view as { state: string }).state);
    expect(states).toEqual(["ISSUED", "CHECKED_IN"]);
    await stream.stop();
  });

  it("refuses a code that is not a ticket", async () => {
    const stream = await t.client().api.qr.watch({ code: "forged-code-value" });
    expect((await refusal(stream[Symbol.asyncIterator]().next())).code).toBe("NOT_FOUND");
  });
});

describe("rack.occupancy: how full the racks are, live", () => {
  it("sends a snapshot, then a new one after changes", async () => {
    const club = await openVenue(t, "Occupied", { hangers: 3 });
    const connection = subscriber(club.admin);
    const stream = record(await connection.api.rack.occupancy({ venueId: club.venue.id }), connection);
    const hanger = (snapshot: unknown) => (snapshot as { totals: { HANGER: { occupiedCount: number } } }).totals.HANGER.occupiedCount;
    expect(hanger((await stream.waitFor(1))[0])).toBe(0);
    const ticket = await club.admin.api.qr.issueWalkIn({ venueId: club.venue.id });
    await club.admin.api.qr.checkIn({ venueId: club.venue.id, code: ticket.code });
    await stream.waitFor(2);
    expect(hanger(stream.received.at(-1))).toBe(1);
    await stream.stop();
  });
});
