import { browserAvailable, launchBrowser, recordCspViolations, saveScreenshot, startHost, type RunningHost } from "@qrcoats/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The demo organization, section by section: every page renders its real data, and no error. */
describe.runIf(browserAvailable())("admin app: the demo organization", () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  let cspViolations: string[];
  beforeAll(async () => {
    [host, browser] = await Promise.all([startHost({ DEMO_DATA: "on" }), launchBrowser()]);
    const context = await browser.newContext({ baseURL: host.url, viewport: { width: 1280, height: 900 } });
    cspViolations = recordCspViolations(context);
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
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

  const open = async (link: string, heading: string) => {
    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: link, exact: true }).click();
    await page.getByRole("heading", { level: 1, name: heading }).waitFor();
  };
  const noErrors = async () => expect(await page.getByRole("alert").count()).toBe(0);

  it("the dashboard points at the overdue task", async () => {
    await page.getByRole("link", { name: /1 overdue task/ }).waitFor();
    await saveScreenshot(page, "admin/demo-01-dashboard");
  });

  it("venues, with racks and live occupancy", async () => {
    await open("Venues", "Venues");
    await page.getByRole("link", { name: "Velvet Room" }).click();
    await page.getByRole("heading", { level: 1, name: "Velvet Room" }).waitFor();
    await expect
      .poll(() => page.getByTestId("occupancy-totals").textContent())
      .toMatch(/Hangers: \d+ of 60 taken · Shelves: \d+ of 10 taken/);
    await expect.poll(() => page.getByTestId("live-status").textContent()).toBe("● Live");
    // Tonight's closing rush: a small queue cap, uncollected coats kept on the rail, and the board by the counter.
    const rush = page.getByRole("group", { name: "Closing rush" });
    expect(await rush.getByLabel("Queue cap").inputValue()).toBe("5");
    expect(await rush.getByRole("radio", { name: /Stays on the rail/ }).isChecked()).toBe(true);
    await page.getByRole("listitem", { name: "Main counter" }).getByText("Active").waitFor();
    await noErrors();
    await saveScreenshot(page, "admin/demo-02-venue");
  });

  it("employees, tasks and performance", async () => {
    await open("Employees", "Employees");
    await expect.poll(() => page.getByTestId("employees-table").getByRole("row").count()).toBe(5);
    await saveScreenshot(page, "admin/demo-03-employees");

    await open("Tasks", "Tasks");
    await page
      .getByTestId("tasks-table")
      .getByRole("row", { name: /Count the cash float/ })
      .getByText("Overdue")
      .waitFor();
    await noErrors();
    await saveScreenshot(page, "admin/demo-04-tasks");

    await open("Performance", "Performance");
    await expect.poll(() => page.getByTestId("leaderboard-table").getByRole("row").count()).toBeGreaterThan(2);
    await noErrors();
    await saveScreenshot(page, "admin/demo-05-performance");
  });

  it("tickets, scans with refusals, analytics and the audit log", async () => {
    await open("Tickets", "Tickets");
    await expect.poll(() => page.getByTestId("tickets-table").getByRole("row").count()).toBe(26);
    await page.getByRole("button", { name: "Show more" }).click();
    await expect.poll(() => page.getByTestId("tickets-table").getByRole("row").count()).toBeGreaterThan(26);
    await noErrors();
    await saveScreenshot(page, "admin/demo-06-tickets");

    await open("Scans", "Scan history");
    await page
      .getByTestId("scan-table")
      .getByText(/Refused:/)
      .first()
      .waitFor();
    await saveScreenshot(page, "admin/demo-07-scans");

    await open("Analytics", "Analytics");
    await page.getByTestId("analytics-report").waitFor();
    await page.getByLabel("Venue").selectOption({ label: "Velvet Room" });
    // Tonight's six check-ins happened within the last hour, inside the default 24 hours.
    await expect
      .poll(async () => Number(await page.getByTestId("analytics-report").getByRole("definition").first().textContent()))
      .toBeGreaterThanOrEqual(6);
    await page.getByTestId("analytics-report").getByRole("img", { name: "Check-ins and check-outs per hour" }).locator("canvas").waitFor();
    await noErrors();
    await saveScreenshot(page, "admin/demo-08-analytics");

    await open("Audit log", "Audit log");
    await page.getByTestId("audit-table").getByRole("cell", { name: "Sign-in failed" }).waitFor();
    await noErrors();
    await saveScreenshot(page, "admin/demo-09-audit");
  });

  it("no section needed what the Content-Security-Policy forbids, charts included", () => {
    expect(cspViolations).toEqual([]);
  });
});
