import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../root";
import { createTestApi, type TestApi, type TestClient } from "../testing";
import { callAs, routerProcedures, WAITING } from "./call";
import { AUTHORIZATION_MATRIX } from "./matrix";
import { buildWorld, type CallerKind, type World } from "./world";

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
  fc.constantFrom(null, undefined, "", " ", "0", "-1", "NaN", "'; DROP TABLE qr.tickets; --", "\u0000", "../../etc/passwd", "__proto__"),
  OVERSIZED_STRING,
);

/** A valid input with any of its fields replaced, removed or joined by unknown ones, or anything at all. */
function inputsAround(valid: unknown): fc.Arbitrary<unknown> {
  const whole = fc.oneof(anyValue, fc.constant(valid));
  if (typeof valid !== "object" || valid === null) return whole;
  const fields = Object.fromEntries(
    Object.entries(valid).map(([key, value]) => [key, fc.oneof({ weight: 1, arbitrary: fc.constant(value) }, { weight: 2, arbitrary: anyValue })]),
  );
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
  it.each(["adminA", "anonymous"] as const)("answers any input as %s with a typed outcome, and refusals change nothing stored", async (kind) => {
    const failures: string[] = [];
    for (const [path] of procedures) {
      const caller = await callerFor(path, kind);
      const valid = await validInput(path);
      await fc.assert(
        fc.asyncProperty(inputsAround(valid), async (input) => {
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
  }, 600_000);

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

function oversizedParts(input: unknown): string {
  if (typeof input === "string") return `string of ${input.length}`;
  return Object.entries(input as object)
    .filter(([, value]) => (typeof value === "string" || Array.isArray(value)) && value.length > 1000)
    .map(([key, value]) => `${key} (${(value as string | unknown[]).length})`)
    .join(", ");
}
