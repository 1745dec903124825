import { browserAvailable, launchBrowser, saveScreenshot, startHost, type RunningHost } from "@qrcoats/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe.runIf(browserAvailable())("admin app", () => {
  let host: RunningHost;
  let browser: Browser;
  beforeAll(async () => {
    [host, browser] = await Promise.all([startHost(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it("opens from the host under /admin and shows the server's health answer", async () => {
    const page = await browser.newPage({ baseURL: host.url });
    await page.goto("/admin");
    expect(new URL(page.url()).pathname).toBe("/admin/");
    await expect.poll(() => page.getByTestId("health-status").textContent()).toBe("ok");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("QRcoats Admin");
    await saveScreenshot(page, "admin/health");
    await page.close();
  });
});
