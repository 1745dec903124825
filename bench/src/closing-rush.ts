import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { createQRcoatsClient, planWalks, type AppRouter, type PickupEntry, type VenueQueue } from "@qrcoats/api/client";
import { browserSession, startHost, type BrowserSession, type RunningHost } from "@qrcoats/testing";
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { EventSource } from "eventsource";
import superjson from "superjson";
import { writeSection } from "./results";
import { dropDatabase, freshDatabase, PASSWORD } from "./setup";

// npm run closing-rush -w @qrcoats/bench [-- --guests 300 --minutes 10 --speed 20 --carry 5]:
// the closing rush through the real host. A venue with every guest's coat checked in; each
// guest's phone follows its ticket live (qr.watch over SSE), a pickup board by the counter
// follows the venue (pickup.board), three attendant bots follow the queue (pickup.queue) and
// fetch and hand over. Then the guests ask for their coats (pickup.request, public, with the
// ticket's code alone) over `--minutes` of simulated time, run `--speed` times faster than
// life. Embedded database (PGlite) by default; PostgreSQL when DATABASE_URL names a server
// (a fresh database is made on it and dropped after). Writes its section of bench/RESULTS.md.
//
// What is measured is the server's live fan-out: every timestamp is taken in this one process
// with the monotonic clock (performance.now()), at the moment the client hands an event to
// its listener, so no two clocks are compared.

const argument = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const GUESTS = argument("guests", 300);
const MINUTES = argument("minutes", 10);
const SPEED = argument("speed", 20);
/** Coats one attendant brings back from a rack in one walk. */
const CARRY = argument("carry", 5);
const ATTENDANTS = 3;
const PORT = Number(process.env.BENCH_PORT) || 3441;
const serverUrl = process.env.DATABASE_URL || "";
const ENGINE = serverUrl ? "PostgreSQL" : "embedded (PGlite)";
const DATABASE_NAME = "issue17_bench_closing_rush";
const RACK_SIZE = 100;
const log = (line: string) => console.log(`[closing-rush] ${line}`);
/** `--profile`: the host writes a CPU profile (--cpu-prof) to a temporary directory, to see where its time went. */
const PROFILE_DIR = process.argv.includes("--profile") ? fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-rush-profile-")) : null;
const nodeFlags = PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [];

// Simulated durations, in simulated seconds, drawn from a seeded generator so that every run
// asks the server the same things in the same order.
/** A walk to a rack, finding the coats and back: 45 to 90 s, and 10 s more per further coat. */
const FETCH_SECONDS = { min: 45, max: 90, perExtraCoat: 10 };
/** From "ready" on the guest's page to the guest at the counter. */
const WALK_TO_COUNTER_SECONDS = { min: 30, max: 120 };
/** Scan, find the coat on the rail, hand it across. */
const HAND_OVER_SECONDS = { min: 10, max: 15 };

function seededRandom(seed: number) {
  // mulberry32: small, fast, and the same sequence on every machine.
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seededRandom(17);
const between = ({ min, max }: { min: number; max: number }) => min + (max - min) * random();

/** When guest `index` (of GUESTS) asks, in simulated minutes: a rising curve, density growing linearly to the close. */
const askAtMinute = (index: number) => MINUTES * Math.sqrt((index + 0.5) / GUESTS);

let rushStartedAt = 0;
const simulatedMinutes = (wallMs: number) => (wallMs * SPEED) / 60_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
const sleepSimulated = (seconds: number) => sleep((seconds * 1000) / SPEED);
const untilSimulatedMinute = (minute: number) => sleep(rushStartedAt + (minute * 60_000) / SPEED - performance.now());

type Guest = {
  code: string;
  ticketNumber: number;
  askAt: number;
  requestSentAt?: number;
  requestAnsweredAt?: number;
  requestId?: string;
  boardSeenAt?: number;
  queueSeenAt: (number | undefined)[];
  fetchedSentAt?: number;
  readySeenAt?: number;
  collectedAt?: number;
};

type Bot = {
  name: string;
  api: ReturnType<typeof createQRcoatsClient>["api"];
  signOut(): Promise<void>;
  queue: VenueQueue | null;
  walks: number;
  handOvers: number;
};

function guestPhoneClient(url: string) {
  // One link per request (no batching): each guest is a phone of its own.
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url, transformer: superjson, EventSource }),
        false: httpLink({ url, transformer: superjson }),
      }),
    ],
  });
}

