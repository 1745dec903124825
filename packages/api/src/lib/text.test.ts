import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { founder } from "../employee/testing";
import { createTestApi, refusal, STRONG_PASSWORD, type TestApi } from "../testing";
import { unstorableText } from "./text";

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

// Found by an outside review: half of a surrogate pair, which no keyboard types but any
// client can send, reached the database driver and came back as INTERNAL_SERVER_ERROR.
describe("text with a lone UTF-16 surrogate", () => {
  it("is refused as bad input in the field that carries it, before anything is stored", async () => {
    const admin = await founder(t, "Surrogate Ltd", "admin-surrogate@example.com");
    const tasksBefore = await t.db.prisma.task.count();
    for (const title of ["Sweep\ud800", "\udc00 the floor", "\udbff\udbff"]) {
      const refused = await refusal(admin.api.task.create({ title }));
      expect(refused).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { title: [expect.stringMatching(/surrogate/)] } });
    }
    expect(await t.db.prisma.task.count()).toBe(tasksBefore);
  });

  it("is refused for anonymous callers, in searches and in cursors too", async () => {
    const anonymous = t.client();
    expect(await refusal(anonymous.api.venue.list({ search: "ab\ud800cd" }))).toMatchObject({
      code: "BAD_REQUEST",
      fieldErrors: { search: [expect.stringMatching(/surrogate/)] },
    });
    const cursor = Buffer.from(JSON.stringify(["\ud800", "00000000-0000-4000-8000-000000000000"])).toString("base64url");
    expect(await refusal(anonymous.api.venue.list({ cursor }))).toMatchObject({
      code: "BAD_REQUEST",
      fieldErrors: { cursor: [expect.any(String)] },
    });
  });

  it("leaves whole characters alone: emoji and accents are stored", async () => {
    expect(unstorableText("Garderobe 🧥 · Café")).toBeNull();
  });
});
