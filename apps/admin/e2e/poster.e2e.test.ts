import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { QRcoatsClient } from "@qrcoats/api/client";
import {
  browserAvailable,
  launchBrowser,
  newPhoneContext,
  openVelvetRoom,
  saveScreenshot,
  startHost,
  TEST_PASSWORD,
  type RunningHost,
} from "@qrcoats/testing";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Where the screens of this change are kept for review, besides test-artifacts/. */
const SHOTS = process.env.GUEST_SHOTS_DIR;
const run = promisify(execFile);

/**
 * The poster link in the panel (docs/guests.md): an admin makes the link, replaces it (the
 * old poster stops working) and prints the poster, one A4 page with the QR guests scan.
 */
describe.runIf(browserAvailable())("admin app: the venue's poster link and poster", () => {
  let host: RunningHost;
  let browser: Browser;
  let admin: QRcoatsClient;
  let page: Page;
  let venueId: string;

  beforeAll(async () => {
    [host, browser] = await Promise.all([startHost(), launchBrowser()]);
    ({ admin, venueId } = await openVelvetRoom(host, { venue: { priceCents: 300 } }));
    // The admin at the bar, on a phone.
    const context = await newPhoneContext(browser, host.url);
    page = await context.newPage();
    await page.goto("/admin/signin");
    await page.getByLabel("Email").fill("ada@velvet.example");
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Velvet Group" }).waitFor();
  });
  afterAll(async () => {
    await admin?.signOut().catch(() => {});
    await browser?.close();
    await host?.stop();
  });

  /** The whole page, and the poster link panel alone where the page is long. */
  async function shot(name: string, focus?: Locator) {
    const file = await saveScreenshot(page, `admin/poster-${name}`);
    if (SHOTS) {
      fs.mkdirSync(SHOTS, { recursive: true });
      fs.copyFileSync(file, path.join(SHOTS, `admin-${name}.png`));
      if (focus) await focus.screenshot({ path: path.join(SHOTS, `admin-${name}-panel.png`) });
    }
  }

  // The innermost section holding the heading: the panel, not the page around it.
  const panel = () => page.locator("section", { has: page.getByRole("heading", { name: "Poster link", exact: true }) }).last();
  const shownLink = () => page.getByTestId("poster-link").textContent();
  const linkId = (url: string) => url.slice(url.lastIndexOf("/") + 1);

  it("makes a poster link, and replacing it retires the old one", async () => {
    await page.goto(`/admin/venues/${venueId}`);
    await page.getByRole("heading", { level: 1, name: "Velvet Room" }).waitFor();
    await panel().getByText("No poster link yet").waitFor();
    await panel().scrollIntoViewIfNeeded();
    await shot("1-no-link", panel());

    await panel().getByRole("button", { name: "Make a poster link" }).click();
    const first = (await panel().getByTestId("poster-link").textContent())!;
    expect(first).toMatch(/^http:\/\/[^/]+\/v\/[A-Za-z0-9_-]{24}$/);
    expect((await admin.api.venue.byGuestLink.query({ link: linkId(first) })).name).toBe("Velvet Room");
    await shot("2-link", panel());

    await panel().getByRole("button", { name: "Replace link…" }).click();
    await page.getByText("Posters with the old link stop giving tickets at once").waitFor();
    await shot("3-replace-confirm", panel());
    await page.getByRole("group", { name: "Replace the poster link" }).getByRole("button", { name: "Replace the link" }).click();
    await expect.poll(shownLink).not.toBe(first);
    const second = (await shownLink())!;
    await expect(admin.api.venue.byGuestLink.query({ link: linkId(first) })).rejects.toThrow(
      "This poster link no longer works: ask at the cloakroom for a new one.",
    );
    expect((await admin.api.venue.byGuestLink.query({ link: linkId(second) })).name).toBe("Velvet Room");
  });

  it("prints the poster on one A4 page with the venue, its QR, the promise and the price", async () => {
    await panel().getByRole("link", { name: "Print poster" }).click();
    const poster = page.getByRole("article", { name: "Poster" });
    await poster.getByRole("heading", { name: "Velvet Room" }).waitFor();
    await poster.getByText("Scan for your coat ticket — no app, no account").waitFor();
    await poster.getByText("€3.00 per item").waitFor();
    const link = (await shownOnPoster())!;
    expect(await poster.getByRole("img", { name: "QR code of Velvet Room's poster link" }).count()).toBe(1);
    await shot("4-poster-page");

    await page.emulateMedia({ media: "print" });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "poster-"));
    const pdf = path.join(dir, "poster.pdf");
    await page.pdf({ path: pdf, format: "A4", printBackground: true, preferCSSPageSize: true });
    await page.emulateMedia({ media: "screen" });
    const { stdout: info } = await run("pdfinfo", [pdf]);
    expect(info).toMatch(/^Pages:\s+1$/m);
    expect(info).toMatch(/^Page size:\s+59\d(\.\d+)? x 841(\.\d+)? pts \(A4\)/m);
    await run("pdftoppm", ["-png", "-r", "60", pdf, path.join(dir, "poster")]);
    const png = fs.readdirSync(dir).find((name) => name.endsWith(".png"))!;
    const saved = path.join(process.cwd(), "test-artifacts", "admin", "poster-5-printed.png");
    fs.mkdirSync(path.dirname(saved), { recursive: true });
    fs.copyFileSync(path.join(dir, png), saved);
    if (SHOTS) fs.copyFileSync(saved, path.join(SHOTS, "admin-5-printed-a4.png"));
    expect(link).toMatch(/\/v\/[A-Za-z0-9_-]{24}$/);
  });

  const shownOnPoster = () => page.getByRole("article", { name: "Poster" }).locator("p.font-mono").textContent();
});
