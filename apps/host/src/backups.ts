import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { takeBackup, type Database } from "@qrcoats/db";
import type { Logger } from "pino";
import type { Config } from "./config";

/** Backups of the embedded database, nightly and manual: inside DATA_DIR, so as private as the database. */
export const backupDir = (dataDir: string) => path.join(dataDir, "backups");

/**
 * Only the process that holds the embedded database can copy it consistently, so
 * `npm run db:backup` asks the running host through this socket. It sits in DATA_DIR (0700):
 * only the host's user can connect, and that user can read the database anyway.
 */
export const backupSocket = (dataDir: string) => path.join(dataDir, "backup.sock");

/** Longer socket paths are cut short by the kernel (and silently by Node), so they are not used. */
const MAX_SOCKET_PATH_BYTES = 103;

export type BackupReply = { file: string } | { error: string };

/** Takes a backup for each connection, one at a time, and answers with its path or what went wrong. */
export async function serveBackups(db: Database, dataDir: string, clock: () => Date, logger: Logger): Promise<{ close(): Promise<void> }> {
  const socket = backupSocket(dataDir);
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH_BYTES) {
    throw new Error(`${socket} is longer than a Unix socket's path may be: use a shorter DATA_DIR`);
  }
  // This host holds the database's lock, so a socket left here is a crashed host's.
  fs.rmSync(socket, { force: true });
  let previous: Promise<unknown> = Promise.resolve();
  const server = net.createServer((connection) => {
    connection.on("error", () => {});
    previous = previous.then(async () => {
      const reply: BackupReply = await takeBackup(db, { dir: backupDir(dataDir), kind: "manual", now: clock() }).then(
        (file) => {
          logger.info({ file }, "backup taken");
          return { file };
        },
        (error: unknown) => {
          logger.error({ err: error }, "backup failed");
          return { error: (error as Error).message };
        },
      );
      connection.end(`${JSON.stringify(reply)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socket, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    /** Waits for a backup in progress: its connection ends only with the reply. */
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Asks the host that holds the database for a backup; null when no host listens. */
export function askHostForBackup(dataDir: string): Promise<BackupReply | null> {
  const socket = backupSocket(dataDir);
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH_BYTES) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    let reply = "";
    const connection = net.createConnection(socket);
    connection.setEncoding("utf8");
    connection.on("data", (chunk: string) => (reply += chunk));
    connection.on("end", () => {
      try {
        resolve(JSON.parse(reply) as BackupReply);
      } catch {
        reject(new Error(`The host at ${socket} stopped before answering; its log says why.`));
      }
    });
    connection.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ECONNREFUSED") resolve(null);
      else reject(error);
    });
  });
}

/** Where nightly backups go and how many stay; none on PostgreSQL (pg_dump's job) or with BACKUP_KEEP=0. */
export function nightlyBackups(config: Pick<Config, "DATABASE_URL" | "DATA_DIR" | "BACKUP_KEEP">) {
  if (config.DATABASE_URL || config.BACKUP_KEEP === 0) return undefined;
  return { dir: backupDir(config.DATA_DIR), keep: config.BACKUP_KEEP };
}
