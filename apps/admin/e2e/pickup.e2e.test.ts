import {
  browserAvailable,
  launchBrowser,
  newPhoneContext,
  openEventStream,
  saveScreenshot,
  startHost,
  type RunningHost,
} from "@qrcoats/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PASSWORD = "correct horse battery staple 42";

/**
 * The closing rush as an admin sets it up (docs/pickup.md), on a phone: the venue's pickup
 * settings, and the pickup board links whose secret the panel shows once.
 */
describe.runIf(browserAvailable())("admin app: the closing rush", () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [host, browser] = await Promise.all([startHost(), launchBrowser()]);
    const context = await newPhoneContext(browser, host.url);
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    page = await context.newPage();
    await page.goto("/admin/signup");
    await page.getByLabel("Organization name").fill("Velvet Group");
    await page.getByLabel("Your name").fill("Ada Admin");
    await page.getByLabel("Email").fill("ada@velvet.example");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.getByRole("heading", { name: "Velvet Group" }).waitFor();
    await page.goto("/admin/venues");
    await page.getByLabel("Venue name").fill("Velvet Room");
    await page.getByLabel("Time zone").fill("Europe/Berlin");
    await page.getByRole("button", { name: "Add venue" }).click();
    await page.getByRole("heading", { level: 1, name: "Velvet Room" }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  const rush = () => page.getByRole("group", { name: "Closing rush" });
  /** What a screen that opens the link is first told by the server: its board, or a refusal. */
  async function boardAnswer(link: string) {
    const token = new URL(link).hash.slice(1);
    const url = `${host.url}/trpc/pickup.board?input=${encodeURIComponent(JSON.stringify({ json: { token } }))}`;
    const stream = await openEventStream(url).catch((error: unknown) => String(error));
    if (typeof stream === "string") return stream;
    const first = await stream.waitFor((event) => event.data !== "" && event.event !== "connected" && event.event !== "ping");
    await stream.close();
    return first?.data ?? "nothing";
  }

  it("changes the venue's closing-rush settings and when guests pay; the API's field errors show beside their fields, and what was saved stays", async () => {
    // A new venue starts with the server's defaults.
    expect(await rush().getByLabel("Guests may ask for their coat ahead").isChecked()).toBe(true);
    expect(await rush().getByLabel("Queue cap").inputValue()).toBe("20");
    expect(await rush().getByLabel("Hold on the rail (minutes)").inputValue()).toBe("15");
    expect(
      await rush()
        .getByRole("radio", { name: /Back to its slot/ })
        .isChecked(),
    ).toBe(true);

    await rush().getByLabel("Queue cap").fill("-1");
    await rush().getByLabel("Hold on the rail (minutes)").fill("300");
    await page.getByRole("button", { name: "Save changes" }).click();
    await rush().getByText("It cannot be negative (0 means no cap).").waitFor();
    await rush().getByText("At most 4 hours (240 minutes).").waitFor();
    expect(await rush().getByLabel("Queue cap").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByText("Saved.").count()).toBe(0);
    await saveScreenshot(page, "admin/pickup-00-settings-errors");

    await rush().getByLabel("Guests may ask for their coat ahead").uncheck();
    await rush().getByLabel("Queue cap").fill("4");
    await rush().getByLabel("Hold on the rail (minutes)").fill("20");
    await rush()
      .getByRole("radio", { name: /Stays on the rail/ })
      .check();
    // A new venue takes payment at the hand-back; this one now at check-in.
    expect(await page.getByRole("radio", { name: /When they take the coat back/ }).isChecked()).toBe(true);
    await page.getByRole("radio", { name: /When they hand the coat over/ }).check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Saved.").waitFor();
    expect(await rush().getByLabel("Queue cap").getAttribute("aria-invalid")).toBeNull();

    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Velvet Room" }).waitFor();
    expect(await rush().getByLabel("Guests may ask for their coat ahead").isChecked()).toBe(false);
    expect(await rush().getByLabel("Queue cap").inputValue()).toBe("4");
    expect(await rush().getByLabel("Hold on the rail (minutes)").inputValue()).toBe("20");
    expect(
      await rush()
        .getByRole("radio", { name: /Stays on the rail/ })
        .isChecked(),
    ).toBe(true);
    expect(
      await rush()
        .getByRole("radio", { name: /Back to its slot/ })
        .isChecked(),
    ).toBe(false);
    expect(await page.getByRole("radio", { name: /When they hand the coat over/ }).isChecked()).toBe(true);
    expect(await page.getByRole("radio", { name: /When they take the coat back/ }).isChecked()).toBe(false);
    await saveScreenshot(page, "admin/pickup-01-settings");

    await rush().getByLabel("Guests may ask for their coat ahead").check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Saved.").waitFor();
  });

  it("makes a board link, shows it once with a QR, lists it, and revokes it after a confirm step", async () => {
    const boards = page.getByRole("heading", { level: 2, name: "Pickup boards" }).locator("xpath=ancestor::section[1]");
    await boards.getByText("No board links yet").waitFor();
    await boards.getByRole("button", { name: "Make a board link" }).click();
    await boards.getByText("Name the screen, e.g. “Main counter”.").waitFor();

    await boards.getByLabel("Screen name").fill("Main counter");
    await boards.getByRole("button", { name: "Make a board link" }).click();
    const made = boards.getByRole("region", { name: "New board link for Main counter" });
    await made.getByText("it will not be shown again").waitFor();
    const link = await made.getByLabel("Board link").inputValue();
    // The host's public address, whatever it is: the secret is after "#", never sent to a server.
    expect(new URL(link).pathname).toBe("/board");
    expect(new URL(link).hash).toMatch(/^#[\w-]{40,}$/);
    await made.getByRole("img", { name: "QR code of the board link for Main counter" }).waitFor();
    await made.getByRole("button", { name: "Copy link" }).click();
    await made.getByText("Copied.").waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    // Listed at once, as active, while its link is still on screen.
    const row = boards.getByRole("listitem", { name: "Main counter" });
    await row.getByText("Active").waitFor();
    await saveScreenshot(page, "admin/pickup-02-board-link");

    // The link is what a screen by the counter opens: it shows the venue's board.
    expect(await boardAnswer(link)).toContain('"venueName":"Velvet Room"');

    // Once put away, the secret is nowhere in the panel again, not even after a reload.
    const secret = new URL(link).hash.slice(1);
    await made.getByRole("button", { name: "Done, I have it" }).click();
    await made.waitFor({ state: "detached" });
    await page.reload();
    await row.getByText("Active").waitFor();
    expect(await row.textContent()).toMatch(/Made \w+/);
    expect(await page.content()).not.toContain(secret);

    // Revoking asks first, in the page; keeping it changes nothing.
    await row.getByRole("button", { name: "Revoke…" }).click();
    const confirm = row.getByRole("group", { name: "Revoke Main counter" });
    await confirm.getByText("the link stops working for good").waitFor();
    await confirm.getByRole("button", { name: "Keep it" }).click();
    await confirm.waitFor({ state: "detached" });
    await row.getByText("Active").waitFor();

    await row.getByRole("button", { name: "Revoke…" }).click();
    await confirm.getByRole("button", { name: "Revoke the link" }).click();
    await row.getByText("Revoked", { exact: true }).waitFor();
    expect(await row.textContent()).toMatch(/revoked \w+/);
    expect(await row.getByRole("button", { name: "Revoke…" }).count()).toBe(0);

    // A second screen keeps working beside the revoked one.
    await boards.getByLabel("Screen name").fill("Exit door");
    await boards.getByRole("button", { name: "Make a board link" }).click();
    await boards.getByRole("button", { name: "Done, I have it" }).click();
    await boards.getByRole("listitem", { name: "Exit door" }).getByText("Active").waitFor();
    await saveScreenshot(page, "admin/pickup-03-boards");

    const refused = await boardAnswer(link);
    expect(refused).toMatch(/This board link is not valid|401/);
    expect(refused).not.toContain("venueName");
  });
});
