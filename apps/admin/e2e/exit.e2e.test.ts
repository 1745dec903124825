import { randomUUID } from "node:crypto";
import path from "node:path";
import { createQRcoatsClient, type QRcoatsClient } from "@qrcoats/api/client";
import { browserAvailable, launchBrowser, newPhoneContext, saveScreenshot, startHost, type RunningHost } from "@qrcoats/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PASSWORD = "correct horse battery staple 42";
/** Where the machine's ports are shared out, E2E_HOST_PORT pins the host to one. */
const HOST_PORT = Number(process.env.E2E_HOST_PORT) || undefined;

/**
 * The closing rush in the panel: after a few coats were asked for, fetched and handed over,
 * the venue's analytics show the exit wait and the performance board the fetches, on a phone.
 */
describe.runIf(browserAvailable())("admin app: the exit in analytics and performance", () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  let admin: QRcoatsClient;
  let clubId: string;
  let quietId: string;

  beforeAll(async () => {
    [host, browser] = await Promise.all([startHost({}, { port: HOST_PORT }), launchBrowser()]);
    page = await (await newPhoneContext(browser, host.url)).newPage();
    await page.goto("/admin/signup");
    await page.getByLabel("Organization name").fill("Night Owl Group");
    await page.getByLabel("Your name").fill("Olga Owner");
    await page.getByLabel("Email").fill("olga@owl.example");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.getByRole("heading", { name: "Night Owl Group" }).waitFor();

    // The admin works the counter too: four walk-ins ask for their coats at the counter.
    admin = createQRcoatsClient({ url: `${host.url}/trpc`, email: "olga@owl.example", password: PASSWORD });
    const hours = { timezone: "Europe/Berlin", opensAt: "22:00", closesAt: "05:00" };
    clubId = (await admin.api.venue.create.mutate({ name: "Owl Club", ...hours })).id;
    quietId = (await admin.api.venue.create.mutate({ name: "Quiet Bar", ...hours })).id;
    await admin.api.rack.create.mutate({ venueId: clubId, name: "Hangers", slotCount: 10, kind: "HANGER" });
    await admin.api.shift.clockIn.mutate({ venueId: clubId });
    const requests: string[] = [];
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const ticket = await admin.api.qr.issueWalkIn.mutate({ venueId: clubId });
      await admin.api.qr.checkIn.mutate({ venueId: clubId, code: ticket.code });
      const request = await admin.api.pickup.requestAtCounter.mutate({
        venueId: clubId,
        ticketNumber: ticket.number,
        requestId: randomUUID(),
      });
      requests.push(request.id);
      codes.push(ticket.code);
    }
    for (const requestId of requests.slice(0, 3)) await admin.api.pickup.start.mutate({ venueId: clubId, requestId });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const requestId of requests.slice(0, 3)) await admin.api.pickup.fetched.mutate({ venueId: clubId, requestId });
    // Two handed over with the scan, one still on the rail, one called off.
    for (const code of codes.slice(0, 2)) await admin.api.qr.scan.mutate({ venueId: clubId, code });
    await admin.api.pickup.cancelAtCounter.mutate({ venueId: clubId, requestId: requests[3]! });
  });
  afterAll(async () => {
    await admin?.signOut().catch(() => {});
    await browser?.close();
    await host?.stop();
  });

  // The innermost section with the heading: the panel, not the page around it.
  const exitPanel = () => page.locator("section", { has: page.getByRole("heading", { level: 2, name: "Exit", exact: true }) }).last();

  it("analytics shows tonight's exit: the night's counts and waits, the queue, the fetches per attendant", async () => {
    await page.goto(`/admin/analytics?venue=${clubId}`);
    const exit = page.getByTestId("exit-section");
    await exit.waitFor();
    const night = exit.getByRole("row").nth(1);
    // Requests, collected, cancelled, uncollected.
    expect((await night.getByRole("cell").allTextContents()).slice(0, 4)).toEqual(["4", "2", "1", "0"]);
    await exit.getByRole("img", { name: "Most requests open at once, per hour" }).locator("canvas").waitFor();
    expect(await exit.textContent()).toContain("Olga Owner (");
    await exit.getByText("The hours with a queue").click();
    await saveScreenshot(page, "admin/exit-01-analytics");
    await exitPanel().screenshot({ path: path.join(process.cwd(), "test-artifacts", "admin", "exit-02-exit-section.png") });

    const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download CSV" }).click()]);
    const text = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      void csv.createReadStream().then((stream) =>
        stream
          .on("data", (chunk: Buffer) => chunks.push(chunk))
          .on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
          .on("error", reject),
      );
    });
    expect(text).toMatch(/^exit_nights,\d{4}-\d{2}-\d{2},requests,4,count$/m);
    expect(text).toContain("exit_attendants,Olga Owner,fetches,3,count");
  });

  it("a venue without requests says so", async () => {
    await page.goto(`/admin/analytics?venue=${quietId}`);
    await exitPanel().getByText("No pickup requests in this period.").waitFor();
    await exitPanel().screenshot({ path: path.join(process.cwd(), "test-artifacts", "admin", "exit-03-empty.png") });
  });

  it("performance shows each employee's fetches and median fetch", async () => {
    await page.goto("/admin/performance");
    const table = page.getByTestId("leaderboard-table");
    await table.getByRole("columnheader", { name: "Fetches" }).waitFor();
    await table.getByRole("columnheader", { name: "Median fetch" }).waitFor();
    const row = table.getByRole("row", { name: /Olga Owner/ });
    const cells = async () => (await row.getByRole("cell").allTextContents()).slice(-2);
    await expect.poll(cells).toEqual(["3", expect.stringMatching(/^\d+ s$/)]);
    await saveScreenshot(page, "admin/exit-04-performance");
  });
});
