import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type hireAttendant, hireAttendantOnShift, openVenue, setClock } from "../qr/testing";
import { createTestApi, refusal, refusalOf, type TestApi } from "../testing";

// The closing rush, live (docs/pickup.md): the guest's page, the counter's queue and the
// pickup board follow every change without asking; the board shows numbers and nothing else,
// and a revoked board link goes dark while it is open.

let t: TestApi;
let club: Awaited<ReturnType<typeof openVenue>>;
let ada: Awaited<ReturnType<typeof hireAttendant>>;

beforeAll(async () => {
  t = await createTestApi({}, { accessCheckIntervalMs: 100 });
  setClock(t, "2026-12-05T23:00:00Z");
  club = await openVenue(t, "Live Rush", { hangers: 20 });
  ada = await hireAttendantOnShift(t, club.organizationId, "ada@live-rush.example", [club.venue.id], "Ada Lovelace");
});
afterAll(() => t.close());

/** A connection for live streams, with the cookies of `as` (none for a phone or a board). */
function connect(as?: { cookies: Map<string, string> }) {
  const connection = new AbortController();
  const client = t.client({ signal: connection.signal, origin: null });
  for (const [name, value] of as?.cookies ?? []) client.cookies.set(name, value);
  return { api: client.api, close: () => connection.abort() };
}

/** Reads a stream in the background; `until` waits for an item that passes a check. */
function record<T>(stream: AsyncIterable<T>, connection: { close(): void }) {
  const received: T[] = [];
  let failure: unknown = null;
  const iterator = stream[Symbol.asyncIterator]();
  const done = (async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      received.push(next.value);
    }
  })().catch((error: unknown) => (failure = error));
  return {
    received,
    get failure() {
      return failure;
    },
    async until(check: (item: T) => boolean, what: string) {
      for (let i = 0; i < 300; i++) {
        const found = received.find(check);
        if (found) return found;
        if (failure) throw failure instanceof Error ? failure : new Error(JSON.stringify(failure));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`never received ${what}; got ${JSON.stringify(received.at(-1))}`);
    },
    async stop() {
      connection.close();
      await done;
    },
  };
}

async function checkedInCoat() {
  const ticket = await ada.api.qr.issueWalkIn({ venueId: club.venue.id, name: "Grace Hopper" });
  await ada.api.qr.checkIn({ venueId: club.venue.id, code: ticket.code });
  return ticket;
}

