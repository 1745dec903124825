// @ts-check
import js from "@eslint/js";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/src/generated/**", "**/.turbo/**", "**/test-artifacts/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": ["error", { allow: ["warn", "error"] }],
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
    // Command-line entry points report to the terminal.
    files: ["**/scripts/**", "**/*cli.ts", "bench/**", "examples/**"],
    rules: { "no-console": "off" },
  },
);
