import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { PGlite } from "@electric-sql/pglite";
import type { Database } from "./database";
import { applyMigrations, type MigrationReport } from "./migrations/applier";
import { keepToOwner, LOCK_FILE, lockDataDir, pgliteSession } from "./sql";

// Backups of the embedded database are PGlite's own `dumpDataDir` tarballs, gzipped. Taken
// by the process that holds the database, between two statements, they are what the files
// would be after a crash at that moment: opening one replays the write-ahead log, and a
// transaction still open when it was taken is rolled back. So the host can take them while
// it serves, and a restore is PostgreSQL's ordinary crash recovery.

export type BackupKind = "nightly" | "manual";

export class BackupError extends Error {
  override name = "BackupError";
}

const SUFFIX = ".tar.gz";

/** ISO 8601's basic format to the second, fit for file names everywhere: 20261129T234512Z. */
const compactTime = (at: Date) => at.toISOString().replace(/[-:]|\.\d+/g, "");

/** `qrcoats-nightly-20261129T234512Z.tar.gz`: sorts by time, says what it is when copied elsewhere. */
export function backupFileName(kind: BackupKind, at: Date): string {
  return `qrcoats-${kind}-${compactTime(at)}${SUFFIX}`;
}

/** Writes a backup of an open embedded database into `dir` (made owner-only) and returns its path. */
export async function takeBackup(db: Database, options: { dir: string; kind: BackupKind; now: Date }): Promise<string> {
  if (!db.snapshot)
    throw new BackupError("Only the embedded database is backed up this way: back PostgreSQL up with pg_dump (docs/deploy.md).");
  const archive = Buffer.from(await (await db.snapshot()).arrayBuffer());
  fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(options.dir, 0o700);
  const file = path.join(options.dir, backupFileName(options.kind, options.now));
  // Written under a hidden name and renamed: a listing, a copy or the pruning never sees half a backup.
  const partial = path.join(options.dir, `.${path.basename(file)}.${process.pid}.partial`);
  try {
    await fs.promises.writeFile(partial, archive, { mode: 0o600 });
    await fs.promises.rename(partial, file);
  } finally {
    await fs.promises.rm(partial, { force: true });
  }
  return file;
}

/**
 * One backup a day (UTC): takes today's unless it exists, then keeps the newest `keep`
 * nightly ones. Manual backups are never pruned: the operator took them for a reason.
 */
export async function takeNightlyBackup(
  db: Database,
  options: { dir: string; keep: number; now: Date },
): Promise<{ taken: string | null; removed: string[] }> {
  const today = backupFileName("nightly", options.now).slice(0, "qrcoats-nightly-YYYYMMDD".length);
  const taken = listBackups(options.dir, "nightly").some((file) => file.startsWith(today))
    ? null
    : await takeBackup(db, { dir: options.dir, kind: "nightly", now: options.now });
  const nightly = listBackups(options.dir, "nightly");
  const removed = nightly.slice(0, Math.max(0, nightly.length - options.keep));
  for (const file of removed) fs.rmSync(path.join(options.dir, file), { force: true });
  return { taken, removed };
}

/** A kind's backups in `dir`, oldest first. */
export function listBackups(dir: string, kind: BackupKind): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((file) => file.startsWith(`qrcoats-${kind}-`) && file.endsWith(SUFFIX))
    .sort();
}

export type RestoreReport = {
  /** Where the database that was replaced now is; null when there was none. */
  previous: string | null;
  migrations: MigrationReport;
};

/**
 * Replaces the embedded database in `dataDir` with a backup. Refused (DataDirInUseError)
 * while a process holds it. The backup is unpacked beside it and must open, be a QRcoats
 * database, read in full and migrate before anything is replaced; the replaced directory is
 * kept aside, never deleted, in case the wrong backup was chosen.
 */
export async function restoreBackup(archiveFile: string, dataDir: string, now = new Date()): Promise<RestoreReport> {
  const created = !fs.existsSync(dataDir);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let release: (() => void) | undefined;
  let staging: string | undefined;
  let restored = false;
  try {
    release = lockDataDir(dataDir);
    staging = fs.mkdtempSync(path.join(path.dirname(dataDir), `${path.basename(dataDir)}.restoring-`));
    const migrations = await unpackAndCheck(await readArchive(archiveFile), staging);
    const aside = `${dataDir}.before-restore-${compactTime(now)}`;
    const hadDatabase = fs.existsSync(path.join(dataDir, "PG_VERSION"));
    fs.renameSync(dataDir, aside);
    try {
      fs.renameSync(staging, dataDir);
    } catch (error) {
      fs.renameSync(aside, dataDir);
      throw error;
    }
    restored = true;
    // Our lock moved aside with the old directory; the restored one was never locked.
    fs.rmSync(path.join(aside, LOCK_FILE), { force: true });
    if (!hadDatabase) fs.rmSync(aside, { recursive: true, force: true });
    return { previous: hadDatabase ? aside : null, migrations };
  } finally {
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
    release?.();
    // A refused restore into a new DATA_DIR leaves nothing behind.
    if (created && !restored) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The archive, unzipped here: PGlite's own gunzip reports a truncated file as an uncaught
 * error that ends the process, where this one throws.
 */
async function readArchive(file: string): Promise<Blob> {
  let compressed: Buffer;
  try {
    compressed = await fs.promises.readFile(file);
  } catch (error) {
    throw new BackupError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return new Blob([await promisify(zlib.gunzip)(compressed)]);
  } catch (error) {
    throw new BackupError(`${file} is not a whole backup (${(error as Error).message}): it is damaged or cut short.`);
  }
}

async function unpackAndCheck(tarball: Blob, dir: string): Promise<MigrationReport> {
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dir, { loadDataDir: tarball });
  } catch (error) {
    throw new BackupError(`The backup does not open as a database (${(error as Error).message}).`);
  }
  try {
    const session = pgliteSession(pglite);
    const recorded = await session
      .query<{ applied: number }>(`SELECT count(*)::int AS applied FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`)
      .catch(() => [{ applied: 0 }]);
    if (!recorded[0]?.applied) throw new BackupError("The backup is a database, but not a QRcoats one: it records no migrations.");
    // Every row of every table read in full (as text, so long values are fetched too):
    // damage inside the archive shows here, not at the counter.
    const tables = await session.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
    );
    for (const { name } of tables) {
      await session.query(`SELECT sum(length(t::text)) FROM ${name} AS t`).catch((error: unknown) => {
        throw new BackupError(`The backup's table ${name} cannot be read (${(error as Error).message}).`);
      });
    }
    return await applyMigrations(session);
  } finally {
    await pglite.close();
    // The archive holds the lock file of the process that took it.
    fs.rmSync(path.join(dir, LOCK_FILE), { force: true });
    keepToOwner(dir);
  }
}
