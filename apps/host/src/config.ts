import fs from "node:fs";
import path from "node:path";
import { DEFAULT_DATA_DIR } from "@qrcoats/db";
import { z } from "zod";
import { parseTrustProxy } from "./trust-proxy";

const port = z.coerce.number().int().min(0).max(65535);

/** A secret key given as base64 (or base64url): `openssl rand -base64 32` makes one. */
const base64Key = z
  .string()
  .transform((text) => new Uint8Array(Buffer.from(text, "base64")))
  .refine((key) => key.byteLength >= 32, "must be base64 of at least 32 random bytes (openssl rand -base64 32)");

/** "k2:<base64>,k1:<base64>": the first encrypts, all decrypt, so keys can rotate. */
const encryptionKeys = z.string().transform((text, ctx) =>
  text.split(",").map((entry) => {
    const [id, key] = entry.trim().split(":");
    const bytes = new Uint8Array(Buffer.from(key ?? "", "base64"));
    if (!id || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || bytes.byteLength !== 32) {
      ctx.addIssue({ code: "custom", message: 'must be "<id>:<base64 of 32 bytes>", comma-separated, newest first' });
    }
    return { id: id ?? "", key: bytes };
  }),
);

const commaList = z.string().transform((text) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean),
);

/** Where email goes: smtp:// (STARTTLS when offered) or smtps:// (TLS from the start), credentials in the URL. */
export type SmtpServer = { host: string; port: number; secure: boolean; auth?: { user: string; pass: string } };

// The URL holds a password: no message here repeats it.
const smtpUrl = z.string().transform((text, ctx): SmtpServer => {
  const problem = (message: string) => {
    ctx.addIssue({
      code: "custom",
      message: `${message}: use smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465, special characters in the password percent-encoded`,
    });
    return z.NEVER;
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return problem("not a URL");
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") return problem("must start with smtp:// or smtps://");
  if (!url.hostname) return problem("names no server");
  if ((url.pathname !== "" && url.pathname !== "/") || url.search || url.hash) return problem("takes no path or options");
  if (Boolean(url.username) !== Boolean(url.password)) return problem("give both a user name and a password, or neither");
  let auth: SmtpServer["auth"];
  try {
    auth = url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined;
  } catch {
    return problem("has a badly percent-encoded user name or password");
  }
  const secure = url.protocol === "smtps:";
  return { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: url.port ? Number(url.port) : secure ? 465 : 587, secure, auth };
});

/** One sender address, bare or with a display name: `coats@example.com`, `Velvet Coats <coats@example.com>`. */
const mailFrom = z
  .string()
  .trim()
  .regex(
    /^(?:[^<>@\r\n]*<[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)$/,
    'must be one address, as "coats@example.com" or "Velvet Coats <coats@example.com>"',
  );

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: port.default(3000),
  /** The address guests and staff use; QR codes point here. Defaults to this host. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" }).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  /** The embedded database and other local state, when DATABASE_URL is not set. */
  DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Seconds that in-flight requests get to finish on SIGTERM/SIGINT. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(600).default(10),
  /** Keys. Unset, the embedded default makes them once and keeps them in DATA_DIR. */
  JWT_SECRET: base64Key.optional(),
  FIELD_ENCRYPTION_KEYS: encryptionKeys.optional(),
  LOOKUP_KEY: base64Key.optional(),
  TICKET_SIGNING_KEY: base64Key.optional(),
  /** Other origins whose pages may call the API with the session cookie (dev servers...). */
  TRUSTED_ORIGINS: commaList.pipe(z.array(z.url())).optional(),
  /** How long a program's JWT lives; 15 minutes at most. */
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(5).max(900).default(900),
  /** A shift still open after this many hours is closed by the host and flagged. */
  SHIFT_MAX_HOURS: z.coerce.number().min(1).max(48).default(12),
  /** Nightly backups of the embedded database kept in DATA_DIR/backups; 0 takes none. */
  BACKUP_KEEP: z.coerce.number().int().min(0).max(366).default(7),
  /** Who gets the demo organization (with its published password): see `seedsDemo`. */
  DEMO_DATA: z.enum(["auto", "on", "off"]).default("auto"),
  /** Serve HTTPS directly (single-box installs): PEM certificate chain and private key files. */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  /** Turns on GET /metrics (Prometheus) for requests bearing this token; unset, there is no such route. */
  METRICS_TOKEN: z
    .string()
    .min(32, "must be at least 32 characters (openssl rand -hex 32)")
    .regex(/^[A-Za-z0-9._~+/=-]+$/, "may hold only letters, digits and . _ ~ + / = - (openssl rand -hex 32)")
    .optional(),
  /** The mail server that delivers invitations, reset links and notices; unset, see `mailDelivery` (mail/index.ts). */
  SMTP_URL: smtpUrl.optional(),
  /** The sender of every email: an address the mail server may send from (SPF, DKIM). */
  MAIL_FROM: mailFrom.optional(),
  /** Without SMTP_URL outside production: where each email is kept as an .eml file. Default DATA_DIR/mailbox. */
  MAILBOX_DIR: z.string().min(1).optional(),
  /** Messages are kept this many days, then deleted (the outbox, the local mailbox's files). */
  MESSAGE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Behind a TLS-terminating proxy: "true" (one hop), a number of hops, or the proxies' addresses/CIDRs. Off by default. */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((text, ctx) => {
      try {
        return parseTrustProxy(text);
      } catch (error) {
        ctx.addIssue({
          code: "custom",
          message: `${(error as Error).message}: use "true", a number of hops, or addresses/CIDRs, comma-separated`,
        });
        return z.NEVER;
      }
    }),
});

