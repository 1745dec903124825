import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { applyMigrations, connectPostgres, openDatabase, readLocalMigrations, type Database, type SqlSession } from "./index";

export type TestDatabase = Database & { url?: string };

const TEMPLATE_LOCK_KEY = 7_245_093_119;

/** The PostgreSQL server tests use, when they are not on the embedded default. */
export const testDatabaseUrl = (): string | undefined => process.env.TEST_DATABASE_URL || undefined;

/**
 * A fresh, migrated database of its own for one test file, so that files run in parallel:
 * on PostgreSQL (TEST_DATABASE_URL) a new database cloned from a migrated template, otherwise
 * an in-memory PGlite. Closing it drops it.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = testDatabaseUrl();
  if (!serverUrl) {
    const db = await openDatabase({ snapshot: await migratedSnapshot() });
    // A no-op on the snapshot; it also checks that the snapshot matches the migrations.
    await db.migrate();
    return db;
  }
  const name = await createEmptyPostgresDatabase(serverUrl, await migratedTemplate(serverUrl));
  return openScratchPostgres(serverUrl, name);
}

/** A database with no tables at all, for testing migrations themselves. */
export async function createEmptyTestDatabase(): Promise<TestDatabase> {
  const serverUrl = testDatabaseUrl();
  if (!serverUrl) return openDatabase({});
  return openScratchPostgres(serverUrl, await createEmptyPostgresDatabase(serverUrl));
}

/**
 * A migrated embedded database as a gzipped tarball, made once per set of migrations and
 * kept on disk: restoring it takes a third of a second, migrating a new one two.
 */
async function migratedSnapshot(): Promise<Blob> {
  const file = path.join(SNAPSHOT_DIR, `pglite-${migrationsFingerprint(readLocalMigrations())}.tar.gz`);
  if (!fs.existsSync(file)) {
    const db = await openDatabase({});
    await db.migrate();
    const snapshot = await db.snapshot!();
    await db.close();
    fs.mkdirSync(SNAPSHOT_DIR, { recursive: true });
    // Written aside and renamed, so parallel test files never read half a snapshot.
    const partial = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    fs.writeFileSync(partial, Buffer.from(await snapshot.arrayBuffer()));
    fs.renameSync(partial, file);
  }
  return new Blob([fs.readFileSync(file)]);
}

const SNAPSHOT_DIR = path.resolve(import.meta.dirname, "..", "..", "..", "node_modules", ".cache", "qrcoats");

function migrationsFingerprint(migrations: { name: string; checksum: string }[]): string {
  return createHash("sha256")
    .update(migrations.map((m) => `${m.name}:${m.checksum}`).join("\n"))
    .digest("hex")
    .slice(0, 16);
}

async function openScratchPostgres(serverUrl: string, name: string): Promise<TestDatabase> {
  const url = withDatabase(serverUrl, name);
  const db = await openDatabase({ url, poolSize: 20 });
  return {
    ...db,
    url,
    async close() {
      await db.close();
      await withAdmin(serverUrl, (admin) => admin.exec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function createEmptyPostgresDatabase(serverUrl: string, template?: string): Promise<string> {
  const name = `qrcoats_test_${randomBytes(6).toString("hex")}`;
  await withAdmin(serverUrl, (admin) => admin.exec(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`));
  return name;
}

/** One migrated template per set of migrations, made once and cloned by every test file. */
async function migratedTemplate(serverUrl: string): Promise<string> {
  const migrations = readLocalMigrations();
  const template = `qrcoats_template_${migrationsFingerprint(migrations)}`;
  await withAdmin(serverUrl, async (admin) => {
    await admin.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK_KEY]);
    try {
      const existing = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
      if (existing.length > 0) return;
      const building = `${template}_building`;
      await admin.exec(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await admin.exec(`CREATE DATABASE "${building}"`);
      const session = await connectPostgres(withDatabase(serverUrl, building));
      try {
        await applyMigrations(session, migrations);
      } finally {
        await session.close();
      }
      // Renamed only when complete, so a crash never leaves a half-migrated template.
      await admin.exec(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    } finally {
      await admin.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK_KEY]);
    }
  });
  return template;
}

async function withAdmin<T>(serverUrl: string, work: (admin: SqlSession) => Promise<T>): Promise<T> {
  const admin = await connectPostgres(serverUrl);
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
