import path from "node:path";
import { DEFAULT_DATA_DIR, openDatabase } from "../database";

// `npm run db:migrate`: the same applier the host runs at start-up, on the same database
// the host would open (DATABASE_URL, or the embedded one under DATA_DIR).
const url = process.env.DATABASE_URL || undefined;
const dataDir = path.join(process.env.DATA_DIR || DEFAULT_DATA_DIR, "pglite");
// Opened inside the try: a database another process holds is refused in one line that says
// what to do, not a stack trace.
let db: Awaited<ReturnType<typeof openDatabase>> | undefined;
try {
  db = await openDatabase(url ? { url } : { dataDir });
  const report = await db.migrate();
  for (const name of report.applied) console.log(`applied   ${name}`);
  for (const name of report.unknown) console.warn(`unknown   ${name} (recorded in the database, not in this release)`);
  console.log(`${db.location}: ${report.applied.length} applied, ${report.alreadyApplied} already there`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await db?.close();
}