async function setUpVenue(host: RunningHost) {
  const admin = browserSession(host.url);
  await admin.mutate("auth.register", { email: "rush-admin@example.com", name: "Rush Admin", password: PASSWORD });
  await admin.mutate("org.create", { name: "Rush Ltd" });
  const venue = await admin.mutate<{ id: string }>("venue.create", {
    name: "Rush Club",
    timezone: "Europe/Berlin",
    opensAt: "22:00",
    closesAt: "05:00",
  });
  const racks = Math.ceil(GUESTS / RACK_SIZE) + 1;
  for (let rack = 0; rack < racks; rack++) {
    await admin.mutate("rack.create", { venueId: venue.id, name: String.fromCharCode(65 + rack), slotCount: RACK_SIZE, kind: "HANGER" });
  }
  // No cap: every request holds a place at once, so the queue shows all of them.
  await admin.mutate("venue.update", { venueId: venue.id, pickupEnabled: true, pickupQueueCap: 0, pickupHoldMinutes: 60 });
  await admin.mutate("shift.clockIn", { venueId: venue.id });
  return { admin, venueId: venue.id, racks };
}

async function hireBots(host: RunningHost, admin: BrowserSession, venueId: string): Promise<Bot[]> {
  const bots: Bot[] = [];
  for (let i = 1; i <= ATTENDANTS; i++) {
    const email = `rush-attendant-${i}@example.com`;
    const { employee } = await admin.mutate<{ employee: { id: string } }>("employee.create", {
      email,
      name: `Attendant ${i}`,
      venueIds: [venueId],
    });
    const { link } = await admin.mutate<{ link: string }>("employee.invitationLink", { employeeId: employee.id });
    await browserSession(host.url).mutate("employee.acceptInvitation", {
      token: new URL(link).searchParams.get("token"),
      password: PASSWORD,
    });
    const client = createQRcoatsClient({ url: `${host.url}/trpc`, email, password: PASSWORD, EventSource });
    await client.api.shift.clockIn.mutate({ venueId });
    bots.push({ name: `Attendant ${i}`, api: client.api, signOut: () => client.signOut(), queue: null, walks: 0, handOvers: 0 });
  }
  return bots;
}

/** Every guest's ticket issued and checked in at the counter, in guest order. */
async function checkInCoats(admin: BrowserSession, venueId: string): Promise<Guest[]> {
  const tickets: { code: string; number: number }[] = [];
  for (let i = 0; i < GUESTS; i++) tickets.push(await admin.mutate<{ code: string; number: number }>("qr.issueWalkIn", { venueId }));
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < tickets.length) await admin.mutate("qr.checkIn", { venueId, code: tickets[next++]!.code });
    }),
  );
  // Guests leave in an order that has nothing to do with when they came: shuffled, seeded.
  const order = tickets.map((ticket) => ({ ticket, key: random() })).sort((a, b) => a.key - b.key);
  return order.map(({ ticket }, index) => ({
    code: ticket.code,
    ticketNumber: ticket.number,
    askAt: askAtMinute(index),
    queueSeenAt: Array.from({ length: ATTENDANTS }, () => undefined),
  }));
}

type Run = {
  guests: Guest[];
  bots: Bot[];
  wallSeconds: number;
  errors: string[];
  clientLoopDelayP99Ms: number;
  setupSeconds: number;
};

