import type { FastifyInstance } from "fastify";
import helmet from "helmet";

/**
 * What the apps may load and do, and no more: their own scripts, styles, images (and data:
 * URLs, for QR codes), and calls to this host. Ticket pages carry a ticket's code in the URL,
 * so no page ever sends a referrer. HSTS only when the request really came over HTTPS.
 */
export function securityHeaders(app: FastifyInstance) {
  // helmet itself, made once: its Fastify plugin rebuilt the policy on every request, a
  // measurable share of a counter request's time (bench/RESULTS.md).
  const applyHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:", "blob:"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: "no-referrer" },
    frameguard: { action: "deny" },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: false,
  });
  app.addHook("onRequest", (request, reply, done) =>
    applyHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)),
  );
  app.addHook("onSend", async (request, reply) => {
    // The camera is for the counter's scanner; nothing else is asked for.
    reply.header("permissions-policy", "camera=(self), microphone=(), geolocation=(), payment=()");
    if (request.protocol === "https") reply.header("strict-transport-security", "max-age=31536000; includeSubDomains");
  });
}
