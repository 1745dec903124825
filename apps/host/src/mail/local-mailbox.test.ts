import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import type { RenderedMessage } from "@qrcoats/api";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localMailbox } from "./local-mailbox";

const TOKEN = "k7q2mzx4p5n6r7s8t2v3w4x5y6z7a2b3";
const DAY_MS = 24 * 60 * 60_000;

const message = (): RenderedMessage => ({
  id: randomUUID(),
  channel: "email",
  to: "ben@velvet.example",
  subject: "You are invited to join Velvet Group on QRcoats",
  text: `Hello Ben,\n\nOpen this link to choose your password:\nhttp://localhost:3000/accept-invitation?token=${TOKEN}`,
  html: `<p>Hello Ben,</p><p><a href="http://localhost:3000/accept-invitation?token=${TOKEN}">Choose your password</a></p>`,
  template: "employee-invitation",
});

describe("the local mailbox", () => {
  let dir: string;
  let lines: string[];
  let mailbox: ReturnType<typeof localMailbox>;
  beforeEach(() => {
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-mailbox-")), "mailbox");
    lines = [];
    const log = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split("\n").filter(Boolean));
        done();
      },
    });
    mailbox = localMailbox({ dir, from: "QRcoats <no-reply@localhost>", retentionDays: 30, logger: pino(log) });
  });
  afterEach(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  it("keeps each message as a private .eml file and logs one line: recipient, subject, file, never the body or its link", async () => {
    const sent = message();
    const { location } = await mailbox.send(sent);
    expect(location).toBe(path.join(dir, `${sent.id}.eml`));
    expect(fs.statSync(location!).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const eml = fs.readFileSync(location!, "utf8");
    expect(eml).toMatch(/^Content-Type: multipart\/alternative/m);
    expect(eml).toMatch(/^Content-Type: text\/plain/m);
    expect(eml).toMatch(/^Content-Type: text\/html/m);
    expect(eml).toContain(`Subject: ${sent.subject}`);
    expect(eml).toContain("To: ben@velvet.example");

    expect(lines).toHaveLength(1);
    const { msg } = JSON.parse(lines[0]!) as { msg: string };
    expect(msg).toContain("ben@velvet.example");
    expect(msg).toContain(sent.subject);
    expect(msg).toContain(location);
    for (const secret of [TOKEN, "accept-invitation", "Hello Ben", "choose your password"]) expect(lines[0]).not.toContain(secret);
  });

  it("writes a message sent twice once, and deletes the messages older than the retention period", async () => {
    const sent = message();
    await mailbox.send(sent);
    await mailbox.send(sent);
    const old = path.join(dir, "old.eml");
    const recent = path.join(dir, "recent.eml");
    for (const [file, days] of [
      [old, 31],
      [recent, 29],
    ] as const) {
      fs.writeFileSync(file, "Subject: kept?\n\n");
      const at = new Date(Date.now() - days * DAY_MS);
      fs.utimesSync(file, at, at);
    }
    await mailbox.send(message());
    expect(fs.readdirSync(dir).sort()).toHaveLength(3);
    expect(fs.existsSync(old)).toBe(false);
    expect(fs.existsSync(recent)).toBe(true);
    expect(fs.existsSync(path.join(dir, `${sent.id}.eml`))).toBe(true);
  });
});
