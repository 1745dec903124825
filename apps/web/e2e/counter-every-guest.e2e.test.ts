import fs from "node:fs";
import path from "node:path";
import type { QRcoatsClient } from "@qrcoats/api/client";
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from "@qrcoats/db/testing";
import {
  acceptInvitation,
  browserAvailable,
  launchBrowser,
  newPhoneContext,
  openVelvetRoom,
  saveScreenshot,
  startHost,
  startMailServer,
  type MailServer,
  type RunningHost,
} from "@qrcoats/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The screens this issue changed, at phone size, for the reviewer to look at. */
const SHOTS = process.env.SHOTS_DIR ?? "/tmp/shots/counter";

type Ticket = { id: string; number: number; code: string };

/**
 * Every guest served at the counter, on a phone: the attendant clocks in with one tap, finds
 * a guest with no code by the number on their ticket (checked against it first), and never
 * hands a coat back unpaid without a payment or a reason. On PostgreSQL the test also reads
 * the rows the counter's operations left.
 */
describe.runIf(browserAvailable())("web app: the counter serves every guest", () => {
  let host: RunningHost;
  let browser: Browser;
  let mail: MailServer;
  let database: TestDatabase | undefined;
  let admin: QRcoatsClient;
  let venueId: string;
  let page: Page;
  const tickets: Ticket[] = [];

  beforeAll(async () => {
    mail = await startMailServer();
    const env = { SMTP_URL: mail.url, MAIL_FROM: "coats@velvet.example" };
    // On PostgreSQL the test shares the host's database, to read what the counter recorded.
    if (testDatabaseUrl()) database = await createTestDatabase();
    [host, browser] = await Promise.all([startHost(env, { databaseUrl: database?.url }), launchBrowser()]);
    // The admin checks the evening's first coats in, from a shift of their own.
    ({ admin, venueId } = await openVelvetRoom(host, { venue: { priceCents: 300 }, rackSlots: 20, clockIn: true }));
    for (const name of ["Olga Onscreen", "Nina Number", "Carl Card"]) {
      const issued = await admin.api.qr.issueWalkIn.mutate({ venueId, name });
      await admin.api.qr.checkIn.mutate({ venueId, code: issued.code });
      tickets.push({ id: issued.id, number: issued.number, code: issued.code });
    }
    await admin.api.employee.create.mutate({ email: "ben@velvet.example", name: "Ben Attendant", venueIds: [venueId] });
    page = await (await newPhoneContext(browser, host.url)).newPage();
    fs.mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await admin?.signOut().catch(() => {});
    await browser?.close();
    await host?.stop();
    await database?.close();
    await mail?.stop();
  });

  const shot = async (name: string) => {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
    await saveScreenshot(page, `web/counter-every-guest-${name}`);
  };
  const field = () => page.getByLabel("Scan or type a ticket code or number");
  const synced = () => expect.poll(() => page.getByTestId("sync-status").textContent(), { timeout: 15_000 }).toMatch(/^Online · synced/);
  async function type(text: string) {
    await field().fill(text);
    await field().press("Enter");
  }
  const done = (text: string) => page.getByRole("status").filter({ hasText: text }).waitFor();
  const prompt = () => page.getByRole("heading", { name: "You're not clocked in at Velvet Room" });

  it("off shift, the counter asks for the clock-in; one tap starts it and a scan works", async () => {
    const [first] = tickets as [Ticket];
    await acceptInvitation(page, mail, "ben@velvet.example");
    await prompt().waitFor();
    expect(await field().count()).toBe(0);
    await shot("1-clock-in-prompt");

    await page.getByRole("button", { name: "Clock in and start" }).click();
    await field().waitFor();
    await synced();
    await expect.poll(() => page.getByTestId("shift-status").textContent()).toMatch(/^On shift since/);
    await type(first.code);
    const panel = page.getByRole("region", { name: `Ticket ${first.number}` });
    await panel.waitFor();
    expect(await panel.textContent()).toContain("Olga Onscreen");
  });

  it("a typed number finds tonight's ticket, checked against the guest's before the unpaid hand-back with its reason", async () => {
    const [, nina] = tickets as [Ticket, Ticket];
    await type(String(nina.number));
    const check = page.getByTestId("number-check");
    await check.waitFor();
    const text = await check.textContent();
    expect(text).toContain(`Ticket ${nina.number}`);
    expect(text).toContain("Nina Number");
    expect(text).toMatch(/Coat on hook \d+ \(Rack A\)/);
    expect(text).toMatch(/\d\d:\d\d \(venue time\)/);
    await shot("2-number-confirm");

    await check.getByRole("button", { name: "Yes, it's theirs" }).click();
    const panel = page.getByRole("region", { name: `Ticket ${nina.number}` });
    const choice = panel.getByRole("group", { name: /^Hand back from hook \d+ \(Rack A\): €3\.00 to pay$/ });
    await choice.waitFor();
    expect(await choice.getByRole("button", { name: "Cash €3.00" }).isVisible()).toBe(true);
    expect(await choice.getByRole("button", { name: "Card €3.00" }).isVisible()).toBe(true);
    await shot("3-payment-choice");

    await choice.getByRole("button", { name: "Hand back unpaid…" }).click();
    const unpaid = panel.getByRole("form", { name: "Hand back unpaid" });
    await unpaid.waitFor();
    // A reason is required.
    expect(await unpaid.getByRole("button", { name: "Hand back unpaid" }).isDisabled()).toBe(true);
    await unpaid.getByText("Other", { exact: true }).click();
    await unpaid.getByLabel("Say why").waitFor();
    await unpaid.getByText("Guest can't pay", { exact: true }).click();
    await shot("4-unpaid-reason");
    await unpaid.getByRole("button", { name: "Hand back unpaid" }).click();
    await done(`Ticket ${nina.number} returned`);
    await synced();

    const stored = (await admin.api.qr.list.query({ venueId, number: nina.number })).items[0]!;
    expect({ state: stored.state, paymentStatus: stored.paymentStatus }).toEqual({ state: "RETURNED", paymentStatus: "UNPAID" });
    if (database) {
      const [ticket] = await database.sql.query<{ unpaidReason: string | null }>(
        `SELECT unpaid_reason AS "unpaidReason" FROM qr.tickets WHERE id = $1::uuid`,
        [nina.id],
      );
      expect(ticket?.unpaidReason).toBe("Guest can't pay");
      const scans = await database.sql.query<{ byNumber: boolean }>(
        `SELECT by_number AS "byNumber" FROM qr.scan_events WHERE ticket_id = $1::uuid AND action = 'SCAN'`,
        [nina.id],
      );
      expect(scans).toEqual([{ byNumber: true }]);
    }
  });

  it("a paid hand-back is one tap: 'Card' hands the coat back, paid by card", async () => {
    const [, , carl] = tickets as [Ticket, Ticket, Ticket];
    await type(carl.code);
    const panel = page.getByRole("region", { name: `Ticket ${carl.number}` });
    await panel.getByRole("button", { name: "Card €3.00" }).click();
    await done(`Ticket ${carl.number} returned`);
    expect(await page.getByRole("status").filter({ hasText: "Paid (card)" }).count()).toBe(1);
    await synced();
    const stored = (await admin.api.qr.list.query({ venueId, number: carl.number })).items[0]!;
    expect({ state: stored.state, paymentStatus: stored.paymentStatus }).toEqual({ state: "RETURNED", paymentStatus: "PAID_CARD" });
  });

  it("a number with no ticket tonight is refused in words, and 'No' starts over", async () => {
    await type("9999");
    await page
      .getByRole("alert")
      .filter({ hasText: "No ticket 9999 tonight here. Check the number or look the guest up by name." })
      .waitFor();

    const [first] = tickets as [Ticket];
    await type(String(first.number));
    await page.getByTestId("number-check").getByRole("button", { name: "No" }).click();
    await page.getByText("Ready for the next ticket").first().waitFor();
  });

  it("where guests pay at check-in, the check-in asks: cash, card or 'pays at pickup'", async () => {
    await admin.api.venue.update.mutate({ venueId, paymentTiming: "CHECK_IN" });
    const issued = await admin.api.qr.issueWalkIn.mutate({ venueId, name: "Paula Later" });
    // The device reads the venue's payment timing with tonight's tickets.
    await page.reload();
    await synced();
    await type(issued.code);
    const panel = page.getByRole("region", { name: `Ticket ${issued.number}` });
    const choice = panel.getByRole("group", { name: /^Check in on hook \d+ \(Rack A\): €3\.00 to pay$/ });
    await choice.waitFor();
    expect(await choice.getByRole("button", { name: "Cash €3.00" }).isVisible()).toBe(true);
    await shot("5-check-in-payment");
    await choice.getByRole("button", { name: "Pays at pickup" }).click();
    await done(`Ticket ${issued.number} is on hook`);
    await synced();
    const stored = (await admin.api.qr.list.query({ venueId, number: issued.number })).items[0]!;
    expect({ state: stored.state, paymentStatus: stored.paymentStatus }).toEqual({ state: "CHECKED_IN", paymentStatus: "UNPAID" });
  });

  it("clocking out from the shift bar brings the prompt back", async () => {
    await page.getByRole("button", { name: "Clock out" }).click();
    await page.getByRole("button", { name: "Clock out now" }).click();
    await prompt().waitFor();
    expect(await field().count()).toBe(0);
    await page.getByRole("button", { name: "Clock in and start" }).click();
    await field().waitFor();
  });
});
