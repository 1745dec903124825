import path from "node:path";
import { build, type Rolldown } from "vite";
import { describe, expect, it } from "vitest";

describe("the typed client's browser bundle", () => {
  it("pulls in no server code", async () => {
    const output = (await build({
      configFile: false,
      logLevel: "silent",
      build: {
        write: false,
        lib: { entry: path.join(import.meta.dirname, "index.ts"), formats: ["es"], fileName: "client" },
        rollupOptions: { external: [] },
        minify: false,
      },
    })) as Rolldown.RolldownOutput[];
    const chunk = output[0]!.output[0];
    const modules = Object.keys(chunk.modules);
    expect(modules.some((id) => id.includes("@trpc/client"))).toBe(true);
    for (const server of ["@prisma", "@node-rs/argon2", "/pg/", "pglite", "jose", "packages/db", "api/src/auth"]) {
      expect(
        modules.filter((id) => id.includes(server)),
        server,
      ).toEqual([]);
    }
  });
});
