import { createQRcoatsClient, type QRcoatsClient } from "@qrcoats/api/client";
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
import type { Browser, Download, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PASSWORD = "correct horse battery staple 42";

/**
 * An admin sets up a venue from nothing in the panel, hires an attendant and gives them a
 * task; the attendant's night at the counter then shows in every report of the panel.
 */
describe.runIf(browserAvailable())("admin app: running an organization", () => {
  let host: RunningHost;
  let browser: Browser;
  let mail: MailServer;
  let admin: Page;
  let ben: QRcoatsClient;
  let venueId: string;

  beforeAll(async () => {
    mail = await startMailServer();
    [host, browser] = await Promise.all([startHost({ SMTP_URL: mail.url, MAIL_FROM: "coats@velvet.example" }), launchBrowser()]);
    // A context of its own, so a second tab shares the admin's session.
    const context = await browser.newContext({ baseURL: host.url, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    admin = await context.newPage();
  });
  afterAll(async () => {
    await ben?.signOut().catch(() => {});
    await browser?.close();
    await host?.stop();
    await mail?.stop();
  });

  const section = async (name: string, heading = name) => {
    await admin.getByRole("navigation", { name: "Sections" }).getByRole("link", { name, exact: true }).click();
    await admin.getByRole("heading", { level: 1, name: heading }).waitFor();
  };
  const textOf = async (download: Download) => {
    const chunks: Buffer[] = [];
    for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  };

  it("a new admin starts an organization and creates a venue; the API's field errors show beside the fields", async () => {
    await admin.goto("/admin/signup");
    await admin.getByLabel("Organization name").fill("Velvet Group");
    await admin.getByLabel("Your name").fill("Ada Admin");
    await admin.getByLabel("Email").fill("ada@velvet.example");
    await admin.getByLabel("Password").fill(PASSWORD);
    await admin.getByRole("button", { name: "Create organization" }).click();
    await admin.getByRole("heading", { name: "Velvet Group" }).waitFor();
    await saveScreenshot(admin, "admin/panel-01-dashboard");

    await section("Venues");
    await admin.getByText("No venues yet: add your first one below.").waitFor();
    await admin.getByLabel("Venue name").fill("Velvet Room");
    await admin.getByLabel("Time zone").fill("Mars/Olympus_Mons");
    await admin.getByLabel("Price per item").fill("2.50");
    await admin.getByRole("button", { name: "Add venue" }).click();
    await admin.getByText("Use an IANA time zone such as Europe/Berlin.").waitFor();
    expect(await admin.getByLabel("Time zone").getAttribute("aria-invalid")).toBe("true");
    await saveScreenshot(admin, "admin/panel-02-venue-field-error");

    await admin.getByLabel("Time zone").fill("Europe/Berlin");
    await admin.getByRole("button", { name: "Add venue" }).click();
    await admin.getByRole("heading", { level: 1, name: "Velvet Room" }).waitFor();
    venueId = admin.url().split("/venues/")[1]!;
    expect(await admin.getByLabel("Price per item").inputValue()).toBe("2.50");
    await admin.getByLabel("In & outs per ticket").fill("2");
    await admin.getByRole("button", { name: "Save changes" }).click();
    await admin.getByText("Saved.").waitFor();
  });

  it("adds a rack whose slots show live occupancy, and prints their labels", async () => {
    await admin.getByText("No racks yet").waitFor();
    await admin.getByLabel("Rack name").fill("Rack A");
    await admin.getByLabel("Slots").fill("12");
    await admin.getByRole("button", { name: "Add rack" }).click();
    const slots = admin.getByRole("list", { name: "Slots of Rack A" }).getByRole("listitem");
    await expect.poll(() => slots.count()).toBe(12);
    await expect.poll(() => admin.getByTestId("occupancy-totals").textContent()).toContain("Hangers: 0 of 12 taken");
    await saveScreenshot(admin, "admin/panel-03-venue-racks");

    await admin.getByRole("link", { name: "Print slot labels" }).click();
    await admin.getByRole("heading", { name: "Slot labels · Velvet Room" }).waitFor();
    await expect.poll(() => admin.locator(".labels-sheet .label").count()).toBe(12);
    await admin.emulateMedia({ media: "print" });
    expect(await admin.getByRole("banner").isVisible()).toBe(false);
    expect(await admin.getByRole("button", { name: "Print" }).isVisible()).toBe(false);
    await saveScreenshot(admin, "admin/panel-04-labels-print");
    await admin.emulateMedia({ media: "screen" });
  });

  it("invites an employee to the venue, who accepts in the web app and is turned away from the panel", async () => {
    await section("Employees");
    await admin.getByLabel("Name", { exact: true }).fill("Ben Attendant");
    await admin.getByLabel("Email").fill("ben@velvet.example");
    await admin.getByLabel("Position").fill("Cloakroom lead");
    await admin.getByRole("checkbox", { name: "Velvet Room" }).check();
    await admin.getByRole("button", { name: "Send invitation" }).click();
    await admin.getByText("Ben Attendant was invited").waitFor();
    const row = admin.getByTestId("employees-table").getByRole("row", { name: /Ben Attendant/ });
    await expect.poll(() => row.textContent()).toContain("Invited");
    expect(await row.textContent()).toContain("Velvet Room");
    await saveScreenshot(admin, "admin/panel-05-employees");

    const phone = await newPhoneContext(browser, host.url);
    const benPage = await phone.newPage();
    await benPage.goto(linkPath(await mail.waitFor("ben@velvet.example"), "/accept-invitation"));
    await benPage.getByLabel("Choose a password").fill(PASSWORD);
    await benPage.getByRole("button", { name: "Join and sign in" }).click();
    await benPage.waitForURL(/\/counter$/);

    await benPage.goto("/admin/");
    await benPage.getByRole("heading", { name: "This panel is for admins" }).waitFor();
    expect(await benPage.getByRole("status").first().textContent()).toContain("signed in as an attendant");
    expect(await benPage.getByRole("navigation", { name: "Sections" }).count()).toBe(0);
    await saveScreenshot(benPage, "admin/panel-06-employee-turned-away");
    await phone.close();

    await admin.reload();
    await expect
      .poll(() =>
        admin
          .getByTestId("employees-table")
          .getByRole("row", { name: /Ben Attendant/ })
          .textContent(),
      )
      .toContain("Active");
    await admin.getByLabel("Search").fill("nobody-like-this");
    await admin.getByText("Nobody matches these filters.").waitFor();
    await admin.getByLabel("Search").fill("ben");
    await admin.getByTestId("employees-table").getByRole("link", { name: "Ben Attendant" }).waitFor();
  });

  it("assigns a task, moves it along, and an overdue one stands out", async () => {
    await section("Tasks");
    await admin.getByText("No tasks here.").waitFor();
    await admin.getByLabel("Title").fill("Restock hangers");
    await admin.getByLabel("Assignee").selectOption({ label: "Ben Attendant" });
    await admin.getByLabel("Venue", { exact: true }).last().selectOption({ label: "Velvet Room" });
    await admin.getByLabel("Priority").selectOption("HIGH");
    await admin.getByRole("button", { name: "Create task" }).click();
    await admin.getByText("Task created.").waitFor();

    await admin.getByLabel("Title").fill("Count the tickets");
    await admin.getByLabel("Due", { exact: true }).fill("2020-01-01T20:00");
    await admin.getByRole("button", { name: "Create task" }).click();
    const table = admin.getByTestId("tasks-table");
    const overdueRow = table.getByRole("row", { name: /Count the tickets/ });
    await expect.poll(() => overdueRow.textContent()).toContain("Overdue");
    expect(await overdueRow.getAttribute("class")).toContain("bg-red-50");

    const restock = table.getByRole("row", { name: /Restock hangers/ });
    const assigneeOf = (title: string) =>
      admin.getByLabel(`Assignee of ${title}`).evaluate((select: HTMLSelectElement) => select.selectedOptions[0]!.text);
    expect(await assigneeOf("Restock hangers")).toBe("Ben Attendant");
    expect(await assigneeOf("Count the tickets")).toBe("Unassigned");
    await admin.getByLabel("Assignee of Count the tickets").selectOption({ label: "Ben Attendant" });
    await admin.reload();
    await expect.poll(() => assigneeOf("Count the tickets")).toBe("Ben Attendant");
    await admin.getByRole("button", { name: "Start: Restock hangers" }).click();
    await expect.poll(() => restock.textContent()).toContain("In progress");
    await admin.getByLabel("Overdue only").check();
    await expect.poll(() => table.getByRole("row").count()).toBe(2);
    await saveScreenshot(admin, "admin/panel-07-tasks");
    await admin.getByLabel("Overdue only").uncheck();
  });

  it("the attendant's check-in moves the rack live, and shows in tickets, scan history, analytics and performance", async () => {
    await admin.goto(`/admin/venues/${venueId}`);
    await expect.poll(() => admin.getByTestId("occupancy-totals").textContent()).toContain("Hangers: 0 of 12 taken");

    // A second tab watches the venue's scans live.
    const liveTab = await admin.context().newPage();
    await liveTab.goto("/admin/scans");
    await liveTab.getByLabel("Venue").selectOption({ label: "Velvet Room" });
    await expect.poll(() => liveTab.getByTestId("live-scans-status").textContent()).toBe("Listening");

    ben = createQRcoatsClient({ url: `${host.url}/trpc`, email: "ben@velvet.example", password: PASSWORD });
    await ben.api.shift.clockIn.mutate({ venueId });
    const ticket = await ben.api.qr.issueWalkIn.mutate({ venueId, name: "Carla Coat" });
    await ben.api.qr.checkIn.mutate({ venueId, code: ticket.code, payment: { status: "PAID_CASH" } });
    await ben.api.qr.scan.mutate({ venueId, code: "not a ticket at all" }).catch(() => "refused, as it should be");

    const liveRows = liveTab.getByTestId("live-scan-table").getByRole("row");
    await expect.poll(() => liveRows.count()).toBe(4);
    expect(await liveRows.nth(1).textContent()).toContain("Refused: Not one of our tickets");
    expect(await liveRows.nth(2).textContent()).toContain("Check-in");
    await saveScreenshot(liveTab, "admin/panel-09b-live-scans");
    await liveTab.close();

    // No reload: the subscription brings the new occupancy.
    await expect.poll(() => admin.getByTestId("occupancy-totals").textContent()).toContain("Hangers: 1 of 12 taken");
    expect(await admin.getByRole("listitem", { name: "Slot 1, taken by ticket 1" }).isVisible()).toBe(true);

    await section("Tickets");
    const ticketRow = admin.getByTestId("tickets-table").getByRole("row", { name: /#1/ });
    await expect.poll(() => ticketRow.textContent()).toContain("Checked in");
    expect(await ticketRow.textContent()).toContain("Cash");
    await admin.getByRole("button", { name: "History of ticket 1" }).click();
    await admin.getByRole("heading", { name: "Ticket #1 at Velvet Room" }).waitFor();
    await admin.getByRole("table", { name: "History of ticket 1" }).getByText("Check-in").waitFor();
    await admin.getByLabel("Number, name, email or phone's last 4 digits").fill("Carla Coat");
    await admin.getByRole("button", { name: "Find" }).click();
    await expect.poll(() => admin.getByTestId("lookup-results").textContent()).toContain("#1 · Velvet Room · slot 1 · Carla Coat");
    await saveScreenshot(admin, "admin/panel-08-tickets");
    await admin.getByLabel("State").selectOption("RETURNED");
    await admin.getByText("No ticket matches these filters.").waitFor();

    await section("Scans", "Scan history");
    const scans = admin.getByTestId("scan-table");
    await expect.poll(() => scans.getByRole("row").count()).toBe(4);
    expect(await scans.getByRole("row", { name: /Check-in/ }).textContent()).toContain("Ben Attendant");
    expect(await scans.getByRole("row", { name: /Refused/ }).textContent()).toContain("Refused: Not one of our tickets");
    await saveScreenshot(admin, "admin/panel-09-scans");

    await section("Analytics");
    const report = admin.getByTestId("analytics-report");
    await expect.poll(() => report.getByRole("definition").first().textContent()).toBe("1");
    expect(await report.textContent()).toContain("Peak occupancy1 at");
    expect(await report.textContent()).toContain("Not one of our tickets");
    expect(await report.textContent()).toContain("€2.50");
    await report.getByRole("img", { name: "Check-ins and check-outs per hour" }).locator("canvas").waitFor();
    const [analyticsCsv] = await Promise.all([admin.waitForEvent("download"), admin.getByRole("button", { name: "Download CSV" }).click()]);
    expect(analyticsCsv.suggestedFilename()).toBe("analytics.csv");
    expect(await textOf(analyticsCsv)).toContain("summary,Velvet Room,check_ins,1,count");
    await saveScreenshot(admin, "admin/panel-10-analytics");

    await section("Performance");
    const leaderboard = admin.getByTestId("leaderboard-table");
    await expect.poll(() => leaderboard.getByRole("row", { name: /Ben Attendant/ }).textContent()).toMatch(/^1Ben Attendant10/);
    await leaderboard.getByRole("button", { name: "Ben Attendant" }).click();
    await admin.getByRole("heading", { name: "Ben Attendant in this period" }).waitFor();
    await expect.poll(() => admin.getByTestId("employee-metrics").textContent()).toContain("Check-ins1");
    const [leaderboardCsv] = await Promise.all([
      admin.waitForEvent("download"),
      admin.getByRole("button", { name: "Download CSV" }).first().click(),
    ]);
    expect(await textOf(leaderboardCsv)).toMatch(/^rank,employee_id,name/);
    await saveScreenshot(admin, "admin/panel-11-performance");
  });

  it("deactivates and reactivates the employee, and the audit log tells the story", async () => {
    await section("Employees");
    await admin.getByTestId("employees-table").getByRole("link", { name: "Ben Attendant" }).click();
    await admin.getByRole("heading", { name: "Ben Attendant" }).waitFor();
    await admin.getByRole("button", { name: "Deactivate and sign out everywhere" }).click();
    await admin.getByRole("button", { name: "Reactivate" }).waitFor();
    expect(await admin.getByText("Deactivated", { exact: true }).isVisible()).toBe(true);
    await saveScreenshot(admin, "admin/panel-12-employee");
    await admin.getByRole("button", { name: "Reactivate" }).click();
    await admin.getByRole("button", { name: "Deactivate and sign out everywhere" }).waitFor();

    await section("Audit log");
    const audit = admin.getByTestId("audit-table");
    for (const event of [
      "Employee reactivated",
      "Employee deactivated",
      "API token issued",
      "Invitation accepted",
      "Employee invited",
      "Organization created",
    ]) {
      await audit.getByRole("cell", { name: event, exact: true }).first().waitFor();
    }
    await admin.getByLabel("Event").selectOption({ label: "Employee invited" });
    await expect.poll(() => audit.getByRole("row").count()).toBe(2);
    expect(await audit.getByRole("row").nth(1).textContent()).toContain("ben@velvet.example");
    await saveScreenshot(admin, "admin/panel-13-audit");
  });
});
