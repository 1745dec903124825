import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { browserSession, buildHost, sharedKeys, startHost, type BrowserSession, type RunningHost } from "@qrcoats/testing";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

// `npm run db:backup` and `npm run db:restore` as an operator runs them, against hosts
// started as `npm start` starts them, on the embedded database whatever the test engine.

const run = promisify(execFile);
const repoDir = path.resolve(import.meta.dirname, "..", "..", "..");
const PASSWORD = "correct horse battery staple 42";

async function npmRun(script: string, args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run("npm", ["run", "--silent", script, "--", ...args], {
      cwd: repoDir,
      env: { ...process.env, DATABASE_URL: "", LOG_LEVEL: "silent", ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Everything the admin panel shows of a night: every ticket, every slot with its ticket, every scan. */
async function theNight(admin: BrowserSession, venueId: string, host: string) {
  type Page = { items: unknown[]; nextCursor: string | null };
  return {
    tickets: await admin.query<Page>("qr.list", { venueId, limit: 100 }, host),
    racks: await admin.query<{ racks: { slots: unknown[] }[] }>("rack.list", { venueId }, host),
    scans: await admin.query<Page>("qr.history", { venueId, limit: 100 }, host),
  };
}

const dirs: string[] = [];
const hosts: RunningHost[] = [];
function freshDataDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-restore-"));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.stop()));
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("backing up and restoring the embedded database", { timeout: 240_000 }, () => {
  beforeAll(() => buildHost());

  it("a backup taken mid-night from the running host restores every ticket, slot and scan", async () => {
    const { env: keys } = sharedKeys();
    const nightDir = freshDataDir();
    const tonight = await startHost({ ...keys, DATA_DIR: nightDir, DATABASE_URL: "" });
    hosts.push(tonight);
    const admin = browserSession(tonight.url);
    await admin.mutate("auth.register", { email: "backup-admin@example.com", name: "Backup Admin", password: PASSWORD });
    await admin.mutate("org.create", { name: "Backup Ltd" });
    const { id: venueId } = await admin.mutate<{ id: string }>("venue.create", {
      name: "Backup Club",
      timezone: "Europe/Berlin",
      opensAt: "22:00",
      closesAt: "05:00",
    });
    await admin.mutate("rack.create", { venueId, name: "A", slotCount: 8, kind: "HANGER" });
    await admin.mutate("shift.clockIn", { venueId });
    const tickets = [];
    for (let i = 0; i < 6; i++) tickets.push(await admin.mutate<{ code: string; number: number }>("qr.issueWalkIn", { venueId }));
    for (const ticket of tickets.slice(0, 5)) await admin.mutate("qr.checkIn", { venueId, code: ticket.code });
    for (const ticket of tickets.slice(0, 2)) await admin.mutate("qr.checkOut", { venueId, code: ticket.code });
    // A refused scan is part of the night too: the last ticket was never checked in.
    expect(await admin.answer("qr.checkOut", { venueId, code: tickets[5]!.code })).toMatchObject({
      answered: true,
      code: expect.any(String),
    });
    const atBackup = await theNight(admin, venueId, tonight.url);
    expect(atBackup.tickets.items).toHaveLength(6);
    expect(atBackup.racks.racks[0]!.slots).toHaveLength(8);
    expect(atBackup.scans.items.length).toBeGreaterThanOrEqual(8);

    const backup = await npmRun("db:backup", [], { DATA_DIR: nightDir });
    expect(backup).toMatchObject({ code: 0 });
    const file = /^Backup taken by the running host: (.+)$/m.exec(backup.stdout)![1]!;
    expect(path.dirname(file)).toBe(path.join(nightDir, "backups"));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const refused = await npmRun("db:restore", [file], { DATA_DIR: nightDir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /A QRcoats host \(process \d+\) holds the embedded database in .*: stop it, then restore\. Nothing was changed\./,
    );
    // The night goes on after the backup: this check-in is not in it.
    await admin.mutate("qr.checkIn", { venueId, code: tickets[5]!.code });
    await tonight.stop();

    const restoredDir = freshDataDir();
    const restore = await npmRun("db:restore", [file], { DATA_DIR: restoredDir });
    expect(restore).toMatchObject({ code: 0 });
    expect(restore.stdout).toContain(`Restored ${file} into ${path.join(restoredDir, "pglite")}.`);
    expect(restore.stdout).toContain("No keys here yet");

    const restored = await startHost({ ...keys, DATA_DIR: restoredDir, DATABASE_URL: "" });
    hosts.push(restored);
    expect(await theNight(admin, venueId, restored.url)).toEqual(atBackup);
    // Restored with its keys, yesterday's tickets still scan.
    expect(await admin.mutate("qr.checkOut", { venueId, code: tickets[2]!.code }, restored.url)).toMatchObject({
      ticket: { number: tickets[2]!.number },
    });
  });

  it("refuses a damaged backup and PostgreSQL, saying what to do instead", async () => {
    const dataDir = freshDataDir();
    const damaged = path.join(dataDir, "damaged.tar.gz");
    fs.writeFileSync(damaged, zlib.gzipSync(Buffer.from("not a database")).subarray(0, 20));
    const refused = await npmRun("db:restore", [damaged], { DATA_DIR: dataDir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/damaged.tar.gz is not a whole backup .* Nothing was changed\./);
    expect(fs.readdirSync(dataDir)).toEqual(["damaged.tar.gz"]);

    const onPostgres = await npmRun("db:backup", [], { DATA_DIR: dataDir, DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/postgres" });
    expect(onPostgres.code).toBe(1);
    expect(onPostgres.stderr).toContain("pg_dump");
  });
});
