import { createHash } from "node:crypto";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client";
import { applyMigrations, type MigrationReport } from "./migrations/applier";
import { withAdapterHooks } from "./adapter-hooks";
import { createPGliteAdapter } from "./pglite-adapter";
import { PostgresListener } from "./listener";
import { connectPostgres, keepToOwner, openPGlite, pgliteSession, type SqlRunner, type SqlSession } from "./sql";

/** Where the embedded database (and other local state) lives unless told otherwise. */
export const DEFAULT_DATA_DIR = path.resolve(import.meta.dirname, "..", "..", "..", ".data");

export type DatabaseOptions = {
  /** PostgreSQL; when absent, the embedded PGlite is used. */
  url?: string;
  poolSize?: number;
  /** The embedded database's directory; absent keeps it in memory (tests). */
  dataDir?: string;
  /** In memory only: start from this snapshot (a `dumpDataDir` tarball) instead of empty. */
  snapshot?: Blob;
};

export type Database = {
  kind: "postgres" | "embedded";
  /** Where it is, for logs: never includes a password. */
  location: string;
  prisma: PrismaClient;
  /** Raw SQL for what Prisma cannot express, and for hot paths; pooled on PostgreSQL. */
  sql: SqlSession;
  /**
   * Raw SQL in one transaction: committed when `work` resolves, rolled back when it throws.
   * For hot paths, where Prisma's per-query compilation (about a millisecond on the event
   * loop) would cost more than the database's own work.
   */
  transaction<T>(work: (sql: SqlRunner) => Promise<T>): Promise<T>;
  /** Applies pending migrations over a connection of its own. */
  migrate(): Promise<MigrationReport>;
  /**
   * Hears NOTIFY on a channel: from every host on PostgreSQL (one dedicated connection,
   * re-established after a drop), in-process on PGlite. Returns how to stop listening.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * How many SQL statements the application has sent so far, through Prisma, `sql` and
   * `transaction` alike: for query-count tests and profiles. Migrations are not counted.
   */
  statementCount(): number;
  /** PostgreSQL only, for metrics: the connection pool now. PGlite is one in-process connection, no pool. */
  poolUse?(): PoolUse;
  /** Embedded only: the whole database as a gzipped tarball (backups, test fixtures), taken between two statements. */
  snapshot?(): Promise<Blob>;
  close(): Promise<void>;
};

export type PoolUse = {
  /** Connections the pool may open. */
  max: number;
  /** Connections open now, busy or idle. */
  open: number;
  idle: number;
  /** Queries waiting for a connection: above zero, the pool is too small for the load. */
  waiting: number;
};

/**
 * The one way to reach the database: PostgreSQL through a connection pool when a URL is
 * given, otherwise embedded PGlite. Everything above this sees the same Prisma client.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options.poolSize) : openEmbedded(options.dataDir, options.snapshot);
}

/**
 * Raw statements go to PostgreSQL named after their text, so each pooled connection parses
 * and plans a statement once and afterwards only binds and runs it: on two cores shared with
 * the database, its planning was a good part of a counter request's cost (bench/RESULTS.md).
 * The texts are the code's own (parameters carry the values), so their number is bounded.
 */
const statementNames = new Map<string, string>();

function prepared(text: string, values?: unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `qrcoats_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return { name, text, values };
}

function openPostgres(url: string, poolSize = 10): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its server (restart, failover) must not crash the process.
  pool.on("error", () => {});
  let statements = 0;
  const adapter = withAdapterHooks(new PrismaPg(pool), { onStatement: (sql) => (statements += countsAsWork(sql)) });
  const prisma = new PrismaClient({ adapter });
  const listener = new PostgresListener(url);
  return {
    kind: "postgres",
    location: redactUrl(url),
    prisma,
    sql: {
      async query<Row>(text: string, params?: unknown[]) {
        statements += countsAsWork(text);
        return (await pool.query(prepared(text, params))).rows as Row[];
      },
      async exec(script) {
        await pool.query(script);
      },
      close: async () => {},
    },
    async migrate() {
      const session = await connectPostgres(url);
      try {
        return await applyMigrations(session);
      } finally {
        await session.close();
      }
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work({
          query: async <Row>(text: string, params?: unknown[]) => {
            statements += countsAsWork(text);
            return (await client.query(prepared(text, params))).rows as Row[];
          },
        });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    listen: (channel, onPayload) => listener.listen(channel, onPayload),
    statementCount: () => statements,
    poolUse: () => ({ max: poolSize, open: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await listener.close();
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openEmbedded(dataDir?: string, snapshot?: Blob): Promise<Database> {
  const pglite = await openPGlite(dataDir, snapshot);
  let statements = 0;
  const prisma = new PrismaClient({ adapter: createPGliteAdapter(pglite, (sql) => (statements += countsAsWork(sql))) });
  const session = pgliteSession(pglite);
  const sql: SqlSession = {
    ...session,
    query: (text, params) => {
      statements += countsAsWork(text);
      return session.query(text, params);
    },
  };
  return {
    kind: "embedded",
    location: dataDir ?? "memory",
    prisma,
    sql,
    async migrate() {
      const report = await applyMigrations(session);
      // New tables are new files, made as openly as the first ones.
      if (dataDir) keepToOwner(dataDir);
      return report;
    },
    transaction: (work) =>
      pglite.transaction((tx) =>
        work({
          query: async <Row>(text: string, params?: unknown[]) => {
            statements += countsAsWork(text);
            return (await tx.query<Row>(text, params)).rows;
          },
        }),
      ),
    statementCount: () => statements,
    async snapshot() {
      return pglite.dumpDataDir("gzip");
    },
    async listen(channel, onPayload) {
      const stop = await pglite.listen(channel, onPayload);
      return () => stop();
    },
    async close() {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

/** Transaction control is bookkeeping, sent differently by each adapter: not counted. */
function countsAsWork(sql: string): number {
  return /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET TRANSACTION)\b/i.test(sql) ? 0 : 1;
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable database URL)";
  }
}
