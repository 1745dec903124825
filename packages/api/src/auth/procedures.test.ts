import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInnerContext } from "../context";
import { createTestApi, refusal, STRONG_PASSWORD, type TestApi } from "../testing";
import { adminProcedure, createCallerFactory, createTRPCRouter, memberProcedure, protectedProcedure, publicProcedure } from "../trpc";

// The procedure builders every domain router is made of, exercised through a router of
// their own so that each layer's refusal is seen in isolation.
const probe = createTRPCRouter({
  anyone: publicProcedure.query(() => "anyone"),
  signedIn: protectedProcedure.query(({ ctx }) => ctx.principal.email),
  staff: memberProcedure.query(({ ctx }) => `${ctx.member.role} of ${ctx.member.organizationId}`),
  admin: adminProcedure.query(({ ctx }) => ctx.member.organizationId),
  write: protectedProcedure.mutation(() => "written"),
});
const createProbe = createCallerFactory(probe);

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

describe("procedure builders: credentials, roles, tenants", () => {
  it("anonymous callers get UNAUTHORIZED from everything but public procedures", async () => {
    const anonymous = createProbe(createInnerContext(t.services));
    expect(await anonymous.anyone()).toBe("anyone");
    for (const call of [anonymous.signedIn(), anonymous.staff(), anonymous.admin()]) {
      expect(await refusal(call)).toMatchObject({ code: "UNAUTHORIZED", message: "Sign in to continue." });
    }
  });

  it("a guest is signed in but FORBIDDEN from staff and admin procedures", async () => {
    const guest = await t.signUp({ email: "guest@example.com" });
    const caller = await probeAs(guest.cookies);
    expect(await caller.signedIn()).toBe("guest@example.com");
    expect(await refusal(caller.staff())).toMatchObject({ code: "FORBIDDEN", message: "This is for staff of an organization." });
    expect((await refusal(caller.admin())).code).toBe("FORBIDDEN");
  });

  it("an admin passes every layer, acting for their own organization", async () => {
    const admin = await t.signUpAdmin("Probe Club", "probe-admin@example.com");
    const caller = await probeAs(admin.cookies);
    expect(await caller.staff()).toBe(`ADMIN of ${admin.organization.id}`);
    expect(await caller.admin()).toBe(admin.organization.id);
  });

  it("an employee passes the staff layer and is FORBIDDEN from admin procedures", async () => {
    const admin = await t.signUpAdmin("Staffed Bar", "staffed-admin@example.com");
    const employee = await t.signUp({ email: "attendant@example.com" });
    await t.db.prisma.membership.create({
      data: {
        userId: employee.me.user.id,
        organizationId: admin.organization.id,
        role: "EMPLOYEE",
        employee: { create: { organizationId: admin.organization.id, name: employee.me.user.name, email: employee.me.user.email } },
      },
    });
    const caller = await probeAs(employee.cookies);
    expect(await caller.staff()).toBe(`EMPLOYEE of ${admin.organization.id}`);
    expect(await refusal(caller.admin())).toMatchObject({ code: "FORBIDDEN", message: "Only an admin of your organization can do this." });
  });
});

describe("cookie-authenticated mutations and the request's origin", () => {
  it("refuses a foreign Origin, and a cookie without any Origin, but lets bearer tokens through", async () => {
    const person = await t.signUp({ email: "origin@example.com" });
    const cookie = [...person.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const evil = t.client({ origin: "https://evil.example" });
    evil.headers.set("cookie", cookie);
    expect(await refusal(evil.api.auth.logout())).toMatchObject({
      code: "FORBIDDEN",
      message: "This request did not come from a QRcoats app.",
    });

    const noOrigin = t.client({ origin: null });
    noOrigin.headers.set("cookie", cookie);
    expect((await refusal(noOrigin.api.auth.logout())).code).toBe("FORBIDDEN");
    // Reading is fine: queries cannot change anything.
    expect((await noOrigin.api.auth.me()).user.email).toBe("origin@example.com");

    const tokens = await t.client({ origin: null }).api.auth.issueToken({ email: "origin@example.com", password: STRONG_PASSWORD });
    expect(await t.bearer(tokens.accessToken).auth.logout()).toEqual({ signedOut: true });
    expect(await person.api.auth.logout()).toEqual({ signedOut: true });
  });

  it("refuses a sign-in posted from a foreign page (login CSRF)", async () => {
    await t.signUp({ email: "csrf@example.com" });
    const forged = t.client({ origin: "https://evil.example" });
    expect((await refusal(forged.api.auth.login({ email: "csrf@example.com", password: STRONG_PASSWORD }))).code).toBe("FORBIDDEN");
  });
});

async function probeAs(cookies: Map<string, string>) {
  const { createContext } = await import("../context");
  const headers = new Headers({ host: "qrcoats.test", cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") });
  return createProbe(
    await createContext(t.services, { headers, clientAddress: "127.0.0.1", secure: false, responseHeaders: new Headers() }),
  );
}
