import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { precompressDirectory } from "@qrcoats/ui/precompress";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveApps } from "./static-apps";

/** Raw bytes as they cross the wire: Node's fetch would decompress them and hide the encoding. */
function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

const decode: Record<string, (body: Buffer) => Buffer> = {
  br: (body) => zlib.brotliDecompressSync(body),
  gzip: (body) => zlib.gunzipSync(body),
  identity: (body) => body,
};

describe("the apps' files, precompressed at build time", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-precompressed-"));
  // A build in miniature, large enough for compression to pay, run through the apps' own build step.
  const files = {
    "index.html": `<!doctype html><title>web index</title>${"<link rel=modulepreload href=/assets/app-1234.js>".repeat(20)}`,
    "sw.js": `self.addEventListener("fetch", () => {});${" /* precache */".repeat(100)}`,
    "assets/app-1234.js": Array.from({ length: 400 }, (_, i) => `export const value${i} = "coat ${i}";`).join("\n"),
    "assets/app-1234.css": ".ticket { color: black; }\n".repeat(200),
  };
  let server: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      fs.writeFileSync(path.join(root, name), content);
    }
    expect((await precompressDirectory(root)).sort()).toEqual(Object.keys(files).sort());
    server = Fastify();
    await serveApps(server, [{ name: "web", prefix: "/", root }]);
    base = await server.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("sends brotli or gzip to a browser that accepts it and the file itself otherwise, the same bytes once decoded", async () => {
    const cases = [
      { accept: "gzip, deflate, br, zstd", encoding: "br" },
      { accept: "br;q=0.5, gzip", encoding: "gzip" },
      { accept: "gzip", encoding: "gzip" },
      { accept: "identity", encoding: "identity" },
      { accept: "", encoding: "identity" },
    ];
    for (const file of ["assets/app-1234.js", "assets/app-1234.css", "index.html", "sw.js"]) {
      const original = fs.readFileSync(path.join(root, file));
      for (const { accept, encoding } of cases) {
        const response = await get(`${base}/${file}`, accept ? { "accept-encoding": accept } : {});
        const label = `${file}, Accept-Encoding: ${accept || "(none)"}`;
        expect(response.status, label).toBe(200);
        expect(response.headers["content-encoding"] ?? "identity", label).toBe(encoding);
        expect(response.headers.vary, label).toMatch(/accept-encoding/i);
        expect(response.headers["content-type"], label).toMatch(
          file.endsWith(".css") ? /^text\/css/ : file.endsWith(".html") ? /^text\/html/ : /javascript/,
        );
        expect(Number(response.headers["content-length"]), label).toBe(response.body.length);
        if (encoding !== "identity") expect(response.body.length, label).toBeLessThan(original.length / 2);
        expect(decode[encoding]!(response.body).equals(original), label).toBe(true);
      }
    }
  });

  it("caches hashed files for good and makes pages revalidate, in every encoding", async () => {
    for (const accept of ["br", "gzip", "identity"]) {
      expect((await get(`${base}/assets/app-1234.js`, { "accept-encoding": accept })).headers["cache-control"]).toBe(
        "public, max-age=31536000, immutable",
      );
      for (const url of ["/", "/index.html", "/sw.js"]) {
        expect((await get(`${base}${url}`, { "accept-encoding": accept })).headers["cache-control"], `${url} ${accept}`).toBe("no-cache");
      }
    }
  });

  it("serves a page address the app routes itself with its index, compressed and never cached", async () => {
    const response = await get(`${base}/t/some-ticket`, { accept: "text/html", "accept-encoding": "br" });
    expect(response.status).toBe(200);
    expect(response.headers["content-encoding"]).toBe("br");
    expect(response.headers["cache-control"]).toBe("no-cache");
    expect(decode.br!(response.body).toString()).toContain("web index");
  });

  it("answers a conditional request with 304 for the representation the browser holds, and only that one", async () => {
    for (const url of ["/assets/app-1234.js", "/index.html"]) {
      const brotli = await get(`${base}${url}`, { "accept-encoding": "br" });
      const plain = await get(`${base}${url}`);
      expect(brotli.headers.etag, url).toBeTruthy();
      expect(brotli.headers.etag, url).not.toBe(plain.headers.etag);

      const again = await get(`${base}${url}`, { "accept-encoding": "br", "if-none-match": brotli.headers.etag! });
      expect(again.status, url).toBe(304);
      expect(again.body.length, url).toBe(0);
      expect((await get(`${base}${url}`, { "if-none-match": plain.headers.etag! })).status, url).toBe(304);
      // The plain file's tag does not vouch for the brotli bytes: those are sent in full.
      const other = await get(`${base}${url}`, { "accept-encoding": "br", "if-none-match": plain.headers.etag! });
      expect(other.status, url).toBe(200);
      expect(other.headers["content-encoding"], url).toBe("br");
    }
  });

  it("sends a file the build did not compress (an image) as it is", async () => {
    fs.writeFileSync(path.join(root, "assets", "icon-5678.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const response = await get(`${base}/assets/icon-5678.png`, { "accept-encoding": "br, gzip" });
    expect(response.status).toBe(200);
    expect(response.headers["content-encoding"]).toBeUndefined();
    expect([...response.body]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});
