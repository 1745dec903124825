import {
  browserAvailable,
  launchBrowser,
  linkPath,
  newPhoneContext,
  saveScreenshot,
  startHost,
  startMailServer,
  type MailServer,
  type RunningHost,
} from "@qrcoats/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PASSWORD = "correct horse battery staple 42";

describe.runIf(browserAvailable())("web app: accounts", () => {
  let host: RunningHost;
  let browser: Browser;
  let mail: MailServer;
  beforeAll(async () => {
    mail = await startMailServer();
    [host, browser] = await Promise.all([startHost({ SMTP_URL: mail.url, MAIL_FROM: "coats@velvet.example" }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await mail?.stop();
  });

  async function newPage(): Promise<Page> {
    return (await newPhoneContext(browser, host.url)).newPage();
  }

  it("a guest signs up, sees their name, signs out and back in", async () => {
    const page = await newPage();
    await page.goto("/");
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Your name").fill("Mira Guest");
    await page.getByLabel("Email").fill("mira@example.com");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("Use at least 10 characters.").waitFor();
    await saveScreenshot(page, "web/auth-1-signup-error");

    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("heading", { name: "Hello, Mira Guest" }).waitFor();
    expect(await page.getByTestId("signed-in-as").textContent()).toBe("Mira Guest");
    await saveScreenshot(page, "web/auth-2-signed-up");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await page.getByTestId("signed-in-as").count()).toBe(0);

    await page.getByLabel("Email").fill("mira@example.com");
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    expect(await page.getByRole("alert").textContent()).toBe("Email or password is incorrect.");
    await saveScreenshot(page, "web/auth-3-wrong-password");

    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Hello, Mira Guest" }).waitFor();
  });

  it("a forgotten password is reset through the emailed link", async () => {
    const setup = await newPage();
    await setup.goto("/signup");
    await setup.getByLabel("Your name").fill("Rita Reset");
    await setup.getByLabel("Email").fill("rita@example.com");
    await setup.getByLabel("Password").fill(PASSWORD);
    await setup.getByRole("button", { name: "Create account" }).click();
    await setup.getByRole("heading", { name: "Hello, Rita Reset" }).waitFor();

    const page = await newPage();
    await page.goto("/signin");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByLabel("Email").fill("rita@example.com");
    await page.getByRole("button", { name: "Send the link" }).click();
    await page.getByText("If an account exists for that email").waitFor();

    const link = linkPath(await mail.waitFor("rita@example.com"), "/reset-password");
    await page.goto(link);
    await page.getByLabel("New password").fill("violet umbrella marches north 7");
    await page.getByRole("button", { name: "Save the new password" }).click();
    await page.getByText("Your password is changed").waitFor();
    await saveScreenshot(page, "web/auth-4-password-reset");

    // The old session ended with the reset.
    await setup.reload();
    await setup.getByRole("link", { name: "Create an account" }).waitFor();

    await page.goto(link);
    await page.getByLabel("New password").fill("another fine passphrase 8");
    await page.getByRole("button", { name: "Save the new password" }).click();
    await page.getByText("This reset link is invalid or has expired.").waitFor();
  });
});
