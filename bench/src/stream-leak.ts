import { fork } from "node:child_process";
import path from "node:path";
import superjson from "superjson";
import { issueTickets, openCounter } from "./setup";

// npm run stream-leak --workspace @qrcoats/bench [-- --calls 5000]: what refused `qr.watch`
// calls leave behind in a host. Starts a host in its own process, sends that many SSE
// requests with codes that are no ticket's over HTTP, as anyone could, then checks tickets
// in (each one a change every live subscriber hears). Prints the host's hub subscribers, RSS
// and heap (after a full GC) at each step.

const calls = Number(process.argv[process.argv.indexOf("--calls") + 1]) || 5_000;
const CONCURRENCY = 50;
const TICKET_CHANGES = 200;

type Measure = { subscribers: number; rss: number; heapUsed: number };

const host = fork(path.join(import.meta.dirname, "stream-leak-host.ts"), {
  execArgv: ["--import", "tsx", "--expose-gc"],
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
const { url } = await new Promise<{ url: string }>((resolve) => host.once("message", resolve as never));
const measure = () =>
  new Promise<Measure>((resolve) => {
    host.once("message", resolve as never);
    host.send("measure");
  });

/** One anonymous qr.watch over server-sent events, read to its end; whether it was refused NOT_FOUND. */
async function refusedWatch(i: number): Promise<boolean> {
  const input = encodeURIComponent(JSON.stringify(superjson.serialize({ code: `not-a-ticket-${i}` })));
  const response = await fetch(`${url}/trpc/qr.watch?input=${input}`, { headers: { accept: "text/event-stream" } });
  return (await response.text()).includes("NOT_FOUND");
}

const rows: [string, Measure][] = [];
try {
  const counter = await openCounter(url);
  rows.push(["host started, one venue", await measure()]);

  let next = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < calls) if (await refusedWatch(next++)) refused++;
    }),
  );
  if (refused !== calls) throw new Error(`expected ${calls} NOT_FOUND refusals, got ${refused}`);
  rows.push([`after ${calls} refused qr.watch`, await measure()]);

  const codes = await issueTickets(counter.admin, counter.venueId, TICKET_CHANGES);
  for (const code of codes) await counter.admin.mutate("qr.checkIn", { venueId: counter.venueId, code });
  rows.push([`then ${TICKET_CHANGES} tickets checked in`, await measure()]);
} finally {
  host.send("stop");
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
console.log("| step | hub subscribers | RSS MiB | heap used MiB |\n|---|---:|---:|---:|");
for (const [step, { subscribers, rss, heapUsed }] of rows) console.log(`| ${step} | ${subscribers} | ${mib(rss)} | ${mib(heapUsed)} |`);
