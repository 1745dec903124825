import { deliverPending, type ApiServices, type NotificationSink } from "@qrcoats/api";
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

type Job = { name: string; everyMs: number; run: () => Promise<unknown> };

/**
 * Work the host does besides answering requests. Each job is safe on several hosts at once
 * (SKIP LOCKED, conditional updates) and never overlaps itself within one host.
 */
export function startJobs(services: ApiServices, sink: NotificationSink, logger: Logger) {
  const jobs: Job[] = [
    {
      name: "notifications",
      everyMs: 2_000,
      run: () => deliverPending(services.db.prisma, sink, services.clock),
    },
  ];
  const timers = jobs.map((job) => {
    let running: Promise<unknown> | null = null;
    const tick = () => {
      if (running) return;
      running = job
        .run()
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
      await Promise.all(timers.map(({ current }) => current()));
    },
  };
}
