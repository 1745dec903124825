import fs from "node:fs";
import path from "node:path";
import { openDatabase } from "@qrcoats/db";
import { ConfigError, loadConfig, seedsDemo, type Config } from "./config";
import { demoSignIns, seedDemoIfEmpty } from "./demo/index";
import { backupSocket, serveBackups } from "./backups";
import { hostJobs, jobSettings, startJobs } from "./jobs";
import { createLogger } from "./logging";
import { openMail } from "./mail/index";
import { HostMetrics } from "./metrics";
import { closeDataDir, resolveKeys } from "./secrets";
import { buildServer } from "./server";
import { createServices } from "./services";

const { version } = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "..", "..", "..", "package.json"), "utf8")) as {
  version: string;
};

function orExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

const config: Config = orExit(loadConfig);
// DATA_DIR (keys, the embedded database) is the host's alone: what it makes from now on, and
// what an older release left open.
process.umask(0o077);
closeDataDir(config.DATA_DIR);
const { keys, source: keySource } = orExit(() => resolveKeys(config));
const logger = createLogger(config.LOG_LEVEL);

const db = await openDatabase(
  config.DATABASE_URL
    ? { url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }
    : { dataDir: path.join(config.DATA_DIR, "pglite") },
);
logger.info({ database: db.kind, location: db.location, keys: keySource }, "database opened");

const migrations = await db.migrate();
for (const name of migrations.applied) logger.info({ migration: name }, "migration applied");
for (const name of migrations.unknown) logger.warn({ migration: name }, "database has a migration this release does not know");

const metrics = config.METRICS_TOKEN === undefined ? undefined : new HostMetrics();
const services = createServices(config, db, keys, version, metrics?.api);
metrics?.watch(services);
const demo = seedsDemo(config);
const demoSeed = demo ? await seedDemoIfEmpty(services) : null;
if (demoSeed) logger.info("empty database: demo organization created");
const mail = openMail(config, logger);
const jobs = startJobs(hostJobs(services, mail.senders, jobSettings(config)), logger, metrics?.jobs);
const backups =
  db.kind === "embedded"
    ? await serveBackups(db, config.DATA_DIR, services.clock, logger).catch((error: unknown) => {
        logger.warn(
          { err: error },
          `npm run db:backup cannot reach this host at ${backupSocket(config.DATA_DIR)}, so it refuses while the host runs`,
        );
        return null;
      })
    : null;
const app = await buildServer({
  services,
  logger,
  trustProxy: config.TRUST_PROXY,
  metrics: metrics && config.METRICS_TOKEN ? { registry: metrics.registry, token: config.METRICS_TOKEN } : undefined,
  tls:
    config.TLS_CERT_FILE && config.TLS_KEY_FILE
      ? { cert: fs.readFileSync(config.TLS_CERT_FILE), key: fs.readFileSync(config.TLS_KEY_FILE) }
      : undefined,
});
await app.listen({ host: config.HOST, port: config.PORT });
logger.info(`QRcoats ${version} serving ${config.PUBLIC_URL} (web) and ${config.PUBLIC_URL}/admin/ (admin)`);
const signIns = demo ? await demoSignIns(services, config.PUBLIC_URL, demoSeed) : null;
// Plain text on purpose: the first thing a newcomer reads, not a log line to parse.
if (signIns)
  process.stdout.write(`\nQRcoats is running at ${config.PUBLIC_URL}/ (admin panel: ${config.PUBLIC_URL}/admin/)\n${signIns}\n\n`);

let stopping = false;
async function shutdown(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "stopping: no new connections, finishing requests in flight");
  const deadline = setTimeout(() => {
    logger.error("requests still running after the grace period; exiting anyway");
    process.exit(1);
  }, config.SHUTDOWN_GRACE_SECONDS * 1000);
  deadline.unref();
  // Live streams never finish by themselves: end them, so the connections can close.
  await services.live.close();
  await app.close();
  await backups?.close();
  await jobs.stop();
  mail.close();
  await db.close();
  logger.info("stopped");
  logger.flush();
}
// `on`, not `once`: npm and tsx both relay the signal, and a second one must not kill the
// process halfway through its shutdown.
// A shutdown that fails is logged where the operator looks, and the exit code says so.
const stopOn = (signal: NodeJS.Signals) =>
  shutdown(signal).catch((error: unknown) => {
    logger.fatal({ err: error }, "shutdown failed");
    logger.flush();
    process.exit(1);
  });
process.on("SIGTERM", (signal) => void stopOn(signal));
process.on("SIGINT", (signal) => void stopOn(signal));
