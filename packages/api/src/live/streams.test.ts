import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeFor, generatePublicId } from "../qr/codes";
import { hireAttendantOnShift, openVenue } from "../qr/testing";
import { createTestApi, refusal, refusalOf, type TestApi } from "../testing";

// Live streams hold memory and a connection each: every one must be let go when its request
// ends, however it ends, none may be held beyond the host's limits, and a staff stream must
// stop once its caller could no longer open it.

/** A connection for live streams, from an address, with the cookies of `as`; close() ends it. */
function connect(t: TestApi, as: { cookies: Map<string, string> } | null, address = "198.51.100.7") {
  const connection = new AbortController();
  const client = t.client({ signal: connection.signal, origin: null, address });
  for (const [name, value] of as?.cookies ?? []) client.cookies.set(name, value);
  return { api: client.api, close: () => connection.abort() };
}

/** Reads a stream in the background: what arrived, and how it ended (its error, if any). */
function record<T>(stream: AsyncIterable<T>) {
  const received: T[] = [];
  let error: unknown = null;
  let ended = false;
  const iterator = stream[Symbol.asyncIterator]();
  const done = (async () => {
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        received.push(next.value);
      }
    } catch (cause) {
      error = cause;
    } finally {
      ended = true;
    }
  })();
  return {
    received,
    get ended() {
      return ended;
    },
    /** The refusal the stream ended with, waiting up to `ms` for it to end. */
    async endedWith(ms: number) {
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, ms))]);
      if (!ended) return null;
      return error === null ? "returned" : refusalOf(error).code;
    },
    async waitFor(count: number) {
      for (let i = 0; i < 250 && received.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      return received;
    },
  };
}

/** Opens a live stream and waits for its first event, as a client does. */
async function opened<T>(stream: Promise<AsyncIterable<T>>) {
  const recorded = record(await stream);
  expect(await recorded.waitFor(1)).toHaveLength(1);
  return recorded;
}

describe("streams that end, however they end, leave nothing behind", () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi();
  });
  afterAll(() => t.close());

  it("counts the hub's subscribers back to zero after thousands of refused and closed streams", async () => {
    const club = await openVenue(t, "Leakless");
    const stranger = await openVenue(t, "Elsewhere");
    const outsider = await hireAttendantOnShift(t, club.organizationId, "unassigned@example.com", []);
    const ticket = await club.admin.api.qr.issueWalkIn({ venueId: club.venue.id });
    const live = t.services.live;
    const anonymous = t.client({ origin: null });

    // Anyone: codes that do not verify, and signed codes that name no ticket.
    for (let batch = 0; batch < 50; batch++) {
      await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const stream = await anonymous.api.qr.watch({ code: `forged-${batch}-${i}` });
          expect((await refusal(stream[Symbol.asyncIterator]().next())).code).toBe("NOT_FOUND");
        }),
      );
    }
    for (let i = 0; i < 100; i++) {
      const stream = await anonymous.api.qr.watch({ code: codeFor(t.config.keys.ticketSigning, generatePublicId()) });
      expect((await refusal(stream[Symbol.asyncIterator]().next())).code).toBe("NOT_FOUND");
    }
    // Staff asking for what is not theirs.
    for (let i = 0; i < 20; i++) {
      const feed = await stranger.admin.api.qr.liveScans({ venueId: club.venue.id });
      // Another organization's venue is answered as one that does not exist.
      expect((await refusal(feed[Symbol.asyncIterator]().next())).code).toBe("NOT_FOUND");
      const racks = await outsider.api.rack.occupancy({ venueId: club.venue.id });
      expect((await refusal(racks[Symbol.asyncIterator]().next())).code).toBe("FORBIDDEN");
    }
    expect(live.subscriberCount()).toBe(0);
    expect(live.streams.count).toBe(0);

    // Streams that were open: closed by their connection, or by the client returning.
    const connections = Array.from({ length: 100 }, (_, i) => connect(t, null, `198.51.100.${i}`));
    const open = await Promise.all(connections.map((c) => opened(c.api.qr.watch({ code: ticket.code }))));
    const staff = connect(t, club.admin);
    await opened(staff.api.qr.liveScans({ venueId: club.venue.id, lastEventId: "0" }));
    await opened(staff.api.rack.occupancy({ venueId: club.venue.id }));
    // A ticket's page follows two channels (its state, and pickup requests) as one stream.
    expect(live.subscriberCount()).toBe(2 * 100 + 2);
    expect(live.streams.count).toBe(102);
    for (const c of connections) c.close();
    staff.close();
    for (const stream of open) expect(await stream.endedWith(2_000)).toBe("returned");
    const returned = (await anonymous.api.qr.watch({ code: ticket.code }))[Symbol.asyncIterator]();
    await returned.next();
    await returned.return!();

    for (let i = 0; i < 100 && live.subscriberCount() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(live.subscriberCount()).toBe(0);
    expect(live.streams.count).toBe(0);
  });
});

