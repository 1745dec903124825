import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "../testing";
import { callAs, routerProcedures } from "./call";
import { AUTHORIZATION_MATRIX } from "./matrix";
import { buildWorld, CALLERS, type World } from "./world";

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
});
