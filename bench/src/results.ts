import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const RESULTS_FILE = path.resolve(import.meta.dirname, "..", "RESULTS.md");

// Benchmarks that run on their own (Lighthouse takes minutes and a browser) keep their part of
// RESULTS.md between markers, so each run replaces its own figures and leaves the rest alone.
const start = (name: string) => `<!-- ${name}: written by the benchmark, between these markers -->`;
const end = (name: string) => `<!-- /${name} -->`;

/** The marked section `name` of RESULTS.md as it stands, markers included, or "" when there is none. */
export function keptSection(name: string): string {
  const text = fs.existsSync(RESULTS_FILE) ? fs.readFileSync(RESULTS_FILE, "utf8") : "";
  const from = text.indexOf(start(name));
  const to = text.indexOf(end(name));
  return from >= 0 && to > from ? text.slice(from, to + end(name).length) : "";
}

/** Replaces the marked section `name` of RESULTS.md with `markdown`, or appends it. */
export function writeSection(name: string, markdown: string) {
  const text = fs.existsSync(RESULTS_FILE) ? fs.readFileSync(RESULTS_FILE, "utf8") : "# Benchmark results\n";
  const section = `${start(name)}\n\n${markdown.trim()}\n\n${end(name)}`;
  const old = keptSection(name);
  fs.writeFileSync(RESULTS_FILE, old ? text.replace(old, () => section) : `${text.trimEnd()}\n\n${section}\n`);
}

/** The machine a run was made on, for the line every section of RESULTS.md opens with. */
export function machineNote(serverUrl: string): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const postgres = execFileSync("psql", [serverUrl, "-Atc", "SHOW server_version"], { encoding: "utf8" }).trim();
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}; Node ${process.version}; PostgreSQL ${postgres} on the same machine`;
}
