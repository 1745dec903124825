import type { QRcoatsClient } from "@qrcoats/api/client";
import {
  acceptInvitation,
  browserAvailable,
  browserSession,
  launchBrowser,
  openVelvetRoom,
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
type QueueEntry = { ticketNumber: number; state: string; railPosition: number | null };

/**
 * The closing rush at the counter, on a tablet: guests ask for their coats from their phones,
 * the attendant walks the rack, puts each coat on the ready rail, and hands it over with one
 * scan — and a fetch done with the network gone reaches the server once when it returns.
 */
describe.runIf(browserAvailable())("web app: the counter's pickup queue", () => {
  let host: RunningHost;
  let browser: Browser;
  let mail: MailServer;
  let admin: QRcoatsClient;
  let venueId: string;
  let context: BrowserContext;
  let page: Page;
  const tickets: Ticket[] = [];

  beforeAll(async () => {
    mail = await startMailServer();
    [host, browser] = await Promise.all([startHost({ SMTP_URL: mail.url, MAIL_FROM: "coats@velvet.example" }), launchBrowser()]);
    // Counter actions count on a shift: the admin issues the walk-ins from one.
    ({ admin, venueId } = await openVelvetRoom(host, { venue: { pickupEnabled: true }, rackSlots: 40, clockIn: true }));
    for (let i = 0; i < 3; i += 1) {
      const ticket = await admin.api.qr.issueWalkIn.mutate({ venueId });
      tickets.push({ number: ticket.number, code: ticket.code });
    }

    await admin.api.employee.create.mutate({ email: "ben@velvet.example", name: "Ben Attendant", venueIds: [venueId] });
    // A tablet at the counter, in landscape.
    context = await browser.newContext({ baseURL: host.url, viewport: { width: 1024, height: 768 }, hasTouch: true });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
  });
  afterAll(async () => {
    await admin?.signOut().catch(() => {});
    await browser?.close();
    await host?.stop();
    await mail?.stop();
  });

  const status = () => page.getByTestId("sync-status").textContent();
  const synced = () => expect.poll(status, { timeout: 15_000 }).toMatch(/^Online · synced \d\d:\d\d$/);
  const pickups = () => page.getByTestId("pickups");

  async function scan(code: string) {
    const field = page.getByLabel("Scan or type a ticket code");
    await field.fill(code);
    await field.press("Enter");
  }

  async function checkIn(ticket: Ticket) {
    await scan(ticket.code);
    const panel = page.getByRole("region", { name: `Ticket ${ticket.number}` });
    await panel.getByRole("button", { name: /^Check in on hook \d+/ }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Ticket ${ticket.number} is on hook` })
      .waitFor();
  }

  /** The guest's phone asks, with nothing but the ticket's code. */
  const ask = (ticket: Ticket) => admin.api.pickup.request.mutate({ code: ticket.code, requestId: crypto.randomUUID(), delayMinutes: 0 });
  const view = (ticket: Ticket) => admin.api.qr.view.query({ code: ticket.code });

  /** The venue's queue as its staff's live feed first answers it. */
  async function serverQueue(): Promise<QueueEntry[]> {
    const session = browserSession(host.url);
    await session.mutate("auth.login", { email: "ada@velvet.example", password: TEST_PASSWORD });
    const stream = await session.subscribe("pickup.queue", { venueId });
    try {
      const first = await stream.waitFor((event) => event.data.includes('"entries"'), 10_000);
      expect(first).toBeDefined();
      const parsed = JSON.parse(first!.data) as { json?: { entries: QueueEntry[] }; entries?: QueueEntry[] };
      return (parsed.json ?? (parsed as { entries: QueueEntry[] })).entries;
    } finally {
      await stream.close();
    }
  }

  it("shows a guest's request on the counter as it is made, as a walk to its rack", async () => {
    const [first, second] = tickets as [Ticket, Ticket];
    await acceptInvitation(page, mail, "ben@velvet.example");
    // Clocked in from elsewhere (the prompt's own tap is tested in counter-every-guest): the counter starts.
    await signedInClient(host, "ben@velvet.example").api.shift.clockIn.mutate({ venueId });
    await page.reload();
    await synced();
    await checkIn(first);
    await checkIn(second);
    await synced();
    await pickups().getByRole("heading", { name: "Pickups (0)" }).waitFor();

    await ask(first);
    const walk = pickups().getByRole("region", { name: "Walk to Rack A" });
    await walk.waitFor();
    await pickups().getByRole("heading", { name: "Pickups (1)" }).waitFor();
    expect(await walk.textContent()).toContain(`Ticket${first.number}`);
    await saveScreenshot(page, "web/pickup-counter-1-tablet-queue");
  });

  it("'Start walk' then 'Fetched' gives the coat its place on the rail", async () => {
    const [first] = tickets as [Ticket];
    await pickups().getByRole("region", { name: "Walk to Rack A" }).getByRole("button", { name: "Start walk" }).click();
    await pickups().getByText("Being fetched").waitFor();
    await expect.poll(async () => (await view(first)).pickup.request?.state).toBe("FETCHING");
    await pickups()
      .getByText(/Ben Attendant since \d\d:\d\d/)
      .waitFor();

    await pickups()
      .getByRole("button", { name: `Fetched ticket ${first.number} → rail` })
      .click();
    await pickups().getByTestId("just-fetched").getByText("Hang on rail 1").waitFor();
    const request = (await view(first)).pickup.request;
    expect(request).toMatchObject({ state: "READY", railPosition: 1 });
    await pickups().getByText("On the rail").waitFor();
    await saveScreenshot(page, "web/pickup-counter-2-tablet-rail");
  });

  it("hands the coat over with the scan of its ticket, and no further tap", async () => {
    const [first] = tickets as [Ticket];
    await scan(first.code);
    const handOver = page.getByTestId("hand-over");
    await handOver.waitFor();
    expect(await handOver.textContent()).toContain(`Hand over ticket ${first.number} — from rail 1`);
    await expect.poll(async () => (await view(first)).state, { timeout: 10_000 }).toBe("RETURNED");
    expect((await view(first)).pickup.request?.state).toBe("COLLECTED");
    await synced();
    await pickups().getByRole("heading", { name: "Pickups (0)" }).waitFor();
    // The panel behind it still reads the scan that just happened.
    expect(await handOver.textContent()).toContain(`Hand over ticket ${first.number} — from rail 1`);
    await saveScreenshot(page, "web/pickup-counter-3-tablet-hand-over");
  });

  it("keeps a fetch done offline, and sends it once when the network is back", async () => {
    const [, second] = tickets as [Ticket, Ticket];
    await ask(second);
    const fetchedButton = pickups().getByRole("button", { name: `Fetched ticket ${second.number} → rail` });
    await fetchedButton.first().waitFor();

    await context.setOffline(true);
    await expect.poll(status).toMatch(/^Offline since \d\d:\d\d · 0 actions waiting$/);
    await fetchedButton.first().click();
    await pickups().getByTestId("just-fetched").getByText("Put on the rail").waitFor();
    await expect.poll(status).toMatch(/^Offline since \d\d:\d\d · 1 action waiting$/);
    expect(await pickups().getByTestId("pickups-as-of").textContent()).toMatch(/^Offline · as of \d\d:\d\d$/);
    // The server has not heard of it.
    expect((await view(second)).pickup.request?.state).toBe("QUEUED");
    await saveScreenshot(page, "web/pickup-counter-4-tablet-offline");

    await context.setOffline(false);
    await synced();
    await pickups().getByTestId("just-fetched").getByText("Hang on rail 1").waitFor();
    expect((await view(second)).pickup.request).toMatchObject({ state: "READY", railPosition: 1 });
    const onRail = (await serverQueue()).filter((entry) => entry.state === "READY");
    expect(onRail).toEqual([expect.objectContaining({ ticketNumber: second.number, state: "READY", railPosition: 1 })]);
  });

  it("queues a walk-in's paper ticket for later, and calls it off", async () => {
    const [, , third] = tickets as [Ticket, Ticket, Ticket];
    await checkIn(third);
    await pickups().getByRole("button", { name: "Queue a paper ticket" }).click();
    const form = pickups().getByRole("form", { name: "Queue a paper ticket" });
    await form.getByLabel("Ticket number").fill(String(third.number));
    await form.getByText("In 5 min", { exact: true }).click();
    await form.getByRole("button", { name: `Queue ticket ${third.number}` }).click();
    await form.getByText(`Ticket ${third.number} is queued`).waitFor();
    const later = pickups()
      .getByRole("listitem")
      .filter({ hasText: `Ticket ${third.number}` });
    await later.getByText("in 5 min").waitFor();
    await saveScreenshot(page, "web/pickup-counter-5-tablet-later");

    await page.setViewportSize({ width: 390, height: 844 });
    await saveScreenshot(page, "web/pickup-counter-6-phone");

    await later.getByRole("button", { name: `Cancel ticket ${third.number}'s request` }).click();
    await later.getByRole("button", { name: "Call off" }).click();
    await expect.poll(() => later.count()).toBe(0);
    expect((await view(third)).pickup.request?.state).toBe("CANCELLED");
  });
  it("an unpaid coat on the ready rail reads its rail place in big type, above the payment", async () => {
    await admin.api.venue.update.mutate({ venueId, priceCents: 300 });
    const issued = await admin.api.qr.issueWalkIn.mutate({ venueId });
    const unpaid = { number: issued.number, code: issued.code };
    // The device reads the venue's price with tonight's tickets.
    await page.reload();
    await synced();
    await checkIn(unpaid);
    const hook = (await admin.api.qr.list.query({ venueId, number: unpaid.number })).items[0]!.slotNumber!;
    await synced();
    await ask(unpaid);
    await pickups().getByRole("region", { name: "Walk to Rack A" }).getByRole("button", { name: "Start walk" }).click();
    await pickups()
      .getByRole("button", { name: `Fetched ticket ${unpaid.number} → rail` })
      .click();
    await synced();
    await expect.poll(async () => (await view(unpaid)).pickup.request?.state).toBe("READY");
    const rail = (await view(unpaid)).pickup.request!.railPosition!;

    await scan(unpaid.code);
    const panel = page.getByRole("region", { name: `Ticket ${unpaid.number}` });
    const choice = panel.getByRole("group", { name: `Hand over from rail ${rail} (Ready rail): €3.00 to pay` });
    await choice.waitFor();
    expect(await choice.getByRole("button", { name: "Cash €3.00" }).isVisible()).toBe(true);
    expect(await panel.getByText(`Hand back from hook`).count()).toBe(0);
    expect(await choice.getByText(String(hook), { exact: true }).count()).toBe(0);
    await page.screenshot({ path: "/tmp/shots/fixes/unpaid-on-rail.png" });
    await saveScreenshot(page, "web/pickup-counter-7-phone-unpaid-on-rail");

    await choice.getByRole("button", { name: "Cash €3.00" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Ticket ${unpaid.number} returned` })
      .waitFor();
    await expect.poll(async () => (await view(unpaid)).state, { timeout: 10_000 }).toBe("RETURNED");
  });
});