describe("open streams have limits per address, per account and per host", () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi({}, { maxStreamsPerAddress: 3, maxStreamsPerAccount: 2, maxStreamsPerHost: 6 });
  });
  afterAll(() => t.close());

  it("refuses one stream more than an address, an account or the host may hold, and admits again once one closes", async () => {
    const club = await openVenue(t, "Limited");
    const ticket = await club.admin.api.qr.issueWalkIn({ venueId: club.venue.id });
    const watchFrom = (address: string) => connect(t, null, address).api.qr.watch({ code: ticket.code });

    // Per address: the fourth phone behind one address waits.
    const wifi = Array.from({ length: 3 }, () => connect(t, null, "192.0.2.1"));
    for (const phone of wifi) await opened(phone.api.qr.watch({ code: ticket.code }));
    const fourth = await refusal((await watchFrom("192.0.2.1"))[Symbol.asyncIterator]().next());
    expect(fourth).toMatchObject({ code: "TOO_MANY_REQUESTS", retryAfterSeconds: 30 });
    wifi[0]!.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = connect(t, null, "192.0.2.1");
    await opened(again.api.qr.watch({ code: ticket.code }));

    // Per account, whatever the address.
    const screens = [connect(t, club.admin, "192.0.2.20"), connect(t, club.admin, "192.0.2.21")];
    for (const screen of screens) await opened(screen.api.rack.occupancy({ venueId: club.venue.id }));
    const third = connect(t, club.admin, "192.0.2.22");
    expect((await refusal((await third.api.qr.liveScans({ venueId: club.venue.id }))[Symbol.asyncIterator]().next())).code).toBe(
      "TOO_MANY_REQUESTS",
    );

    // Per host: 3 + 2 open; one more fits, then nobody's.
    await opened(watchFrom("192.0.2.30"));
    expect(t.services.live.streams.count).toBe(6);
    expect((await refusal((await watchFrom("192.0.2.31"))[Symbol.asyncIterator]().next())).code).toBe("TOO_MANY_REQUESTS");
  });
});

describe("a staff stream stops within seconds of its caller losing access", () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi({}, { accessCheckIntervalMs: 100 });
  });
  afterAll(() => t.close());

  /** Waits for the stream to end and let go of its place, then checks a later change reaches it no more. */
  async function stopsDelivering(stream: ReturnType<typeof record>, change: () => Promise<unknown>, expected: string) {
    expect(await stream.endedWith(2_000)).toBe(expected);
    expect(t.services.live.streams.count).toBe(0);
    expect(t.services.live.subscriberCount()).toBe(0);
    const before = stream.received.length;
    await change();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(stream.received).toHaveLength(before);
  }

  it("keeps delivering while access holds, and ends with UNAUTHORIZED once the session signs out", async () => {
    const club = await openVenue(t, "SignOut");
    await club.admin.api.qr.issueWalkIn({ venueId: club.venue.id });
    const connection = connect(t, club.admin);
    const feed = await opened(connection.api.qr.liveScans({ venueId: club.venue.id, lastEventId: "0" }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await club.admin.api.qr.issueWalkIn({ venueId: club.venue.id });
    await feed.waitFor(2);
    expect(feed.ended).toBe(false);

    const helper = await hireAttendantOnShift(t, club.organizationId, "signout-helper@example.com", [club.venue.id]);
    await club.admin.api.auth.logout();
    await stopsDelivering(feed, () => helper.api.qr.issueWalkIn({ venueId: club.venue.id }), "UNAUTHORIZED");
  });

  it("ends an attendant's occupancy stream once they are deactivated", async () => {
    const club = await openVenue(t, "Deactivate");
    const attendant = await hireAttendantOnShift(t, club.organizationId, "deactivated@example.com", [club.venue.id]);
    const racks = await opened(connect(t, attendant).api.rack.occupancy({ venueId: club.venue.id }));
    await club.admin.api.employee.deactivate({ employeeId: attendant.employeeId });
    await stopsDelivering(racks, () => club.admin.api.qr.issueWalkIn({ venueId: club.venue.id }), "UNAUTHORIZED");
  });

  it("ends an admin's scan feed once they are demoted to employee", async () => {
    const club = await openVenue(t, "Demote");
    const second = await hireAttendantOnShift(t, club.organizationId, "second-admin@example.com", [club.venue.id]);
    await club.admin.api.employee.update({ employeeId: second.employeeId, role: "ADMIN" });
    await club.admin.api.qr.issueWalkIn({ venueId: club.venue.id });
    const feed = await opened(connect(t, second).api.qr.liveScans({ venueId: club.venue.id, lastEventId: "0" }));
    await club.admin.api.employee.update({ employeeId: second.employeeId, role: "EMPLOYEE" });
    await stopsDelivering(feed, () => club.admin.api.qr.issueWalkIn({ venueId: club.venue.id }), "FORBIDDEN");
  });

  it("ends an attendant's occupancy stream once they are taken off the venue", async () => {
    const club = await openVenue(t, "Reassign");
    const attendant = await hireAttendantOnShift(t, club.organizationId, "reassigned@example.com", [club.venue.id]);
    const racks = await opened(connect(t, attendant).api.rack.occupancy({ venueId: club.venue.id }));
    await club.admin.api.employee.update({ employeeId: attendant.employeeId, venueIds: [] });
    await stopsDelivering(racks, () => club.admin.api.qr.issueWalkIn({ venueId: club.venue.id }), "FORBIDDEN");
  });
});
