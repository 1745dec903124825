import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Plugin } from "vite";

export type BundleBudget = { initialJsGzipKb: number; cssGzipKb: number };

export type BundleReport = {
  app: string;
  initialJsGzipBytes: number;
  cssGzipBytes: number;
  lazyJsGzipBytes: number;
  budget: BundleBudget;
  files: { file: string; gzipBytes: number; initial: boolean }[];
};

/**
 * Measures what a first visit downloads — the entry chunk and everything it imports
 * statically, gzipped — prints it, writes dist/bundle-report.json, and fails the build when
 * it is over budget. Lazily loaded chunks (the camera scanner, charts) are reported apart.
 */
export function bundleBudget(app: string, budget: BundleBudget): Plugin {
  return {
    name: "qrcoats-bundle-budget",
    apply: "build",
    generateBundle(options, bundle) {
      const chunks = Object.values(bundle).filter((item) => item.type === "chunk");
      const initial = new Set<string>();
      const visit = (fileName: string) => {
        if (initial.has(fileName)) return;
        initial.add(fileName);
        const chunk = chunks.find((candidate) => candidate.fileName === fileName);
        chunk?.imports.forEach(visit);
      };
      chunks.filter((chunk) => chunk.isEntry).forEach((chunk) => visit(chunk.fileName));

      const files = Object.values(bundle)
        .filter((item) => /\.(js|css)$/.test(item.fileName))
        .map((item) => {
          const source = item.type === "chunk" ? item.code : item.source;
          return {
            file: item.fileName,
            gzipBytes: gzipSync(source).byteLength,
            initial: initial.has(item.fileName) || item.fileName.endsWith(".css"),
          };
        });
      const sum = (list: typeof files) => list.reduce((total, file) => total + file.gzipBytes, 0);
      const report: BundleReport = {
        app,
        initialJsGzipBytes: sum(files.filter((f) => f.initial && f.file.endsWith(".js"))),
        cssGzipBytes: sum(files.filter((f) => f.file.endsWith(".css"))),
        lazyJsGzipBytes: sum(files.filter((f) => !f.initial && f.file.endsWith(".js"))),
        budget,
        files,
      };
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
      this.info(
        `${app}: initial JS ${kb(report.initialJsGzipBytes)} gzip (budget ${budget.initialJsGzipKb} KB), ` +
          `CSS ${kb(report.cssGzipBytes)} (budget ${budget.cssGzipKb} KB), lazy JS ${kb(report.lazyJsGzipBytes)}`,
      );
      const outDir = options.dir ?? "dist";
      fs.mkdirSync(outDir, { recursive: true });
      fs.writeFileSync(path.join(outDir, "bundle-report.json"), `${JSON.stringify(report, null, 2)}\n`);
      const over = [
        report.initialJsGzipBytes > budget.initialJsGzipKb * 1024 &&
          `initial JS ${kb(report.initialJsGzipBytes)} > ${budget.initialJsGzipKb} KB`,
        report.cssGzipBytes > budget.cssGzipKb * 1024 && `CSS ${kb(report.cssGzipBytes)} > ${budget.cssGzipKb} KB`,
      ].filter(Boolean);
      if (over.length > 0)
        this.error(`${app} is over its bundle budget: ${over.join(", ")}. Lazy-load what the first screen does not need.`);
    },
  };
}
