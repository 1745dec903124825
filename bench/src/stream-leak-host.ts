import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createApiConfig, generateKeys, LiveHub, type ApiServices } from "@qrcoats/api";
import { openDatabase } from "@qrcoats/db";
import { buildServer } from "@qrcoats/host/src/server";

// The host that stream-leak.ts measures: the real server on an embedded database, in a
// process of its own (started with --expose-gc), so its memory is its own. It answers
// "measure" with its hub's subscriber count and its memory after a full collection.

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-stream-leak-"));
const db = await openDatabase({ dataDir });
await db.migrate();
const { jwtSecret, ...keys } = generateKeys();
const live = new LiveHub(db);
const services: ApiServices = {
  db,
  version: "stream-leak",
  config: createApiConfig({ publicUrl: "http://127.0.0.1", jwtSecret, keys }),
  clock: () => new Date(),
  live,
};
const app = await buildServer({ services, logger: undefined });
const url = await app.listen({ host: "127.0.0.1", port: 0 });
process.send!({ url });

// A failed answer stays an unhandled rejection on purpose: it ends this child, and the run.
process.on("message", (message) => void answer(message));
async function answer(message: unknown) {
  if (message === "measure") {
    globalThis.gc!();
    globalThis.gc!();
    const { rss, heapUsed } = process.memoryUsage();
    process.send!({ subscribers: live.subscriberCount(), rss, heapUsed });
  } else if (message === "stop") {
    await live.close();
    await app.close();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }
}
