import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { defineConfig } from "prisma/config";
import { applyMigrations } from "./src/migrations/applier";
import { pgliteSession } from "./src/sql";

// The Prisma CLI runs offline here only through a driver adapter (docs/toolchain.md), and
// it never touches the application's data: it gets an in-memory PGlite holding the schema
// that the committed migrations build, which is what `npm run db:new-migration` diffs from.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  async adapter() {
    const db = new PGlite();
    await applyMigrations(pgliteSession(db));
    return new PrismaPGlite(db);
  },
});
