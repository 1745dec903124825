import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createTestDatabase, testDatabaseUrl } from "@qrcoats/db/testing";
import { buildHost, startHost } from "@qrcoats/testing";
import { beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const hostDir = path.resolve(import.meta.dirname, "..");

async function job(name: string, env: Record<string, string>) {
  try {
    const { stdout } = await run("npm", ["run", "--silent", "job", "--", name], { cwd: hostDir, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr: "" };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("npm run job", () => {
  beforeAll(() => buildHost());

  it("runs one job once against the host's database and reports what it did", async () => {
    const db = testDatabaseUrl() ? await createTestDatabase() : null;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-job-"));
    try {
      const result = await job("stale-shifts", { DATABASE_URL: db?.url ?? "", DATA_DIR: dataDir, LOG_LEVEL: "silent" });
      expect(result).toMatchObject({ code: 0 });
      expect(JSON.parse(result.stdout)).toEqual({ job: "stale-shifts", result: 0 });
      const retention = await job("retention", { DATABASE_URL: db?.url ?? "", DATA_DIR: dataDir, LOG_LEVEL: "silent" });
      expect(JSON.parse(retention.stdout)).toEqual({
        job: "retention",
        result: { auditEvents: 0, sessions: 0, refreshTokens: 0, resetTokens: 0, rateLimitBuckets: 0, messages: 0 },
      });
      const unknown = await job("nope", { DATABASE_URL: db?.url ?? "", DATA_DIR: dataDir, LOG_LEVEL: "silent" });
      expect(unknown.code).toBe(2);
      // The embedded database's nightly backup is a job too; PostgreSQL's is pg_dump's.
      expect(unknown.stderr).toContain(
        `usage: npm run job -- <notifications | forgotten-tickets | pickups | stale-shifts | retention${db ? "" : " | backup"}>`,
      );
    } finally {
      await db?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.runIf(!testDatabaseUrl())("says plainly when a running host holds the embedded database", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-job-"));
    const host = await startHost({ DATA_DIR: dataDir });
    try {
      const result = await job("forgotten-tickets", { DATA_DIR: dataDir, DATABASE_URL: "" });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/The embedded database in .* is in use by process \d+\. Stop that QRcoats host first/);
    } finally {
      await host.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
