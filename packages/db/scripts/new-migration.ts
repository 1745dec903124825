import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { MIGRATIONS_DIR, readLocalMigrations } from "../src/migrations/applier";

// Writes the next migration from the change to prisma/schema.prisma:
//   npm run db:new-migration -- <name>
// The "before" side is the schema that the committed migrations build, introspected from an
// in-memory PGlite (prisma.config.ts applies them); the "after" side is schema.prisma.
const name = process.argv[2]
  ?.toLowerCase()
  .replace(/[^a-z0-9]+/g, "_")
  .replace(/^_|_$/g, "");
if (!name) {
  console.error("usage: npm run db:new-migration -- <name>");
  process.exit(2);
}

const packageDir = path.join(import.meta.dirname, "..");
const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const prisma = (...args: string[]) =>
  execFileSync(process.execPath, [prismaCli, ...args], {
    cwd: packageDir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    // The datasource URL is never used (queries go through the adapter) but must be set, or
    // the CLI tries to download engines.
    env: { ...process.env, DATABASE_URL: "postgresql://offline@localhost/unused" },
  });

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-migration-"));
try {
  let from = ["--from-empty"];
  if (readLocalMigrations().length > 0) {
    const current = path.join(workDir, "current.prisma");
    // The CLI prints a warning about the unused URL ahead of the schema on stdout.
    const pulled = prisma("db", "pull", "--print");
    fs.writeFileSync(current, pulled.slice(pulled.search(/^(generator|datasource) /m)));
    from = ["--from-schema-datamodel", current];
  }
  const sql = prisma("migrate", "diff", ...from, "--to-schema-datamodel", "prisma/schema.prisma", "--script");
  if (!/^\s*[A-Z]/m.test(sql)) {
    console.log("prisma/schema.prisma matches the migrations: nothing to write.");
    process.exit(0);
  }
  // The "before" datamodel lists every schema of the datasource, so the diff assumes they
  // all exist; a schema's first tables and types need it created.
  const schemas = [...sql.matchAll(/CREATE (?:TABLE|TYPE) "(\w+)"\./g)].map((match) => match[1]!);
  const creates = [...new Set(schemas)]
    .filter((schema) => !sql.includes(`CREATE SCHEMA IF NOT EXISTS "${schema}"`))
    .map((schema) => `-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "${schema}";\n\n`)
    .join("");
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "migration.sql"), creates + sql);
  console.log(`wrote ${path.relative(process.cwd(), path.join(dir, "migration.sql"))}; read it, then commit it.`);
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
}
