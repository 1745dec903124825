import fs from "node:fs";
import path from "node:path";
import { BackupError, DataDirInUseError, openDatabase, restoreBackup, takeBackup } from "@qrcoats/db";
import { askHostForBackup, backupDir, backupSocket } from "./backups";
import { ConfigError, loadConfig, type Config } from "./config";

// `npm run db:backup` and `npm run db:restore -- <file>`: backups of the embedded database.
// PostgreSQL has its own tools for this (pg_dump, pg_restore: docs/deploy.md).

/** Said to the operator as it is, with exit code 1. */
class Refusal extends Error {}

const USAGE = "usage: npm run db:backup | npm run db:restore -- <backup.tar.gz>";

async function backup(config: Config): Promise<string> {
  const answer = await askHostForBackup(config.DATA_DIR);
  if (answer && "error" in answer) throw new Refusal(`The running host could not take the backup: ${answer.error}`);
  if (answer) return `Backup taken by the running host: ${answer.file}`;

  const dataDir = path.join(config.DATA_DIR, "pglite");
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) throw new Refusal(`There is no embedded database in ${dataDir} to back up.`);
  let db;
  try {
    db = await openDatabase({ dataDir });
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    throw new Refusal(
      `The embedded database in ${dataDir} is held by process ${error.holder}, which did not answer on ${backupSocket(config.DATA_DIR)} ` +
        `(a host of an older release, or one that could not listen there: its log says). Only the process holding the database ` +
        `can copy it safely: stop that host and run this again.`,
    );
  }
  try {
    return `Backup taken: ${await takeBackup(db, { dir: backupDir(config.DATA_DIR), kind: "manual", now: new Date() })}`;
  } finally {
    await db.close();
  }
}

async function restore(config: Config, archive: string): Promise<string> {
  const dataDir = path.join(config.DATA_DIR, "pglite");
  let report;
  try {
    report = await restoreBackup(archive, dataDir);
  } catch (error) {
    if (error instanceof DataDirInUseError) {
      throw new Refusal(
        `A QRcoats host (process ${error.holder}) holds the embedded database in ${dataDir}: stop it, then restore. Nothing was changed.`,
      );
    }
    if (error instanceof BackupError) throw new Refusal(`${error.message} Nothing was changed.`);
    throw error;
  }
  const lines = [`Restored ${archive} into ${dataDir}.`];
  if (report.migrations.applied.length > 0) lines.push(`Migrated it to this release: ${report.migrations.applied.join(", ")}.`);
  if (report.previous) lines.push(`The database it replaced is kept in ${report.previous}: delete it once the restored one is right.`);
  const keysGiven = config.JWT_SECRET && config.FIELD_ENCRYPTION_KEYS && config.LOOKUP_KEY && config.TICKET_SIGNING_KEY;
  if (!keysGiven && !fs.existsSync(path.join(config.DATA_DIR, "secrets.json"))) {
    lines.push(
      `No keys here yet: before starting the host, put back the secrets.json of the installation the backup came from ` +
        `(or set its four keys), or its phone numbers cannot be read and its tickets cannot be scanned.`,
    );
  }
  return lines.join("\n");
}

const [command, archive] = process.argv.slice(2);
const run =
  command === "backup" ? backup : command === "restore" && archive ? (config: Config) => restore(config, path.resolve(archive)) : null;
// What this makes in DATA_DIR is as private as what the host makes there.
process.umask(0o077);
try {
  if (!run) {
    console.error(USAGE);
    process.exitCode = 2;
  } else {
    const config = loadConfig();
    if (config.DATABASE_URL) {
      throw new Refusal(
        "DATABASE_URL is set: this installation runs on PostgreSQL, which is backed up with pg_dump and restored with pg_restore (docs/deploy.md).",
      );
    }
    console.log(await run(config));
  }
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof Refusal)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
