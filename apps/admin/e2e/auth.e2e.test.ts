import { browserAvailable, launchBrowser, saveScreenshot, startHost, type RunningHost } from "@qrcoats/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PASSWORD = "correct horse battery staple 42";

describe.runIf(browserAvailable())("admin app: accounts", () => {
  let host: RunningHost;
  let browser: Browser;
  beforeAll(async () => {
    [host, browser] = await Promise.all([startHost(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it("a new admin starts an organization, signs out and back in", async () => {
    const page = await browser.newPage({ baseURL: host.url });
    page.setDefaultTimeout(10_000);
    await page.goto("/admin/");
    await page.getByRole("heading", { name: "Sign in to the admin panel" }).waitFor();
    await page.getByRole("link", { name: "Start your organization" }).click();
    await page.getByLabel("Organization name").fill("Club Aurora");
    await page.getByLabel("Your name").fill("Ona Owner");
    await page.getByLabel("Email").fill("ona@example.com");
    await page.getByLabel("Password").fill(PASSWORD);
    await saveScreenshot(page, "admin/auth-1-start-organization");
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.getByRole("heading", { name: "Club Aurora" }).waitFor();
    expect(await page.getByTestId("signed-in-as").textContent()).toBe("Ona Owner · Club Aurora");
    await saveScreenshot(page, "admin/auth-2-dashboard");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to the admin panel" }).waitFor();
    await page.getByLabel("Email").fill("ona@example.com");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Club Aurora" }).waitFor();
    await page.close();
  });

  it("tells someone who is not an admin, plainly, that the panel is not for them", async () => {
    const signup = await browser.newPage({ baseURL: host.url });
    await signup.goto("/signup");
    await signup.getByLabel("Your name").fill("Gil Guest");
    await signup.getByLabel("Email").fill("gil@example.com");
    await signup.getByLabel("Password").fill(PASSWORD);
    await signup.getByRole("button", { name: "Create account" }).click();
    await signup.getByRole("heading", { name: "Hello, Gil Guest" }).waitFor();

    await signup.goto("/admin/");
    await signup.getByRole("heading", { name: "This panel is for admins" }).waitFor();
    expect(await signup.getByRole("status").first().textContent()).toContain("guest account");
    await saveScreenshot(signup, "admin/auth-3-not-an-admin");
    await signup.close();
  });
});