async function rush(host: RunningHost): Promise<Run> {
  const setupStarted = performance.now();
  const { admin, venueId, racks } = await setUpVenue(host);
  log(`venue with ${racks} racks of ${RACK_SIZE} hangers; issuing and checking in ${GUESTS} coats...`);
  const guests = await checkInCoats(admin, venueId);
  const bots = await hireBots(host, admin, venueId);
  const { link } = await admin.mutate<{ link: string }>("pickup.createBoard", { venueId, label: "Main counter" });
  const boardToken = link.slice(link.indexOf("#") + 1);
  const byNumber = new Map(guests.map((guest) => [guest.ticketNumber, guest]));
  const errors: string[] = [];
  const fail = (what: string) => (error: unknown) => {
    errors.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  };

  // Anything that may let an attendant act: a new queue, a guest at the counter.
  let wake: () => void = () => {};
  let changed = new Promise<void>((resolve) => (wake = resolve));
  const signal = () => {
    wake();
    changed = new Promise<void>((resolve) => (wake = resolve));
  };
  const counterLine: Guest[] = [];

  const url = `${host.url}/trpc`;
  const phone = guestPhoneClient(url);
  const unsubscribe: (() => void)[] = [];
  let watching = 0;
  const allWatching = new Promise<void>((resolve) => {
    for (const guest of guests) {
      let first = true;
      const subscription = phone.qr.watch.subscribe(
        { code: guest.code },
        {
          onData(view) {
            const at = performance.now();
            if (first) {
              first = false;
              if (++watching === guests.length) resolve();
            }
            if (view.pickup.request?.state !== "READY" || guest.readySeenAt !== undefined) return;
            guest.readySeenAt = at;
            // The guest sees "ready" and walks to the counter.
            void sleepSimulated(between(WALK_TO_COUNTER_SECONDS)).then(() => {
              counterLine.push(guest);
              signal();
            });
          },
          onError: fail(`qr.watch ${guest.ticketNumber}`),
        },
      );
      unsubscribe.push(() => subscription.unsubscribe());
    }
  });
  const boardPhone = guestPhoneClient(url);
  const board = boardPhone.pickup.board.subscribe(
    { token: boardToken },
    {
      onData(view) {
        const at = performance.now();
        for (const number of [...view.getting, ...view.ready.map((coat) => coat.ticketNumber)]) {
          const guest = byNumber.get(number);
          if (guest && guest.boardSeenAt === undefined) guest.boardSeenAt = at;
        }
      },
      onError: fail("pickup.board"),
    },
  );
  unsubscribe.push(() => board.unsubscribe());
  const firstQueues = bots.map(
    (bot, index) =>
      new Promise<void>((resolve) => {
        const subscription = bot.api.pickup.queue.subscribe(
          { venueId },
          {
            onData(queue) {
              const at = performance.now();
              for (const entry of queue.entries) {
                const guest = byNumber.get(entry.ticketNumber);
                if (guest && guest.queueSeenAt[index] === undefined) guest.queueSeenAt[index] = at;
              }
              bot.queue = queue;
              resolve();
              signal();
            },
            onError: fail(`pickup.queue (${bot.name})`),
          },
        );
        unsubscribe.push(() => subscription.unsubscribe());
      }),
  );
  await Promise.all([allWatching, ...firstQueues]);
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  log(`${GUESTS} phones watching, the board and ${ATTENDANTS} queues open (${setupSeconds.toFixed(0)} s of setup); the rush starts`);

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  rushStartedAt = performance.now();
  const deadline = rushStartedAt + ((MINUTES + 30) * 60_000) / SPEED;
  const everyoneOut = () => guests.every((guest) => guest.collectedAt !== undefined);
  /** Requests one attendant has set out for; the others see them as FETCHING once the stream says so. */
  const claimed = new Set<string>();

  const asking = guests.map(async (guest) => {
    await untilSimulatedMinute(guest.askAt);
    guest.requestSentAt = performance.now();
    try {
      const request = await phone.pickup.request.mutate({ code: guest.code, requestId: crypto.randomUUID() });
      guest.requestAnsweredAt = performance.now();
      guest.requestId = request.id;
    } catch (error) {
      fail(`pickup.request ${guest.ticketNumber}`)(error);
    }
  });

  const nextWalk = (queue: VenueQueue | null): PickupEntry[] => {
    if (!queue) return [];
    for (const walk of planWalks(queue, new Date())) {
      const free = walk.entries.filter((entry) => !claimed.has(entry.id)).slice(0, CARRY);
      if (free.length > 0) {
        for (const entry of free) claimed.add(entry.id);
        return free;
      }
    }
    return [];
  };

  const work = async (bot: Bot) => {
    while (!everyoneOut() && performance.now() < deadline) {
      const waiting = counterLine.shift();
      if (waiting) {
        await sleepSimulated(between(HAND_OVER_SECONDS));
        const handed = await bot.api.qr.scan.mutate({ venueId, code: waiting.code }).catch(fail(`qr.scan ${waiting.ticketNumber}`));
        if (handed && !handed.handedOver) errors.push(`qr.scan ${waiting.ticketNumber}: not handed over`);
        waiting.collectedAt = performance.now();
        bot.handOvers++;
        continue;
      }
      const walk = nextWalk(bot.queue);
      if (walk.length > 0) {
        bot.walks++;
        await Promise.all(
          walk.map((entry) =>
            bot.api.pickup.start.mutate({ venueId, requestId: entry.id }).catch(fail(`pickup.start ${entry.ticketNumber}`)),
          ),
        );
        await sleepSimulated(between(FETCH_SECONDS) + FETCH_SECONDS.perExtraCoat * (walk.length - 1));
        await Promise.all(
          walk.map((entry) => {
            byNumber.get(entry.ticketNumber)!.fetchedSentAt = performance.now();
            return bot.api.pickup.fetched.mutate({ venueId, requestId: entry.id }).catch(fail(`pickup.fetched ${entry.ticketNumber}`));
          }),
        );
        continue;
      }
      await Promise.race([changed, sleep(250)]);
    }
  };
  await Promise.all([...asking, ...bots.map(work)]);
  const wallSeconds = (performance.now() - rushStartedAt) / 1000;
  loopDelay.disable();
  for (const stop of unsubscribe) stop();
  for (const bot of bots) await bot.signOut();
  if (!everyoneOut()) errors.push(`${guests.filter((guest) => guest.collectedAt === undefined).length} guests never got their coat`);
  return { guests, bots, wallSeconds, errors, clientLoopDelayP99Ms: loopDelay.percentile(99) / 1e6, setupSeconds };
}

