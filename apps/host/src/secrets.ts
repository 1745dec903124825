import fs from "node:fs";
import path from "node:path";
import { generateKeys, type ApiKeys } from "@qrcoats/api";
import { ConfigError, type Config } from "./config";

export type HostKeys = ApiKeys & { jwtSecret: Uint8Array };

const KEY_VARIABLES = ["JWT_SECRET", "FIELD_ENCRYPTION_KEYS", "LOOKUP_KEY", "TICKET_SIGNING_KEY"] as const;

/**
 * The server's keys: from the environment when given (all four, as every host of a cluster
 * must share them), otherwise made once and kept in DATA_DIR/secrets.json, so that the
 * embedded default needs no setup and its sessions and tickets survive restarts.
 */
export function resolveKeys(config: Config): { keys: HostKeys; source: string } {
  const given = KEY_VARIABLES.filter((name) => config[name] !== undefined);
  if (given.length === KEY_VARIABLES.length) {
    return {
      keys: {
        jwtSecret: config.JWT_SECRET!,
        fieldEncryption: config.FIELD_ENCRYPTION_KEYS!,
        lookup: config.LOOKUP_KEY!,
        ticketSigning: config.TICKET_SIGNING_KEY!,
      },
      source: "environment",
    };
  }
  if (given.length > 0) {
    const missing = KEY_VARIABLES.filter((name) => !given.includes(name));
    throw new ConfigError(`Invalid configuration:\n  ${missing.join(", ")}: set all four keys, or none (local keys)`);
  }
  if (config.NODE_ENV === "production") {
    throw new ConfigError(
      `Invalid configuration:\n  ${KEY_VARIABLES.join(", ")}: required in production, shared by every host (docs/deploy.md)`,
    );
  }
  const file = path.join(config.DATA_DIR, "secrets.json");
  return { keys: readOrCreate(file), source: file };
}

/**
 * Makes DATA_DIR owner-only (0700) where it already exists: the embedded database closes its
 * own directory, but the keys sit beside it. A shared directory (sticky, like /tmp) or
 * another user's is left as it is rather than taken over.
 */
export function closeDataDir(dataDir: string) {
  const stats = fs.statSync(dataDir, { throwIfNoEntry: false });
  if (!stats || stats.mode & 0o1000 || stats.uid !== process.getuid?.()) return;
  if (stats.mode & 0o077) fs.chmodSync(dataDir, stats.mode & 0o700);
  const secrets = path.join(dataDir, "secrets.json");
  if (fs.existsSync(secrets)) fs.chmodSync(secrets, 0o600);
}

type StoredKeys = { jwtSecret: string; fieldEncryption: { id: string; key: string }[]; lookup: string; ticketSigning: string };

function readOrCreate(file: string): HostKeys {
  if (!fs.existsSync(file)) {
    const fresh = generateKeys();
    const stored: StoredKeys = {
      jwtSecret: toBase64(fresh.jwtSecret),
      fieldEncryption: fresh.fieldEncryption.map(({ id, key }) => ({ id, key: toBase64(key) })),
      lookup: toBase64(fresh.lookup),
      ticketSigning: toBase64(fresh.ticketSigning),
    };
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // wx: two first starts racing cannot both write; the loser reads the winner's file.
    try {
      fs.writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  const stored = JSON.parse(fs.readFileSync(file, "utf8")) as StoredKeys;
  return {
    jwtSecret: fromBase64(stored.jwtSecret),
    fieldEncryption: stored.fieldEncryption.map(({ id, key }) => ({ id, key: fromBase64(key) })),
    lookup: fromBase64(stored.lookup),
    ticketSigning: fromBase64(stored.ticketSigning),
  };
}

const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));
