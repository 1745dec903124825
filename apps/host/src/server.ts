import { appRouter, checkHealth, createContext, type ApiServices } from "@qrcoats/api";
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from "@trpc/server/adapters/fastify";
import Fastify, { LogController, type FastifyServerOptions } from "fastify";
import { serveApps, type SinglePageApp } from "./static-apps";

export type ServerOptions = {
  services: ApiServices;
  logger: FastifyServerOptions["loggerInstance"];
  /** Where the built apps are; tests point this at fixtures. */
  apps?: SinglePageApp[];
};

/** Everything one HTTP host serves: the API at /trpc, the two apps, and /healthz. */
export async function buildServer({ services, logger, apps }: ServerOptions) {
  const app = Fastify({
    loggerInstance: logger,
    // tRPC batches are small; anything larger is refused before it is parsed.
    bodyLimit: 256 * 1024,
    routerOptions: { maxParamLength: 5000 },
    logController: new OneLinePerRequest(),
  });

  await app.register(fastifyTRPCPlugin, {
    prefix: "/trpc",
    trpcOptions: {
      router: appRouter,
      createContext: ({ req }) =>
        createContext(services, {
          headers: toHeaders(req.headers),
          clientAddress: req.ip,
          responseHeaders: new Headers(),
        }),
      responseMeta: ({ ctx }) => ({ headers: ctx?.request?.responseHeaders }),
      onError({ error, path }) {
        // Expected refusals (bad input, no access) are answers, not incidents.
        if (error.code === "INTERNAL_SERVER_ERROR") {
          logger?.error({ err: error.cause ?? error, path }, "procedure failed");
        }
      },
    } satisfies FastifyTRPCPluginOptions<typeof appRouter>["trpcOptions"],
  });

  app.get("/healthz", async (_request, reply) => {
    const health = await checkHealth(services.db, services.version);
    return reply.code(health.status === "ok" ? 200 : 503).send(health);
  });

  await serveApps(app, apps);
  return app;
}

/** One line per request when it completes; health probes only at debug level. */
class OneLinePerRequest extends LogController {
  override incomingRequest() {}
  override requestCompleted(...[error, request, reply]: Parameters<LogController["requestCompleted"]>) {
    const line = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) reply.log.error({ ...line, err: error }, "request failed");
    else if (request.url === "/healthz") reply.log.debug(line, "request");
    else reply.log.info(line, "request");
  }
}

function toHeaders(incoming: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (Array.isArray(value)) value.forEach((item) => headers.append(name, item));
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}