async function onEngine(): Promise<Run> {
  if (!serverUrl) {
    const host = await startHost({ LOG_LEVEL: "warn", DATABASE_URL: "" }, { port: PORT, nodeFlags });
    try {
      return await rush(host);
    } finally {
      await host.stop();
    }
  }
  const databaseUrl = await freshDatabase(serverUrl, DATABASE_NAME);
  const host = await startHost({ LOG_LEVEL: "warn" }, { databaseUrl, port: PORT, nodeFlags });
  try {
    return await rush(host);
  } finally {
    await host.stop();
    await dropDatabase(serverUrl, DATABASE_NAME);
  }
}

const started = new Date();
log(
  `${ENGINE}: ${GUESTS} guests over ${MINUTES} simulated minutes at ${SPEED}× (about ${((MINUTES * 60) / SPEED).toFixed(0)} s of asking)`,
);
const run = await onEngine();
if (PROFILE_DIR) log(`the host's CPU profile: ${PROFILE_DIR}`);

const quantile = (values: number[], q: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};
const defined = (values: (number | undefined)[]) => values.filter((value): value is number => value !== undefined && !Number.isNaN(value));
const { guests } = run;
const sent = (guest: Guest) => guest.requestSentAt ?? NaN;
const rows: { what: string; values: number[]; unit: "ms" | "min" }[] = [
  { what: "`pickup.request` sent → its answer", values: defined(guests.map((g) => (g.requestAnsweredAt ?? NaN) - sent(g))), unit: "ms" },
  {
    what: `sent → on the counter's queue stream (each of ${ATTENDANTS} attendants' \`pickup.queue\`)`,
    values: defined(guests.flatMap((g) => g.queueSeenAt.map((seen) => (seen ?? NaN) - sent(g)))),
    unit: "ms",
  },
  { what: "sent → on the board stream (`pickup.board`)", values: defined(guests.map((g) => (g.boardSeenAt ?? NaN) - sent(g))), unit: "ms" },
  {
    what: "`pickup.fetched` sent → READY on the guest's page (`qr.watch`)",
    values: defined(guests.map((g) => (g.readySeenAt ?? NaN) - (g.fetchedSentAt ?? NaN))),
    unit: "ms",
  },
  {
    what: "exit wait: request → coat handed over (simulated)",
    values: defined(guests.map((g) => simulatedMinutes((g.collectedAt ?? NaN) - sent(g)))),
    unit: "min",
  },
];
const fmt = (value: number, unit: "ms" | "min") => (unit === "ms" ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} min`);
const table = `| measured | n | p50 | p90 | p99 | max |
|---|---:|---:|---:|---:|---:|
${rows
  .map(
    ({ what, values, unit }) =>
      `| ${what} | ${values.length} | ${fmt(quantile(values, 0.5), unit)} | ${fmt(quantile(values, 0.9), unit)} | ${fmt(quantile(values, 0.99), unit)} | ${fmt(Math.max(...values), unit)} |`,
  )
  .join("\n")}`;
console.log(table);
if (run.errors.length > 0) console.log(`errors (${run.errors.length}):\n${run.errors.slice(0, 20).join("\n")}`);

const command = `${serverUrl ? "DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres " : ""}npm run closing-rush -w @qrcoats/bench -- --guests ${GUESTS} --minutes ${MINUTES} --speed ${SPEED} --carry ${CARRY}`;
const load = os
  .loadavg()
  .map((value) => value.toFixed(1))
  .join(", ");
// A profiled host is slower: its figures are not the bench's.
if (!PROFILE_DIR)
  writeSection(
    serverUrl ? "closing-rush-postgresql" : "closing-rush-embedded",
    `## The closing rush, live: ${ENGINE}

