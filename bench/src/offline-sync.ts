import os from "node:os";
import { OfflineDevice, sharedKeys, startHost, type BrowserSession, type RunningHost } from "@qrcoats/testing";
import { CodePool, qrcoatsCycle, runCycles, type LoadResult } from "./load";
import { machineNote, writeSection } from "./results";
import { dropDatabase, freshDatabase, hireAttendant, issueTickets, mintTickets, openCounter } from "./setup";

// npm run offline-sync -w @qrcoats/bench [-- --seconds 10 --rounds 3]: a counter device takes
// 500 actions with no network, then the network returns and it syncs them through the real
// host over HTTP in batches of 100 (offline.sync); beside it, in the same run on the same
// host, the online scan cycle. On PostgreSQL and on the embedded database. Writes its section
// of bench/RESULTS.md.

const seconds = Number(process.argv[process.argv.indexOf("--seconds") + 1]) || 10;
const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1]) || 3;
const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const ACTIONS = 500;
const BATCH = 100;
/** Coats a device keeps on its leased slots before it hands the oldest back: its lease is 20 hangers. */
const ON_THE_RACK = 12;
/** Tickets the venue issued before the night, for the device's guests. */
const TICKETS_BEFORE = 220;
const POOL_SIZE = "20";
const log = (line: string) => console.log(`[offline-sync] ${line}`);

type Round = {
  /** The online scan cycle at one connection, just before this round, on the same host. */
  online: LoadResult;
  actions: number;
  ms: number;
  batchMs: number[];
  byAction: Record<string, number>;
  conflicts: number;
};
type EngineResult = { engine: string; sixteen: LoadResult; rounds: Round[] };
type ScanCycle = (connections: number, secs: number) => Promise<LoadResult>;

/**
 * A night's counter work queued on one device: guests' tickets scanned and checked in (a third
 * paid at the counter), walk-ins from the pool, and as the rack fills the oldest coats leave —
 * some swapped first, some paid on the way out, some out for a smoke and back (in & out).
 */
function queueNight(device: OfflineDevice, total: number) {
  const guests = device.ticketsIn("ISSUED");
  const onRack: { publicId: string; coat: number }[] = [];
  let coats = 0;
  const take = (taking: Parameters<OfflineDevice["take"]>[0]) => {
    if (device.queue.length < total) device.take(taking);
  };
  const freeSlot = () => {
    const slot = device.freeLeasedSlots()[0];
    if (!slot) throw new Error("The device ran out of leased slots; hand coats back sooner.");
    return slot;
  };
  while (device.queue.length < total) {
    if (onRack.length < ON_THE_RACK) {
      const coat = coats++;
      let publicId: string;
      if (coat % 15 === 0 && device.poolSize > 0 && device.queue.length < total) {
        publicId = device.issueWalkIn()!.publicId;
      } else {
        publicId = guests.shift() ?? "";
        if (!publicId) throw new Error("The venue has too few tickets for the night; issue more.");
        take({ action: "SCAN", publicId });
      }
      take({ action: "CHECK_IN", publicId, slotId: freeSlot(), payment: coat % 3 === 0 ? { status: "PAID_CASH" } : undefined });
      onRack.push({ publicId, coat });
      continue;
    }
    const { publicId, coat } = onRack.shift()!;
    if (coat % 5 === 1) take({ action: "SWAP", publicId, toSlotId: freeSlot() });
    if (coat % 10 === 4) {
      take({ action: "DETACH", publicId });
      take({ action: "CHECK_IN", publicId, slotId: freeSlot() });
    }
    if (coat % 3 !== 0 && coat % 4 === 1) take({ action: "PAY", publicId, payment: { status: "PAID_CARD", amountCents: 300 } });
    take({ action: "SCAN", publicId });
    take({ action: "CHECK_OUT", publicId });
  }
}

/** The network returns: the device sends its queue in batches, one request at a time, until all are answered. */
async function syncAll(device: OfflineDevice, host: string): Promise<Pick<Round, "ms" | "batchMs">> {
  const batchMs: number[] = [];
  const started = performance.now();
  while (device.queue.length > 0) {
    const sent = performance.now();
    const answer = await device.sync({ host, operations: device.queue.slice(0, BATCH) });
    if (!answer.answered || !answer.data) throw new Error(`offline.sync failed: ${JSON.stringify(answer)}`);
    batchMs.push(performance.now() - sent);
  }
  return { ms: performance.now() - started, batchMs };
}

