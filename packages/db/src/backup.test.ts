import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BackupError, listBackups, openDatabase, restoreBackup, takeBackup, takeNightlyBackup, type Database } from "./index";
import { DataDirInUseError } from "./sql";

// Backups are of the embedded database, whichever engine the other tests run on: each test
// here keeps real PGlite directories on disk.

let template: string;
let root: string;
beforeAll(async () => {
  template = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-backup-template-"));
  const db = await openDatabase({ dataDir: template });
  await db.migrate();
  await db.close();
}, 120_000);
afterAll(() => fs.rmSync(template, { recursive: true, force: true }));
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-backup-"));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** A migrated database on disk, copied from one made for this file: migrating takes seconds. */
function openMigrated(dataDir: string): Promise<Database> {
  fs.cpSync(template, dataDir, { recursive: true });
  return openDatabase({ dataDir });
}

const users = (db: Database) => db.sql.query<{ email: string }>(`SELECT email FROM auth.users ORDER BY email`);

/** Every file under a directory with its content's hash: "nothing was replaced" made checkable. */
function fingerprint(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  }
  return files;
}

describe("a backup of the embedded database", { timeout: 120_000 }, () => {
  it("taken in the middle of a transaction, restores what was committed then, and migrates", async () => {
    const db = await openMigrated(path.join(root, "live"));
    await db.prisma.user.create({ data: { email: "before@example.com", name: "Before" } });
    const backup = await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO auth.users (id, email, name, updated_at) VALUES (gen_random_uuid(), 'during@example.com', 'During', now())`,
      );
      return takeBackup(db, { dir: path.join(root, "backups"), kind: "manual", now: new Date("2026-11-29T23:45:12.345Z") });
    });
    await db.prisma.user.create({ data: { email: "after@example.com", name: "After" } });
    await db.close();

    expect(path.basename(backup)).toBe("qrcoats-manual-20261129T234512Z.tar.gz");
    expect(fs.statSync(backup).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(backup)).mode & 0o777).toBe(0o700);

    const restoredDir = path.join(root, "fresh", "pglite");
    const report = await restoreBackup(backup, restoredDir);
    expect(report).toMatchObject({ previous: null, migrations: { applied: [], unknown: [] } });
    expect(fs.readdirSync(path.dirname(restoredDir))).toEqual(["pglite"]);
    expect(fs.existsSync(path.join(restoredDir, "qrcoats.pid"))).toBe(false);
    const open = fs
      .readdirSync(restoredDir, { recursive: true, withFileTypes: true })
      .filter((entry) => fs.statSync(path.join(entry.parentPath, entry.name)).mode & 0o077);
    expect(open, "the restored database's files are its owner's alone").toEqual([]);
    const restored = await openDatabase({ dataDir: restoredDir });
    expect(await users(restored)).toEqual([{ email: "before@example.com" }]);
    await restored.close();
  });

  it("replaces a database only after the backup opened, and keeps the replaced one aside", async () => {
    const dataDir = path.join(root, "pglite");
    const db = await openMigrated(dataDir);
    await db.prisma.user.create({ data: { email: "backed-up@example.com", name: "Backed Up" } });
    const backup = await takeBackup(db, { dir: path.join(root, "backups"), kind: "manual", now: new Date() });
    await db.prisma.user.create({ data: { email: "later@example.com", name: "Later" } });
    await db.close();

    const report = await restoreBackup(backup, dataDir, new Date("2026-11-30T09:00:00Z"));
    expect(report.previous).toBe(`${dataDir}.before-restore-20261130T090000Z`);
    const restored = await openDatabase({ dataDir });
    expect(await users(restored)).toEqual([{ email: "backed-up@example.com" }]);
    await restored.close();
    const previous = await openDatabase({ dataDir: report.previous! });
    expect(await users(previous)).toEqual([{ email: "backed-up@example.com" }, { email: "later@example.com" }]);
    await previous.close();
  });

  it("is refused when damaged, cut short or not QRcoats', with nothing replaced", async () => {
    const dataDir = path.join(root, "pglite");
    const db = await openMigrated(dataDir);
    await db.prisma.user.create({ data: { email: "kept@example.com", name: "Kept" } });
    const good = fs.readFileSync(await takeBackup(db, { dir: path.join(root, "backups"), kind: "manual", now: new Date() }));
    const stranger = await openDatabase({});
    const notOurs = Buffer.from(await (await stranger.snapshot!()).arrayBuffer());
    await stranger.close();
    await db.close();
    const before = fingerprint(dataDir);

    const flipped = Buffer.from(good);
    flipped.fill(7, 5_000, 6_000);
    const archives = {
      truncated: good.subarray(0, good.length / 2),
      flipped,
      notATarball: zlib.gzipSync(Buffer.from("hello")),
      notOurs,
    };
    for (const [name, bytes] of Object.entries(archives)) {
      const file = path.join(root, `${name}.tar.gz`);
      fs.writeFileSync(file, bytes);
      const refusal = await restoreBackup(file, dataDir).catch((error: unknown) => error);
      expect(refusal, name).toBeInstanceOf(BackupError);
    }
    await expect(restoreBackup(path.join(root, "missing.tar.gz"), dataDir)).rejects.toThrow(/Cannot read/);
    expect(fingerprint(dataDir)).toEqual(before);
    expect(fs.readdirSync(root).filter((entry) => entry.startsWith("pglite"))).toEqual(["pglite"]);
  });

  it("is not restored over a database a process holds", async () => {
    const dataDir = path.join(root, "pglite");
    const db = await openMigrated(dataDir);
    const backup = await takeBackup(db, { dir: path.join(root, "backups"), kind: "manual", now: new Date() });
    await expect(restoreBackup(backup, dataDir)).rejects.toThrow(DataDirInUseError);
    await db.prisma.user.create({ data: { email: "still-open@example.com", name: "Still Open" } });
    expect(await users(db)).toEqual([{ email: "still-open@example.com" }]);
    await db.close();
    expect(fs.readdirSync(root).filter((entry) => entry.startsWith("pglite"))).toEqual(["pglite"]);
  });
});

describe("nightly backups", { timeout: 120_000 }, () => {
  it("take one a day and keep the newest N, leaving manual backups alone", async () => {
    const db = await openMigrated(path.join(root, "pglite"));
    const dir = path.join(root, "backups");
    await takeBackup(db, { dir, kind: "manual", now: new Date("2026-11-01T12:00:00Z") });
    const night = (day: number, hour = 2) => new Date(Date.UTC(2026, 10, day, hour));

    for (let day = 1; day <= 5; day++) await takeNightlyBackup(db, { dir, keep: 3, now: night(day) });
    const sameDay = await takeNightlyBackup(db, { dir, keep: 3, now: night(5, 23) });
    const nextDay = await takeNightlyBackup(db, { dir, keep: 3, now: night(6) });
    await db.close();

    expect(sameDay).toEqual({ taken: null, removed: [] });
    expect(nextDay).toEqual({
      taken: path.join(dir, "qrcoats-nightly-20261106T020000Z.tar.gz"),
      removed: ["qrcoats-nightly-20261103T020000Z.tar.gz"],
    });
    expect(listBackups(dir, "nightly")).toEqual([
      "qrcoats-nightly-20261104T020000Z.tar.gz",
      "qrcoats-nightly-20261105T020000Z.tar.gz",
      "qrcoats-nightly-20261106T020000Z.tar.gz",
    ]);
    expect(listBackups(dir, "manual")).toEqual(["qrcoats-manual-20261101T120000Z.tar.gz"]);
    expect(fs.readdirSync(dir).filter((file) => file.startsWith("."))).toEqual([]);
  });
});
