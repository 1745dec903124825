import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

/**
 * The one way this code base runs raw SQL: a parameterized statement ($1, $2...) and the
 * type of its rows, written once, as the columns the statement selects (nested objects built
 * with `json_build_object`, never reassembled from flat columns). A runner comes from
 * `db.sql` (pooled; on PostgreSQL a named prepared statement per text), from
 * `db.transaction`, or, for a statement that must join a Prisma interactive transaction,
 * from `prismaRunner(tx)`.
 */
export type SqlRunner = {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
};

/**
 * One raw connection, for work that must not go through Prisma: running multi-statement
 * migration scripts, holding a session-level advisory lock, creating test databases.
 */
export type SqlSession = SqlRunner & {
  /** Runs a script of several statements, without parameters. */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
};

export async function connectPostgres(url: string): Promise<SqlSession> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async query<Row>(text: string, params?: unknown[]) {
      const result = await client.query(text, params);
      return result.rows as Row[];
    },
    async exec(script) {
      await client.query(script);
    },
    close: () => client.end(),
  };
}

/** Wraps an open PGlite without taking ownership: closing the session leaves it open. */
export function pgliteSession(db: PGlite): SqlSession {
  return {
    async query<Row>(text: string, params?: unknown[]) {
      const result = await db.query<Row>(text, params);
      return result.rows;
    },
    async exec(script) {
      await db.exec(script);
    },
    close: async () => {},
  };
}

/**
 * A runner over Prisma, for raw statements inside a Prisma interactive transaction (and in
 * helpers called both in and out of one): the same statements, without the named preparation.
 */
export function prismaRunner(db: { $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> }): SqlRunner {
  return { query: <Row>(text: string, params: unknown[] = []) => db.$queryRawUnsafe<Row[]>(text, ...params) };
}

/**
 * The row a statement cannot fail to return (an aggregate; an UPDATE ... RETURNING of a row
 * the transaction holds locked): its absence is a bug, not an answer.
 */
export function oneRow<Row>(rows: Row[]): Row {
  const [row] = rows;
  if (row === undefined) throw new Error(`Expected one row, got ${rows.length}.`);
  return row;
}

/** SQLSTATE 23505 from either driver, or Prisma's P2002: a unique constraint said no. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "23505" || code === "P2002";
}

/**
 * Opens (and creates when missing) an embedded database; no directory means in memory,
 * optionally starting from a snapshot made by `dumpDataDir`.
 */
export async function openPGlite(dataDir?: string, snapshot?: Blob): Promise<PGlite> {
  if (!dataDir) return PGlite.create(snapshot ? { loadDataDir: snapshot } : {});
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const releaseLock = lockDataDir(dataDir);
  try {
    const db = await PGlite.create(dataDir);
    keepToOwner(dataDir);
    const close = db.close.bind(db);
    db.close = async () => {
      await close();
      releaseLock();
    };
    return db;
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/**
 * The database's files are the host's alone: PGlite creates them readable and writable by
 * everyone (it chmods its files to 0666 whatever the umask), so the directory is closed to
 * others — which also covers files it makes later — and what is in it is made owner-only.
 */
export function keepToOwner(dir: string) {
  fs.chmodSync(dir, 0o700);
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isSymbolicLink()) continue;
    const file = path.join(entry.parentPath, entry.name);
    try {
      const mode = fs.statSync(file).mode & 0o777;
      if (mode & 0o077) fs.chmodSync(file, mode & 0o700);
    } catch (error) {
      // The database removes files as it runs (WAL segments, dropped tables).
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}

export class DataDirInUseError extends Error {
  override name = "DataDirInUseError";
  constructor(
    message: string,
    /** The process that holds the directory. */
    readonly holder: number,
  ) {
    super(message);
  }
}

/** The pid file that says which process holds an embedded database's directory. */
export const LOCK_FILE = "qrcoats.pid";

/**
 * PGlite does not stop two processes from opening one directory, which would corrupt it;
 * a pid file does. A lock left by a process that no longer runs is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  const lockPath = path.join(dataDir, LOCK_FILE);
  for (;;) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      // Only while the file is still ours: a restore moves a locked directory aside, and a
      // host may since have locked the new one at this path.
      const release = () => {
        if (lockHolder(lockPath) === process.pid) fs.rmSync(lockPath, { force: true });
      };
      process.once("exit", release);
      return () => {
        process.off("exit", release);
        release();
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = lockHolder(lockPath);
      if (owner !== null && isRunning(owner)) {
        throw new DataDirInUseError(
          `The embedded database in ${dataDir} is in use by process ${owner}. Stop that QRcoats host first, or set DATABASE_URL to run several hosts on PostgreSQL.`,
          owner,
        );
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
}

function lockHolder(lockPath: string): number | null {
  try {
    return Number(fs.readFileSync(lockPath, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