/**
 * The online scan cycle at 1 and 16 connections, then rounds of a night offline synced, each
 * right after the online cycle at one connection: a machine shared with other work changes
 * speed by the minute, and each round's ratio compares the two under the same load.
 */
async function measure(
  engine: string,
  host: RunningHost,
  attendant: BrowserSession,
  venueId: string,
  scanCycle: ScanCycle,
): Promise<EngineResult> {
  await scanCycle(16, 5);
  const sixteen = await scanCycle(16, seconds);
  log(`${engine}: scan cycle ${sixteen.requestsPerSecond.toFixed(0)} req/s at 16 connections`);
  const results: Round[] = [];
  for (let round = 1; round <= rounds; round++) {
    const online = await scanCycle(1, seconds);
    // A fresh device each round, prepared online (lease, pool, tonight's tickets), then offline.
    const device = new OfflineDevice(attendant, venueId);
    const prepared = await device.prepare(host.url);
    if (!prepared.answered || !prepared.data) throw new Error(`offline.prepare failed: ${JSON.stringify(prepared)}`);
    queueNight(device, ACTIONS);
    const byAction: Record<string, number> = {};
    for (const operation of device.taken) byAction[operation.action] = (byAction[operation.action] ?? 0) + 1;
    const { ms, batchMs } = await syncAll(device, host.url);
    const conflicts = device.taken.filter((operation) => device.outcomes.get(operation.opId)?.status !== "APPLIED").length;
    log(
      `${engine} round ${round}: scan cycle ${online.requestsPerSecond.toFixed(0)} req/s at 1 connection; ${device.taken.length} actions synced in ${ms.toFixed(0)} ms (${((device.taken.length / ms) * 1000).toFixed(0)} ops/s), ${conflicts} not applied`,
    );
    results.push({ online, actions: device.taken.length, ms, batchMs, byAction, conflicts });
  }
  return { engine, sixteen, rounds: results };
}

/**
 * A second venue of the same organization, with its own attendant on shift there: the
 * device's tickets apart from the scan cycle's.
 */
async function offlineVenue(host: RunningHost, admin: BrowserSession) {
  const venue = await admin.mutate<{ id: string }>("venue.create", {
    name: "Basement Club",
    timezone: "Europe/Berlin",
    opensAt: "22:00",
    closesAt: "05:00",
    inOutAllowance: 1,
  });
  await admin.mutate("rack.create", { venueId: venue.id, name: "B", slotCount: 300, kind: "HANGER" });
  const attendant = await hireAttendant(host.url, admin, venue.id, "basement-attendant@example.com");
  return { venueId: venue.id, attendant };
}

function scanCycleAt(host: RunningHost, admin: BrowserSession, venueId: string, codes: CodePool): ScanCycle {
  const headers = { cookie: admin.cookie(), origin: host.url };
  return (connections, secs) => runCycles({ url: host.url, steps: qrcoatsCycle(venueId), headers, connections, seconds: secs, codes });
}

async function onPostgres(): Promise<EngineResult> {
  const keys = sharedKeys();
  const databaseUrl = await freshDatabase(serverUrl, "qrcoats_bench_offline");
  const host = await startHost({ ...keys.env, LOG_LEVEL: "warn", DATABASE_POOL_SIZE: POOL_SIZE }, { databaseUrl });
  try {
    const counter = await openCounter(host.url);
    const basement = await offlineVenue(host, counter.admin);
    await mintTickets(databaseUrl, counter.organizationId, basement.venueId, TICKETS_BEFORE * rounds, keys.ticketSigning);
    const codes = new CodePool(await mintTickets(databaseUrl, counter.organizationId, counter.venueId, 60_000, keys.ticketSigning));
    return await measure(
      "PostgreSQL",
      host,
      basement.attendant,
      basement.venueId,
      scanCycleAt(host, counter.admin, counter.venueId, codes),
    );
  } finally {
    await host.stop();
    await dropDatabase(serverUrl, "qrcoats_bench_offline");
  }
}

