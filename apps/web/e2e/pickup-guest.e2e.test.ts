import type { QRcoatsClient } from "@qrcoats/api/client";
import {
  browserAvailable,
  launchBrowser,
  newPhoneContext,
  openVelvetRoom,
  recordCspViolations,
  saveScreenshot,
  startHost,
  type RunningHost,
} from "@qrcoats/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The closing rush as the guest and the room see it (docs/pickup.md): a guest taps "I'm
 * leaving" on their ticket's page and follows the request live until the coat is on the
 * rail; the pickup board by the counter shows the number getting, then ready; a revoked
 * board goes dark; a tap with no signal is sent once the phone is back online, once.
 */
describe.runIf(browserAvailable())("web app: the closing rush, guest side and pickup board", () => {
  let host: RunningHost;
  let browser: Browser;
  let admin: QRcoatsClient;
  let venueId: string;
  let boardContext: BrowserContext;
  let board: Page;
  let boardId: string;
  const contexts: BrowserContext[] = [];
  const cspViolations: string[][] = [];

  beforeAll(async () => {
    // E2E_HOST_PORT: on a shared machine, the port this run was given.
    const port = process.env.E2E_HOST_PORT ? Number(process.env.E2E_HOST_PORT) : undefined;
    [host, browser] = await Promise.all([startHost({}, { port }), launchBrowser()]);
    // Counter actions count on a shift: the admin checks the coats in from one.
    ({ admin, venueId } = await openVelvetRoom(host, { rackSlots: 20, clockIn: true }));

    boardContext = await browser.newContext({ baseURL: host.url, viewport: { width: 1280, height: 800 } });
    boardContext.setDefaultTimeout(10_000);
    cspViolations.push(recordCspViolations(boardContext));
    board = await boardContext.newPage();
  });
  afterAll(async () => {
    await admin?.signOut().catch(() => {});
    await browser?.close();
    await host?.stop();
  });

  /** A walk-in's coat, checked in at the counter; the guest's phone holds only the code. */
  async function checkedInTicket() {
    const ticket = await admin.api.qr.issueWalkIn.mutate({ venueId });
    await admin.api.qr.checkIn.mutate({ venueId, code: ticket.code });
    return ticket;
  }

  async function guestPhone(code: string) {
    const context = await newPhoneContext(browser, host.url);
    contexts.push(context);
    cspViolations.push(recordCspViolations(context));
    const page = await context.newPage();
    await page.goto(`/t/${code}`);
    await page.getByRole("button", { name: "I'm leaving — get my coat ready" }).waitFor();
    return { context, page };
  }

  const status = (page: Page) => page.getByTestId("pickup-status").textContent();
  const column = (name: "getting" | "ready") => board.getByTestId(`board-${name}`).textContent();

  it("a guest taps 'I'm leaving', sees their place, and the coat turns ready on the phone and the board with no reload", async () => {
    const created = await admin.api.pickup.createBoard.mutate({ venueId, label: "Main counter" });
    boardId = created.id;
    const link = new URL(created.link);
    expect(link.pathname).toBe("/board");
    await board.goto(`/board${link.hash}`);
    await board.getByRole("heading", { name: "Getting your coat" }).waitFor();
    await board.getByRole("heading", { name: "Ready" }).waitFor();
    await board.getByText("Velvet Room").waitFor();
    expect(await board.getByRole("link", { name: "Sign in" }).count()).toBe(0);

    const ticket = await checkedInTicket();
    const { page: phone } = await guestPhone(ticket.code);
    await saveScreenshot(phone, "web/pickup-guest-1-leaving");

    await phone.getByRole("button", { name: "I'm leaving — get my coat ready" }).click();
    await expect.poll(() => status(phone)).toMatch(/^You're number 1 — about \d+ min/);
    expect(await phone.getByRole("button", { name: "Cancel request" }).isVisible()).toBe(true);
    expect(await phone.getByRole("button", { name: "I'm leaving — get my coat ready" }).count()).toBe(0);
    await saveScreenshot(phone, "web/pickup-guest-2-queued");

    await expect.poll(() => column("getting"), { timeout: 20_000 }).toBe(String(ticket.number));
    expect(await column("ready")).toBe("");
    await saveScreenshot(board, "web/pickup-board-1-getting");

    const view = await admin.api.qr.view.query({ code: ticket.code });
    expect(view.pickup.request).toMatchObject({ state: "QUEUED", position: 1 });
    const fetched = await admin.api.pickup.fetched.mutate({ venueId, requestId: view.pickup.request!.id });
    expect(fetched).toMatchObject({ state: "READY", railPosition: 1 });

    await expect.poll(() => status(phone)).toMatch(/^Your coat is readyat the counter, rail place 1Waiting for you until \d\d:\d\d/);
    expect(await phone.getByRole("button", { name: "Cancel request" }).count()).toBe(0);
    await saveScreenshot(phone, "web/pickup-guest-3-ready");

    await expect.poll(() => column("ready"), { timeout: 20_000 }).toBe(`${ticket.number}rail 1`);
    expect(await column("getting")).toBe("");
    await saveScreenshot(board, "web/pickup-board-2-ready");
  });

  it("a guest asks for later, sees when fetching starts, and calls it off with a confirm on the page", async () => {
    const ticket = await checkedInTicket();
    const { page: phone } = await guestPhone(ticket.code);
    await phone.getByText("In 10 min").click();
    await phone.getByRole("button", { name: "I'm leaving — get my coat ready" }).click();
    await expect.poll(() => status(phone)).toMatch(/^We'll start fetching at \d\d:\d\d/);

    await phone.getByRole("button", { name: "Cancel request" }).click();
    const confirm = phone.getByRole("group", { name: "Call off your request?" });
    await confirm.waitFor();
    await saveScreenshot(phone, "web/pickup-guest-4-cancel-confirm");
    // Changing one's mind keeps the request.
    await confirm.getByRole("button", { name: "Keep my request" }).click();
    expect((await admin.api.qr.view.query({ code: ticket.code })).pickup.request?.state).toBe("QUEUED");

    await phone.getByRole("button", { name: "Cancel request" }).click();
    await phone.getByRole("button", { name: "Yes, call it off" }).click();
    await expect.poll(() => status(phone)).toMatch(/^Request called off/);
    expect((await admin.api.qr.view.query({ code: ticket.code })).pickup.request?.state).toBe("CANCELLED");
    await phone.getByRole("button", { name: "Ask again — get my coat ready" }).waitFor();
    await saveScreenshot(phone, "web/pickup-guest-5-cancelled");
  });

  it("with no signal the tap waits on the phone and is sent once when the signal returns", async () => {
    const ticket = await checkedInTicket();
    const { context, page: phone } = await guestPhone(ticket.code);
    const sent: string[] = [];
    phone.on("request", (request) => {
      if (request.url().includes("pickup.request")) sent.push(request.url());
    });

    await context.setOffline(true);
    // A tap taken back before it could be sent: nothing stays on the phone to go out later.
    await phone.getByRole("button", { name: "I'm leaving — get my coat ready" }).click();
    await phone.getByRole("button", { name: "Don't send it" }).click();
    await phone.getByRole("button", { name: "I'm leaving — get my coat ready" }).waitFor();
    expect(await phone.evaluate(() => localStorage.getItem("qrcoats.pickup-requests.v1"))).toBe("[]");

    await phone.getByRole("button", { name: "I'm leaving — get my coat ready" }).click();
    await expect.poll(() => status(phone)).toBe("No signalYour request will be sent as soon as you're back online.");
    const kept = await phone.evaluate(() => JSON.parse(localStorage.getItem("qrcoats.pickup-requests.v1") ?? "[]"));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ delayMinutes: 0 });
    expect((await admin.api.qr.view.query({ code: ticket.code })).pickup.request).toBeNull();
    await saveScreenshot(phone, "web/pickup-guest-6-offline");

    await context.setOffline(false);
    await expect
      .poll(async () => (await admin.api.qr.view.query({ code: ticket.code })).pickup.request?.state, { timeout: 15_000 })
      .toBe("QUEUED");
    const arrived = (await admin.api.qr.view.query({ code: ticket.code })).pickup.request!;
    // The very tap made offline, by the id it was given then.
    expect(arrived.id).toBe(kept[0].requestId);
    await expect.poll(() => status(phone)).toMatch(/^You're number \d+ — about \d+ min/);
    await expect.poll(() => phone.evaluate(() => localStorage.getItem("qrcoats.pickup-requests.v1"))).toBe("[]");

    // Applied once: called off at the counter, it stays called off however the phone reloads
    // (a tap sent again would queue the coat anew).
    await admin.api.pickup.cancelAtCounter.mutate({ venueId, requestId: arrived.id });
    const sentBefore = sent.length;
    await phone.reload();
    await expect.poll(() => status(phone)).toMatch(/^Request called off/);
    await phone.waitForTimeout(2_000);
    expect(sent.length).toBe(sentBefore);
    expect((await admin.api.qr.view.query({ code: ticket.code })).pickup.request).toMatchObject({ id: arrived.id, state: "CANCELLED" });
  });

  it("in a rush the numbers wrap into a grid that fits a 1280×800 tablet and a 1920×1080 TV", async () => {
    const requests: string[] = [];
    for (let i = 0; i < 14; i += 1) {
      const ticket = await checkedInTicket();
      requests.push((await admin.api.pickup.request.mutate({ code: ticket.code, requestId: crypto.randomUUID() })).id);
    }
    for (const requestId of requests.slice(0, 6)) await admin.api.pickup.fetched.mutate({ venueId, requestId });
    await expect.poll(() => board.getByTestId("board-getting").getByRole("listitem").count(), { timeout: 20_000 }).toBe(8);
    await expect.poll(() => board.getByTestId("board-ready").getByRole("listitem").count()).toBe(7);

    for (const [width, height] of [
      [1280, 800],
      [1920, 1080],
    ] as const) {
      await board.setViewportSize({ width, height });
      for (const name of ["board-getting", "board-ready"]) {
        const column = (await board.getByTestId(name).boundingBox())!;
        for (const item of await board.getByTestId(name).getByRole("listitem").all()) {
          // Whole, inside its column and on the screen: the number and its rail place.
          const box = (await item.boundingBox())!;
          expect(box.x).toBeGreaterThanOrEqual(column.x);
          expect(box.x + box.width).toBeLessThanOrEqual(column.x + column.width + 1);
          expect(box.y + box.height).toBeLessThanOrEqual(height);
          expect(await item.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
        }
      }
      await saveScreenshot(board, `web/pickup-board-3-rush-${width}x${height}`);
    }
    await board.setViewportSize({ width: 1280, height: 800 });
  });

  it("a revoked board link turns the board into a clear 'no longer works' screen within seconds", async () => {
    await admin.api.pickup.revokeBoard.mutate({ boardId });
    await board.getByText("This board link no longer works").waitFor({ timeout: 15_000 });
    expect(await board.getByText("Ask an admin for a new one.").isVisible()).toBe(true);
    expect(await board.getByTestId("board-ready").count()).toBe(0);
    await saveScreenshot(board, "web/pickup-board-4-revoked");

    // Opened afresh, the revoked link says the same at once.
    await board.reload();
    await board.getByText("This board link no longer works").waitFor();
  });

  it("ran under the host's Content-Security-Policy with nothing refused", () => {
    expect(cspViolations.flat()).toEqual([]);
  });

  // Last: it takes the host down.
  it("a board whose connection drops keeps its numbers and says only 'reconnecting…'", async () => {
    const created = await admin.api.pickup.createBoard.mutate({ venueId, label: "Second screen" });
    await board.goto(`/board${new URL(created.link).hash}`);
    await expect.poll(() => board.getByTestId("board-ready").getByRole("listitem").count()).toBe(7);
    expect(await board.getByText("reconnecting…").count()).toBe(0);
    await host.kill();
    await board.getByText("reconnecting…").waitFor({ timeout: 20_000 });
    expect(await board.getByTestId("board-ready").getByRole("listitem").count()).toBe(7);
    expect(await board.getByText("This board link no longer works").count()).toBe(0);
  });
});
