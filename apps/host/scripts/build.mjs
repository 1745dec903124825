// @ts-check
// Builds the host to plain JavaScript in dist/, so that production runs `node dist/main.js`
// and no TypeScript loader (tsx, with its cache in the shared temporary folder) runs as the
// host's user. The workspace packages (@qrcoats/api, @qrcoats/db, the generated Prisma
// client) are TypeScript source: they go into the bundle. Installed packages stay outside it
// and load from node_modules as usual, unless Node would find a different copy from dist/
// than from the importing file (a version nested under one workspace package): those are
// bundled, so that every import gets the version it was written for.
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";

const hostDir = path.resolve(import.meta.dirname, "..");
const outDir = path.join(hostDir, "dist");

/** @type {esbuild.Plugin} */
const externalWhereNodeFindsTheSame = {
  name: "external-where-node-finds-the-same",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData?.resolving || args.path.startsWith("node:")) return undefined;
      const options = { kind: args.kind, pluginData: { resolving: true } };
      const fromImporter = await build.resolve(args.path, { ...options, resolveDir: args.resolveDir });
      if (fromImporter.errors.length > 0 || !fromImporter.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const fromBundle = await build.resolve(args.path, { ...options, resolveDir: outDir });
      return fromBundle.path === fromImporter.path ? { path: args.path, external: true } : { path: fromImporter.path };
    });
  },
};

/**
 * Source files find files of their own package (migrations, the default data directory)
 * through `import.meta.dirname`; in the bundle that would be dist/. Each file gets its own
 * directory back, relative to the bundle so that the tree can move (Docker's /app).
 * @type {esbuild.Plugin}
 */
const ownDirectory = {
  name: "own-directory",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, "utf8");
      if (!source.includes("import.meta.dirname")) return undefined;
      const fromBundle = path.relative(outDir, path.dirname(args.path)).split(path.sep).join("/");
      const directory = `__bundleFileUrlToPath(new URL(${JSON.stringify(`${fromBundle}/`)}, import.meta.url))`;
      return { contents: source.replaceAll("import.meta.dirname", directory), loader: "ts" };
    });
  },
};

// Built beside dist/ and moved into place file by file (rename is atomic): test workers that
// build at the same time as a host starts never let it read a half-written file.
fs.mkdirSync(outDir, { recursive: true });
const staging = fs.mkdtempSync(path.join(outDir, ".staging-"));
try {
  await esbuild.build({
    entryPoints: {
      main: path.join(hostDir, "src", "main.ts"),
      "job-cli": path.join(hostDir, "src", "job-cli.ts"),
      // `npm run db:backup` and `db:restore`, in the image too.
      "backup-cli": path.join(hostDir, "src", "backup-cli.ts"),
      // `npm run db:migrate` for an installation that has only the build (the image).
      migrate: path.join(hostDir, "..", "..", "packages", "db", "src", "migrations", "cli.ts"),
    },
    outdir: staging,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20.19",
    banner: { js: 'import { fileURLToPath as __bundleFileUrlToPath } from "node:url";' },
    plugins: [externalWhereNodeFindsTheSame, ownDirectory],
    logLevel: "warning",
  });
  for (const file of fs.readdirSync(staging)) fs.renameSync(path.join(staging, file), path.join(outDir, file));
} finally {
  fs.rmSync(staging, { recursive: true, force: true });
}
