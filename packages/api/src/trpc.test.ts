import { Prisma } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import type { ApiTelemetry } from "./lib/telemetry";
import { createCallerFactory, createTRPCRouter, publicProcedure } from "./trpc";

const uniqueViolation = () => new Prisma.PrismaClientKnownRequestError("duplicate key", { code: "P2002", clientVersion: "6.19.3" });

// The procedures every request goes through are built here; a router of two stands in for
// the app's, so the safety net is judged on its own.
const router = createTRPCRouter({
  refusesDeliberately: publicProcedure.query(() => {
    throw new TRPCError({ code: "CONFLICT", message: "This address is already on your staff list.", cause: uniqueViolation() });
  }),
  failsUntyped: publicProcedure.query(() => {
    throw uniqueViolation();
  }),
  answers: publicProcedure.query(() => "fine"),
  crashes: publicProcedure.query(() => {
    throw new Error("connection reset");
  }),
});
const caller = createCallerFactory(router)({} as never);

describe("the safety net under every procedure", () => {
  it("turns a database error nobody typed into a typed refusal", async () => {
    await expect(caller.failsUntyped()).rejects.toMatchObject({ code: "CONFLICT", message: "That already exists." });
  });

  it("leaves a deliberate refusal its own code and words, whatever its cause", async () => {
    await expect(caller.refusesDeliberately()).rejects.toMatchObject({
      code: "CONFLICT",
      message: "This address is already on your staff list.",
    });
  });
});

describe("the measurement of every procedure", () => {
  it("reports each call as it ends, with the code its client gets", async () => {
    const calls: [string, string][] = [];
    const telemetry: ApiTelemetry = {
      procedureCompleted: (path, outcome, seconds) => {
        expect(seconds).toBeGreaterThanOrEqual(0);
        calls.push([path, outcome]);
      },
      counterAction: () => {},
    };
    const measured = createCallerFactory(router)({ telemetry } as never);
    await measured.answers();
    await expect(measured.failsUntyped()).rejects.toThrow();
    await expect(measured.refusesDeliberately()).rejects.toThrow();
    await expect(measured.crashes()).rejects.toThrow();
    expect(calls).toEqual([
      ["answers", "OK"],
      ["failsUntyped", "CONFLICT"],
      ["refusesDeliberately", "CONFLICT"],
      ["crashes", "INTERNAL_SERVER_ERROR"],
    ]);
  });
});
