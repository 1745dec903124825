import fc from "fast-check";
import type { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../root";
import { createTestApi, type TestApi, type TestClient } from "../testing";
import { callAs, routerProcedures, WAITING } from "./call";
import { AUTHORIZATION_MATRIX } from "./matrix";
import { buildWorld, type CallerKind, type World } from "./testing";

// Generated inputs for every procedure, as an admin of A (who passes every role check, so
// the input reaches the resolvers) and as an anonymous caller: whatever arrives is answered
// with a typed error or a success, never INTERNAL_SERVER_ERROR, and a refused call leaves
// the stored data as it was.

let t: TestApi;
let world: World;
let checksumSql: string;
beforeAll(async () => {
  t = await createTestApi();
  world = await buildWorld(t);
  const tables = await t.db.sql.query<{ name: string }>(
    `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
      WHERE table_schema IN ('auth', 'employees', 'qr') AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  checksumSql = tables
    .filter(({ name }) => !RECORDS_OF_REFUSALS.has(name))
    .map(({ name }) => `SELECT '${name}' AS name, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS sum FROM ${name} x`)
    .join(" UNION ALL ");
}, 120_000);
afterAll(() => t.close());

/**
 * Tables that record refusals on purpose: every scan attempt is kept (refused ones too), and
 * failed sign-ins are audited and counted for rate limiting. They may grow on a refused
 * call; every other table must not change.
 */
const RECORDS_OF_REFUSALS = new Set(["qr.scan_events", "auth.audit_events", "auth.rate_limit_buckets"]);

/**
 * A refusal that acts on purpose: a refresh token presented again after it was used is
 * taken as stolen, and its session is revoked (auth/api-sessions.ts).
 */
const REVOKING_REFUSALS: Record<string, string[]> = { "auth.refreshToken": ["auth.sessions", "auth.refresh_tokens"] };

async function storedData(): Promise<Record<string, string>> {
  const rows = await t.db.sql.query<{ name: string; sum: string }>(checksumSql);
  return Object.fromEntries(rows.map(({ name, sum }) => [name, sum]));
}

/** Larger than any string or list the API accepts (the longest, a task description, is 5000). */
const OVERSIZED_STRING = fc.integer({ min: 10_001, max: 200_000 }).map((length) => "x".repeat(length));
const OVERSIZED_ARRAY = fc.integer({ min: 1_001, max: 20_000 }).map((length) => Array.from({ length }, () => crypto.randomUUID()));

/** Any value a caller could send in place of one field. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 2, withDate: true, withNullPrototype: true, withBigInt: true, withMap: true, withSet: true }),
  fc.string({ unit: "binary", maxLength: 64 }),
  fc.uuid(),
  fc.double(),
  fc.integer(),
  fc.date({ noInvalidDate: false }),
  fc.constantFrom(
    null,
    undefined,
    "",
    " ",
    "0",
    "-1",
    "NaN",
    "'; DROP TABLE qr.tickets; --",
    "\u0000",
    "\ud800",
    "a\udc00b",
    "../../etc/passwd",
    "__proto__",
  ),
  OVERSIZED_STRING,
);

const YEAR_MS = 365.25 * 24 * 3600_000;
const utc = (iso: string) => new Date(iso);

/**
 * Dates where storage and JavaScript disagree: the ends of what a Date holds, years 0 and
 * below, 10000 and above, the edges of the years the API accepts, and the invalid Date.
 */
const edgeDate: fc.Arbitrary<Date> = fc.oneof(
  fc.date({ noInvalidDate: false }),
  fc.date({ min: utc("+010000-01-01T00:00:00Z"), max: new Date(8.64e15) }),
  fc.date({ min: new Date(-8.64e15), max: utc("0000-12-31T23:59:59.999Z") }),
  fc.integer({ min: -5_000, max: 5_000 }).map((ms) => new Date(utc("+010000-01-01T00:00:00Z").getTime() + ms)),
  fc.integer({ min: -5_000, max: 5_000 }).map((ms) => new Date(utc("0001-01-01T00:00:00Z").getTime() + ms)),
  fc.constantFrom(new Date(Number.NaN), new Date(8.64e15), new Date(-8.64e15), new Date(0), new Date(100 * YEAR_MS)),
);
/** A date where a caller could put one: a Date, or the strings and numbers a client might send instead. */
const anyDate: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: edgeDate },
  edgeDate.map((date) => (Number.isNaN(date.getTime()) ? "Invalid Date" : date.toISOString())),
  fc.constantFrom("+010000-01-01T00:00:00.000Z", "-000001-01-01T00:00:00.000Z", "2024-02-30", "", 8.64e15 + 1, -1),
);

const base64url = (text: string | Uint8Array) => Buffer.from(text).toString("base64url");
const cursorOf = (values: unknown) => base64url(JSON.stringify(values));
/**
 * What a cursor could decode to besides ours: random bytes, NUL inside, times a Date holds
 * but storage does not, ids that are not ids, the wrong number of values.
 */
const anyCursor: fc.Arbitrary<unknown> = fc.oneof(
  fc.uint8Array({ maxLength: 96 }).map(base64url),
  fc.uint8Array({ maxLength: 96 }).map((bytes) => Buffer.from(bytes).toString("base64")),
  fc
    .tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }))
    .map(([before, after]) => cursorOf([`${before}\u0000${after}`, crypto.randomUUID()])),
  fc
    .tuple(fc.string({ maxLength: 20 }), fc.constantFrom("\ud800", "\udfff"))
    .map(([text, half]) => cursorOf([`${text}${half}`, crypto.randomUUID()])),
  fc.uuid().map((id) => cursorOf(["2024-01-01T00:00:00.000Z", `${id}\u0000`])),
  fc
    .tuple(edgeDate, fc.oneof(fc.uuid(), fc.constantFrom("12", "not-an-id", "", "-1", "99999999999999999999")))
    .map(([at, id]) => cursorOf([Number.isNaN(at.getTime()) ? "Invalid Date" : at.toISOString(), id])),
  fc.array(fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.constant(null)), { maxLength: 4 }).map(cursorOf),
  anyValue,
);

type Field = "date" | "cursor";

/** The fields of a procedure's input that take a date or a cursor, found in its schema so that new ones are fuzzed too. */
function specialFields(path: string): Record<string, Field> {
  const procedure = (appRouter._def.procedures as unknown as Record<string, { _def: { inputs: z.ZodType[] } }>)[path]!;
  const fields: Record<string, Field> = {};
  for (const input of procedure._def.inputs) {
    const shape = (unwrapped(input)._zod.def as { shape?: Record<string, z.ZodType> }).shape ?? {};
    for (const [key, field] of Object.entries(shape)) {
      if (unwrapped(field)._zod.def.type === "date") fields[key] = "date";
      else if (key === "cursor") fields[key] = "cursor";
    }
  }
  return fields;
}

function unwrapped(schema: z.ZodType): z.ZodType {
  const def = schema._zod.def as { innerType?: z.ZodType; in?: z.ZodType };
  const inner = def.innerType ?? def.in;
  return inner ? unwrapped(inner) : schema;
}

const SPECIAL_VALUES: Record<Field, fc.Arbitrary<unknown>> = { date: anyDate, cursor: anyCursor };

/**
 * A valid input with any of its fields replaced, removed or joined by unknown ones, or
 * anything at all; date and cursor fields, present in the valid input or not, get values
 * made for them.
 */
function inputsAround(valid: unknown, special: Record<string, Field> = {}): fc.Arbitrary<unknown> {
  const whole = fc.oneof(anyValue, fc.constant(valid));
  if (typeof valid !== "object" || valid === null) return whole;
  const fields = Object.fromEntries(
    Object.entries(valid).map(([key, value]) => [
      key,
      fc.oneof({ weight: 1, arbitrary: fc.constant(value) }, { weight: 2, arbitrary: anyValue }),
    ]),
  );
  for (const [key, kind] of Object.entries(special)) {
    const kept = key in valid ? [{ weight: 1, arbitrary: fc.constant((valid as Record<string, unknown>)[key]) }] : [];
    fields[key] = fc.oneof(...kept, { weight: 3, arbitrary: SPECIAL_VALUES[kind] });
  }
  const mutated = fc
    .tuple(fc.record(fields, { requiredKeys: [] }), fc.dictionary(fc.string({ maxLength: 12 }), anyValue, { maxKeys: 2 }))
    .map(([kept, extra]) => ({ ...extra, ...kept }));
  return fc.oneof({ weight: 4, arbitrary: mutated }, { weight: 1, arbitrary: whole });
}

/** Each string field of a valid input made too long, each list made too long; or the whole input one huge string. */
function oversizedAround(valid: unknown): fc.Arbitrary<unknown> {
  const whole = OVERSIZED_STRING.map((huge): unknown => huge);
  if (typeof valid !== "object" || valid === null) return whole;
  const variants = Object.entries(valid).flatMap(([key, value]): fc.Arbitrary<unknown>[] => {
    if (typeof value === "string") return [OVERSIZED_STRING.map((huge) => ({ ...valid, [key]: huge }))];
    if (Array.isArray(value)) return [OVERSIZED_ARRAY.map((huge) => ({ ...valid, [key]: huge }))];
    return [];
  });
  return fc.oneof(whole, ...variants);
}

const procedures = [...routerProcedures()].filter(([path]) => path in AUTHORIZATION_MATRIX);
/** Procedures that take no input ignore whatever is sent (the host's body limit bounds it). */
const takesInput = (path: string) =>
  ((appRouter._def.procedures as unknown as Record<string, { _def: { inputs: unknown[] } }>)[path]!._def.inputs.length ?? 0) > 0;

const RUNS = Number(process.env.FUZZ_RUNS ?? 15);

/** The caller for one property: calls that may end their own session get a new person, so the shared callers stay signed in. */
async function callerFor(path: string, kind: CallerKind): Promise<TestClient> {
  return AUTHORIZATION_MATRIX[path]!.ownSession ? world.freshCaller(kind) : world.callers[kind];
}

/** The matrix's valid input as admin A would send it: what the generated inputs vary. */
async function validInput(path: string): Promise<unknown> {
  return AUTHORIZATION_MATRIX[path]!.input(world, { kind: "adminA", client: await callerFor(path, "adminA") });
}

describe("fuzzing every procedure's input", () => {
  it.each(["adminA", "anonymous"] as const)(
    "answers any input as %s with a typed outcome, and refusals change nothing stored",
    async (kind) => {
      const failures: string[] = [];
      for (const [path] of procedures) {
        const caller = await callerFor(path, kind);
        const valid = await validInput(path);
        await fc.assert(
          fc.asyncProperty(inputsAround(valid, specialFields(path)), async (input) => {
            const before = await storedData();
            // A live feed with nothing new to send stays open: that is an answer too.
            const { outcome } = await callAs(t, caller, path, input, { firstItemTimeoutMs: 300 });
            if (outcome === "INTERNAL_SERVER_ERROR" || outcome.startsWith("THREW")) {
              failures.push(`${path} as ${kind}: ${outcome} for ${fc.stringify(input).slice(0, 300)}`);
              return;
            }
            if (outcome === "OK" || outcome === WAITING) return;
            const after = await storedData();
            const changed = Object.keys(before).filter(
              (table) => before[table] !== after[table] && !REVOKING_REFUSALS[path]?.includes(table),
            );
            if (changed.length > 0) failures.push(`${path} as ${kind}: refused with ${outcome} but changed ${changed.join(", ")}`);
          }),
          { numRuns: RUNS },
        );
      }
      expect(failures).toEqual([]);
    },
    600_000,
  );

  it("refuses oversized strings and lists with BAD_REQUEST before they reach anything stored", async () => {
    const failures: string[] = [];
    for (const [path] of procedures.filter(([path]) => takesInput(path))) {
      const caller = await callerFor(path, "adminA");
      const valid = await validInput(path);
      await fc.assert(
        fc.asyncProperty(oversizedAround(valid), async (input) => {
          const before = await storedData();
          const { outcome } = await callAs(t, caller, path, input);
          const after = await storedData();
          if (outcome !== "BAD_REQUEST") failures.push(`${path}: ${outcome} for an oversized ${oversizedParts(input)}`);
          else if (JSON.stringify(before) !== JSON.stringify(after)) failures.push(`${path}: refused but changed stored data`);
        }),
        { numRuns: Math.max(3, Math.ceil(RUNS / 3)) },
      );
    }
    expect(failures).toEqual([]);
  }, 600_000);
});

/** Dates outside years 1 to 9999, and not dates: BAD_REQUEST in every date field. */
const DATES_REFUSED: Record<string, unknown> = {
  "year 10000": utc("+010000-01-01T00:00:00Z"),
  "year 0": utc("0000-06-01T00:00:00Z"),
  "year -1": utc("-000001-01-01T00:00:00Z"),
  "largest Date": new Date(8.64e15),
  "smallest Date": new Date(-8.64e15),
  "invalid Date": new Date(Number.NaN),
  "a string": "2024-01-01T00:00:00.000Z",
};
/** The first and last instants of the years accepted: a typed answer, whatever it is. */
const DATES_AT_THE_EDGES: Record<string, Date> = {
  "first instant of year 1": utc("0001-01-01T00:00:00Z"),
  "last instant of year 9999": utc("9999-12-31T23:59:59.999Z"),
};
/** Cursors no list ever gave out: BAD_REQUEST from every list. */
const CURSORS_REFUSED: Record<string, string> = {
  "random bytes": base64url(Uint8Array.from({ length: 48 }, (_, i) => (i * 151 + 7) % 256)),
  "NUL in the first value": cursorOf(["Bar\u0000", "3f0e5a8e-8d5c-4a57-9a53-0c7f6f3b7d1e"]),
  "NUL in the tie-breaker": cursorOf(["2024-01-01T00:00:00.000Z", "3f0e5a8e-8d5c-4a57-9a53-0c7f6f3b7d1e\u0000"]),
  "year 10000 with an event number": cursorOf(["+010000-01-01T00:00:00.000Z", "12"]),
  "a bad id": cursorOf(["2024-01-01T00:00:00.000Z", "not-an-id"]),
  "three values": cursorOf(["2024-01-01T00:00:00.000Z", "12", "3f0e5a8e-8d5c-4a57-9a53-0c7f6f3b7d1e"]),
  "not a list": cursorOf({ at: "2024-01-01T00:00:00.000Z" }),
};
/** Cursors that may be a name list's (a venue called "+010000-…"), but never a time list's: typed answers. */
const CURSORS_OF_EXTREME_TIMES: Record<string, string> = {
  "year 10000": cursorOf(["+010000-01-01T00:00:00.000Z", "3f0e5a8e-8d5c-4a57-9a53-0c7f6f3b7d1e"]),
  "year -1": cursorOf(["-000001-01-01T00:00:00.000Z", "3f0e5a8e-8d5c-4a57-9a53-0c7f6f3b7d1e"]),
  "largest Date": cursorOf([new Date(8.64e15).toISOString(), "3f0e5a8e-8d5c-4a57-9a53-0c7f6f3b7d1e"]),
};

describe("dates and cursors at the extremes", () => {
  // The fuzzing above draws these at random; here each one reaches every field that takes it.
  const withSpecialFields = procedures
    .map(([path]) => [path, specialFields(path)] as const)
    .filter(([, fields]) => Object.keys(fields).length > 0);

  it("finds the date and cursor fields it checks", () => {
    const fields = withSpecialFields.flatMap(([path, special]) => Object.entries(special).map(([key, kind]) => `${path}.${key}: ${kind}`));
    expect(fields).toEqual(
      expect.arrayContaining(["qr.history.from: date", "task.create.dueAt: date", "venue.list.cursor: cursor", "qr.mine.cursor: cursor"]),
    );
  });

  it("refuses a date outside years 1 to 9999 with BAD_REQUEST in every date field, and answers the edges", async () => {
    const failures: string[] = [];
    for (const [path, special] of withSpecialFields) {
      const caller = await callerFor(path, "adminA");
      for (const field of Object.keys(special).filter((key) => special[key] === "date")) {
        for (const [name, value] of Object.entries(DATES_REFUSED)) {
          const { outcome } = await callAs(t, caller, path, { ...((await validInput(path)) as object), [field]: value });
          if (outcome !== "BAD_REQUEST") failures.push(`${path}.${field} = ${name}: ${outcome}`);
        }
        for (const [name, value] of Object.entries(DATES_AT_THE_EDGES)) {
          const { outcome } = await callAs(t, caller, path, { ...((await validInput(path)) as object), [field]: value });
          if (outcome === "INTERNAL_SERVER_ERROR" || outcome.startsWith("THREW")) failures.push(`${path}.${field} = ${name}: ${outcome}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it("refuses cursors it never gave out with BAD_REQUEST, and never fails on a cursor", async () => {
    const failures: string[] = [];
    for (const [path] of withSpecialFields.filter(([, special]) => special.cursor === "cursor")) {
      const caller = await callerFor(path, "adminA");
      const valid = (await validInput(path)) as object;
      for (const [name, cursor] of Object.entries(CURSORS_REFUSED)) {
        const { outcome } = await callAs(t, caller, path, { ...valid, cursor });
        if (outcome !== "BAD_REQUEST") failures.push(`${path} cursor ${name}: ${outcome}`);
      }
      for (const [name, cursor] of Object.entries(CURSORS_OF_EXTREME_TIMES)) {
        const { outcome } = await callAs(t, caller, path, { ...valid, cursor });
        if (outcome === "INTERNAL_SERVER_ERROR" || outcome.startsWith("THREW")) failures.push(`${path} cursor ${name}: ${outcome}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});

function oversizedParts(input: unknown): string {
  if (typeof input === "string") return `string of ${input.length}`;
  return Object.entries(input as object)
    .filter(([, value]) => (typeof value === "string" || Array.isArray(value)) && value.length > 1000)
    .map(([key, value]) => `${key} (${(value as string | unknown[]).length})`)
    .join(", ");
}
