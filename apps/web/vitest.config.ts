import { defineConfig } from "vitest/config";

// Unit tests of the web app's pure logic (the counter's device rules); browser tests have their own config.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
  },
});
