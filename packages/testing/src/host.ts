import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createTestDatabase, type TestDatabase } from "@qrcoats/db/testing";

const hostDir = path.resolve(import.meta.dirname, "..", "..", "..", "apps", "host");

export type RunningHost = {
  url: string;
  /** Everything the host printed, for assertions and for failure reports. */
  output(): string;
  /** SIGTERM, then waits for the process to exit; returns its exit code. Idempotent. */
  stop(): Promise<number | null>;
  /** SIGKILL, as a crash or an OOM killer would: no shutdown code runs. Waits for the exit, then cleans up like stop(). */
  kill(): Promise<void>;
};

let built: Promise<unknown> | undefined;

/**
 * Builds the host to dist/ as `npm start` does, once per test process, so that tests run
 * what production runs and never a bundle older than the source.
 */
export function buildHost(): Promise<unknown> {
  built ??= promisify(execFile)("npm", ["run", "--silent", "build"], { cwd: hostDir });
  return built;
}

/**
 * Starts the host the way `npm start` does (its start script, a real process on a real
 * port) on a database of its own: a fresh PostgreSQL database under TEST_DATABASE_URL,
 * otherwise a fresh embedded one.
 */
export async function startHost(
  env: Record<string, string> = {},
  options: {
    /** Share this PostgreSQL database with other hosts instead of making one. */
    databaseUrl?: string;
    /** Flags for node itself that NODE_OPTIONS refuses, such as --cpu-prof. */
    nodeFlags?: string[];
    /** Listen on this port rather than any free one (a machine shared by several runs gives each its own range). */
    port?: number;
  } = {},
): Promise<RunningHost> {
  await buildHost();
  const port = options.port ?? (await freePort());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-host-"));
  let database: TestDatabase | undefined;
  if (process.env.TEST_DATABASE_URL && !options.databaseUrl) database = await createTestDatabase();

  // The host's own start script, exec'd so that the child is the host process itself.
  const hostPackage = JSON.parse(fs.readFileSync(path.join(hostDir, "package.json"), "utf8")) as { scripts: { start: string } };
  const startScript = hostPackage.scripts.start.replace(/^node /, `node ${(options.nodeFlags ?? []).join(" ")} `);
  const child = spawn("sh", ["-c", `exec ${startScript}`], {
    cwd: hostDir,
    env: {
      ...process.env,
      NODE_ENV: "test",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: options.databaseUrl ?? database?.url ?? "",
      LOG_LEVEL: "info",
      // Tests make the people they need; opt in with DEMO_DATA: "on" to get the demo on either engine.
      DEMO_DATA: "off",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));

  const url = `http://127.0.0.1:${port}`;
  let stopped: Promise<number | null> | undefined;
  const host: RunningHost = {
    url,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise((resolve) => {
          child.once("exit", resolve);
          child.kill("SIGKILL");
        });
      }
      await host.stop();
    },
    stop() {
      stopped ??= (async () => {
        const code = await stopProcess(child);
        await database?.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
        return code;
      })();
      return stopped;
    },
  };
  try {
    await waitUntilHealthy(url, child, () => output);
  } catch (error) {
    await host.stop();
    throw error;
  }
  return host;
}

async function waitUntilHealthy(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`host exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`host did not become healthy within 60 s:\n${output()}`);
}

function stopProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

/**
 * A free loopback port: the system's choice, or with TEST_PORTS (say "3411-3419") the first
 * free one of that range, for a machine where each person's tests keep to their own ports.
 */
export async function freePort(): Promise<number> {
  const range = /^(\d+)-(\d+)$/.exec(process.env.TEST_PORTS ?? "");
  if (!range) return listenOnce(0);
  for (let port = Number(range[1]); port <= Number(range[2]); port += 1) {
    try {
      return await listenOnce(port);
    } catch {
      // taken: try the next
    }
  }
  throw new Error(`No free port in TEST_PORTS=${process.env.TEST_PORTS}`);
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const { port: bound } = server.address() as net.AddressInfo;
      server.close(() => resolve(bound));
    });
  });
}
