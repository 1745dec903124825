import fs from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";

const appsDir = path.resolve(import.meta.dirname, "..", "..");

export type SinglePageApp = { name: string; prefix: string; root: string };

/** The two single-page apps, as Vite builds them; the most specific prefix first. */
export const APPS: SinglePageApp[] = [
  { name: "admin", prefix: "/admin/", root: path.join(appsDir, "admin", "dist") },
  { name: "web", prefix: "/", root: path.join(appsDir, "web", "dist") },
];

/**
 * Serves each built app under its prefix, with the SPA fallback: a page address the app
 * routes itself (a ticket's page, /admin/employees) gets its index.html.
 */
export async function serveApps(app: FastifyInstance, apps: SinglePageApp[] = APPS) {
  let replyDecorated = false;
  for (const spa of apps) {
    if (!fs.existsSync(path.join(spa.root, "index.html"))) {
      app.log.warn(`the ${spa.name} app is not built (${spa.root}); run npm run build`);
      continue;
    }
    await app.register(fastifyStatic, {
      root: spa.root,
      prefix: spa.prefix,
      // reply.sendFile may be declared once, by whichever app registers first.
      decorateReply: !replyDecorated,
      wildcard: true,
      index: ["index.html"],
      // Source maps would hand anyone the apps' source; builds leave them out, and a stray
      // one is not served either.
      allowedPath: (pathname) => !pathname.toLowerCase().endsWith(".map"),
      // The builds write file.br and file.gz beside each text file (packages/ui/build/
      // precompress.ts): a browser that accepts one gets it, byte for byte, with no
      // compression work per request; one that accepts neither gets the file itself.
      preCompressed: true,
      // Our own cache-control below, not the plugin's default max-age=0.
      cacheControl: false,
      // Vite fingerprints everything under assets/: cache it for good. Pages revalidate.
      setHeaders(res, filePath) {
        res.setHeader(
          "cache-control",
          filePath.includes(`${path.sep}assets${path.sep}`) ? "public, max-age=31536000, immutable" : "no-cache",
        );
        // Whichever encoding this answer has, a cache must not give it to a browser that asked differently.
        res.setHeader("vary", "accept-encoding");
      },
    });
    replyDecorated = true;
  }

  app.get("/admin", (_request, reply) => reply.redirect("/admin/", 308));

  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split("?")[0]!;
    const wantsPage =
      (request.method === "GET" || request.method === "HEAD") &&
      !pathname.startsWith("/trpc") &&
      !path.extname(pathname) &&
      (request.headers.accept ?? "").includes("text/html");
    if (!wantsPage) {
      return reply.code(404).send({ error: "Not Found", path: pathname });
    }
    const spa = apps.find((candidate) => pathname.startsWith(candidate.prefix))!;
    return sendIndex(reply, spa.root);
  });
}

function sendIndex(reply: FastifyReply, root: string) {
  if (!fs.existsSync(path.join(root, "index.html"))) {
    return reply.code(503).type("text/plain").send("This app is not built yet: run `npm run build`.");
  }
  return reply.header("cache-control", "no-cache").sendFile("index.html", root);
}
