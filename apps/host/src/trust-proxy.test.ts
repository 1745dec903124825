import { createApiConfig, generateKeys } from "@qrcoats/api";
import { startHost, type RunningHost } from "@qrcoats/testing";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "./config";
import { canonicalClientAddress } from "./trust-proxy";

// A proxy such as Caddy or nginx appends the address it saw to whatever X-Forwarded-For the
// client sent: "forged, real". Only the right-most entries were written by proxies we trust.
const PASSWORD = "correct horse battery staple 42";

type Trpc = { result?: { data: Parameters<typeof superjson.deserialize>[0] }; error?: { json: { data: { code: string } } } };

function client(base: string, forwardedFor: () => string, extraHeaders: Record<string, string> = {}) {
  let cookie = "";
  async function call(procedure: string, input: unknown, type: "query" | "mutation" = "mutation") {
    const serialized = JSON.stringify(superjson.serialize(input));
    const headers = { "x-forwarded-for": forwardedFor(), cookie, ...extraHeaders };
    const response =
      type === "query"
        ? await fetch(`${base}/trpc/${procedure}?input=${encodeURIComponent(serialized)}`, { headers })
        : await fetch(`${base}/trpc/${procedure}`, {
            method: "POST",
            headers: { ...headers, "content-type": "application/json", origin: extraHeaders.origin ?? base },
            body: serialized,
          });
    const setCookie = response.headers.getSetCookie();
    if (setCookie[0]) cookie = setCookie[0].split(";")[0]!;
    const body = (await response.json()) as Trpc;
    return {
      status: response.status,
      setCookie,
      data: body.result ? superjson.deserialize<Record<string, unknown>>(body.result.data) : undefined,
    };
  }
  return { call };
}

describe("TRUST_PROXY=true: one proxy in front, which appends to X-Forwarded-For", () => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost({ TRUST_PROXY: "true" });
  });
  afterAll(() => host?.stop());

  it("records the address the proxy saw, not the one the client wrote, in the audit log", async () => {
    const admin = client(host.url, () => "198.51.100.66, 203.0.113.9");
    expect((await admin.call("auth.register", { email: "proxied@example.com", name: "Proxied", password: PASSWORD })).status).toBe(200);
    await admin.call("org.create", { name: "Proxied Ltd" });
    const log = await admin.call("audit.list", { limit: 50 }, "query");
    const addresses = (log.data!.items as { ipAddress: string | null }[]).map((event) => event.ipAddress);
    expect(addresses.length).toBeGreaterThan(0);
    expect(new Set(addresses)).toEqual(new Set(["203.0.113.9"]));
  });

  it("keeps the per-address sign-in limit however the client varies the left of the header", async () => {
    const { jwtSecret, ...keys } = generateKeys();
    const { max } = createApiConfig({ publicUrl: host.url, jwtSecret, keys }).auth.limits.signInFailuresPerAddress;
    let attempt = 0;
    const attacker = client(host.url, () => `10.9.${attempt}.1, 192.0.2.44`);
    const statuses: number[] = [];
    for (; attempt < max + 2; attempt++) {
      statuses.push((await attacker.call("auth.login", { email: `nobody${attempt}@example.com`, password: "a wrong password" })).status);
    }
    expect(statuses.slice(0, max).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(max)).toEqual([429, 429]);
  });

  it("believes X-Forwarded-Proto from the proxy: the session cookie is Secure", async () => {
    const origin = host.url.replace("http:", "https:");
    const viaTls = client(host.url, () => "203.0.113.10", { "x-forwarded-proto": "https", origin });
    const signUp = await viaTls.call("auth.register", { email: "tls@example.com", name: "Tls", password: PASSWORD });
    expect(signUp.setCookie[0]).toMatch(/^__Host-qrcoats_session=\w+; .*Secure/);
  });
});

