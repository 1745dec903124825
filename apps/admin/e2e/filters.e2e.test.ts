import { browserAvailable, launchBrowser, saveScreenshot, startHost, type RunningHost } from "@qrcoats/testing";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * A list's filters live in its URL: an admin can reload a filtered list, or send it as a link,
 * and find the same filters and the same rows. Runs on the demo organization, which has people,
 * tasks and events enough to filter.
 */
describe.runIf(browserAvailable())("admin app: filters kept in the URL", () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    [host, browser] = await Promise.all([startHost({ DEMO_DATA: "on" }), launchBrowser()]);
    const context = await browser.newContext({ baseURL: host.url, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    await page.goto("/admin/signin");
    await page.getByLabel("Email").fill("ada@demo.qrcoats.example");
    await page.getByLabel("Password").fill("velvet rope coat check");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Demo Nightclub" }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  /** The first cell of each body row: whom or what the list shows. */
  const rowsOf = (table: Locator) => table.locator("tbody tr td:first-child").allTextContents();
  const chosen = (label: string) =>
    page.getByLabel(label, { exact: true }).evaluate((select: HTMLSelectElement) => select.selectedOptions[0]!.text);

  it("filters set on the employees list survive a reload, with the same rows; typing does not pile up history", async () => {
    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Employees", exact: true }).click();
    const table = page.getByTestId("employees-table");
    await expect.poll(() => rowsOf(table).then((rows) => rows.length)).toBe(4);

    await page.getByLabel("Status", { exact: true }).selectOption({ label: "Invited" });
    await page.getByLabel("Venue", { exact: true }).selectOption({ label: "Rooftop Bar" });
    const historyBefore = await page.evaluate(() => history.length);
    await page.getByLabel("Search").pressSequentially("dev");
    await expect.poll(() => rowsOf(table)).toEqual(["Dev Dara"]);
    expect(await page.evaluate(() => history.length)).toBe(historyBefore);
    expect(new URL(page.url()).searchParams.get("search")).toBe("dev");

    await page.reload();
    await expect.poll(() => rowsOf(table)).toEqual(["Dev Dara"]);
    expect(await page.getByLabel("Search").inputValue()).toBe("dev");
    expect(await chosen("Status")).toBe("Invited");
    expect(await chosen("Venue")).toBe("Rooftop Bar");

    await page.getByLabel("Search").fill("");
    await page.getByLabel("Status", { exact: true }).selectOption({ label: "Any status" });
    await page.getByLabel("Venue", { exact: true }).selectOption({ label: "All venues" });
    await expect.poll(() => rowsOf(table).then((rows) => rows.length)).toBe(4);
    // An unfiltered list has a clean address.
    expect(new URL(page.url()).search).toBe("");
  });

  it("a period changed on the performance page survives a reload, both ends fixed", async () => {
    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Performance", exact: true }).click();
    await page.getByTestId("leaderboard-table").waitFor();
    // A week instead of the default 30 days: the API bounds how long a period may be.
    const to = await page.getByLabel("To").inputValue();
    const weekBefore = new Date(new Date(to).getTime() - 7 * 24 * 3600_000);
    const from = new Date(weekBefore.getTime() - weekBefore.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel("From").fill(from);
    await expect.poll(() => new URL(page.url()).searchParams.get("from")).toBe(from);
    await page.reload();
    await page.getByTestId("leaderboard-table").waitFor();
    expect(await page.getByLabel("From").inputValue()).toBe(from);
    expect(await page.getByLabel("To").inputValue()).toBe(to);
    expect(new URL(page.url()).searchParams.get("to")).toBe(to);
    expect(await page.getByRole("alert").count()).toBe(0);
  });

  it("a link with filters opens the list already filtered", async () => {
    await page.goto("/admin/tasks?status=TODO&overdue=yes");
    const tasks = page.getByTestId("tasks-table");
    await expect.poll(() => tasks.locator("tbody tr").count()).toBe(1);
    expect(await tasks.locator("tbody tr").textContent()).toContain("Count the cash float");
    expect(await chosen("Status")).toBe("To do");
    expect(await page.getByLabel("Overdue only").isChecked()).toBe(true);
    await saveScreenshot(page, "admin/filters-01-tasks-from-link");

    await page.goto("/admin/audit?type=SIGN_IN_FAILED");
    const audit = page.getByTestId("audit-table");
    await audit.waitFor();
    expect(await chosen("Event")).toBe("Sign-in failed");
    const events = await audit.locator("tbody tr td:nth-child(2)").allTextContents();
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events)).toEqual(new Set(["Sign-in failed"]));

    // A stale or hand-edited value is ignored rather than sent to the API to be refused.
    await page.goto("/admin/audit?type=NO_SUCH_EVENT");
    await audit.waitFor();
    expect(await chosen("Event")).toBe("Every event");
    expect(await page.getByRole("alert").count()).toBe(0);
  });
});