export type Config = ReturnType<typeof loadConfig>;

/**
 * Whether an empty database gets the demo organization. Its people's password is in the
 * README, so "auto" seeds only the embedded default outside production — a first try on a
 * laptop — and never a PostgreSQL database, which is a real installation's; "on" asks for
 * it anywhere.
 */
export function seedsDemo(config: Pick<Config, "DEMO_DATA" | "DATABASE_URL" | "NODE_ENV">): boolean {
  if (config.DEMO_DATA !== "auto") return config.DEMO_DATA === "on";
  return config.DATABASE_URL === undefined && config.NODE_ENV !== "production";
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Reads and checks the environment once, at start; a bad value names its variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env) {
  // Compose files and CI systems often pass unset variables as empty strings.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const values = parsed.data;
  if ((values.TLS_CERT_FILE === undefined) !== (values.TLS_KEY_FILE === undefined)) {
    throw new ConfigError("Invalid configuration:\n  TLS_CERT_FILE, TLS_KEY_FILE: set both to serve HTTPS, or neither");
  }
  for (const name of ["TLS_CERT_FILE", "TLS_KEY_FILE"] as const) {
    const file = values[name];
    if (file !== undefined && !fs.existsSync(file)) throw new ConfigError(`Invalid configuration:\n  ${name}: no such file: ${file}`);
  }
  if (values.SMTP_URL && !values.MAIL_FROM) {
    throw new ConfigError(
      'Invalid configuration:\n  MAIL_FROM: set it with SMTP_URL, to an address the mail server may send from, as "Velvet Coats <coats@example.com>"',
    );
  }
  const scheme = values.TLS_CERT_FILE ? "https" : "http";
  const dataDir = path.resolve(values.DATA_DIR);
  return {
    ...values,
    DATA_DIR: dataDir,
    MAILBOX_DIR: path.resolve(values.MAILBOX_DIR ?? path.join(dataDir, "mailbox")),
    PUBLIC_URL: (values.PUBLIC_URL ?? `${scheme}://localhost:${values.PORT}`).replace(/\/$/, ""),
  };
}