describe("TRUST_PROXY as addresses: a peer that is not one of them is the client", () => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost({ TRUST_PROXY: "10.0.0.0/8, 192.168.1.1" });
  });
  afterAll(() => host?.stop());

  it("ignores its X-Forwarded-For and X-Forwarded-Proto", async () => {
    const direct = client(host.url, () => "203.0.113.11", { "x-forwarded-proto": "https" });
    const signUp = await direct.call("auth.register", { email: "direct@example.com", name: "Direct", password: PASSWORD });
    expect(signUp.setCookie[0]).toMatch(/^qrcoats_session=/);
    expect(signUp.setCookie[0]).not.toContain("Secure");
    await direct.call("org.create", { name: "Direct Ltd" });
    const log = await direct.call("audit.list", { limit: 50 }, "query");
    expect(new Set((log.data!.items as { ipAddress: string | null }[]).map((event) => event.ipAddress))).toEqual(new Set(["127.0.0.1"]));
  });
});

describe("TRUST_PROXY in the configuration", () => {
  it("refuses what is neither a switch, a number of hops, nor addresses, naming the variable", () => {
    expect(() => loadConfig({ TRUST_PROXY: "the proxy" })).toThrow(/TRUST_PROXY: .*use "true", a number of hops, or addresses\/CIDRs/);
    expect(() => loadConfig({ TRUST_PROXY: "10.0.0.0/33" })).toThrow(/TRUST_PROXY: /);
    // Found by an outside review: "1.5" was read as the address 1.0.0.5 and started a host
    // that trusted no proxy at all.
    for (const typo of ["1.5", "10.1", "10.0.0.1, 1.5", "loopback, 127.1"]) {
      expect(() => loadConfig({ TRUST_PROXY: typo }), typo).toThrow(/TRUST_PROXY: /);
    }
    expect(loadConfig({ TRUST_PROXY: "loopback, 10.0.0.0/8, ::1" }).TRUST_PROXY).toBeTypeOf("function");
  });

  it("reads X-Forwarded-For from the right, past trusted hops only", () => {
    const trust = (value: string) => loadConfig({ TRUST_PROXY: value }).TRUST_PROXY;
    expect(trust("false")).toBe(false);
    const oneHop = trust("true") as (address: string, hop: number) => boolean;
    expect([oneHop("10.0.0.1", 0), oneHop("10.0.0.2", 1)]).toEqual([true, false]);
    const twoHops = trust("2") as (address: string, hop: number) => boolean;
    expect([twoHops("10.0.0.1", 0), twoHops("10.0.0.2", 1), twoHops("10.0.0.3", 2)]).toEqual([true, true, false]);
    const listed = trust("10.0.0.0/8, 192.168.1.1") as (address: string, hop: number) => boolean;
    expect([listed("10.1.2.3", 0), listed("192.168.1.1", 3), listed("203.0.113.1", 1)]).toEqual([true, true, false]);
  });
});

// Found by an outside review: "::ffff:6.6.6.6" and "6.6.6.6", or two spellings of one IPv6
// address, counted as different clients, and a proxy passing "not-an-ip" through let the
// client choose a fresh address for every request.
describe("the client's address", () => {
  it("is spelled one way, whatever way it arrived", () => {
    expect(canonicalClientAddress("::ffff:6.6.6.6", "10.0.0.1")).toBe("6.6.6.6");
    expect(canonicalClientAddress("2001:DB8:0:0::1", "10.0.0.1")).toBe("2001:db8::1");
    expect(canonicalClientAddress("2001:db8::1", "10.0.0.1")).toBe("2001:db8::1");
    expect(canonicalClientAddress("6.6.6.6", "10.0.0.1")).toBe("6.6.6.6");
  });

  it("is the peer's when what was forwarded is no address", () => {
    for (const forged of ["not-an-ip", "6.6.6.6:1234", "6.6.6.06", "", "[::1]"]) {
      expect(canonicalClientAddress(forged, "10.0.0.1"), forged).toBe("10.0.0.1");
    }
  });
});
