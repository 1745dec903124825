import { execSync } from "node:child_process";
import fs from "node:fs";
import { startHost } from "@qrcoats/testing";
import { benchKeys, freshDatabase, openCounter, mintTickets, startBaseline } from "./setup";
import { CodePool, qrcoatsCycle, baselineCycle, runCycles } from "./load";
const keys = benchKeys();
const databaseUrl = await freshDatabase("postgresql://postgres@127.0.0.1:5432/postgres", "qrcoats_scratch");
const host = await startHost({ ...keys.env, LOG_LEVEL: "warn", DATABASE_POOL_SIZE: "20" }, { databaseUrl });
const baseline = await startBaseline({ ...keys.env, DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: "20" });
const pidOf = (url: string) => Number(/pid=(\d+)/.exec(execSync(`ss -ltnp 'sport = :${new URL(url).port}'`).toString())![1]);
const cpu = (pid: number) => { const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" "); return (Number(f[11]) + Number(f[12])) * 10; };
const counter = await openCounter(host.url);
const codes = new CodePool(await mintTickets(databaseUrl, counter.organizationId, counter.venueId, 60000, keys.ticketSigning));
const headers = { cookie: counter.admin.cookie(), origin: host.url };
const hp = pidOf(host.url), bp = pidOf(baseline.url);
for (let round = 0; round < 2; round++)
for (const [name, url, steps, pid] of [["qrcoats", host.url, qrcoatsCycle(counter.venueId), hp], ["baseline", baseline.url, baselineCycle(counter.venueId), bp]] as const) {
  await runCycles({ url, steps, headers, connections: 16, seconds: 2, codes });
  const c0 = cpu(pid);
  const r = await runCycles({ url, steps, headers, connections: 16, seconds: 5, codes });
  console.log(name, r.requestsPerSecond.toFixed(0), "req/s p99", r.p99, "; process CPU ms/request", ((cpu(pid) - c0) / r.requests).toFixed(2));
}
baseline.stop();
await host.stop();
