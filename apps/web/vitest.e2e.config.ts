import { defineConfig } from "vitest/config";

// Browser tests: real host process, real Chromium. One file at a time keeps two cores calm.
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.test.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
