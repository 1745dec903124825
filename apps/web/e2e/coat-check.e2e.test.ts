import fs from "node:fs";
import { ticketQrSvg, type QRcoatsClient } from "@qrcoats/api/client";
import {
  browserAvailable,
  launchBrowser,
  linkPath,
  newPhoneContext,
  openVelvetRoom,
  recordCspViolations,
  saveScreenshot,
  startHost,
  startMailServer,
  TEST_PASSWORD,
  type MailServer,
  type RunningHost,
} from "@qrcoats/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * One night at the coat check, as the people there see it: a guest gets a ticket on their
 * phone, an invited attendant joins and works the counter, and the guest's ticket follows
 * along live — and stays on the phone with the network gone.
 */
describe.runIf(browserAvailable())("web app: the coat check", () => {
  let host: RunningHost;
  let browser: Browser;
  let mail: MailServer;
  let admin: QRcoatsClient;
  let venueId: string;
  let guestContext: BrowserContext;
  let guest: Page;
  let counterContext: BrowserContext;
  let counter: Page;
  let ticketCode: string;
  const cspViolations: string[][] = [];

  beforeAll(async () => {
    mail = await startMailServer();
    [host, browser] = await Promise.all([startHost({ SMTP_URL: mail.url, MAIL_FROM: "coats@velvet.example" }), launchBrowser()]);
    ({ admin, venueId } = await openVelvetRoom(host, { venue: { priceCents: 250, publiclyListed: true }, rackSlots: 40 }));
    await admin.api.venue.create.mutate({ name: "Annex", timezone: "Europe/Berlin", opensAt: "20:00", closesAt: "02:00" });

    guestContext = await newPhoneContext(browser, host.url);
    cspViolations.push(recordCspViolations(guestContext));
    guest = await guestContext.newPage();
    counterContext = await newPhoneContext(browser, host.url);
    cspViolations.push(recordCspViolations(counterContext));
    counter = await counterContext.newPage();
  });
  afterAll(async () => {
    await admin?.signOut().catch(() => {});
    await browser?.close();
    await host?.stop();
    await mail?.stop();
  });

  const scanField = () => counter.getByLabel("Scan or type a ticket code");
  const scanFieldHasFocus = () => scanField().evaluate((field) => field === document.activeElement);

  it("a guest signs up, gets a ticket for a venue and sees its QR, drawn on the phone with no request for it", async () => {
    const imageRequests: string[] = [];
    guest.on("request", (request) => {
      if (/qr\.(image|viewImage)/.test(request.url())) imageRequests.push(request.url());
    });
    await guest.goto("/");
    await guest.getByRole("link", { name: "Create an account" }).click();
    await guest.getByLabel("Your name").fill("Gus Guest");
    await guest.getByLabel("Email").fill("gus@example.com");
    await guest.getByLabel("Password").fill(TEST_PASSWORD);
    await guest.getByRole("button", { name: "Create account" }).click();
    await guest.getByRole("heading", { name: "Hello, Gus Guest" }).waitFor();
    await guest.getByText("No tickets yet. Get one when you arrive at the venue.").waitFor();

    await guest.getByRole("link", { name: "Get a ticket" }).first().click();
    await guest.getByLabel("Find your venue").fill("velvet");
    await guest.getByRole("heading", { name: "Velvet Room" }).waitFor();
    await expect.poll(() => guest.getByRole("heading", { name: "Annex" }).count()).toBe(0);
    expect(await guest.getByText("Open 22:00–05:00").isVisible()).toBe(true);
    await saveScreenshot(guest, "web/coat-check-1-venues");

    await guest.getByRole("button", { name: "Get a ticket for Velvet Room" }).click();
    await guest.waitForURL(/\/t\/[a-z2-7]{40}$/);
    ticketCode = guest.url().split("/t/")[1]!;
    expect(await guest.getByTestId("ticket-status").textContent()).toContain("Show this at the coat check");
    expect(await guest.getByRole("heading", { name: /Ticket/ }).textContent()).toBe("Ticket 1");
    expect(await guest.getByText("Velvet Room").isVisible()).toBe(true);
    const qr = guest.getByRole("img", { name: "QR code of ticket 1 at Velvet Room" });
    await expect.poll(() => qr.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0)).toBe(true);
    const box = (await qr.boundingBox())!;
    expect(box.width).toBeGreaterThan(300);
    // The phone's own drawing, by the qrcode package's browser build, is the very SVG the
    // API's renderer makes for the ticket's address.
    const src = (await qr.getAttribute("src"))!;
    expect(decodeURIComponent(src.replace(/^data:image\/svg\+xml;charset=utf-8,/, ""))).toBe(ticketQrSvg(`${host.url}/t/${ticketCode}`));
    await expect.poll(() => guest.getByTestId("ticket-connection").textContent()).toMatch(/^Live/);
    const [download] = await Promise.all([
      guest.waitForEvent("download"),
      guest.getByRole("button", { name: "Save the QR as an image" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("qrcoats-ticket-1.png");
    const png = fs.readFileSync(await download.path());
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(600);
    expect(imageRequests).toEqual([]);
    await saveScreenshot(guest, "web/coat-check-2-ticket");
  });

  it("an invited attendant accepts the invitation's link and lands on the counter", async () => {
    const { employee } = await admin.api.employee.create.mutate({
      email: "ben@velvet.example",
      name: "Ben Attendant",
      venueIds: [venueId],
    });
    expect(employee.status).toBe("INVITED");
    await counter.goto(linkPath(await mail.waitFor("ben@velvet.example"), "/accept-invitation"));
    await counter.getByRole("heading", { name: "Join Velvet Group" }).waitFor();
    expect(await counter.getByText("ben@velvet.example").isVisible()).toBe(true);
    await counter.getByLabel("Choose a password").fill(TEST_PASSWORD);
    await counter.getByRole("button", { name: "Join and sign in" }).click();

    await counter.waitForURL(/\/counter$/);
    // Off shift, the counter asks for the clock-in first: one tap, and it starts.
    await counter.getByRole("heading", { name: "You're not clocked in at Velvet Room" }).waitFor();
    expect(await counter.getByTestId("shift-status").textContent()).toBe("Not clocked in");
    expect(await scanField().count()).toBe(0);
    await counter.getByRole("button", { name: "Clock in and start" }).click();
    await scanField().waitFor();
    // Focused from the start, with no click: a USB scanner types straight into it.
    await expect.poll(scanFieldHasFocus).toBe(true);
    await expect.poll(() => counter.getByTestId("shift-status").textContent()).toMatch(/^On shift since \d\d:\d\d$/);
    expect(await counter.getByTestId("signed-in-as").textContent()).toBe("Ben Attendant");
    expect(await counter.getByText("Velvet Room", { exact: true }).isVisible()).toBe(true);
    await expect.poll(() => counter.getByLabel("Free slots").textContent()).toContain("40 of 40");
    await saveScreenshot(counter, "web/coat-check-3-counter");
  });

  it("a scanner's typing and Enter check the ticket in, with no click; the guest's ticket follows live", async () => {
    // A tap elsewhere took the focus from the field: what a scanner types still lands in it.
    await scanField().evaluate((field: HTMLInputElement) => field.blur());
    expect(await scanFieldHasFocus()).toBe(false);
    await counter.keyboard.type(ticketCode.slice(0, 5));
    expect(await scanFieldHasFocus()).toBe(true);
    await counter.keyboard.type(ticketCode.slice(5));
    await counter.keyboard.press("Enter");
    expect(await scanField().inputValue()).toBe("");

    const checkIn = counter.getByRole("button", { name: "Check in on hook 1 (Rack A)" });
    await checkIn.waitFor();
    const ticket = counter.getByRole("region", { name: "Ticket 1" });
    expect(await ticket.getByText("Issued", { exact: true }).isVisible()).toBe(true);
    expect(await ticket.getByText("Gus Guest · Not paid").isVisible()).toBe(true);
    await saveScreenshot(counter, "web/coat-check-4-scanned");

    await counter.getByText("Card", { exact: true }).click();
    await checkIn.click();
    const done = counter.getByRole("status").filter({ hasText: "Checked in on hook 1" });
    await done.waitFor();
    expect(await done.textContent()).toContain("Ticket 1 is on hook 1 (Rack A).");
    await expect.poll(scanFieldHasFocus).toBe(true);
    await expect.poll(() => counter.getByLabel("Free slots").textContent()).toContain("39 of 40");
    await saveScreenshot(counter, "web/coat-check-5-checked-in");

    await expect.poll(() => guest.getByTestId("ticket-status").textContent()).toContain("Your coat is checked in — slot 1");
    expect(await guest.getByTestId("ticket-connection").textContent()).toMatch(/^Live/);
    await saveScreenshot(guest, "web/coat-check-6-guest-checked-in");
  });

  it("refusals are said in words, loudly, and the field stays ready", async () => {
    await counter.keyboard.type("this-is-no-ticket");
    await counter.keyboard.press("Enter");
    const alert = counter.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      "Not one of our ticketsThis is not one of our tickets. Ask for the ticket number or the guest's name.",
    );
    expect(await scanFieldHasFocus()).toBe(true);
    await saveScreenshot(counter, "web/coat-check-7-refused");

    // Checking in twice is not offered: the same ticket now says where the coat hangs.
    await counter.keyboard.type(`${host.url}/t/${ticketCode}`);
    await counter.keyboard.press("Enter");
    await counter.getByRole("button", { name: "Hand back from hook 1 (Rack A)" }).waitFor();
    expect(await counter.getByRole("button", { name: /Check in/ }).count()).toBe(0);
    expect(await counter.getByText("Gus Guest · Paid (card) · €2.50").isVisible()).toBe(true);
  });

  it("with the network cut, a reload still shows the guest's ticket and its QR", async () => {
    // The service worker has the app, the device has the ticket.
    await guest.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await expect.poll(() => guest.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await guestContext.setOffline(true);
    await guest.reload();
    await guest.getByTestId("ticket-status").waitFor();
    expect(await guest.getByTestId("ticket-status").textContent()).toContain("Your coat is checked in — slot 1");
    expect(await guest.getByRole("heading", { name: /Ticket/ }).textContent()).toBe("Ticket 1");
    const qr = guest.getByRole("img", { name: "QR code of ticket 1 at Velvet Room" });
    await expect.poll(() => qr.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0)).toBe(true);
    expect(await guest.getByTestId("ticket-connection").textContent()).toMatch(
      /^Offline — showing your saved ticketLast updated \d\d:\d\d$/,
    );
    await saveScreenshot(guest, "web/coat-check-8-guest-offline");

    // My tickets, offline too, from the device.
    await guest.goto("/tickets");
    await guest.getByRole("link", { name: /Ticket 1/ }).waitFor();
    expect(await guest.getByRole("link", { name: /Ticket 1/ }).textContent()).toContain("Checked in");
    await guest.getByRole("link", { name: /Ticket 1/ }).click();
    await guest.getByTestId("ticket-status").waitFor();
    await guestContext.setOffline(false);
    await expect.poll(() => guest.getByTestId("ticket-connection").textContent(), { timeout: 15_000 }).toMatch(/^Live/);
  });

  it("the attendant hands the coat back; the guest's ticket says so by itself; a second scan is refused", async () => {
    await counter.getByRole("button", { name: "Hand back from hook 1 (Rack A)" }).click();
    await counter.getByRole("status").filter({ hasText: "Ticket 1 returned" }).waitFor();
    await expect.poll(scanFieldHasFocus).toBe(true);
    await expect.poll(() => guest.getByTestId("ticket-status").textContent()).toContain("Returned — have a good night");
    expect(await guest.getByText("No longer valid").isVisible()).toBe(true);
    await saveScreenshot(guest, "web/coat-check-9-guest-returned");

    await counter.keyboard.type(ticketCode);
    await counter.keyboard.press("Enter");
    const alert = counter.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^Already returnedThis ticket was already returned at \d\d:\d\d on \w{3} \d+ \w{3}\.$/);
    await saveScreenshot(counter, "web/coat-check-10-already-returned");
  });

  it("a walk-in gets a big QR to photograph and is found again by name", async () => {
    await counter.getByRole("link", { name: "New walk-in ticket" }).click();
    await counter.getByLabel("Guest's name").fill("Wanda Walkin");
    await counter.getByRole("button", { name: "Issue the ticket" }).click();
    const qr = counter.getByRole("img", { name: "QR code of walk-in ticket 2" });
    await qr.waitFor();
    expect(await counter.getByTestId("walk-in-number").textContent()).toBe("2");
    expect((await qr.boundingBox())!.width).toBeGreaterThan(300);
    await saveScreenshot(counter, "web/coat-check-11-walk-in");

    await counter.getByRole("link", { name: "Lost ticket" }).click();
    await counter.getByLabel("Ticket number, name, email or phone's last 4 digits").fill("wanda walkin");
    await counter.getByRole("button", { name: "Search" }).click();
    await counter.getByText("Ticket 2").waitFor();
    expect(await counter.getByText(/Wanda Walkin · Velvet Room/).isVisible()).toBe(true);
    await saveScreenshot(counter, "web/coat-check-12-lookup");
  });

  it("the attendant works through a task the admin gave them", async () => {
    const me = await admin.api.employee.list.query({ search: "ben@velvet.example" });
    await admin.api.task.create.mutate({
      title: "Restock the hangers",
      assigneeId: me.items[0]!.id,
      venueId,
      priority: "HIGH",
      dueAt: new Date(Date.now() - 60_000),
    });
    await counter.getByRole("link", { name: "Tasks" }).click();
    await counter.getByRole("heading", { name: "Restock the hangers" }).waitFor();
    expect(await counter.getByText("Overdue").isVisible()).toBe(true);
    await saveScreenshot(counter, "web/coat-check-13-task-overdue");
    await counter.getByRole("button", { name: "Start" }).click();
    await counter.getByText("In progress", { exact: true }).waitFor();
    await counter.getByRole("button", { name: "Mark done" }).click();
    await counter.getByText("Nothing to do right now.").waitFor();
    expect((await admin.api.task.list.query({})).items[0]!.status).toBe("DONE");
    await saveScreenshot(counter, "web/coat-check-14-tasks-done");
  });

  it("on a desktop counter the tools sit beside the scan field", async () => {
    await counter.setViewportSize({ width: 1280, height: 800 });
    await counter.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Counter" }).click();
    await expect.poll(scanFieldHasFocus).toBe(true);
    await counter.keyboard.type(ticketCode);
    await counter.keyboard.press("Enter");
    await counter.getByRole("alert").filter({ hasText: "Already returned" }).waitFor();
    const field = (await scanField().boundingBox())!;
    const tools = (await counter.getByRole("link", { name: "New walk-in ticket" }).boundingBox())!;
    expect(tools.x).toBeGreaterThan(field.x + field.width);
    await saveScreenshot(counter, "web/coat-check-15-desktop");
  });

  it("nothing the guest or the attendant did needed what the Content-Security-Policy forbids", () => {
    expect(cspViolations.flat()).toEqual([]);
  });
});