async function onEmbedded(): Promise<EngineResult> {
  const host = await startHost({ LOG_LEVEL: "warn", DATABASE_URL: "" });
  try {
    const counter = await openCounter(host.url);
    const basement = await offlineVenue(host, counter.admin);
    log("issuing tickets through the API on the embedded database...");
    await issueTickets(basement.attendant, basement.venueId, TICKETS_BEFORE * rounds);
    // Enough for about 60 cycles a second at 16 connections and 50 at one, with room to spare.
    const codes = new CodePool(await issueTickets(counter.admin, counter.venueId, 500 + seconds * (70 + 50 * rounds)));
    return await measure(
      "embedded (PGlite)",
      host,
      basement.attendant,
      basement.venueId,
      scanCycleAt(host, counter.admin, counter.venueId, codes),
    );
  } finally {
    await host.stop();
  }
}

const started = new Date();
const engines = [await onPostgres(), await onEmbedded()];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const opsPerSecond = (round: Round) => (round.actions / round.ms) * 1000;
const fmt = (n: number, digits = 0) => n.toFixed(digits);
const mix = engines[0]!.rounds[0]!.byAction;

writeSection(
  "offline-sync",
  `## The offline counter's sync

Made by \`npm run offline-sync -w @qrcoats/bench -- --seconds ${seconds} --rounds ${rounds}\` on ${started.toISOString().slice(0, 16).replace("T", " ")} UTC.
Machine: ${machineNote(serverUrl)}. The host as \`npm start\` runs it, \`LOG_LEVEL=warn\`, ${POOL_SIZE} database connections on PostgreSQL.

One counter device (\`OfflineDevice\` of \`@qrcoats/testing\`, the soak's) prepares online — its
lease of 20 hangers, its pool of 10 walk-in tickets, tonight's ${TICKETS_BEFORE * rounds} tickets of its venue —
then takes ${ACTIONS} actions with no network: ${Object.entries(mix)
    .map(([action, n]) => `${n} ${action}`)
    .join(", ")}; at most ${ON_THE_RACK} coats on its leased
slots at once, the oldest handed back as the rack fills. Then the network returns: it sends the
queue to \`offline.sync\` through the host over HTTP, ${BATCH} operations a request, one request
at a time, until every operation is answered. ${rounds} rounds, a fresh device each.

Beside it, on the same host in the same run: the online scan cycle of section 1 (scan, check
in, scan, check out; each request one counter action) for ${seconds} s at 1 connection just
before each round — one attendant's device, one request at a time, as the sync goes, under the
same load as the round it is compared with — and once at 16 connections, after 5 s of warm-up
at 16, before the rounds.

| engine | round | actions | time to sync all | sync ops/s | batch ms (each) | not applied | online scan cycle req/s, 1 conn | sync / online (1 conn) | online req/s, 16 conn | sync / online (16 conn) |
|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|
${engines
  .flatMap(({ engine, sixteen, rounds: done }) =>
    done.map(
      (round, index) =>
        `| ${engine} | ${index + 1} | ${round.actions} | ${fmt(round.ms / 1000, 2)} s | ${fmt(opsPerSecond(round))} | ${round.batchMs.map((ms) => fmt(ms)).join(", ")} | ${round.conflicts} | ${fmt(round.online.requestsPerSecond)} | **${fmt(opsPerSecond(round) / round.online.requestsPerSecond, 2)}** | ${fmt(sixteen.requestsPerSecond)} | ${fmt(opsPerSecond(round) / sixteen.requestsPerSecond, 2)} |`,
    ),
  )
  .join("\n")}

The load average was ${os
    .loadavg()
    .map((load) => fmt(load, 1))
    .join(", ")} (1, 5, 15 minutes) when the run ended: a machine busy with other work gives lower figures.

Medians over the rounds: ${engines
    .map(
      ({ engine, rounds: done }) =>
        `${engine}, all ${ACTIONS} synced in **${fmt(median(done.map((r) => r.ms)) / 1000, 2)} s** (${fmt(median(done.map(opsPerSecond)))} ops/s), **${fmt(median(done.map((r) => opsPerSecond(r) / r.online.requestsPerSecond)), 2)}×** the online cycle's throughput at one connection`,
    )
    .join("; ")}.

Each operation is a transaction of its own (the counter's transition under the ticket's lock,
its scan event and its journal entry, the device's count moved on), then read back from the
journal with the ticket as the device keeps it (its code check, its name decrypted) for the
answer; an online request is one transition and its answer. "Not applied" counts operations
the server refused as conflicts: none is expected here, as no one else works the venue.
`,
);
log("wrote its section of bench/RESULTS.md");
