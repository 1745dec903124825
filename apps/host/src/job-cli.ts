import path from "node:path";
import { DataDirInUseError, openDatabase } from "@qrcoats/db";
import { ConfigError, loadConfig } from "./config";
import { hostJobs, jobSettings } from "./jobs";
import { createLogger } from "./logging";
import { openMail } from "./mail/index";
import { resolveKeys } from "./secrets";
import { createServices } from "./services";

// `npm run job -- <name>`: runs one of the host's jobs once, now, against the database the
// host would use — for cron, for an operator at closing time, for trying it out.
const name = process.argv[2];
try {
  const config = loadConfig();
  const { keys } = resolveKeys(config);
  const logger = createLogger(config.LOG_LEVEL);
  const db = await openDatabase(config.DATABASE_URL ? { url: config.DATABASE_URL } : { dataDir: path.join(config.DATA_DIR, "pglite") });
  const mail = openMail(config, logger);
  try {
    await db.migrate();
    const jobs = hostJobs(createServices(config, db, keys, "cli"), mail.senders, jobSettings(config));
    const job = jobs.find((candidate) => candidate.name === name);
    if (!job) {
      console.error(`usage: npm run job -- <${jobs.map((candidate) => candidate.name).join(" | ")}>`);
      process.exitCode = 2;
    } else {
      console.log(JSON.stringify({ job: job.name, result: await job.run() }));
    }
  } finally {
    mail.close();
    await db.close();
  }
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof DataDirInUseError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
