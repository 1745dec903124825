import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { QRcoatsClient } from "@qrcoats/api/client";
import {
  acceptInvitation,
  browserAvailable,
  launchBrowser,
  newPhoneContext,
  openVelvetRoom,
  recordCspViolations,
  signedInClient,
  startHost,
  startMailServer,
  type MailServer,
  type RunningHost,
} from "@qrcoats/testing";
import jsQR from "jsqr";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ARTIFACTS = path.join(process.cwd(), "test-artifacts", "print");

type Issued = { number: number; code: string };

/**
 * A walk-in guest with no phone at a counter phone (390×844): the ticket is issued, its coat
 * checked in with one more tap, and the ticket printed on a receipt roll through the
 * browser's print dialog — one ticket per piece of roll, a QR that decodes from the paper,
 * and nothing of the screen on it.
 */
describe.runIf(browserAvailable())("web app: paper walk-in tickets", () => {
  let host: RunningHost;
  let browser: Browser;
  let mail: MailServer;
  let admin: QRcoatsClient;
  let ben: QRcoatsClient;
  let venueId: string;
  let context: BrowserContext;
  let page: Page;
  let violations: string[];

  beforeAll(async () => {
    fs.rmSync(ARTIFACTS, { recursive: true, force: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    mail = await startMailServer();
    [host, browser] = await Promise.all([startHost({ SMTP_URL: mail.url, MAIL_FROM: "coats@velvet.example" }), launchBrowser()]);
    ({ admin, venueId } = await openVelvetRoom(host, { venue: { priceCents: 250 }, rackSlots: 40 }));
    await admin.api.employee.create.mutate({ email: "ben@velvet.example", name: "Ben Attendant", venueIds: [venueId] });

    context = await newPhoneContext(browser, host.url);
    violations = recordCspViolations(context);
    // The OS print dialog is the one thing a test cannot answer: count the calls instead.
    await context.addInitScript(() => {
      const counted = window as unknown as { printCalls: number };
      counted.printCalls = 0;
      window.print = () => {
        counted.printCalls += 1;
      };
    });
    page = await context.newPage();
    await acceptInvitation(page, mail, "ben@velvet.example");
    ben = signedInClient(host, "ben@velvet.example");
    await ben.api.shift.clockIn.mutate({ venueId });
  });
  afterAll(async () => {
    await ben?.signOut().catch(() => {});
    await admin?.signOut().catch(() => {});
    await browser?.close();
    await host?.stop();
    await mail?.stop();
  });

  const synced = () =>
    expect.poll(() => page.getByTestId("sync-status").textContent(), { timeout: 15_000 }).toMatch(/^Online · synced \d\d:\d\d$/);
  const printCalls = () => page.evaluate(() => (window as unknown as { printCalls: number }).printCalls);
  /** The ticket as the server has it, once the device's queue has reached it. */
  const serverTicket = (number: number) =>
    expect.poll(async () => (await admin.api.qr.list.query({ venueId, number })).items[0], { timeout: 15_000 });

  async function openWalkIn() {
    await page.goto("/counter/walk-in");
    await page.getByRole("button", { name: "Issue the ticket" }).waitFor();
  }

  async function issueWalkIn(): Promise<Issued> {
    await page.getByRole("button", { name: "Issue the ticket" }).click();
    const number = Number(await page.getByTestId("walk-in-number").textContent());
    const code = (await page.getByTestId("walk-in-code").textContent())!.replaceAll(" ", "").toLowerCase();
    expect(code).toMatch(/^[a-z2-7]{40}$/);
    return { number, code };
  }

  async function paperWidth(width: "58" | "80") {
    const settings = page.getByText("Printer on this device");
    await settings.click();
    await page.getByText(`${width} mm`, { exact: true }).click();
    await settings.click();
  }

  it("checks a walk-in's coat in with one tap after issuing, and shows the code as text", async () => {
    await synced();
    await openWalkIn();
    const ticket = await issueWalkIn();
    await page.getByRole("button", { name: "Check in now" }).click();
    await expect.poll(() => page.getByTestId("walk-in-slot").textContent()).toMatch(/^Hook \d+$/);
    const slot = Number((await page.getByTestId("walk-in-slot").textContent())!.replace("Hook ", ""));
    await page.screenshot({ path: path.join(ARTIFACTS, "walk-in-checked-in-390.png") });

    await serverTicket(ticket.number).toMatchObject({ state: "CHECKED_IN", slotNumber: slot });
    expect(await printCalls()).toBe(0);
  });

  it("asks for the payment at a venue that takes it at check-in: cash, card or pays at pickup", async () => {
    await admin.api.venue.update.mutate({ venueId, paymentTiming: "CHECK_IN" });
    // The counter learns the venue's rules with its next snapshot.
    await page.goto("/counter");
    await synced();
    await openWalkIn();
    const ticket = await issueWalkIn();
    expect(await page.getByRole("button", { name: "Check in now" }).count()).toBe(0);
    await page.getByRole("group", { name: /^Check in now/ }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, "walk-in-issued-pay-at-check-in-390.png") });
    await page.getByRole("button", { name: "Cash" }).click();
    await page.getByText("Paid (cash).").waitFor();
    await serverTicket(ticket.number).toMatchObject({ state: "CHECKED_IN", paymentStatus: "PAID_CASH" });

    const later = await (async () => {
      await page.getByRole("button", { name: "Another walk-in" }).click();
      await page.getByRole("button", { name: "Issue the ticket" }).click();
      return Number(await page.getByTestId("walk-in-number").textContent());
    })();
    await page.getByRole("button", { name: "Pays at pickup" }).click();
    await page.getByText("Pays at pickup.").waitFor();
    await serverTicket(later).toMatchObject({ state: "CHECKED_IN", paymentStatus: "UNPAID" });
  });

  for (const width of ["58", "80"] as const) {
    it(`prints the ticket alone on one piece of a ${width} mm roll, with a QR that reads from the paper`, async () => {
      await openWalkIn();
      await paperWidth(width);
      const ticket = await issueWalkIn();
      await page.getByRole("button", { name: `Print (${width} mm)` }).waitFor();
      if (width === "80") await page.screenshot({ path: path.join(ARTIFACTS, "walk-in-issued-390.png") });

      await page.emulateMedia({ media: "print" });
      const numberHeightMm = await page.evaluate(
        () => (document.querySelector(".print-roll .number")!.getBoundingClientRect().height * 25.4) / 96,
      );
      expect(numberHeightMm).toBeGreaterThan(20);
      await page.emulateMedia({ media: null });

      const pdf = path.join(ARTIFACTS, `ticket-${width}mm.pdf`);
      await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
      const info = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
      expect(info).toMatch(/^Pages:\s+1$/m);
      const [, widthPt, heightPt] = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info)!;
      expect(Number(widthPt) * (25.4 / 72)).toBeCloseTo(Number(width), 0);
      // As long as the ticket, not a sheet of A4.
      expect(Number(heightPt) * (25.4 / 72)).toBeLessThan(width === "58" ? 150 : 190);

      const text = execFileSync("pdftotext", [pdf, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
      expect(text).toContain("Velvet Room");
      expect(text).toContain(String(ticket.number));
      expect(text.replaceAll(" ", "").toLowerCase()).toContain(ticket.code);
      expect(text).toContain("Keep this ticket. Show it to collect your coat.");
      expect(text).toContain("2.50");
      for (const screenOnly of ["QRcoats", "Another walk-in", "Print (", "Check in now", "Done", "Counter", "Ben Attendant"]) {
        expect(text).not.toContain(screenOnly);
      }

      // What a receipt printer's 203 dpi head makes of it.
      execFileSync("pdftoppm", ["-png", "-r", "203", "-singlefile", pdf, pdf.replace(/\.pdf$/, "")]);
      const png = fs.readFileSync(pdf.replace(/\.pdf$/, ".png"));
      // The host's public address (PUBLIC_URL) and the ticket's own code: what a phone camera opens.
      expect(await decodeQr(png)).toBe(`http://localhost:${new URL(host.url).port}/t/${ticket.code}`);

      // A smudged QR: the attendant types the code as the paper shows it, in groups of four.
      const printedCode = /Code ((?:[A-Z2-7]{1,4} )+)/.exec(`${text} `)![1]!.trim();
      await page.goto("/counter");
      const field = page.getByLabel(/Scan or type/);
      await field.fill(printedCode);
      await field.press("Enter");
      await page.getByRole("region", { name: `Ticket ${ticket.number}` }).waitFor();
    });
  }

  it("with 'Print after issuing' on, issuing opens the print dialog at once, and the setting stays on this device", async () => {
    await openWalkIn();
    await page.getByText("Printer on this device").click();
    await page.getByLabel("Print after issuing").check();
    await page.screenshot({ path: path.join(ARTIFACTS, "walk-in-printer-settings-390.png") });
    await page.reload();
    await page.getByText("Printer on this device").click();
    expect(await page.getByLabel("Print after issuing").isChecked()).toBe(true);
    expect(await printCalls()).toBe(0);

    await issueWalkIn();
    await expect.poll(printCalls).toBe(1);
    await page.getByRole("button", { name: /^Print \(/ }).click();
    await expect.poll(printCalls).toBe(2);
    expect(violations).toEqual([]);
  });

  it("issues, checks in and prints with the network gone; the server has it once the network is back", async () => {
    await openWalkIn();
    await context.setOffline(true);
    await page.getByText("Offline, only a name").waitFor();
    const ticket = await issueWalkIn();
    await page.getByRole("button", { name: "Cash" }).click();
    await page.getByText("Paid (cash).").waitFor();
    const pdf = path.join(ARTIFACTS, "ticket-offline.pdf");
    await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
    execFileSync("pdftoppm", ["-png", "-r", "203", "-singlefile", pdf, pdf.replace(/\.pdf$/, "")]);
    expect(await decodeQr(fs.readFileSync(pdf.replace(/\.pdf$/, ".png")))).toMatch(new RegExp(`/t/${ticket.code}$`));
    await context.setOffline(false);
    await serverTicket(ticket.number).toMatchObject({ state: "CHECKED_IN", paymentStatus: "PAID_CASH" });
  });

  it("warns an attendant who is no longer clocked in before a walk-in is issued", async () => {
    await openWalkIn();
    expect(await page.getByText("You are not clocked in").count()).toBe(0);
    await ben.api.shift.clockOut.mutate();
    await openWalkIn();
    await page.getByText("You are not clocked in").waitFor();
    await page.getByRole("link", { name: "Clock in on the counter screen" }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, "walk-in-not-clocked-in-390.png") });
  });

  /** The PNG read back as a camera would: drawn on a canvas by the browser, decoded by the scanner's own jsQR. */
  async function decodeQr(png: Buffer): Promise<string | null> {
    const reader = await context.newPage();
    try {
      const pixels = await reader.evaluate(
        async (dataUrl) => {
          const image = new Image();
          image.src = dataUrl;
          await image.decode();
          const canvas = document.createElement("canvas");
          canvas.width = image.naturalWidth;
          canvas.height = image.naturalHeight;
          const drawing = canvas.getContext("2d")!;
          drawing.drawImage(image, 0, 0);
          const { data, width, height } = drawing.getImageData(0, 0, canvas.width, canvas.height);
          // Handed back as base64: millions of numbers as JSON would take the test most of a minute.
          let binary = "";
          for (let at = 0; at < data.length; at += 0x8000) binary += String.fromCharCode(...data.subarray(at, at + 0x8000));
          return { width, height, rgba: btoa(binary) };
        },
        `data:image/png;base64,${png.toString("base64")}`,
      );
      return jsQR(new Uint8ClampedArray(Buffer.from(pixels.rgba, "base64")), pixels.width, pixels.height)?.data ?? null;
    } finally {
      await reader.close();
    }
  }
});

