import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from "@qrcoats/db/testing";
import {
  browserSession,
  linkPath,
  startHost,
  startMailServer,
  type BrowserSession,
  type MailServer,
  type RunningHost,
} from "@qrcoats/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// End to end over SMTP: what the host mails is received by a real SMTP server, parsed as a
// mail program would, and its links are followed through the host's HTTP API as the pages
// they open would call it. The links' shapes (/accept-invitation?token=, /reset-password?token=,
// /t/<code>) are the API's; the wording around them is the templates'.

const PASSWORD = "correct horse battery staple 42";
const MAIL_FROM = "Velvet Coats <coats@velvet.example>";
const hostDir = path.resolve(import.meta.dirname, "..", "..");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const tokenOf = (path: string) => new URLSearchParams(path.split("?")[1]).get("token")!;

describe("links in mail received over SMTP, followed through the host", () => {
  let mail: MailServer;
  let db: TestDatabase | undefined;
  let dataDir: string;
  let host: RunningHost;
  let env: Record<string, string>;
  let admin: BrowserSession;

  beforeAll(async () => {
    mail = await startMailServer();
    db = testDatabaseUrl() ? await createTestDatabase() : undefined;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-mail-links-"));
    // One DATA_DIR (keys, the embedded database) and one database, so that the job CLI and a
    // restarted host work on what the first host made.
    env = { SMTP_URL: mail.url, MAIL_FROM, DATA_DIR: dataDir, DATABASE_URL: db?.url ?? "" };
    host = await startHost(env, { databaseUrl: db?.url });
    admin = browserSession(host.url);
    await admin.mutate("auth.register", { email: "ada@velvet.example", name: "Ada Admin", password: PASSWORD });
    await admin.mutate("org.create", { name: "Velvet Group" });
  });
  afterAll(async () => {
    await host?.stop();
    await mail?.stop();
    await db?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("an invitation: its link's token accepts it, and the new employee is signed in", async () => {
    await admin.mutate("employee.create", { email: "ben@velvet.example", name: "Ben Attendant", venueIds: [] });
    const invitation = await mail.waitFor("ben@velvet.example");
    expect(invitation.subject).toBe("You are invited to join Velvet Group on QRcoats");
    const ben = browserSession(host.url);
    const token = tokenOf(linkPath(invitation, "/accept-invitation"));
    expect(await ben.query("employee.invitation", { token })).toMatchObject({
      email: "ben@velvet.example",
      organizationName: "Velvet Group",
    });
    await ben.mutate("employee.acceptInvitation", { token, password: PASSWORD });
    expect(await ben.query("auth.me", undefined)).toMatchObject({
      user: { email: "ben@velvet.example", name: "Ben Attendant" },
      membership: { role: "EMPLOYEE", organization: { name: "Velvet Group" } },
    });
  });

  it("a password reset: its link's token sets a new password, which signs in", async () => {
    const rita = browserSession(host.url);
    await rita.mutate("auth.register", { email: "rita@example.com", name: "Rita Reset", password: PASSWORD });
    await browserSession(host.url).mutate("auth.requestPasswordReset", { email: "rita@example.com" });
    const reset = await mail.waitFor("rita@example.com");
    expect(reset.subject).toBe("Choose a new QRcoats password");
    const token = tokenOf(linkPath(reset, "/reset-password"));
    const fresh = "violet umbrella marches north 7";
    await browserSession(host.url).mutate("auth.resetPassword", { token, password: fresh });

    const again = browserSession(host.url);
    expect(await again.answer("auth.login", { email: "rita@example.com", password: PASSWORD })).toMatchObject({ code: "UNAUTHORIZED" });
    await again.mutate("auth.login", { email: "rita@example.com", password: fresh });
    expect(await again.query("auth.me", undefined)).toMatchObject({ user: { email: "rita@example.com" } });
  });

  it("a forgotten-coat notice: its link opens the ticket, now in lost & found", async () => {
    const venue = await admin.mutate<{ id: string }>("venue.create", {
      name: "Velvet Room",
      timezone: "UTC",
      opensAt: "12:00",
      closesAt: "06:00",
      forgottenDelayMinutes: 0,
    });
    await admin.mutate("rack.create", { venueId: venue.id, name: "A", slotCount: 5, kind: "HANGER" });
    await admin.mutate("shift.clockIn", { venueId: venue.id });
    const ticket = await admin.mutate<{ id: string }>("qr.issueWalkIn", { venueId: venue.id, name: "Walt", email: "walt@walkin.example" });
    await admin.mutate("qr.checkIn", { venueId: venue.id, ticketId: ticket.id });
    // The venue closes at the next whole minute (UTC), after the check-in; with no delay
    // the coat is forgotten as soon as that minute has come.
    const closing = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 60_000);
    const opening = new Date(closing.getTime() - 12 * 60 * 60_000);
    const hhmm = (date: Date) => date.toISOString().slice(11, 16);
    await admin.mutate("venue.update", { venueId: venue.id, opensAt: hhmm(opening), closesAt: hhmm(closing) });
    await sleep(closing.getTime() - Date.now() + 1_000);

    // The forgotten-tickets job runs every 5 minutes; the job CLI runs it now. The embedded
    // database serves one process, so the host stops meanwhile.
    await host.stop();
    const job = async (name: string) => {
      const { stdout } = await promisify(execFile)("npm", ["run", "--silent", "job", "--", name], {
        cwd: hostDir,
        env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent", DEMO_DATA: "off", ...env },
      });
      return JSON.parse(stdout) as { result: Record<string, number> };
    };
    expect((await job("forgotten-tickets")).result).toEqual({ forgotten: 1, notices: 1 });
    await job("notifications");
    host = await startHost(env, { databaseUrl: db?.url });

    const notice = await mail.waitFor("walt@walkin.example");
    expect(notice.subject).toBe("You left something at Velvet Room");
    const code = decodeURIComponent(linkPath(notice, "/t/").slice("/t/".length));
    expect(await browserSession(host.url).query("qr.view", { code })).toMatchObject({ state: "FORGOTTEN", venueName: "Velvet Room" });
  }, 180_000);
});
