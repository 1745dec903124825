import {
  browserAvailable,
  launchBrowser,
  linkPath,
  newPhoneContext,
  saveScreenshot,
  sharedKeys,
  startHost,
  startMailServer,
  type MailServer,
  type RunningHost,
} from "@qrcoats/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PASSWORD = "correct horse battery staple 42";

/** Starts an organization in the panel, as a new admin does, on a phone. */
async function startOrganization(page: Page, organization: string, email: string) {
  await page.goto("/admin/signup");
  await page.getByLabel("Organization name").fill(organization);
  await page.getByLabel("Your name").fill("Ada Admin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create organization" }).click();
  await page.getByRole("heading", { name: organization }).waitFor();
}

async function invite(page: Page, name: string, email: string) {
  await page.goto("/admin/employees");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await page.getByText(`${name} was invited`).waitFor();
}

const row = (page: Page, text: string) => page.getByTestId("messages-list").getByRole("listitem").filter({ hasText: text });

/**
 * The admin's Messages section over a real SMTP server: what left, what a mail server
 * refused and why, sending it again, and an invitation's link copied from the panel.
 */
describe.runIf(browserAvailable())("admin app: messages", () => {
  let browser: Browser;
  let mail: MailServer;
  let host: RunningHost;

  beforeAll(async () => {
    [browser, mail] = await Promise.all([launchBrowser(), startMailServer()]);
    host = await startHost({ SMTP_URL: mail.url, MAIL_FROM: "Velvet Coats <coats@velvet.example>" });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await mail?.stop();
  });

  it("shows what was sent and what a mail server refused with its reason; the refused one goes once sent again", async () => {
    const context = await newPhoneContext(browser, host.url);
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const admin = await context.newPage();
    await startOrganization(admin, "Velvet Group", "ada@velvet.example");

    mail.refuse("nobody@velvet.example", 550);
    await invite(admin, "Ben Attendant", "ben@velvet.example");
    await invite(admin, "Noah Nobody", "nobody@velvet.example");
    await mail.waitFor("ben@velvet.example");

    await admin.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Messages", exact: true }).click();
    await admin.getByRole("heading", { level: 1, name: "Messages" }).waitFor();
    await admin.getByText("Email is sent from Velvet Coats <coats@velvet.example>.").waitFor();
    await expect.poll(() => row(admin, "ben@velvet.example").textContent(), { timeout: 15_000 }).toContain("Sent");
    await expect.poll(() => row(admin, "nobody@velvet.example").textContent(), { timeout: 15_000 }).toContain("Failed");
    const refused = (await row(admin, "nobody@velvet.example").textContent())!;
    expect(refused).toContain("550");
    expect(refused).not.toContain("nobody@velvet.example550");
    // Nothing on the page is a link with a token.
    expect(await admin.content()).not.toMatch(/accept-invitation\?token=/);
    await saveScreenshot(admin, "admin/messages-1-sent-and-failed");

    mail.accept("nobody@velvet.example");
    await row(admin, "nobody@velvet.example").getByRole("button", { name: "Send now" }).click();
    const received = await mail.waitFor("nobody@velvet.example");
    expect(received.subject).toContain("Velvet Group");
    await expect.poll(() => row(admin, "nobody@velvet.example").textContent(), { timeout: 15_000 }).toContain("Sent");
    expect(mail.received().filter((message) => message.to.includes("nobody@velvet.example"))).toHaveLength(1);

    // Copying the invitation's link leaves the emailed one working: either opens the invitation.
    await row(admin, "ben@velvet.example").getByRole("button", { name: "Copy invitation link" }).click();
    await row(admin, "ben@velvet.example").getByText("Copied.").waitFor();
    const copied = new URL(await admin.evaluate(() => navigator.clipboard.readText()));
    expect(copied.pathname).toBe("/accept-invitation");
    await saveScreenshot(admin, "admin/messages-2-link-copied");
    expect(linkPath(await mail.waitFor("ben@velvet.example"), "/accept-invitation")).toBe(`${copied.pathname}${copied.search}`);

    const ben = await (await newPhoneContext(browser, host.url)).newPage();
    await ben.goto(`${copied.pathname}${copied.search}`);
    await ben.getByLabel("Choose a password").fill(PASSWORD);
    await ben.getByRole("button", { name: "Join and sign in" }).click();
    await ben.waitForURL(/\/counter$/);
  });
});

describe.runIf(browserAvailable())("admin app: a production host without a mail server", () => {
  let browser: Browser;
  let host: RunningHost;

  beforeAll(async () => {
    [browser, host] = await Promise.all([launchBrowser(), startHost({ NODE_ENV: "production", ...sharedKeys().env })]);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it("says so where an admin invites, and the copied link is how the attendant joins", async () => {
    const context = await newPhoneContext(browser, host.url);
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const admin = await context.newPage();
    await startOrganization(admin, "Cellar Club", "ada@cellar.example");
    await invite(admin, "Cleo Cellar", "cleo@cellar.example");
    await admin.getByText("This host sends no email: copy their link and send it to them yourself.").waitFor();
    await admin.getByText("No mail server is configured on this host").first().waitFor();
    await admin.getByRole("button", { name: "Copy invitation link" }).click();
    await admin.getByText("Copied.").waitFor();
    await saveScreenshot(admin, "admin/messages-3-no-mail-server-invite");
    const copied = new URL(await admin.evaluate(() => navigator.clipboard.readText()));

    await admin.goto("/admin/messages");
    await expect.poll(() => row(admin, "cleo@cellar.example").textContent()).toContain("Waiting to send");
    await saveScreenshot(admin, "admin/messages-4-no-mail-server-list");

    const cleo = await (await newPhoneContext(browser, host.url)).newPage();
    await cleo.goto(`${copied.pathname}${copied.search}`);
    await cleo.getByLabel("Choose a password").fill(PASSWORD);
    await cleo.getByRole("button", { name: "Join and sign in" }).click();
    await cleo.waitForURL(/\/counter$/);
  });
});
