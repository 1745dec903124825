import { migrationLevel, type Database, type MigrationLevel } from "@qrcoats/db";
import type { Deps } from "../context";

export type Health = {
  status: "ok" | "degraded";
  version: string;
  database: {
    kind: Database["kind"];
    reachable: boolean;
    migrations: MigrationLevel | null;
    latencyMs: number | null;
  };
};

/**
 * All anyone but an admin learns: whether the server works. The version and the migration
 * names would tell an attacker which release, and so which known flaws, a server has.
 */
export type PublicHealth = { view: "public"; status: Health["status"] };
export type AdminHealth = Health & { view: "admin" };

/** Whether the database answers, and which migration it is at. */
export async function checkHealth({ db, version }: Pick<Deps, "db" | "version">): Promise<Health> {
  const started = performance.now();
  try {
    const migrations = await migrationLevel(db.sql);
    return {
      status: "ok",
      version,
      database: {
        kind: db.kind,
        reachable: true,
        migrations,
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
      },
    };
  } catch {
    return { status: "degraded", version, database: { kind: db.kind, reachable: false, migrations: null, latencyMs: null } };
  }
}