Made by \`${command}\` on ${started.toISOString().slice(0, 16).replace("T", " ")} UTC.
Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${ENGINE}${serverUrl ? " on the same machine" : " inside the host's process"}. The host as \`npm start\` runs it, \`LOG_LEVEL=warn\`, in a process of its own; every client below in one other process.
The machine was shared with other builds and tests: load average ${load} (1, 5, 15 minutes) when the run ended.

A venue with ${GUESTS} coats checked in (racks of ${RACK_SIZE} hangers), pickup on with no queue cap. Open before
the rush: ${GUESTS} guests' phones each following their ticket (\`qr.watch\`, server-sent events through
\`@qrcoats/api/client\`'s types and the \`eventsource\` package, no account), one pickup board
(\`pickup.board\`, signed in with the token after the \`#\` of \`pickup.createBoard\`'s link), and
${ATTENDANTS} attendant bots, each signed in with its own account (\`createQRcoatsClient\`), on shift, each
following the venue's queue (\`pickup.queue\`).

The rush: the ${GUESTS} guests ask for their coats (\`pickup.request\`, "now") over ${MINUTES} simulated minutes,
guest *i* at minute ${MINUTES}·√((i+½)/${GUESTS}) — a rising curve, the density growing linearly to the end, so half
ask in the last ${(MINUTES * (1 - Math.SQRT1_2)).toFixed(1)} minutes — in a seeded random order of tickets. Simulated time runs ${SPEED}×
real time (every simulated wait is slept for 1/${SPEED} of its length), so the asking takes
${((MINUTES * 60) / SPEED).toFixed(0)} s of wall time. Each bot loops: a guest at the counter first (hand-over ${HAND_OVER_SECONDS.min}–${HAND_OVER_SECONDS.max} s, then
\`qr.scan\`, which checks the coat out off the rail); else the next walk of \`planWalks\` (from
\`@qrcoats/api/client\`, on the queue as its own stream last showed it) not taken by another bot, at
most ${CARRY} coats: \`pickup.start\` each, ${FETCH_SECONDS.min}–${FETCH_SECONDS.max} s plus ${FETCH_SECONDS.perExtraCoat} s per further coat, \`pickup.fetched\` each.
A guest whose page shows READY walks to the counter (${WALK_TO_COUNTER_SECONDS.min}–${WALK_TO_COUNTER_SECONDS.max} s). Durations are drawn from a
seeded generator (the same every run).

Every time below is taken in the clients' one process with the monotonic clock
(\`performance.now()\`), when the client hands the request or the event to its code: no two
clocks are compared. Latencies are wall milliseconds; the exit wait is in simulated minutes.

${table}

The rush took ${run.wallSeconds.toFixed(1)} s of wall time (${simulatedMinutes(run.wallSeconds * 1000).toFixed(1)} simulated minutes) after ${run.setupSeconds.toFixed(0)} s of setup; the bots made
${run.bots.map((bot) => `${bot.walks} walks and ${bot.handOvers} hand-overs`).join("; ")}.
Errors: ${run.errors.length === 0 ? "none" : `${run.errors.length} (${run.errors.slice(0, 3).join("; ")})`}. The clients' own event loop was late by at most
${run.clientLoopDelayP99Ms.toFixed(0)} ms (p99) during the rush: that much of any latency above may be the measuring process, not the server.

How to read it: a request's way to the streams is its own transaction and notice, then one
read of the venue's queue per notice shared by every stream of the host (\`queueAfter\`), then
each stream's serialization and send; the guests' pages that are still queued re-place
themselves on every change of anyone's request. Server time is not scaled: every real
millisecond the server takes is ${SPEED} simulated ones, so the simulated exit wait includes the
server's latency ×${SPEED}.
`,
  );
if (!PROFILE_DIR) log(`wrote its section of bench/RESULTS.md`);
process.exit(run.errors.length === 0 ? 0 : 1);
