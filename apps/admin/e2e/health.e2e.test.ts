import { browserAvailable, launchBrowser, saveScreenshot, startHost, type RunningHost } from "@qrcoats/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe.runIf(browserAvailable())("admin app", () => {
  let host: RunningHost;
  let browser: Browser;
  beforeAll(async () => {
    [host, browser] = await Promise.all([startHost({ DEMO_DATA: "on" }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it("opens from the host under /admin and, signed in as the demo admin, shows the server's health answer", async () => {
    const page = await browser.newPage({ baseURL: host.url });
    page.setDefaultTimeout(10_000);
    await page.goto("/admin");
    expect(new URL(page.url()).pathname).toBe("/admin/");
    expect(host.output()).toContain('Demo sign-ins (password for all: "velvet rope coat check")');
    await page.getByLabel("Email").fill("ada@demo.qrcoats.example");
    await page.getByLabel("Password").fill("velvet rope coat check");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Demo Nightclub" }).waitFor();
    await page.getByTestId("health-status").filter({ hasText: "ok" }).waitFor();
    expect(await page.getByLabel("Server health").textContent()).toMatch(/migrations at \d{14}_\w+/);
    await saveScreenshot(page, "admin/health");
    await page.close();
  });
});
