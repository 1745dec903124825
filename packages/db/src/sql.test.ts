import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataDirInUseError, openPGlite } from "./sql";

describe("the embedded database directory", () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-pglite-"));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("can be opened by one owner at a time, and again once closed", async () => {
    const owner = await openPGlite(dataDir);
    await owner.exec("CREATE TABLE kept (id int); INSERT INTO kept VALUES (7);");
    await expect(openPGlite(dataDir)).rejects.toThrow(DataDirInUseError);
    await expect(openPGlite(dataDir)).rejects.toThrow(/in use by process \d+/);
    await owner.close();

    const next = await openPGlite(dataDir);
    expect((await next.query("SELECT id FROM kept")).rows).toEqual([{ id: 7 }]);
    await next.close();
  });

  it("takes over a lock left by a process that is gone", async () => {
    fs.writeFileSync(path.join(dataDir, "qrcoats.pid"), "999999999");
    const db = await openPGlite(dataDir);
    expect(fs.readFileSync(path.join(dataDir, "qrcoats.pid"), "utf8")).toBe(String(process.pid));
    await db.close();
    expect(fs.existsSync(path.join(dataDir, "qrcoats.pid"))).toBe(false);
  });
});
