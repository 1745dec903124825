import { createHash, timingSafeEqual } from "node:crypto";
import type { ApiServices, ApiTelemetry } from "@qrcoats/api";
import type { PoolUse } from "@qrcoats/db";
import type { FastifyInstance } from "fastify";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { JobTelemetry } from "./jobs";

/**
 * The host's Prometheus metrics (docs/deploy.md lists them). Labels are procedure paths,
 * error codes, counter actions, refusal reasons and job names: bounded sets, never ids.
 * Recording is prom-client's own observe/inc, about 1.5 µs each on these machines, under a
 * thousandth of a counter request.
 */
export class HostMetrics {
  readonly registry = new Registry();

  private readonly procedures = new Histogram({
    name: "qrcoats_procedure_duration_seconds",
    help: "tRPC procedure calls by procedure and outcome (OK or the tRPC error code), with their duration; for a subscription, the time to open it.",
    labelNames: ["procedure", "code"] as const,
    // Counter procedures take a few milliseconds; the alerts' thresholds are bucket bounds.
    buckets: [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  private readonly counterActions = new Counter({
    name: "qrcoats_counter_actions_total",
    help: "Counter actions (SCAN, ISSUE, CHECK_IN, CHECK_OUT, SWAP, DETACH, VOID, PAY) by result (OK or REFUSED), as the scan history records them.",
    labelNames: ["action", "result"] as const,
    registers: [this.registry],
  });

  private readonly counterRefusals = new Counter({
    name: "qrcoats_counter_refusals_total",
    help: "Refused counter actions by action and reason (UNKNOWN_CODE, ALREADY_CHECKED_IN, NO_FREE_SLOT...).",
    labelNames: ["action", "reason"] as const,
    registers: [this.registry],
  });

  private readonly jobRuns = new Counter({
    name: "qrcoats_job_runs_total",
    help: "Runs of the host's background jobs by job and result (ok or failed).",
    labelNames: ["job", "result"] as const,
    registers: [this.registry],
  });

  private readonly jobLastSuccess = new Gauge({
    name: "qrcoats_job_last_success_timestamp_seconds",
    help: "When each background job last finished without error (Unix time).",
    labelNames: ["job"] as const,
    registers: [this.registry],
  });

  readonly api: ApiTelemetry = {
    procedureCompleted: (path, outcome, seconds) => this.procedures.observe({ procedure: path, code: outcome }, seconds),
    counterAction: (action, outcome) => {
      if (outcome === "OK") {
        this.counterActions.inc({ action, result: "OK" });
        return;
      }
      this.counterActions.inc({ action, result: "REFUSED" });
      this.counterRefusals.inc({ action, reason: outcome });
    },
  };

  readonly jobs: JobTelemetry = {
    // A series that appears with its first failure would be missed by increase(): start at zero.
    scheduled: (job) => {
      this.jobRuns.inc({ job, result: "ok" }, 0);
      this.jobRuns.inc({ job, result: "failed" }, 0);
    },
    ran: (job, result) => {
      this.jobRuns.inc({ job, result });
      if (result === "ok") this.jobLastSuccess.set({ job }, Date.now() / 1000);
    },
  };

  constructor() {
    // Process and runtime (CPU, memory, event-loop delay, garbage collection), under the
    // names Node dashboards expect.
    collectDefaultMetrics({ register: this.registry });
  }

  /** Gauges read when scraped, from what the host counts anyway: nothing on the hot path. */
  watch(services: ApiServices) {
    const registers = [this.registry];
    new Gauge({
      name: "qrcoats_build_info",
      help: "Always 1; the release and the database engine as labels.",
      labelNames: ["version", "database"] as const,
      registers,
    }).set({ version: services.version, database: services.db.kind }, 1);
    const { live } = services;
    new Gauge({
      name: "qrcoats_live_streams_open",
      help: "Live update streams (server-sent events) this host holds open, as counted against its limits.",
      registers,
      collect() {
        this.set(live.streams.count);
      },
    });
    new Gauge({
      name: "qrcoats_live_subscribers",
      help: "Subscribers of the live hub on every channel; follows qrcoats_live_streams_open, a gap means streams not cleaned up.",
      registers,
      collect() {
        this.set(live.subscriberCount());
      },
    });
    // The embedded database is one in-process connection: it has no pool to report.
    if (!services.db.poolUse) return;
    const poolUse = () => services.db.poolUse!();
    const poolGauge = (name: string, help: string, read: (use: PoolUse) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(poolUse()));
        },
      });
    poolGauge("qrcoats_db_pool_max_connections", "Connections the PostgreSQL pool may open (DATABASE_POOL_SIZE).", (use) => use.max);
    poolGauge("qrcoats_db_pool_open_connections", "Connections the PostgreSQL pool has open, busy or idle.", (use) => use.open);
    poolGauge("qrcoats_db_pool_idle_connections", "Open PostgreSQL connections not in use.", (use) => use.idle);
    poolGauge(
      "qrcoats_db_pool_waiting_queries",
      "Queries waiting for a PostgreSQL connection: above zero for long, the pool is too small.",
      (use) => use.waiting,
    );
  }
}

/**
 * GET /metrics for Prometheus, only with `Authorization: Bearer <METRICS_TOKEN>`: the
 * numbers tell an outsider how busy each venue's host is, and when.
 */
export function serveMetrics(app: FastifyInstance, registry: Registry, token: string) {
  const expected = digest(token);
  app.get("/metrics", async (request, reply) => {
    const [scheme, presented] = (request.headers.authorization ?? "").split(" ");
    // Compared as digests: equal lengths, and in constant time.
    if (scheme?.toLowerCase() !== "bearer" || !presented || !timingSafeEqual(digest(presented), expected)) {
      return reply.code(401).header("www-authenticate", 'Bearer realm="metrics"').send({ error: "Unauthorized" });
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