describe("live pickup", () => {
  it("moves the guest's page, the counter's queue and the board along with every step", async () => {
    const [ahead, mine] = [await checkedInCoat(), await checkedInCoat()];
    const phone = connect();
    const page = record(await phone.api.qr.watch({ code: mine.code }), phone);
    const tablet = connect(ada);
    const queue = record(await tablet.api.pickup.queue({ venueId: club.venue.id }), tablet);
    const { link } = await club.admin.api.pickup.createBoard({ venueId: club.venue.id, label: "Main counter" });
    const screen = connect();
    const board = record(await screen.api.pickup.board({ token: link.slice(link.indexOf("#") + 1) }), screen);
    await board.until((view) => view.venueName === "Live Rush Club", "the empty board");

    const first = await t.client().api.pickup.request({ code: ahead.code, requestId: randomUUID() });
    await t.client().api.pickup.request({ code: mine.code, requestId: randomUUID() });
    await page.until((view) => view.pickup.request?.position === 2, "second in the queue");
    await queue.until((view) => view.entries.length === 2, "both requests at the counter");
    await board.until((view) => view.getting.join() === `${ahead.number},${mine.number}`, "both numbers as getting");

    // The coat ahead is fetched and handed over: this guest moves up without asking.
    await ada.api.pickup.fetched({ venueId: club.venue.id, requestId: first.id });
    await board.until((view) => view.ready.some((entry) => entry.ticketNumber === ahead.number), "the first number as ready");
    await ada.api.qr.scan({ venueId: club.venue.id, code: ahead.code });
    await page.until((view) => view.pickup.request?.position === 1, "first in the queue");

    const mineRequest = (await t.client().api.qr.view({ code: mine.code })).pickup.request!;
    await ada.api.pickup.start({ venueId: club.venue.id, requestId: mineRequest.id });
    await page.until((view) => view.pickup.request?.state === "FETCHING", "being fetched");
    const { railPosition } = await ada.api.pickup.fetched({ venueId: club.venue.id, requestId: mineRequest.id });
    const ready = await page.until((view) => view.pickup.request?.state === "READY", "ready");
    expect(ready.pickup.request).toMatchObject({ railPosition, holdUntil: expect.any(Date) });
    await board.until(
      (view) => view.ready.some((entry) => entry.ticketNumber === mine.number && entry.railPosition === railPosition),
      "ready with its place",
    );
    await ada.api.qr.scan({ venueId: club.venue.id, code: mine.code });
    await page.until((view) => view.state === "RETURNED" && view.pickup.request?.state === "COLLECTED", "collected");
    await board.until((view) => view.ready.length === 0 && view.getting.length === 0, "an empty board again");

    // What the counter sees names the slot; the board and the guest's page name nobody.
    expect(JSON.stringify(queue.received)).toMatch(/"rackName":"Hangers"/);
    for (const publicStream of [board.received, page.received]) {
      expect(JSON.stringify(publicStream)).not.toMatch(/Grace|Hopper|Ada|rackName|slot/);
    }
    await Promise.all([page.stop(), queue.stop(), board.stop()]);
  });

  it("turns a board dark once its link is revoked, and refuses the link after", async () => {
    const { id, link } = await club.admin.api.pickup.createBoard({ venueId: club.venue.id, label: "Door" });
    const token = link.slice(link.indexOf("#") + 1);
    const screen = connect();
    const board = record(await screen.api.pickup.board({ token }), screen);
    await board.until(() => true, "the board");
    await club.admin.api.pickup.revokeBoard({ boardId: id });
    for (let i = 0; i < 100 && !board.failure; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(refusalOf(board.failure)).toMatchObject({ code: "UNAUTHORIZED" });
    const again = connect();
    expect(await refusal((async () => record(await again.api.pickup.board({ token }), again).until(() => true, "x"))())).toMatchObject({
      code: "UNAUTHORIZED",
    });
    // The stored link is a hash: the secret itself is nowhere in the database.
    const stored = await t.db.sql.query<{ row: string }>(`SELECT row_to_json(b)::text AS row FROM qr.pickup_boards b`);
    expect(stored.map((entry) => entry.row).join()).not.toContain(token);
    again.close();
    await board.stop();
  });

  it("brings a change of the venue's pickup settings to open pages, the counter and the board at once", async () => {
    const coat = await checkedInCoat();
    const phone = connect();
    const page = record(await phone.api.qr.watch({ code: coat.code }), phone);
    const tablet = connect(ada);
    const queue = record(await tablet.api.pickup.queue({ venueId: club.venue.id }), tablet);
    await page.until((view) => view.pickup.offered, "offered");
    await club.admin.api.venue.update({ venueId: club.venue.id, pickupEnabled: false, pickupQueueCap: 3 });
    await page.until((view) => !view.pickup.offered, "no longer offered");
    await queue.until((view) => !view.rules.enabled && view.rules.queueCap === 3, "the new rules at the counter");
    await club.admin.api.venue.update({ venueId: club.venue.id, pickupEnabled: true, pickupQueueCap: 20 });
    await page.until((view) => view !== page.received[0] && view.pickup.offered, "offered again");
    await Promise.all([page.stop(), queue.stop()]);
  });

  it("keeps another organization's staff off the queue", async () => {
    const rival = await openVenue(t, "Rival Rush", { hangers: 2 });
    const eve = await hireAttendantOnShift(t, rival.organizationId, "eve@rival-rush.example", [rival.venue.id]);
    const tablet = connect(eve);
    expect(
      await refusal((async () => record(await tablet.api.pickup.queue({ venueId: club.venue.id }), tablet).until(() => true, "x"))()),
    ).toMatchObject({ code: "NOT_FOUND" });
    tablet.close();
  });
});
