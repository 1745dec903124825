import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, seedsDemo } from "./config";

describe("configuration from the environment", () => {
  it("has defaults that run the embedded database on port 3000", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, HOST: "127.0.0.1", PUBLIC_URL: "http://localhost:3000" });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(path.isAbsolute(config.DATA_DIR)).toBe(true);
  });

  it("stops with a message naming each bad variable", () => {
    const load = () => loadConfig({ PORT: "70000", DATABASE_URL: "mysql://db/x", LOG_LEVEL: "loud" });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/PORT: .*65535/);
    expect(load).toThrow(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(load).toThrow(/LOG_LEVEL: /);
  });

  it("treats empty variables as unset and derives the public URL from the port", () => {
    const config = loadConfig({ DATABASE_URL: "", PORT: "8080" });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.PUBLIC_URL).toBe("http://localhost:8080");
  });

  it("takes a metrics token only when it is too long to guess and fits in a header", () => {
    expect(loadConfig({}).METRICS_TOKEN).toBeUndefined();
    const token = "0123456789abcdef".repeat(4);
    expect(loadConfig({ METRICS_TOKEN: token }).METRICS_TOKEN).toBe(token);
    expect(() => loadConfig({ METRICS_TOKEN: "secret" })).toThrow(/METRICS_TOKEN: must be at least 32 characters/);
    expect(() => loadConfig({ METRICS_TOKEN: `${token} ${token}` })).toThrow(/METRICS_TOKEN: may hold only/);
  });

  it("keeps messages 30 days unless told a whole number of days from 1", () => {
    expect(loadConfig({}).MESSAGE_RETENTION_DAYS).toBe(30);
    expect(loadConfig({ MESSAGE_RETENTION_DAYS: "7" }).MESSAGE_RETENTION_DAYS).toBe(7);
    for (const bad of ["0", "1.5", "forever"]) {
      expect(() => loadConfig({ MESSAGE_RETENTION_DAYS: bad }), bad).toThrow(/MESSAGE_RETENTION_DAYS: /);
    }
  });

  it("accepts PostgreSQL and a public URL, trailing slash or not", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://u:p@db:5432/qrcoats", PUBLIC_URL: "https://coats.example/" });
    expect(config.DATABASE_URL).toBe("postgres://u:p@db:5432/qrcoats");
    expect(config.PUBLIC_URL).toBe("https://coats.example");
  });

  it("seeds the demo only on the embedded default outside production, or when asked for", () => {
    const postgres = "postgresql://postgres@127.0.0.1:5432/qrcoats";
    const cases: [Record<string, string>, boolean][] = [
      [{}, true],
      [{ NODE_ENV: "production" }, false],
      [{ DATABASE_URL: postgres }, false],
      [{ DATABASE_URL: postgres, NODE_ENV: "test" }, false],
      [{ DEMO_DATA: "off" }, false],
      [{ DEMO_DATA: "on", DATABASE_URL: postgres }, true],
      [{ DEMO_DATA: "on", NODE_ENV: "production", DATABASE_URL: postgres }, true],
    ];
    for (const [env, seeds] of cases) expect(seedsDemo(loadConfig(env)), JSON.stringify(env)).toBe(seeds);
  });

  it("reads the mail server from SMTP_URL, credentials percent-decoded, and wants MAIL_FROM with it", () => {
    const from = "Velvet Coats <coats@velvet.example>";
    expect(loadConfig({ SMTP_URL: "smtps://apikey:p%40ss%2Fword@smtp.example.com", MAIL_FROM: from })).toMatchObject({
      SMTP_URL: { host: "smtp.example.com", port: 465, secure: true, auth: { user: "apikey", pass: "p@ss/word" } },
      MAIL_FROM: from,
    });
    expect(loadConfig({ SMTP_URL: "smtp://mailpit:1025", MAIL_FROM: "coats@velvet.example" }).SMTP_URL).toEqual({
      host: "mailpit",
      port: 1025,
      secure: false,
      auth: undefined,
    });
    expect(loadConfig({ SMTP_URL: "smtp://u:p@[::1]", MAIL_FROM: from }).SMTP_URL).toMatchObject({ host: "::1", port: 587 });
    expect(() => loadConfig({ SMTP_URL: "smtp://u:p@smtp.example.com:587" })).toThrow(/MAIL_FROM: set it with SMTP_URL/);
  });

  it("refuses a bad SMTP_URL or MAIL_FROM with a sentence, never repeating the password", () => {
    const cases: [string, RegExp][] = [
      ["https://user:hunter2secret@smtp.example.com", /SMTP_URL: must start with smtp:\/\/ or smtps:\/\//],
      ["smtp.example.com:587", /SMTP_URL: (not a URL|must start with smtp)/],
      ["smtp://user:hunter2secret@smtp.example.com:587/?pool=true", /SMTP_URL: takes no path or options/],
      ["smtp://user@smtp.example.com", /SMTP_URL: give both a user name and a password, or neither/],
      ["smtp://user:hunter2secret@smtp.example.com:99999", /SMTP_URL: not a URL/],
    ];
    for (const [url, message] of cases) {
      let error: unknown;
      try {
        loadConfig({ SMTP_URL: url, MAIL_FROM: "coats@velvet.example" });
      } catch (caught) {
        error = caught;
      }
      expect(error, url).toBeInstanceOf(ConfigError);
      expect((error as Error).message, url).toMatch(message);
      expect((error as Error).message, url).toContain("smtp://user:password@host:587");
      expect((error as Error).message, url).not.toContain("hunter2secret");
    }
    for (const from of ["coats", "a@b.example, c@d.example", "Coats <coats@velvet.example"]) {
      expect(() => loadConfig({ MAIL_FROM: from }), from).toThrow(/MAIL_FROM: must be one address/);
    }
  });

  it("keeps the local mailbox in DATA_DIR unless MAILBOX_DIR says otherwise, and messages 30 days", () => {
    const config = loadConfig({ DATA_DIR: "/var/lib/qrcoats" });
    expect(config.MAILBOX_DIR).toBe(path.resolve("/var/lib/qrcoats/mailbox"));
    expect(config.MESSAGE_RETENTION_DAYS).toBe(30);
    expect(loadConfig({ MAILBOX_DIR: "/tmp/mail", MESSAGE_RETENTION_DAYS: "7" })).toMatchObject({
      MAILBOX_DIR: path.resolve("/tmp/mail"),
      MESSAGE_RETENTION_DAYS: 7,
    });
    expect(() => loadConfig({ MESSAGE_RETENTION_DAYS: "0" })).toThrow(/MESSAGE_RETENTION_DAYS: /);
  });
});
