import { closeStaleShifts, deleteExpiredAuthRecords, deliverPending, markForgottenTickets, type ApiServices, type NotificationSink } from "@qrcoats/api";
import type { Logger } from "pino";

/** Development sink: the message goes to the log, links and all, for a person to click. */
export function logSink(logger: Logger): NotificationSink {
  return {
    async deliver(message) {
      logger.info(
        { channel: message.channel, to: message.recipient, subject: message.subject, template: message.template },
        `${message.channel} (development sink, not sent):\n${message.body}`,
      );
    },
  };
}

export type Job = { name: string; everyMs: number; run: () => Promise<unknown> };

export type JobSettings = { shiftMaxHours: number };

/**
 * Work the host does besides answering requests. Each job is safe on several hosts at once
 * (SKIP LOCKED, conditional updates) and idempotent, so any host may run any of them.
 */
export function hostJobs(services: ApiServices, sink: NotificationSink, settings: JobSettings): Job[] {
  const { prisma } = services.db;
  return [
    { name: "notifications", everyMs: 2_000, run: () => deliverPending(prisma, sink, services.clock) },
    // Coats still on the racks some hours after closing become forgotten, and their guests hear of it.
    { name: "forgotten-tickets", everyMs: 5 * 60_000, run: () => markForgottenTickets(prisma, services.clock(), services.config) },
    // A shift left open past its length is closed and flagged.
    { name: "stale-shifts", everyMs: 15 * 60_000, run: () => closeStaleShifts(prisma, services.clock(), settings.shiftMaxHours) },
    // Sign-in records past their retention period (RETENTION_DAYS) are deleted.
    { name: "retention", everyMs: 60 * 60_000, run: () => deleteExpiredAuthRecords(prisma, services.clock(), services.config) },
  ];
}

/** Runs each job on its interval, never overlapping itself within this host. */
export function startJobs(jobs: Job[], logger: Logger) {
  const timers = jobs.map((job) => {
    let running: Promise<unknown> | null = null;
    const tick = () => {
      if (running) return;
      running = job
        .run()
        .then((result) => logger.debug({ job: job.name, result }, "job ran"))
        .catch((error: unknown) => logger.error({ err: error, job: job.name }, "job failed"))
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
