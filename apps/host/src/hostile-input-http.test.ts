import { startHost, type RunningHost } from "@qrcoats/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Found by an outside review: one anonymous request whose superjson `meta` named a custom
// type sent the host into deep recursion for up to 1.6 s, and the answer quoted the engine.
describe("superjson annotations that no client writes, over HTTP", () => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost();
  });
  afterAll(() => host?.stop());

  it("are refused as a typed BAD_REQUEST in our words, for queries and mutations alike", async () => {
    const query = encodeURIComponent(JSON.stringify({ json: null, meta: { values: ["custom", "x"] } }));
    const responses = [
      await fetch(`${host.url}/trpc/venue.list?input=${query}`),
      await fetch(`${host.url}/trpc/auth.login`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: host.url },
        body: JSON.stringify({ json: { email: "a@example.com", password: "x" }, meta: { values: { email: ["custom", "x"] } } }),
      }),
    ];
    for (const response of responses) {
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { json: { message: string; data: { code: string } } } };
      expect(body.error.json.data.code).toBe("BAD_REQUEST");
      expect(body.error.json.message).toMatch(/not ones this API reads/);
      expect(body.error.json.message).not.toMatch(/call stack/i);
    }
  });
});
