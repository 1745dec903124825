import { browserAvailable, launchBrowser, newPhoneContext, saveScreenshot, startHost, type RunningHost } from "@qrcoats/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe.runIf(browserAvailable())("web app", () => {
  let host: RunningHost;
  let browser: Browser;
  beforeAll(async () => {
    [host, browser] = await Promise.all([startHost(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it("opens from the host and shows the server's health answer", async () => {
    const context = await newPhoneContext(browser, host.url);
    const page = await context.newPage();
    await page.goto("/");
    await expect.poll(() => page.getByTestId("health-status").textContent()).toBe("ok");
    expect(await page.getByRole("link", { name: "QRcoats" }).textContent()).toBe("QRcoats");
    expect(await page.getByLabel("Server health").textContent()).toMatch(/migrations at \d{14}_\w+/);
    await saveScreenshot(page, "web/health");
    await context.close();
  });
});
