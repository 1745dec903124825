import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { founder } from "../employee/testing";
import { createTestApi, refusal, STRONG_PASSWORD, type TestApi } from "../testing";

// PostgreSQL text cannot hold U+0000. Found by the fuzzing in authorization/fuzz.test.ts:
// a task titled "\u0000" reached the database and came back as INTERNAL_SERVER_ERROR.

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

describe("text with a NUL character", () => {
  it("is refused as bad input in the field that carries it, before anything is stored", async () => {
    const admin = await founder(t, "Nul Ltd", "admin-nul@example.com");
    const tasksBefore = await t.db.prisma.task.count();
    const refused = await refusal(admin.api.task.create({ title: "Sweep\u0000" }));
    expect(refused).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { title: [expect.stringMatching(/NUL/)] } });
    expect(await t.db.prisma.task.count()).toBe(tasksBefore);
  });

  it("is refused anywhere in the input, for anonymous callers too", async () => {
    const refused = await refusal(t.client().api.auth.register({ email: "nul@example.com", name: "A\u0000B", password: STRONG_PASSWORD }));
    expect(refused).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { name: [expect.stringMatching(/NUL/)] } });
    expect(await t.db.prisma.user.count({ where: { email: "nul@example.com" } })).toBe(0);
  });
});
