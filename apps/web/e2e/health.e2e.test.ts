import {
  browserAvailable,
  launchBrowser,
  newPhoneContext,
  recordCspViolations,
  saveScreenshot,
  startHost,
  type RunningHost,
} from "@qrcoats/testing";
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
    // A guest's screen: the status, not the release or the migration names.
    expect(await page.getByLabel("Server health").textContent()).not.toMatch(/migrations|Version/);
    await saveScreenshot(page, "web/health");
    await context.close();
  });

  it("runs under the host's Content-Security-Policy, which refuses what the app does not use", async () => {
    const context = await newPhoneContext(browser, host.url);
    const violations = recordCspViolations(context);
    const page = await context.newPage();
    await page.goto("/");
    await expect.poll(() => page.getByTestId("health-status").textContent()).toBe("ok");
    expect(violations).toEqual([]);
    // An injected inline script is what the policy exists to stop, and the recorder sees it.
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.injected = true";
      document.body.append(script);
    });
    await expect.poll(() => violations.length).toBe(1);
    expect(await page.evaluate(() => "injected" in window)).toBe(false);
    await context.close();
  });
});
