import type { QRcoatsClient } from "@qrcoats/api/client";
import {
  acceptInvitation,
  browserAvailable,
  launchBrowser,
  newPhoneContext,
  openVelvetRoom,
  registerAccount,
  saveScreenshot,
  signedInClient,
  startHost,
  startMailServer,
  TEST_PASSWORD,
  type MailServer,
  type RunningHost,
} from "@qrcoats/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Ticket = { number: number; code: string };
type HistoryItem = Awaited<ReturnType<QRcoatsClient["api"]["qr"]["history"]["query"]>>["items"][number];

/**
 * The counter with the network gone, as two attendants at one venue live it: one works on
 * offline, the other online on a ticket the first also handles; when the network returns,
 * every action reaches the server once and the clash is shown, not lost.
 */
describe.runIf(browserAvailable())("web app: the counter offline", () => {
  let host: RunningHost;
  let browser: Browser;
  let mail: MailServer;
  let admin: QRcoatsClient;
  let venueId: string;
  let ben: { context: BrowserContext; page: Page };
  let cleo: { context: BrowserContext; page: Page };
  const guests: Ticket[] = [];
  const walkInsByApi: Ticket[] = [];

  beforeAll(async () => {
    mail = await startMailServer();
    [host, browser] = await Promise.all([startHost({ SMTP_URL: mail.url, MAIL_FROM: "coats@velvet.example" }), launchBrowser()]);
    // Counter actions count on a shift: the admin issues walk-ins from one.
    ({ admin, venueId } = await openVelvetRoom(host, { venue: { priceCents: 250, inOutAllowance: 2 }, rackSlots: 60, clockIn: true }));

    // Guests ask for their tickets on their phones before the network goes.
    for (const [email, name] of [
      ["gus@example.com", "Gus Guest"],
      ["gia@example.com", "Gia Guest"],
    ] as const) {
      await registerAccount(host, email, name);
      const guest = signedInClient(host, email);
      for (let i = 0; i < 2; i += 1) {
        const ticket = await guest.api.qr.request.mutate({ venueId });
        guests.push({ number: ticket.number, code: ticket.code });
      }
    }
    for (let i = 0; i < 10; i += 1) {
      const ticket = await admin.api.qr.issueWalkIn.mutate({ venueId });
      walkInsByApi.push({ number: ticket.number, code: ticket.code });
    }
  });
  afterAll(async () => {
    await admin?.signOut().catch(() => {});
    await browser?.close();
    await host?.stop();
    await mail?.stop();
  });

  async function attendant(email: string, name: string, venueIds = [venueId]) {
    await admin.api.employee.create.mutate({ email, name, venueIds });
    const context = await newPhoneContext(browser, host.url);
    const page = await context.newPage();
    await acceptInvitation(page, mail, email);
    // Clocked in from elsewhere (the counter's own prompt is tested in counter-every-guest).
    await signedInClient(host, email).api.shift.clockIn.mutate({ venueId: venueIds[0]! });
    await page.reload();
    await syncedAndEmpty(page);
    // The service worker holds the app for a reload with no network.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    return { context, page };
  }

  const status = (page: Page) => page.getByTestId("sync-status").textContent();
  const syncedAndEmpty = (page: Page, timeout = 15_000) =>
    expect.poll(() => status(page), { timeout }).toMatch(/^Online · synced \d\d:\d\d$/);

  async function scan(page: Page, code: string) {
    const field = page.getByLabel("Scan or type a ticket code");
    await field.fill(code);
    await field.press("Enter");
  }

  async function shown(page: Page, number: number) {
    const panel = page.getByRole("region", { name: `Ticket ${number}` });
    await panel.waitFor();
    return panel;
  }

  const done = (page: Page, text: string) => page.getByRole("status").filter({ hasText: text }).waitFor();

  /** Checks the ticket in on the slot the counter proposes; answers that slot's number. */
  async function checkIn(page: Page, ticket: Ticket, payment?: "Cash" | "Card") {
    await scan(page, ticket.code);
    const panel = await shown(page, ticket.number);
    if (payment) await panel.getByText(payment, { exact: true }).click();
    const button = panel.getByRole("button", { name: /^Check in on hook \d+/ });
    const slot = Number(/hook (\d+)/.exec((await button.getAttribute("aria-label"))!)![1]);
    await button.click();
    await done(page, `Ticket ${ticket.number} is on hook ${slot}`);
    return slot;
  }

  /** Hands the coat back; one not paid for is paid as it goes (the counter asks). */
  async function checkOut(page: Page, ticket: Ticket, payment?: "Cash" | "Card") {
    await scan(page, ticket.code);
    const panel = await shown(page, ticket.number);
    await panel.getByRole("button", { name: payment ? `${payment} €2.50` : /^Hand back from hook/ }).click();
    await done(page, `Ticket ${ticket.number} returned`);
  }

  async function more(page: Page, ticket: Ticket, step: string) {
    await scan(page, ticket.code);
    const panel = await shown(page, ticket.number);
    await panel.getByText("More actions").click();
    await panel.getByRole("button", { name: step }).click();
    return panel;
  }

  /** The walk-in tickets this counter holds for handing out, read from the device itself. */
  const devicePool = (page: Page) =>
    page.evaluate(
      () =>
        new Promise<Ticket[]>((resolve, reject) => {
          const opening = indexedDB.open("qrcoats-counter");
          opening.onerror = () => reject(new Error(`IndexedDB: ${String(opening.error)}`));
          opening.onsuccess = () => {
            const reading = opening.result.transaction("pool").objectStore("pool").getAll();
            reading.onsuccess = () => {
              opening.result.close();
              resolve((reading.result as Ticket[]).map(({ number, code }) => ({ number, code })).sort((a, b) => a.number - b.number));
            };
          };
        }),
    );

  async function issueWalkIn(page: Page, name: string): Promise<Ticket> {
    const [next] = await devicePool(page);
    expect(next).toBeDefined();
    await page.getByRole("link", { name: "New walk-in ticket" }).click();
    await page.getByLabel("Guest's name").fill(name);
    await page.getByRole("button", { name: "Issue the ticket" }).click();
    await page.getByRole("img", { name: `QR code of walk-in ticket ${next!.number}` }).waitFor();
    expect(await page.getByTestId("walk-in-number").textContent()).toBe(String(next!.number));
    await page.getByRole("link", { name: "Done" }).click();
    await page.getByLabel("Scan or type a ticket code").waitFor();
    return next!;
  }

  async function history(): Promise<HistoryItem[]> {
    const items: HistoryItem[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin.api.qr.history.query({ venueId, limit: 100, cursor });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }

  const count = (events: HistoryItem[], number: number, action: string, result = "OK") =>
    events.filter((event) => event.ticket?.number === number && event.action === action && event.result === result).length;

  async function ticketsByNumber() {
    const { items } = await admin.api.qr.list.query({ venueId, limit: 100 });
    return new Map(items.map((ticket) => [ticket.number, ticket]));
  }

  it("two attendants open the counter online and it holds tonight's tickets", async () => {
    ben = await attendant("ben@velvet.example", "Ben Attendant");
    cleo = await attendant("cleo@velvet.example", "Cleo Attendant");
    await expect.poll(() => devicePool(ben.page).then((pool) => pool.length)).toBeGreaterThanOrEqual(2);
  });

  it("works a shift offline beside an online colleague, and syncs every action once, showing the clash", async () => {
    const [g1, g2, g3, g4] = guests as [Ticket, Ticket, Ticket, Ticket];
    // Before the network goes: Ben checks g4 in online.
    const g4Slot = await checkIn(ben.page, g4);
    await syncedAndEmpty(ben.page);

    await ben.context.setOffline(true);
    await expect.poll(() => status(ben.page)).toMatch(/^Offline since \d\d:\d\d · 0 actions waiting$/);

    const w1 = await issueWalkIn(ben.page, "Wanda Walkin");
    const w2 = await issueWalkIn(ben.page, "Walt Walkin");
    const slots = new Map<number, number>();
    slots.set(g1.number, await checkIn(ben.page, g1, "Cash"));
    slots.set(g2.number, await checkIn(ben.page, g2));
    slots.set(g3.number, await checkIn(ben.page, g3));
    slots.set(w1.number, await checkIn(ben.page, w1));
    slots.set(w2.number, await checkIn(ben.page, w2));
    expect(new Set(slots.values()).size).toBe(5);
    expect([...slots.values()]).not.toContain(g4Slot);

    await checkOut(ben.page, g1);
    // Meanwhile, online, Cleo hands g4's coat back: Ben's counter cannot know.
    await expect
      .poll(async () => {
        await scan(cleo.page, g4.code);
        return cleo.page.getByRole("group", { name: `Hand back from hook ${g4Slot} (Rack A): €2.50 to pay` }).count();
      })
      .toBe(1);
    await cleo.page
      .getByRole("group", { name: `Hand back from hook ${g4Slot} (Rack A): €2.50 to pay` })
      .getByRole("button", { name: "Card €2.50" })
      .click();
    await done(cleo.page, `Ticket ${g4.number} returned`);
    await checkOut(ben.page, g4, "Cash");

    const swapPanel = await more(ben.page, g2, "Move to another slot");
    const target = swapPanel.getByRole("group", { name: "Free slots" }).getByRole("button").first();
    const swappedTo = Number((await target.textContent())!.replace(/\D/g, ""));
    await target.click();
    await swapPanel.getByRole("button", { name: `Move to ${swappedTo}` }).click();
    await done(ben.page, `Ticket ${g2.number} moved from hook ${slots.get(g2.number)} to hook ${swappedTo}`);

    const detachPanel = await more(ben.page, w1, "In & out (guest takes the coat for a while)");
    await detachPanel.getByRole("button", { name: "Yes, in & out" }).click();
    await done(ben.page, `Ticket ${w1.number} stays valid for the guest's return (1 of 2 in & outs used)`);

    await (await more(ben.page, g3, "Record a payment only")).getByRole("button", { name: "Record the payment" }).click();
    await done(ben.page, `Ticket ${g3.number}: paid (cash).`);
    const payPanel = await more(ben.page, w2, "Record a payment only");
    await payPanel.locator("details").getByText("Card", { exact: true }).click();
    await payPanel.getByRole("button", { name: "Record the payment" }).click();
    await done(ben.page, `Ticket ${w2.number}: paid (card).`);

    // 2 walk-ins, 5 check-ins, 2 check-outs, a swap, an in & out, 2 payments and a scan before each of the 11.
    const waiting = 2 + 5 + 2 + 1 + 1 + 2 + 11;
    expect(await status(ben.page)).toMatch(new RegExp(`^Offline since \\d\\d:\\d\\d · ${waiting} actions waiting$`));
    await saveScreenshot(ben.page, "web/offline-1-waiting");

    const back = Date.now();
    await ben.context.setOffline(false);
    await syncedAndEmpty(ben.page, 10_000);
    expect(Date.now() - back).toBeLessThan(10_000);
    const notice = ben.page.getByTestId("conflict-notice");
    await notice.waitFor();
    expect(await notice.count()).toBe(1);
    expect(await notice.textContent()).toContain(`Ticket ${g4.number}`);
    expect(await notice.textContent()).toContain(`This counter: Ticket ${g4.number} returned`);
    await saveScreenshot(ben.page, "web/offline-2-conflict");

    const tickets = await ticketsByNumber();
    const expected: Record<number, { state: string; slot: number | null; paymentStatus?: string }> = {
      [g1.number]: { state: "RETURNED", slot: null, paymentStatus: "PAID_CASH" },
      [g2.number]: { state: "CHECKED_IN", slot: swappedTo },
      [g3.number]: { state: "CHECKED_IN", slot: slots.get(g3.number)!, paymentStatus: "PAID_CASH" },
      [g4.number]: { state: "RETURNED", slot: null },
      [w1.number]: { state: "ISSUED", slot: null },
      [w2.number]: { state: "CHECKED_IN", slot: slots.get(w2.number)!, paymentStatus: "PAID_CARD" },
    };
    for (const [number, want] of Object.entries(expected)) {
      const ticket = tickets.get(Number(number))!;
      expect({ number: ticket.number, state: ticket.state, slot: ticket.slotNumber }).toEqual({
        number: Number(number),
        state: want.state,
        slot: want.slot,
      });
      if (want.paymentStatus) expect(ticket.paymentStatus).toBe(want.paymentStatus);
    }
    expect(tickets.get(w1.number)!.inOutsUsed).toBe(1);
    const held = [...tickets.values()].filter((ticket) => ticket.slotNumber !== null).map((ticket) => ticket.slotNumber);
    expect(new Set(held).size).toBe(held.length);

    const events = await history();
    for (const [ticket, actions] of [
      [g1, ["CHECK_IN", "CHECK_OUT"]],
      [g2, ["CHECK_IN", "SWAP"]],
      [g3, ["CHECK_IN", "PAY"]],
      [w1, ["CHECK_IN", "DETACH"]],
      [w2, ["CHECK_IN", "PAY"]],
      [g4, ["CHECK_IN", "CHECK_OUT"]],
    ] as const) {
      for (const action of actions) expect(count(events, ticket.number, action), `${action} of ticket ${ticket.number}`).toBe(1);
    }
    // Ben's late hand-back of g4 is in the history as refused, once.
    expect(count(events, g4.number, "CHECK_OUT", "REFUSED")).toBe(1);

    await notice.getByRole("button", { name: "Got it" }).click();
    await expect.poll(() => notice.count()).toBe(0);
  });

  it("reloading or reopening offline keeps the attendant at the counter with the waiting actions", async () => {
    const g3 = guests[2]!;
    await ben.context.setOffline(true);
    await checkOut(ben.page, g3);
    await expect.poll(() => status(ben.page)).toMatch(/^Offline since \d\d:\d\d · 2 actions waiting$/);

    await ben.page.reload();
    await expect.poll(() => status(ben.page)).toMatch(/^Offline since \d\d:\d\d · 2 actions waiting$/);
    // Which actions wait, not only how many: the newest is the check-out just done.
    const waiting = ben.page.getByTestId("waiting-actions").getByRole("listitem");
    expect(await waiting.count()).toBe(2);
    expect(await waiting.first().textContent()).toContain(`Ticket ${g3.number}`);
    await saveScreenshot(ben.page, "web/offline-3-reloaded");
    expect(new URL(ben.page.url()).pathname).toBe("/counter");
    expect(await ben.page.getByTestId("signed-in-as").textContent()).toBe("Ben Attendant");
    // The copy came back too: the ticket just handed back is refused as returned.
    await scan(ben.page, g3.code);
    await ben.page.getByRole("alert").filter({ hasText: "Already returned" }).waitFor();

    await ben.page.close();
    ben.page = await ben.context.newPage();
    await ben.page.goto("/counter");
    await expect.poll(() => status(ben.page)).toMatch(/^Offline since \d\d:\d\d · 3 actions waiting$/);
    expect(new URL(ben.page.url()).pathname).toBe("/counter");

    // A guest who lost their ticket is found by name among tonight's tickets on the device.
    const g2 = guests[1]!;
    await ben.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Lost ticket" }).click();
    await ben.page.getByLabel("Ticket number, name, email or phone's last 4 digits").fill("gus");
    await ben.page.getByRole("button", { name: "Search" }).click();
    await ben.page.getByTestId("lookup-offline").waitFor();
    const found = ben.page.getByRole("listitem").filter({ hasText: `Ticket ${g2.number}` });
    expect(await found.textContent()).toContain("Gus Guest");
    await found.getByRole("button", { name: /^Hand back from slot \d+$/ }).click();
    // Not paid: the lookup asks for the payment too.
    await found.getByRole("button", { name: "Cash €2.50" }).click();
    await found.getByText(`Ticket ${g2.number} returned.`).waitFor();
    await ben.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Counter" }).click();
    await expect.poll(() => status(ben.page)).toMatch(/^Offline since \d\d:\d\d · 4 actions waiting$/);

    await ben.context.setOffline(false);
    await syncedAndEmpty(ben.page);
    const tickets = await ticketsByNumber();
    expect(tickets.get(g3.number)!.state).toBe("RETURNED");
    expect(tickets.get(g2.number)!.state).toBe("RETURNED");
    const events = await history();
    expect(count(events, g3.number, "CHECK_OUT")).toBe(1);
    expect(count(events, g2.number, "CHECK_OUT")).toBe(1);
  });

  it("ten rapid scans on a 2 s network each show their own ticket, and each is recorded once", async () => {
    const page = ben.page;
    const cdp = await ben.context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 2000, downloadThroughput: -1, uploadThroughput: -1 });

    for (const ticket of walkInsByApi) {
      await scan(page, ticket.code);
      await shown(page, ticket.number);
      expect(await page.getByLabel("Scan or type a ticket code").inputValue()).toBe("");
    }
    const recent = await page.getByTestId("counter-history").textContent();
    for (const ticket of walkInsByApi) expect(recent).toContain(`Ticket ${ticket.number} scanned`);

    await syncedAndEmpty(page, 30_000);
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const events = await history();
    for (const ticket of walkInsByApi) expect(count(events, ticket.number, "SCAN"), `scans of ticket ${ticket.number}`).toBe(1);
  });

  it("a second tab of the same browser does not open a second counter", async () => {
    const other = await ben.context.newPage();
    await other.goto("/counter");
    await other.getByText("The counter is open in another tab or window of this browser").waitFor();
    expect(await other.getByLabel("Scan or type a ticket code").count()).toBe(0);
    await other.close();
  });

  it("an expired session keeps the queue until the same attendant signs in again", async () => {
    const page = ben.page;
    const ticket = walkInsByApi[1]!;
    await ben.context.clearCookies();
    await scan(page, ticket.code);
    await shown(page, ticket.number);
    await expect.poll(() => status(page)).toBe("Signed out · sign in again to send 1 action waiting");
    await page.getByRole("link", { name: "Sign in", exact: true }).last().click();
    await page.getByLabel("Email").fill("ben@velvet.example");
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/counter$/);
    await syncedAndEmpty(page);
    // Scanned once by the rapid-scan test, once now: the queued scan was sent, once.
    expect(count(await history(), ticket.number, "SCAN")).toBe(2);
  });

  it("signing out asks first while actions wait, then erases the device", async () => {
    const page = ben.page;
    await ben.context.setOffline(true);
    await scan(page, walkInsByApi[0]!.code);
    await shown(page, walkInsByApi[0]!.number);
    await expect.poll(() => status(page)).toMatch(/· 1 action waiting$/);
    await page.getByRole("button", { name: "Sign out" }).click();
    const ask = page.getByRole("alertdialog", { name: "Sign out?" });
    await ask.waitFor();
    expect(await ask.textContent()).toContain("1 action was not sent yet and will be lost.");
    await ask.getByRole("button", { name: "Stay" }).click();
    expect(await status(page)).toMatch(/· 1 action waiting$/);

    await ben.context.setOffline(false);
    await syncedAndEmpty(page);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin/);
    const databases = await page.evaluate(async () => (await indexedDB.databases()).map((database) => database.name));
    expect(databases).not.toContain("qrcoats-counter");
  });

  it("signed out with no network and the tab closed, the phone lets nobody in, and the session ends when the network returns", async () => {
    const eve = await attendant("eve@velvet.example", "Eve Attendant");
    await eve.context.setOffline(true);
    await eve.page.getByRole("button", { name: "Sign out" }).click();
    await eve.page.waitForURL(/\/signin/);
    await eve.page.close();

    // The next person picks the phone up, still offline: the counter asks them to sign in.
    const next = await eve.context.newPage();
    await next.goto(`${host.url}/counter`);
    await next.waitForURL(/\/signin/);
    // Back online, the session the cookie still names is ended on the server.
    await eve.context.setOffline(false);
    const me = () => next.evaluate(async () => (await fetch("/trpc/auth.me")).status);
    await expect.poll(me, { timeout: 15_000 }).toBe(401);
    await next.goto(`${host.url}/counter`);
    await next.waitForURL(/\/signin/);
  });

  it("with no slot of its own free, an online counter checks in on a free slot the server picks", async () => {
    // A small room: the counters together are lent at most half of its free slots.
    const annex = await admin.api.venue.create.mutate({ name: "Annex", timezone: "Europe/Berlin", opensAt: "20:00", closesAt: "02:00" });
    await admin.api.rack.create.mutate({ venueId: annex.id, name: "Rack B", slotCount: 3 });
    await admin.api.shift.clockOut.mutate();
    await admin.api.shift.clockIn.mutate({ venueId: annex.id });
    const tickets: Ticket[] = [];
    for (let i = 0; i < 2; i += 1) {
      const { number, code } = await admin.api.qr.issueWalkIn.mutate({ venueId: annex.id });
      tickets.push({ number, code });
    }
    const dora = await attendant("dora@velvet.example", "Dora Attendant", [annex.id]);
    const [first, second] = tickets as [Ticket, Ticket];

    await checkIn(dora.page, first);
    await scan(dora.page, second.code);
    const panel = await shown(dora.page, second.number);
    await panel.getByRole("button", { name: "Check in on the next free hook" }).click();
    await done(dora.page, `Ticket ${second.number} is on hook`);
    const slot = Number(
      /is on hook (\d+)/.exec((await dora.page.getByRole("status").filter({ hasText: "is on hook" }).textContent())!)![1],
    );

    const { items } = await admin.api.qr.list.query({ venueId: annex.id, limit: 10 });
    const stored = items.find((ticket) => ticket.number === second.number)!;
    expect({ state: stored.state, slot: stored.slotNumber }).toEqual({ state: "CHECKED_IN", slot });
    await expect.poll(() => dora.page.getByLabel("Free slots").textContent()).toContain("1 of 3");
    await dora.context.close();
  });
});
