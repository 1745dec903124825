import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sharedKeys, startHost } from "@qrcoats/testing";
import { CodePool, qrcoatsCycle, runCycles } from "./load";
import { dropDatabase, freshDatabase, mintTickets, openCounter } from "./setup";

// npm run profile -w @qrcoats/bench [-- --seconds 10 --connections 16]: the scan cycle
// against a host started with --cpu-prof, then the functions the host spent its own time
// in, heaviest first. The .cpuprofile it names opens in Chrome's DevTools.

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number };
type Profile = { nodes: ProfileNode[]; startTime: number; endTime: number };

const argument = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(name) + 1]) || fallback;
const seconds = argument("--seconds", 10);
const connections = argument("--connections", 16);
const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-profile-"));
const keys = sharedKeys();
const databaseUrl = await freshDatabase(serverUrl, "qrcoats_profile");
const host = await startHost(
  { ...keys.env, LOG_LEVEL: "warn", DATABASE_POOL_SIZE: "20" },
  { databaseUrl, nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] },
);
const counter = await openCounter(host.url);
const codes = new CodePool(await mintTickets(databaseUrl, counter.organizationId, counter.venueId, 100_000, keys.ticketSigning));
const load = await runCycles({
  url: host.url,
  steps: qrcoatsCycle(counter.venueId),
  headers: { cookie: counter.admin.cookie(), origin: host.url },
  connections,
  seconds,
  codes,
});
await host.stop();
await dropDatabase(serverUrl, "qrcoats_profile");

const file = fs.readdirSync(profileDir).find((name) => name.endsWith(".cpuprofile"));
if (!file) throw new Error(`The host wrote no profile to ${profileDir}.`);
const profile = JSON.parse(fs.readFileSync(path.join(profileDir, file), "utf8")) as Profile;
// Shares of the time the host was busy: idle time only says the load was not enough.
const totalHits = profile.nodes.reduce((sum, node) => sum + (node.callFrame.functionName === "(idle)" ? 0 : node.hitCount), 0);
const selfTime = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const node of profile.nodes) {
  if (node.callFrame.functionName === "(idle)") continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.replace(/^file:\/\//, "").replace(/^.*node_modules\//, "");
  const key = `${functionName || "(anonymous)"} ${where}:${lineNumber + 1}`;
  selfTime.set(key, (selfTime.get(key) ?? 0) + node.hitCount);
  const owner =
    url === "" ? functionName : (/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.startsWith("node:") ? "node" : "qrcoats"));
  byPackage.set(owner, (byPackage.get(owner) ?? 0) + node.hitCount);
}
const share = (hits: number) => `${((hits / totalHits) * 100).toFixed(1).padStart(5)} %`;
console.log(`${load.requestsPerSecond.toFixed(0)} req/s, p50 ${load.p50} ms, p99 ${load.p99} ms at ${connections} connections`);
console.log(`\nBy package (self time):`);
for (const [name, hits] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${share(hits)}  ${name}`);
console.log(`\nBy function (self time):`);
for (const [name, hits] of [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${share(hits)}  ${name}`);
console.log(`\nProfile: ${path.join(profileDir, file)}`);
