import { createQRcoatsClient, type QRcoatsClient } from "@qrcoats/api/client";
import {
  browserAvailable,
  createTestDatabase,
  launchBrowser,
  linkPath,
  saveScreenshot,
  sharedKeys,
  startHost,
  startMailServer,
  testDatabaseUrl,
  type MailServer,
  type RunningHost,
  type TestDatabase,
} from "@qrcoats/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PASSWORD = "correct horse battery staple 42";

/**
 * The closing rush as three people see it, each in a browser of their own: a guest's phone,
 * the attendant's tablet at the counter and the pickup board by it. On PostgreSQL the phone
 * talks to one host and the counter and the board to another, as behind a load balancer; on
 * the embedded database (one process) all three share the one host.
 */
describe.runIf(browserAvailable())("the closing rush: phone, counter and board", () => {
  const twoHosts = Boolean(testDatabaseUrl());
  let database: TestDatabase | undefined;
  let phoneHost: RunningHost;
  let counterHost: RunningHost;
  let browser: Browser;
  let mail: MailServer;
  let admin: QRcoatsClient;
  let venueId: string;
  let phone: Page;
  let tablet: Page;
  let board: Page;

  beforeAll(async () => {
    mail = await startMailServer();
    const env = { SMTP_URL: mail.url, MAIL_FROM: "coats@velvet.example" };
    if (twoHosts) {
      database = await createTestDatabase();
      const shared = { ...env, ...sharedKeys().env };
      [phoneHost, counterHost, browser] = await Promise.all([
        startHost(shared, { databaseUrl: database.url }),
        startHost(shared, { databaseUrl: database.url }),
        launchBrowser(),
      ]);
    } else {
      [phoneHost, browser] = await Promise.all([startHost(env), launchBrowser()]);
      counterHost = phoneHost;
    }
    await fetch(`${counterHost.url}/trpc/auth.register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { email: "ada@velvet.example", name: "Ada Admin", password: PASSWORD } }),
    });
    admin = createQRcoatsClient({ url: `${counterHost.url}/trpc`, email: "ada@velvet.example", password: PASSWORD });
    await admin.api.org.create.mutate({ name: "Velvet Group" });
    venueId = (await admin.api.venue.create.mutate({ name: "Velvet Room", timezone: "Europe/Berlin", opensAt: "22:00", closesAt: "05:00" }))
      .id;
    await admin.api.rack.create.mutate({ venueId, name: "Rack A", slotCount: 20 });
    // Counter actions count on a shift: the admin checks the coat in from one.
    await admin.api.shift.clockIn.mutate({ venueId });
    await admin.api.employee.create.mutate({ email: "ben@velvet.example", name: "Ben Attendant", venueIds: [venueId] });

    const contextOf = async (host: RunningHost, viewport: { width: number; height: number }) => {
      const context = await browser.newContext({ baseURL: host.url, viewport, colorScheme: "dark" });
      context.setDefaultTimeout(15_000);
      return context.newPage();
    };
    [phone, tablet, board] = await Promise.all([
      contextOf(phoneHost, { width: 390, height: 844 }),
      contextOf(counterHost, { width: 1024, height: 768 }),
      contextOf(counterHost, { width: 1280, height: 800 }),
    ]);
  });
  afterAll(async () => {
    await admin?.signOut().catch(() => {});
    await browser?.close();
    await Promise.all([phoneHost?.stop(), counterHost !== phoneHost ? counterHost?.stop() : undefined]);
    await database?.close();
    await mail?.stop();
  });

  it("a request reaches the counter and the board, 'fetched' shows ready on the phone and the board, and the scan hands over", async () => {
    const ticket = await admin.api.qr.issueWalkIn.mutate({ venueId });
    await admin.api.qr.checkIn.mutate({ venueId, code: ticket.code });
    const { link } = await admin.api.pickup.createBoard.mutate({ venueId, label: "Main counter" });

    // The attendant joins from the invitation and lands at the counter; the board opens its link.
    await tablet.goto(linkPath(await mail.waitFor("ben@velvet.example"), "/accept-invitation"));
    await tablet.getByLabel("Choose a password").fill(PASSWORD);
    await tablet.getByRole("button", { name: "Join and sign in" }).click();
    await tablet.waitForURL(/\/counter$/);
    await createQRcoatsClient({ url: `${counterHost.url}/trpc`, email: "ben@velvet.example", password: PASSWORD }).api.shift.clockIn.mutate(
      {
        venueId,
      },
    );
    await tablet.reload();
    const pickups = tablet.getByTestId("pickups");
    await pickups.getByRole("heading", { name: "Pickups (0)" }).waitFor();
    await board.goto(`/board${new URL(link).hash}`);
    await board.getByRole("heading", { name: "Getting your coat" }).waitFor();

    // The guest, on their phone, on the other host.
    await phone.goto(`/t/${ticket.code}`);
    await phone.getByRole("button", { name: "I'm leaving — get my coat ready" }).click();
    await phone.getByText(/You're number 1/).waitFor();
    await pickups.getByRole("region", { name: "Walk to Rack A" }).waitFor();
    await board.getByTestId("board-getting").getByText(String(ticket.number), { exact: true }).waitFor();

    await pickups.getByRole("button", { name: `Fetched ticket ${ticket.number} → rail` }).click();
    await pickups.getByTestId("just-fetched").getByText("Hang on rail 1").waitFor();
    await phone.getByText(/ready/i).first().waitFor();
    expect(await phone.getByText(/rail place 1/).count()).toBeGreaterThan(0);
    await board.getByTestId("board-ready").getByText(String(ticket.number), { exact: true }).waitFor();
    await Promise.all([
      saveScreenshot(phone, "web/closing-rush-1-phone-ready"),
      saveScreenshot(tablet, "web/closing-rush-2-counter-rail"),
      saveScreenshot(board, "web/closing-rush-3-board-ready"),
    ]);

    // The hand-over is the scan: no further tap.
    const field = tablet.getByLabel("Scan or type a ticket code");
    await field.fill(ticket.code);
    await field.press("Enter");
    await tablet.getByTestId("hand-over").waitFor();
    await expect.poll(async () => (await admin.api.qr.view.query({ code: ticket.code })).state, { timeout: 15_000 }).toBe("RETURNED");
    expect((await admin.api.qr.view.query({ code: ticket.code })).pickup.request?.state).toBe("COLLECTED");
    await expect.poll(() => board.getByTestId("board-ready").getByRole("listitem").count(), { timeout: 15_000 }).toBe(0);
    await phone
      .getByText(/Collected/i)
      .first()
      .waitFor();
    await saveScreenshot(phone, "web/closing-rush-4-phone-collected");
  });
});
