import {
  closeStaleShifts,
  deleteExpiredAuthRecords,
  deliverPending,
  markForgottenTickets,
  sweepPickups,
  type ApiServices,
  type MessageSender,
} from "@qrcoats/api";
import { takeNightlyBackup } from "@qrcoats/db";
import type { Logger } from "pino";
import { nightlyBackups } from "./backups";
import type { Config } from "./config";

export type Job = { name: string; everyMs: number; run: () => Promise<unknown> };

export type JobSettings = {
  shiftMaxHours: number;
  /** The embedded database's nightly backups; absent, none are taken. */
  backups?: { dir: string; keep: number };
};

export function jobSettings(config: Config): JobSettings {
  return { shiftMaxHours: config.SHIFT_MAX_HOURS, backups: nightlyBackups(config) };
}

/**
 * Work the host does besides answering requests. Each job is safe on several hosts at once
 * (SKIP LOCKED, conditional updates) and idempotent, so any host may run any of them.
 */
export function hostJobs(services: ApiServices, senders: MessageSender[], settings: JobSettings): Job[] {
  const deps = { ...services, prisma: services.db.prisma };
  const nightly = settings.backups;
  return [
    // Messages go out through the senders; a channel without one waits, saying so to the admins.
    { name: "notifications", everyMs: 2_000, run: () => deliverPending(deps, { senders }) },
    // Coats still on the racks some hours after closing become forgotten, and their guests hear of it.
    { name: "forgotten-tickets", everyMs: 5 * 60_000, run: () => markForgottenTickets(deps) },
    // Coats on the ready rail past their venue's hold go back to the rack (or stay, as the venue chose).
    { name: "pickups", everyMs: 30_000, run: () => sweepPickups(deps) },
    // A shift left open past its length is closed and flagged.
    { name: "stale-shifts", everyMs: 15 * 60_000, run: () => closeStaleShifts(deps, { maxHours: settings.shiftMaxHours }) },
    // Sign-in records and messages past their retention periods (RETENTION_DAYS, MESSAGE_RETENTION_DAYS) are deleted.
    { name: "retention", everyMs: 60 * 60_000, run: () => deleteExpiredAuthRecords(deps) },
    // The embedded database is a venue's only copy of everything: the first check of each
    // day (UTC) backs it up, and the oldest nightly backups beyond BACKUP_KEEP go.
    ...(nightly && services.db.snapshot
      ? [{ name: "backup", everyMs: 60 * 60_000, run: () => takeNightlyBackup(services.db, { ...nightly, now: services.clock() }) }]
      : []),
  ];
}

/** Where job runs are reported, when the host exports metrics (metrics.ts). */
export type JobTelemetry = {
  scheduled(job: string): void;
  ran(job: string, result: "ok" | "failed"): void;
};

/** Runs each job on its interval, never overlapping itself within this host. */
export function startJobs(jobs: Job[], logger: Logger, telemetry?: JobTelemetry) {
  const timers = jobs.map((job) => {
    telemetry?.scheduled(job.name);
    let running: Promise<unknown> | null = null;
    const tick = () => {
      if (running) return;
      running = job
        .run()
        .then((result) => {
          logger.debug({ job: job.name, result }, "job ran");
          telemetry?.ran(job.name, "ok");
        })
        .catch((error: unknown) => {
          logger.error({ err: error, job: job.name }, "job failed");
          telemetry?.ran(job.name, "failed");
        })
        .finally(() => (running = null));
    };
    const timer = setInterval(tick, job.everyMs);
    timer.unref();
    return { timer, current: () => running };
  });
  return {
    /** Stops scheduling and waits for runs in progress, so shutdown closes the database after them. */
    async stop() {
      for (const { timer } of timers) clearInterval(timer);
      await Promise.all(timers.flatMap(({ current }) => current() ?? []));
    },
  };
}
