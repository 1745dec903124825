import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "../testing";
import { callAs, routerProcedures } from "./call";
import { AUTHORIZATION_MATRIX } from "./matrix";
import { buildWorld, CALLERS, type World } from "./testing";

let t: TestApi;
let world: World;
beforeAll(async () => {
  t = await createTestApi();
  world = await buildWorld(t);
}, 120_000);
afterAll(() => t.close());

const rows = Object.entries(AUTHORIZATION_MATRIX).map(([name, row]) => ({ name, path: row.procedure ?? name, row }));

/** What of organization A no answer to B's staff may contain: its id, its staff's ids and emails. */
async function secretsOfA() {
  const staff = await t.db.prisma.employee.findMany({
    where: { organizationId: world.orgA },
    select: { id: true, email: true, membership: { select: { userId: true } } },
  });
  return [world.orgA, ...staff.flatMap((e) => [e.id, e.email, ...(e.membership.userId ? [e.membership.userId] : [])])];
}

describe("the authorization matrix", () => {
  it("has a row for every procedure of the router, and every row names one", () => {
    const procedures = [...routerProcedures().keys()];
    expect({
      withoutRow: procedures.filter((path) => !(path in AUTHORIZATION_MATRIX)),
      withoutProcedure: rows.filter(({ path }) => !routerProcedures().has(path)).map(({ name }) => name),
    }).toEqual({ withoutRow: [], withoutProcedure: [] });
  });

  it("gives every caller exactly the outcome its row expects, and B's staff nothing of A's", async () => {
    const mismatches: string[] = [];
    const leaks: string[] = [];
    for (const { name, path, row } of rows) {
      if (!routerProcedures().has(path)) continue;
      for (const [index, kind] of CALLERS.entries()) {
        const client = row.ownSession ? await world.freshCaller(kind) : world.callers[kind];
        const { outcome, result } = await callAs(t, client, path, await row.input(world, { kind, client }));
        const expected = row.expect[index];
        if (outcome !== expected) mismatches.push(`${name} as ${kind}: expected ${expected}, got ${outcome}`);
        if (kind.endsWith("B") && outcome === "OK" && !row.inputIsSecretOfA) {
          const answer = JSON.stringify(result) ?? "";
          for (const secret of await secretsOfA()) if (answer.includes(secret)) leaks.push(`${name} as ${kind} answered ${secret}`);
        }
      }
    }
    expect({ mismatches, leaks }).toEqual({ mismatches: [], leaks: [] });
  }, 300_000);

  it("answers anyone outside A for an id of A's exactly as for an id that does not exist", async () => {
    const differences: string[] = [];
    let compared = 0;
    for (const { name, path, row } of rows) {
      if (!routerProcedures().has(path)) continue;
      for (const kind of OUTSIDERS) {
        if (row.expect[CALLERS.indexOf(kind)] === "OK") continue;
        const client = row.ownSession ? await world.freshCaller(kind) : world.callers[kind];
        const input = await row.input(world, { kind, client });
        // B's own venue, where a row sends B's staff, is theirs: only the other ids are A's.
        for (const field of idFields(input).filter((key) => (input as Record<string, unknown>)[key] !== world.venueB.id)) {
          const ofA = await callAs(t, client, path, input);
          const unknown = await callAs(t, client, path, {
            ...(input as object),
            [field]: unknownIdsLike((input as Record<string, unknown>)[field]),
          });
          compared++;
          if (ofA.outcome !== unknown.outcome || ofA.message !== unknown.message) {
            differences.push(
              `${name}.${field} as ${kind}: A's id ${ofA.outcome} "${ofA.message}", unknown ${unknown.outcome} "${unknown.message}"`,
            );
          }
        }
      }
    }
    expect(differences).toEqual([]);
    // Every row addressing A's venue, rack, employee, task or ticket by id was compared.
    expect(compared).toBeGreaterThan(50);
  }, 300_000);
});

/** Signed-in callers who are not staff of A: to them, A's ids must be indistinguishable from unknown ones. */
const OUTSIDERS = ["guest", "employeeB", "adminB"] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isId = (value: unknown) => typeof value === "string" && UUID.test(value);

/** The top-level fields of an input holding an id, or a list of them. */
function idFields(input: unknown): string[] {
  if (typeof input !== "object" || input === null) return [];
  return Object.entries(input)
    .filter(([, value]) => isId(value) || (Array.isArray(value) && value.length > 0 && value.every(isId)))
    .map(([key]) => key);
}

function unknownIdsLike(value: unknown): string | string[] {
  return Array.isArray(value) ? value.map(() => crypto.randomUUID()) : crypto.randomUUID();
}
