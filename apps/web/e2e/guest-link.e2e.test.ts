import fs from "node:fs";
import path from "node:path";
import type { QRcoatsClient } from "@qrcoats/api/client";
import {
  browserAvailable,
  launchBrowser,
  newPhoneContext,
  openVelvetRoom,
  recordCspViolations,
  registerAccount,
  saveScreenshot,
  signedInClient,
  startHost,
  TEST_PASSWORD,
  type RunningHost,
} from "@qrcoats/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Where the screens of this change are kept for review, besides test-artifacts/. */
const SHOTS = process.env.GUEST_SHOTS_DIR;

/**
 * Tickets without an account (docs/guests.md): the poster by the cloakroom opens a page
 * where one tap gives a ticket; the ticket then opens on the phone with no network; a
 * double tap makes one ticket; signing in later moves the phone's tickets to the account.
 */
describe.runIf(browserAvailable())("web app: a ticket from the venue's poster, no account", () => {
  let host: RunningHost;
  let browser: Browser;
  let admin: QRcoatsClient;
  let venueId: string;
  let posterPath: string;
  const contexts: BrowserContext[] = [];
  const cspViolations: string[][] = [];

  beforeAll(async () => {
    const port = process.env.E2E_HOST_PORT ? Number(process.env.E2E_HOST_PORT) : undefined;
    [host, browser] = await Promise.all([startHost({}, { port }), launchBrowser()]);
    ({ admin, venueId } = await openVelvetRoom(host, { venue: { priceCents: 300, currency: "EUR" }, rackSlots: 20 }));
    const { url } = await admin.api.venue.renewGuestLink.mutate({ venueId });
    posterPath = new URL(url!).pathname;
  });
  afterAll(async () => {
    await admin?.signOut().catch(() => {});
    await browser?.close();
    await host?.stop();
  });

  async function phone() {
    const context = await newPhoneContext(browser, host.url);
    contexts.push(context);
    cspViolations.push(recordCspViolations(context));
    const page = await context.newPage();
    return { context, page };
  }

  async function shot(page: Page, name: string) {
    const file = await saveScreenshot(page, `web/guest-link-${name}`);
    if (SHOTS) {
      fs.mkdirSync(SHOTS, { recursive: true });
      fs.copyFileSync(file, path.join(SHOTS, `web-${name}.png`));
    }
  }

  const linkTickets = async () => (await admin.api.qr.list.query({ venueId, limit: 100 })).items.length;

  it("gives a ticket in one tap, which then opens on the phone with no network", async () => {
    const { context, page } = await phone();
    await page.goto(posterPath);
    await page.getByRole("heading", { name: "Velvet Room" }).waitFor();
    await page.getByText("Pay when you collect your coat.").waitFor();
    expect(await page.getByText(/€3\.00 per item/).count()).toBe(1);
    await shot(page, "1-poster-page");

    await page.getByText("Add an email or phone to find your ticket if your phone dies").click();
    await page.getByLabel("Phone").fill("+49 151 2345 6789");
    await shot(page, "2-poster-contact");

    await page.getByRole("button", { name: "Get my coat ticket" }).click();
    await page.waitForURL(/\/t\/[a-z2-7]{40}$/);
    await page.getByRole("heading", { name: /^Ticket/ }).waitFor();
    const number = (await page.getByRole("heading", { name: /^Ticket/ }).textContent())!.replace(/\D/g, "");
    expect(Number(number)).toBeGreaterThan(0);
    await shot(page, "3-ticket");
    const ticketPath = new URL(page.url()).pathname;

    // The counter finds it by the phone's last digits, as for a walk-in.
    const found = await admin.api.qr.lookup.query({ venueId, query: "6789" });
    expect(found.items.map((ticket) => ticket.number)).toContain(Number(number));

    // The service worker holds the app; the ticket is kept on the phone.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await context.setOffline(true);
    await page.reload();
    await page.getByRole("heading", { name: `Ticket ${number}` }).waitFor();
    expect(await page.getByRole("img", { name: `QR code of ticket ${number} at Velvet Room` }).count()).toBe(1);

    // Opened from the poster again, offline: the page says so and shows the ticket the phone holds.
    await page.goto(posterPath);
    await page.getByRole("heading", { name: "No network" }).waitFor();
    await shot(page, "4-poster-offline");
    await page.getByRole("link", { name: `Ticket ${number}` }).click();
    await page.waitForURL((url) => url.pathname === ticketPath);
    await page.getByRole("heading", { name: `Ticket ${number}` }).waitFor();
    await shot(page, "5-ticket-offline");
    await context.setOffline(false);
  });

  /** The request ids of the ticket requests a page sends. */
  function watchTaps(page: Page) {
    const ids: string[] = [];
    page.on("request", (request) => {
      if (!request.url().includes("/trpc/qr.requestByLink")) return;
      const id = /"requestId":"([0-9a-f-]{36})"/.exec(request.postData() ?? "")?.[1];
      if (id) ids.push(id);
    });
    return ids;
  }

  it("makes exactly one ticket of a double tap", async () => {
    const before = await linkTickets();
    const { page } = await phone();
    const taps = watchTaps(page);
    await page.goto(posterPath);
    const button = page.getByRole("button", { name: "Get my coat ticket" });
    await button.waitFor();
    await button.dblclick();
    await page.waitForURL(/\/t\/[a-z2-7]{40}$/);
    // Give a second request, if one went out, time to land.
    await page.waitForTimeout(1000);
    expect(await linkTickets()).toBe(before + 1);
    expect(taps.length).toBeGreaterThan(0);
    expect(new Set(taps).size).toBe(1);
  });

  it("sends a tap whose answer was lost again with the same request id, and gets the one ticket it made", async () => {
    const before = await linkTickets();
    const { page } = await phone();
    const taps = watchTaps(page);
    let lost = false;
    await page.route("**/trpc/qr.requestByLink**", async (route) => {
      if (lost) return route.continue();
      lost = true;
      // The server makes the ticket; its answer never reaches the phone.
      await route.fetch();
      await route.abort("internetdisconnected");
    });
    await page.goto(posterPath);
    await page.getByRole("button", { name: "Get my coat ticket" }).click();
    await page.getByText("No network — your ticket will be made when you are back online.").waitFor();
    await shot(page, "6-poster-no-network");
    expect(await linkTickets()).toBe(before + 1);
    await page.getByRole("button", { name: "Try again now" }).click();
    await page.waitForURL(/\/t\/[a-z2-7]{40}$/);
    expect(await linkTickets()).toBe(before + 1);
    expect(taps).toHaveLength(2);
    expect(taps[1]).toBe(taps[0]);
  });

  it("sends a tap made with no network after a reload, once back online, as the same one ticket", async () => {
    const before = await linkTickets();
    const { context, page } = await phone();
    const taps = watchTaps(page);
    await page.goto(posterPath);
    await page.getByRole("button", { name: "Get my coat ticket" }).waitFor();
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await context.setOffline(true);
    await page.getByRole("button", { name: "Get my coat ticket" }).click();
    await page.getByText("No network — your ticket will be made when you are back online.").waitFor();
    const stored = await page.evaluate(
      () => Object.entries(localStorage).find(([key]) => key.startsWith("qrcoats.guestLink.pending."))?.[1],
    );
    const requestId = (JSON.parse(stored) as { requestId: string }).requestId;

    await page.reload();
    await page.getByText("No network — your ticket will be made when you are back online.").waitFor();
    await shot(page, "8-poster-tap-waiting-after-reload");
    expect(await linkTickets()).toBe(before);

    await context.setOffline(false);
    await page.waitForURL(/\/t\/[a-z2-7]{40}$/);
    await page.getByRole("heading", { name: /^Ticket/ }).waitFor();
    expect(await linkTickets()).toBe(before + 1);
    expect(new Set(taps)).toEqual(new Set([requestId]));
  });

  it("says a malformed poster link is not valid, in words", async () => {
    const { page } = await phone();
    for (const link of ["/v/p8tmfIxqO0TUK5", "/v/x"]) {
      await page.goto(link);
      await page.getByRole("heading", { name: "This poster link does not work" }).waitFor();
      await page.getByText("This poster link is not valid: scan the poster again.").waitFor();
      expect(await page.getByText("invalid_format").count()).toBe(0);
    }
    await shot(page, "9-malformed-link");
  });

  it("tells the guest when the link no longer works", async () => {
    const { page } = await phone();
    await page.goto("/v/AAAAAAAAAAAAAAAAAAAAAAAA");
    await page.getByRole("heading", { name: "This poster link does not work" }).waitFor();
    await page.getByText("This poster link no longer works: ask at the cloakroom for a new one.").waitFor();
    await shot(page, "7-unknown-link");
  });

  it("moves the phone's tickets into the account when the guest signs in", async () => {
    await registerAccount(host, "gus@example.com", "Gus Guest");
    const { page } = await phone();
    await page.goto(posterPath);
    await page.getByRole("button", { name: "Get my coat ticket" }).click();
    await page.waitForURL(/\/t\/[a-z2-7]{40}$/);
    const number = (await page.getByRole("heading", { name: /^Ticket/ }).textContent())!.replace(/\D/g, "");

    await page.goto("/signin");
    await page.getByLabel("Email").fill("gus@example.com");
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    const gus = signedInClient(host, "gus@example.com");
    await expect
      .poll(async () => (await gus.api.qr.mine.query({ limit: 10 })).items.map((ticket) => ticket.number))
      .toEqual([Number(number)]);
    await gus.signOut();
  });

  it("ran under the host's Content-Security-Policy", () => {
    expect(cspViolations.flat()).toEqual([]);
  });
});
