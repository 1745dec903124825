import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createQRcoatsClient, type QRcoatsClient } from "@qrcoats/api/client";
import { browserAvailable, launchBrowser, newPhoneContext, saveScreenshot, startHost, type RunningHost } from "@qrcoats/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PASSWORD = "correct horse battery staple 42";
const WIDTH = 640;
const HEIGHT = 480;

/**
 * The counter's camera, with Chromium's fake camera filming a ticket's QR. Chromium on Linux
 * has no BarcodeDetector, so this reads through the jsQR fallback.
 */
describe.runIf(browserAvailable())("web app: scanning with the camera", () => {
  let host: RunningHost;
  let admin: QRcoatsClient;
  let browser: Browser | undefined;
  let ticket: { number: number; svg: string };
  const videoDir = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-camera-"));

  beforeAll(async () => {
    host = await startHost();
    await fetch(`${host.url}/trpc/auth.register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { email: "ada@velvet.example", name: "Ada Admin", password: PASSWORD } }),
    });
    admin = createQRcoatsClient({ url: `${host.url}/trpc`, email: "ada@velvet.example", password: PASSWORD });
    await admin.api.org.create.mutate({ name: "Velvet Group" });
    const venue = await admin.api.venue.create.mutate({
      name: "Velvet Room",
      timezone: "Europe/Berlin",
      opensAt: "22:00",
      closesAt: "05:00",
    });
    await admin.api.rack.create.mutate({ venueId: venue.id, name: "Rack A", slotCount: 10 });
    // Counter actions count on a shift: the admin issues the ticket and works the counter on one.
    await admin.api.shift.clockIn.mutate({ venueId: venue.id });
    ticket = await admin.api.qr.issueWalkIn.mutate({ venueId: venue.id });
  });
  afterAll(async () => {
    await admin?.signOut().catch(() => {});
    await browser?.close();
    await host?.stop();
    fs.rmSync(videoDir, { recursive: true, force: true });
  });

  it("an attendant points the camera at a ticket and gets its slot", async () => {
    const video = path.join(videoDir, "ticket.y4m");
    fs.writeFileSync(video, await filmOf(ticket.svg));
    browser = await launchBrowser([
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-video-capture=${video}`,
    ]);
    const context = await newPhoneContext(browser, host.url);
    await context.grantPermissions(["camera"], { origin: host.url });
    const page = await context.newPage();
    await page.goto("/signin?next=/counter");
    await page.getByLabel("Email").fill("ada@velvet.example");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByLabel("Scan or type a ticket code").waitFor();

    await page.getByRole("button", { name: "Use camera" }).click();
    await page.getByLabel("Camera view for scanning").waitFor();
    await page.getByRole("button", { name: "Check in on hook 1 (Rack A)" }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole("region", { name: `Ticket ${ticket.number}` }).isVisible()).toBe(true);
    await saveScreenshot(page, "web/camera-1-scanned");
    await page.getByRole("button", { name: "Stop camera" }).click();
    expect(await page.getByLabel("Camera view for scanning").count()).toBe(0);
  });

  /**
   * A short grey-scale Y4M film of the QR on white, as Chromium's fake camera plays it; the
   * QR is drawn by a browser page, so the test needs no image library.
   */
  async function filmOf(svg: string): Promise<Buffer> {
    const painter = await launchBrowser();
    try {
      const page = await painter.newPage();
      const luma = await page.evaluate(
        async ({ svg, width, height }) => {
          const image = new Image();
          image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
          await image.decode();
          const canvas = document.createElement("canvas");
          canvas.width = width;
          canvas.height = height;
          const context = canvas.getContext("2d")!;
          context.fillStyle = "#fff";
          context.fillRect(0, 0, width, height);
          const side = Math.round(height * 0.8);
          context.drawImage(image, (width - side) / 2, (height - side) / 2, side, side);
          const { data } = context.getImageData(0, 0, width, height);
          return Array.from({ length: width * height }, (_, i) =>
            Math.round(0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!),
          );
        },
        { svg, width: WIDTH, height: HEIGHT },
      );
      const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
      const frame = Buffer.concat([Buffer.from("FRAME\n"), Buffer.from(luma), chroma]);
      return Buffer.concat([Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]);
    } finally {
      await painter.close();
    }
  }
});