/**
 * A counter with no set-aside hook: the venue's one hook is never leased (all counters
 * together hold at most half of the free ones). Online, "Check in now" asks the server for a
 * free hook, as the counter's own check-in does, and takes the payment with it.
 */
describe.runIf(browserAvailable())("web app: a walk-in checked in with no set-aside hook left", () => {
  let host: RunningHost;
  let browser: Browser;
  let mail: MailServer;
  let admin: QRcoatsClient;
  let ben: QRcoatsClient;
  let venueId: string;
  let page: Page;

  beforeAll(async () => {
    mail = await startMailServer();
    [host, browser] = await Promise.all([startHost({ SMTP_URL: mail.url, MAIL_FROM: "coats@velvet.example" }), launchBrowser()]);
    ({ admin, venueId } = await openVelvetRoom(host, { venue: { priceCents: 250, paymentTiming: "CHECK_IN" }, rackSlots: 1 }));
    await admin.api.employee.create.mutate({ email: "ben@velvet.example", name: "Ben Attendant", venueIds: [venueId] });
    page = await (await newPhoneContext(browser, host.url)).newPage();
    await acceptInvitation(page, mail, "ben@velvet.example");
    ben = signedInClient(host, "ben@velvet.example");
    await ben.api.shift.clockIn.mutate({ venueId });
  });
  afterAll(async () => {
    await ben?.signOut().catch(() => {});
    await admin?.signOut().catch(() => {});
    await browser?.close();
    await host?.stop();
    await mail?.stop();
  });

  it("online, 'Check in now' gets a hook from the server, paid in cash", async () => {
    await page.reload();
    await expect.poll(() => page.getByTestId("sync-status").textContent(), { timeout: 15_000 }).toMatch(/^Online · synced \d\d:\d\d$/);
    await page.goto("/counter/walk-in");
    await page.getByRole("button", { name: "Issue the ticket" }).click();
    const number = Number(await page.getByTestId("walk-in-number").textContent());
    await page
      .getByRole("group", { name: /^Check in now/ })
      .getByRole("button", { name: "Cash" })
      .click();
    await expect.poll(() => page.getByTestId("walk-in-slot").textContent(), { timeout: 15_000 }).toBe("Hook 1");
    await page.getByText("Paid (cash).").waitFor();
    expect(await page.getByText("set-aside hooks are all used").count()).toBe(0);
    fs.mkdirSync("/tmp/shots/fixes", { recursive: true });
    await page.screenshot({ path: "/tmp/shots/fixes/walk-in-server-hook.png" });
    await page.screenshot({ path: path.join(ARTIFACTS, "walk-in-server-hook-390.png") });
    await expect
      .poll(async () => (await admin.api.qr.list.query({ venueId, number })).items[0], { timeout: 15_000 })
      .toMatchObject({ state: "CHECKED_IN", slotNumber: 1, paymentStatus: "PAID_CASH" });
  });
});
