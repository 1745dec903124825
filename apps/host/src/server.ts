import http from "node:http";
import https from "node:https";
import { appRouter, checkHealth, createContext, RetryLaterError, type ApiServices } from "@qrcoats/api";
import { MAX_BATCH_SIZE } from "@qrcoats/api/client";
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from "@trpc/server/adapters/fastify";
import Fastify, { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from "fastify";
import type { Registry } from "prom-client";
import { urlForLog } from "./logging";
import { serveMetrics } from "./metrics";
import { requestInfo } from "./request-info";
import { securityHeaders } from "./security-headers";
import { serveApps, type SinglePageApp } from "./static-apps";
import { serveTicketImages } from "./ticket-images";
import type { TrustProxy } from "./trust-proxy";

export type ServerOptions = {
  services: ApiServices;
  /** Which hops' X-Forwarded-* headers to believe (see TRUST_PROXY); none by default. */
  trustProxy?: TrustProxy | false;
  logger: FastifyServerOptions["loggerInstance"];
  /** Where the built apps are; tests point this at fixtures. */
  apps?: SinglePageApp[];
  /** Serve HTTPS with this certificate and key (PEM), instead of plain HTTP. */
  tls?: { cert: Buffer; key: Buffer };
  /**
   * How long a request (headers and body) may take to arrive; slow-loris clients are cut off.
   * Responses may take longer: live subscriptions stay open. Tests shorten it.
   */
  requestTimeoutMs?: number;
  /** Serve these at /metrics to requests bearing the token (see METRICS_TOKEN). */
  metrics?: { registry: Registry; token: string };
};

/**
 * How often Node looks for requests past their timeout. Its default, 30 s, would let a
 * slow client hold a connection up to twice the limit.
 */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/** Everything one HTTP host serves: the API at /trpc, the two apps, and /healthz. */
export async function buildServer({ services, logger, apps, trustProxy = false, tls, requestTimeoutMs = 30_000, metrics }: ServerOptions) {
  const app = Fastify({
    // null: plain HTTP. One type for both, so the routes do not care which the socket speaks.
    https: tls ?? null,
    // Made here rather than by Fastify only to set how often timeouts are checked.
    serverFactory: (handler) => {
      const options = {
        requestTimeout: requestTimeoutMs,
        connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
        keepAliveTimeout: 72_000,
      };
      return (tls ? https.createServer({ ...options, ...tls }, handler) : http.createServer(options, handler)) as https.Server;
    },
    loggerInstance: logger,
    trustProxy,
    // tRPC batches are small; anything larger is refused before it is parsed.
    bodyLimit: 256 * 1024,
    routerOptions: { maxParamLength: 5000 },
    logController: new OneLinePerRequest(),
  });

  securityHeaders(app);
  await app.register(fastifyTRPCPlugin, {
    prefix: "/trpc",
    trpcOptions: {
      router: appRouter,
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: ({ req }) => createContext(services, requestInfo(req)),
      responseMeta({ ctx, errors }) {
        const headers = new Headers(ctx?.request?.responseHeaders);
        const retryAfter = Math.max(
          0,
          ...errors.map((error) => (error.cause instanceof RetryLaterError ? error.cause.retryAfterSeconds : 0)),
        );
        if (retryAfter > 0) headers.set("retry-after", String(retryAfter));
        return { headers };
      },
      onError({ error, path }) {
        // Expected refusals (bad input, no access) are answers, not incidents.
        if (error.code === "INTERNAL_SERVER_ERROR") {
          logger?.error({ err: error.cause ?? error, path }, "procedure failed");
        }
      },
    } satisfies FastifyTRPCPluginOptions<typeof appRouter>["trpcOptions"],
  });

  // Anonymous, for load balancers: the status alone (admins see the details through `health`).
  app.get("/healthz", async (_request, reply) => {
    const health = await checkHealth(services);
    return reply.code(health.status === "ok" ? 200 : 503).send({ status: health.status });
  });

  serveTicketImages(app, services);
  if (metrics) serveMetrics(app, metrics.registry, metrics.token);
  await serveApps(app, apps);
  return app;
}

/**
 * One line per request when it completes, live streams included when their client leaves;
 * health probes and scrapes only at debug level. The address as `urlForLog` keeps it.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest() {}
  override requestCompleted(...[error, request, reply]: Parameters<LogController["requestCompleted"]>) {
    const line = requestLine(request, reply);
    if (error) reply.log.error({ ...line, err: error }, "request failed");
    else if (request.url === "/healthz" || request.url === "/metrics") reply.log.debug(line, "request");
    else reply.log.info(line, "request");
  }
  override streamError(...[error, request, reply]: Parameters<LogController["streamError"]>) {
    const line = requestLine(request, reply);
    if ((error as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") reply.log.info(line, "stream closed by the client");
    else reply.log.warn({ ...line, err: error }, "response failed after its headers were sent");
  }
}

function requestLine(request: FastifyRequest, reply: FastifyReply) {
  return {
    method: request.method,
    url: urlForLog(request.url),
    status: reply.statusCode,
    ms: Math.round(reply.elapsedTime * 10) / 10,
  };
}
