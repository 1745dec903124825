import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { transformer, UnreadableInputError } from "./transformer";

const read = (payload: unknown) => transformer.input.deserialize(payload);

describe("reading a request's superjson", () => {
  it("reads everything a client's superjson writes", () => {
    const date = new Date(0);
    const inputs = [
      date,
      undefined,
      null,
      "text",
      { a: { b: date } },
      { a: [date, undefined] },
      { m: new Map([[1, date]]) },
      { s: new Set([date]) },
      { x: date, y: date },
      [1n],
      { n: Number.NaN },
    ];
    for (const input of inputs) expect(read(JSON.parse(JSON.stringify(superjson.serialize(input))))).toEqual(input);
  });

  it("refuses annotations no client writes, at once, before superjson follows them", () => {
    const hostile = [
      { json: null, meta: { values: ["custom", "x"] } },
      { json: { email: "a" }, meta: { values: { email: ["custom", "x"] } } },
      { json: { a: 1 }, meta: { values: { a: ["class", "Object"] } } },
      { json: { a: 1 }, meta: { values: { a: ["symbol", "x"] } } },
      { json: { a: [1] }, meta: { values: { a: ["typed-array", "Uint8Array"] } } },
      { json: { a: "x" }, meta: { values: { "__proto__.polluted": ["Date"] } } },
      { json: { a: "x" }, meta: { values: { a: ["Date"] }, referentialEqualities: { a: ["constructor.prototype.b"] } } },
      { json: { a: "x" }, meta: { values: { a: ["map", { "0": ["map", { "0": ["Date"] }] }] } } },
      { json: { a: "x" }, meta: { values: Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`a${i}`, ["Date"]])) } },
      { json: { a: "x" }, meta: { values: { [Array.from({ length: 40 }, () => "a").join(".")]: ["Date"] } } },
      { json: { a: "x" }, meta: "Date" },
      { json: { a: "x" }, meta: { values: { a: ["Date"] }, v: 2 } },
      "not an object",
    ];
    for (const payload of hostile) {
      const started = performance.now();
      expect(() => read(payload), JSON.stringify(payload).slice(0, 80)).toThrow(UnreadableInputError);
      expect(performance.now() - started).toBeLessThan(50);
    }
  });
});
