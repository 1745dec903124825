import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";
import { resolveKeys } from "./secrets";

const key = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
const dirs: string[] = [];
const dataDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-keys-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe("the server's keys", () => {
  it("are made once for the embedded default, kept private in DATA_DIR, and reused", () => {
    const DATA_DIR = dataDir();
    const first = resolveKeys(loadConfig({ DATA_DIR }));
    const file = path.join(DATA_DIR, "secrets.json");
    expect(first.source).toBe(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = resolveKeys(loadConfig({ DATA_DIR }));
    expect(Buffer.from(second.keys.jwtSecret).equals(Buffer.from(first.keys.jwtSecret))).toBe(true);
    expect(second.keys.fieldEncryption[0]!.id).toBe("k1");
  });

  it("come from the environment when all four are given, with rotation order kept", () => {
    const { keys, source } = resolveKeys(
      loadConfig({
        DATA_DIR: dataDir(),
        JWT_SECRET: key(),
        FIELD_ENCRYPTION_KEYS: `k2:${key()}, k1:${key()}`,
        LOOKUP_KEY: key(),
        TICKET_SIGNING_KEY: key(),
      }),
    );
    expect(source).toBe("environment");
    expect(keys.fieldEncryption.map((k) => k.id)).toEqual(["k2", "k1"]);
  });

  it("refuse a partial set, short keys, and local keys in production", () => {
    expect(() => resolveKeys(loadConfig({ DATA_DIR: dataDir(), JWT_SECRET: key() }))).toThrow(
      /FIELD_ENCRYPTION_KEYS, LOOKUP_KEY, TICKET_SIGNING_KEY: set all four keys/,
    );
    expect(() => loadConfig({ JWT_SECRET: "c2hvcnQ=" })).toThrow(/JWT_SECRET: must be base64 of at least 32 random bytes/);
    expect(() => loadConfig({ FIELD_ENCRYPTION_KEYS: "nokey" })).toThrow(/FIELD_ENCRYPTION_KEYS: must be "<id>:<base64 of 32 bytes>"/);
    expect(() => resolveKeys(loadConfig({ NODE_ENV: "production", DATA_DIR: dataDir() }))).toThrow(ConfigError);
  });
});
