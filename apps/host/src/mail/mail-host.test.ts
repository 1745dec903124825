import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { browserSession, sharedKeys, startHost, startMailServer, type MailServer, type RunningHost } from "@qrcoats/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

// The host as `npm start` runs it, with each way email can leave it: a real SMTP server on
// a loopback port, the local mailbox of a development host, and none at all in production.

const PASSWORD = "correct horse battery staple 42";
const MAIL_FROM = "Velvet Coats <coats@velvet.example>";
const SMTP_LOGIN = { user: "qrcoats", pass: "p@ss/word with spaces" };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A new organization's admin, signed in. */
async function adminOf(host: RunningHost, organization: string) {
  const admin = browserSession(host.url);
  const slug = organization.toLowerCase().replace(/\W+/g, "-");
  await admin.mutate("auth.register", { email: `admin@${slug}.example`, name: `${organization} Admin`, password: PASSWORD });
  await admin.mutate("org.create", { name: organization });
  return admin;
}

const invite = (admin: ReturnType<typeof browserSession>, email: string, name = "Ben Attendant") =>
  admin.mutate("employee.create", { email, name, venueIds: [] });

describe("email over SMTP from the running host", () => {
  let mail: MailServer;
  let host: RunningHost;
  beforeAll(async () => {
    mail = await startMailServer({ auth: SMTP_LOGIN });
    host = await startHost({ SMTP_URL: mail.url, MAIL_FROM });
  });
  afterAll(async () => {
    await host?.stop();
    await mail?.stop();
  });

  it("sends an invitation's text and HTML parts from MAIL_FROM, signed in with SMTP_URL's credentials, and logs none of it", async () => {
    const admin = await adminOf(host, "Velvet Group");
    await invite(admin, "ben@velvet.example");
    const received = await mail.waitFor("ben@velvet.example");
    expect(received).toMatchObject({
      envelope: { from: "coats@velvet.example", to: ["ben@velvet.example"] },
      user: SMTP_LOGIN.user,
      from: '"Velvet Coats" <coats@velvet.example>',
      subject: "You are invited to join Velvet Group on QRcoats",
    });
    expect(received.text).toMatch(/\/accept-invitation\?token=\w+/);
    expect(received.html).toMatch(/<a href="[^"]*\/accept-invitation\?token=\w+"/);
    const token = new URL(received.links.find((link) => link.includes("/accept-invitation"))!).searchParams.get("token")!;
    expect(host.output()).not.toContain(token);
    expect(host.output()).not.toContain("accept-invitation");
  });

  it("never retries what cannot go: a 5xx answer fails the message at once", async () => {
    const admin = await adminOf(host, "Bounce Club");
    mail.refuse("nobody@bounce.example", 550);
    await invite(admin, "nobody@bounce.example", "No Body");
    await expect.poll(() => mail.attempts("nobody@bounce.example"), { timeout: 15_000 }).toBe(1);
    // Longer than the first wait before a retry (30 s): a transient failure would be tried again by now.
    await sleep(40_000);
    expect(mail.attempts("nobody@bounce.example")).toBe(1);
  }, 90_000);

  it("retries what may go later (a 4xx answer, a server that is down) and delivers it once it can, exactly once", async () => {
    const admin = await adminOf(host, "Retry Bar");
    mail.refuse("greylisted@retry.example", 451);
    await invite(admin, "greylisted@retry.example", "Gina Greylisted");
    await expect.poll(() => mail.attempts("greylisted@retry.example"), { timeout: 15_000 }).toBeGreaterThan(0);
    mail.accept("greylisted@retry.example");
    await mail.waitFor("greylisted@retry.example", undefined, 90_000);

    await mail.stop();
    await invite(admin, "patient@retry.example", "Pat Patient");
    // Two runs of the delivery job (every 2 s) find the server down.
    await sleep(5_000);
    await mail.start();
    await mail.waitFor("patient@retry.example", undefined, 90_000);

    await sleep(5_000);
    for (const to of ["greylisted@retry.example", "patient@retry.example"]) {
      expect(
        mail.received().filter((received) => received.envelope.to.includes(to)),
        to,
      ).toHaveLength(1);
    }
  }, 240_000);
});

describe("email without a mail server", () => {
  let dir: string;
  let host: RunningHost | undefined;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-mailbox-host-"));
  });
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("in development, keeps each email as a file and logs recipient, subject and path, never the body, link or token", async () => {
    const mailbox = path.join(dir, "mailbox");
    host = await startHost({ MAILBOX_DIR: mailbox });
    const admin = await adminOf(host, "Local Club");
    await invite(admin, "lou@local.example", "Lou Local");
    await expect.poll(() => (fs.existsSync(mailbox) ? fs.readdirSync(mailbox) : []), { timeout: 15_000 }).toHaveLength(1);
    const file = path.join(mailbox, fs.readdirSync(mailbox)[0]!);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const eml = fs.readFileSync(file, "utf8");
    const token = /accept-invitation\?token=(\w+)/.exec(eml.replace(/=\r?\n/g, ""))?.[1];
    expect(token).toBeTruthy();

    await expect.poll(() => host!.output(), { timeout: 5_000 }).toContain(file);
    const lines = host
      .output()
      .split("\n")
      .filter((line) => line.includes("lou@local.example"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("You are invited to join Local Club on QRcoats");
    expect(lines[0]).toContain(file);
    expect(host.output()).not.toContain(token);
    expect(host.output()).not.toContain("accept-invitation");
    expect(host.output()).not.toContain("Hello Lou Local");
  });

  it("in production, says at start that no mail server is configured and writes no mailbox", async () => {
    const mailbox = path.join(dir, "production-mailbox");
    host = await startHost({ NODE_ENV: "production", MAILBOX_DIR: mailbox, ...sharedKeys().env });
    expect(host.output()).toContain("no mail server configured: invitations must be sent by copying their link from the admin panel");
    const admin = await adminOf(host, "Prod Hall");
    await invite(admin, "pia@prod.example", "Pia Prod");
    await sleep(5_000);
    expect(fs.existsSync(mailbox)).toBe(false);
    expect(host.output()).not.toContain("pia@prod.example");
  });

  it("refuses a bad SMTP_URL at start with a sentence naming it, not a stack trace or the password", async () => {
    const failure = await startHost({ SMTP_URL: "smtp://user:hunter2secret@mail.example:587/?pool=true", MAIL_FROM }).then(
      (started) => {
        host = started;
        return "";
      },
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/host exited with 1/);
    expect(failure).toContain("SMTP_URL: takes no path or options");
    expect(failure).not.toContain("hunter2secret");
    expect(failure).not.toMatch(/\n\s+at /);
  });
});
