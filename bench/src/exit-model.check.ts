import assert from "node:assert/strict";
import { test } from "node:test";
import { closingNight, quantile, withoutPrePull, withPrePull, type Departure } from "./exit-model";

// npm run exit-model:check -w @qrcoats/bench: the exit model's simulation on cases small
// enough to work out by hand. Not part of `npm test`, like the benchmarks beside it.

const guest = (arrivesAt: number, fetchSeconds: number, handOverSeconds: number, extra: Partial<Departure> = {}): Departure => ({
  arrivesAt,
  requestsAt: arrivesAt,
  rack: "A",
  fetchSeconds,
  handOverSeconds,
  ...extra,
});

await test("without pre-pull, one attendant: each guest waits for the ones before, then fetch and hand-over", () => {
  // Service 90 + 10 = 100 s; arrivals every 60 s. Starts 0, 100, 200; leaves 100, 200, 300.
  const waits = withoutPrePull([guest(0, 90, 10), guest(60, 90, 10), guest(120, 90, 10)], 1).map((outcome) => outcome.exitWait);
  assert.deepEqual(waits, [100, 140, 180]);
});

await test("without pre-pull, two attendants serve two guests at once, and a third takes whoever is free first", () => {
  const waits = withoutPrePull([guest(0, 50, 10), guest(0, 80, 10), guest(10, 30, 10)], 2).map((outcome) => outcome.exitWait);
  // The third starts when the first attendant is free at 60: leaves at 100, 90 s after arriving.
  assert.deepEqual(waits, [60, 90, 90]);
});

await test("with pre-pull, a coat asked for ahead is on the rail: only the hand-over is left at the counter", () => {
  const [only] = withPrePull([guest(300, 60, 10, { requestsAt: 0 })], { attendants: 1, carry: 5, perExtraCoatSeconds: 10 });
  assert.equal(only!.exitWait, 10);
});

await test("with pre-pull, one walk brings coats of one rack together, the slowest fetch plus the extra per coat", () => {
  const departures = [
    guest(100, 60, 10, { requestsAt: 0 }),
    guest(100, 40, 10, { requestsAt: 0 }),
    guest(100, 50, 10, { requestsAt: 0, rack: "B" }),
  ];
  // Walk 1: A's two coats, 60 + 10 = 70 s. Walk 2: B's coat, 70 → 120, after the arrivals at
  // 100. The guests at the counter whose coats are ready come first: at 70 none has arrived,
  // so the attendant takes walk 2; at 120 hands over A's two (120–130, 130–140), then B's (140–150).
  const waits = withPrePull(departures, { attendants: 1, carry: 5, perExtraCoatSeconds: 10 }).map((outcome) => outcome.exitWait);
  assert.deepEqual(waits, [30, 40, 50]);
});

await test("with pre-pull, a guest who asks on arrival waits for the fetch and the hand-over, as without it", () => {
  const departures = [guest(0, 90, 10), guest(60, 90, 10), guest(120, 90, 10)];
  const waits = withPrePull(departures, { attendants: 1, carry: 1, perExtraCoatSeconds: 0 }).map((outcome) => outcome.exitWait);
  assert.deepEqual(waits, [100, 140, 180]);
});

await test("the same seed makes the same night, every coat of every rack leaving within the hour", () => {
  const options = {
    seed: 3,
    racks: { A: 4, B: 2 },
    hourMinutes: 60,
    peakMinute: 45,
    fetchSeconds: { min: 45, max: 90 },
    handOverSeconds: { min: 10, max: 15 },
    leadMinutes: 5,
    adoption: 1,
  };
  const night = closingNight(options);
  assert.deepEqual(night, closingNight(options));
  assert.equal(night.length, 6);
  assert.ok(
    night.every(
      (departure) => departure.arrivesAt >= 0 && departure.arrivesAt <= 3600 && departure.requestsAt === departure.arrivesAt - 300,
    ),
  );
  assert.equal(quantile([5, 1, 4, 2, 3], 0.5), 3);
  assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), 9);
});
