// @ts-check
import js from "@eslint/js";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/src/generated/**", "**/.turbo/**", "**/test-artifacts/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      // Each file is checked with the tsconfig of its own package, the one its typecheck uses.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": ["error", { allow: ["warn", "error"] }],
      // An async function without `await` is how this code implements an interface that
      // returns a promise (notification sinks, counter plans, iterators): whatever it throws
      // becomes a rejection, which dropping `async` would turn into a synchronous throw.
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    // react-hook-form's `handleSubmit` returns a promise that React ignores; our submit
    // handlers report failures through the form (mutate, or try/catch into applyApiError).
    // Promises passed where a plain callback is expected are still checked everywhere.
    files: ["apps/web/src/**/*.tsx", "apps/admin/src/**/*.tsx", "packages/ui/src/**/*.tsx"],
    rules: { "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }] },
  },
  {
    // Tests read JSON bodies and database rows as `any`, and vitest's asymmetric matchers
    // (`expect.any(String)`) are typed `any`: a wrong shape there fails the assertion that
    // reads it, so the unsafe-any rules would only add casts to the tests.
    files: ["**/*.test.{ts,tsx}", "**/e2e/**"],
    rules: {
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    // One raw-SQL path: statements run through a SqlRunner (packages/db/src/sql.ts), which
    // is the only place that may reach Prisma's raw methods.
    ignores: ["packages/db/src/sql.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        ...["$queryRaw", "$executeRaw", "$queryRawUnsafe", "$executeRawUnsafe"].map((property) => ({
          property,
          message: "Run raw SQL through a SqlRunner: db.sql, db.transaction, or prismaRunner(tx) inside a Prisma transaction.",
        })),
        { object: "Prisma", property: "sql", message: "Write the statement as text with $1, $2... and run it through a SqlRunner." },
      ],
    },
  },
  {
    files: ["apps/web/src/**/*.{ts,tsx}", "apps/admin/src/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ["apps/web/src/**/*.tsx", "apps/admin/src/**/*.tsx"],
    ...jsxA11y.flatConfigs.recommended,
  },
  {
    // Plain JavaScript build scripts belong to no tsconfig, so there are no types to check.
    files: ["**/*.{js,mjs,cjs}"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Command-line entry points report to the terminal.
    files: ["**/scripts/**", "**/*cli.ts", "bench/**", "examples/**"],
    rules: { "no-console": "off" },
  },
);
