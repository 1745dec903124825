import pino, { type DestinationStream, type LevelWithSilent, type Logger } from "pino";

// Whoever reads the host's log (an operator, a log collector, a support ticket it is pasted
// into) must not be able to act as anyone with it. The secrets that reach the host in a
// request's address are ticket codes, tokens and JWTs: tRPC sends every query and
// subscription input as `?input=`, the apps' links carry `?token=`, a ticket's page is
// `/t/<code>`. Cookies and bearer tokens arrive in headers, passwords and contact details in
// bodies: no request's headers or body are written, and credentials are cut out of any
// headers a log call passes along.

const REDACTED = "[redacted]";

/**
 * Secrets the host hands out are long random strings: a ticket code is 40 base32
 * characters, a token 32, a JWT's parts longer still. No name the host routes by (a
 * procedure, a page, a file of the apps) has this many letters and digits in a row; the
 * test beside this file holds every procedure and page to that.
 */
const SECRET_SHAPED = /[A-Za-z0-9]{28,}/;

/**
 * The web app's pages whose address carries a bearer value, whatever its shape: a ticket's
 * code (`/t/`), a venue's poster link (`/v/`, which should stop working once replaced).
 */
const SECRET_PAGES: ReadonlySet<string> = new Set(["t", "v"]);

/**
 * A request's address as the log keeps it: the path, with a ticket's code and anything
 * shaped like a secret replaced, and the names of the query parameters, never their values
 * (`/trpc/qr.view?input=[redacted]`).
 */
export function urlForLog(url: string): string {
  const queryStart = url.indexOf("?");
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const segments = path.split("/");
  const ticketPage = SECRET_PAGES.has(segments[1]?.toLowerCase() ?? "");
  const loggedPath = segments
    .map((segment, index) => ((ticketPage && index > 1 && segment !== "") || secretShaped(segment) ? REDACTED : segment))
    .join("/");
  if (queryStart === -1) return loggedPath;
  const parameters = url
    .slice(queryStart + 1)
    .split("&")
    .map((parameter) => {
      const equals = parameter.indexOf("=");
      const name = equals === -1 ? parameter : parameter.slice(0, equals);
      const loggedName = secretShaped(name) ? REDACTED : name;
      return equals === -1 ? loggedName : `${loggedName}=${REDACTED}`;
    });
  return `${loggedPath}?${parameters.join("&")}`;
}

/** Percent-encoding is undone first, so that a code spelled %78%67... is still recognised. */
function secretShaped(text: string): boolean {
  let decoded = text;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    // Not valid percent-encoding: judged as it came.
  }
  return SECRET_SHAPED.test(decoded) || SECRET_SHAPED.test(text);
}

/**
 * What an error tells the log: its kind, its words and where it was thrown, its causes' too
 * (pino folds them into the message and the stack). Not the data it carries: a database
 * error holds the statement's parameters (PGlite) or the failing row (PostgreSQL's
 * `detail`), Prisma's `meta` the values a constraint refused.
 */
const ERROR_FIELDS = [
  "type",
  "message",
  "stack",
  "code",
  "statusCode",
  "severity",
  "schema",
  "table",
  "column",
  "constraint",
  "syscall",
  "address",
  "port",
];

export function errorForLog(error: unknown): unknown {
  // Something thrown that is not an error may be anything at all: only its kind is told.
  if (!(error instanceof Error)) return typeof error === "string" ? error : { type: Object.prototype.toString.call(error) };
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  return Object.fromEntries(ERROR_FIELDS.filter((field) => serialized[field] !== undefined).map((field) => [field, serialized[field]]));
}

/** Fastify logs a request with its 5xx errors: the method and the address as above, no headers. */
function requestForLog(request: { method?: string; url?: string }) {
  return { method: request.method, url: request.url === undefined ? undefined : urlForLog(request.url) };
}

/** Headers that authenticate or point at a ticket's page, wherever a log call passes headers along. */
const SECRET_HEADERS = ["authorization", "proxy-authorization", "cookie", "set-cookie", "referer"];
const REDACT_PATHS = SECRET_HEADERS.flatMap((header) => [`headers["${header}"]`, `*.headers["${header}"]`]);

/** The host's logger, made one way for the server and its jobs, in `npm start` and `npm run job`. */
export function createLogger(level: LevelWithSilent, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      serializers: { req: requestForLog, err: errorForLog },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      // Readable lines for a person at a terminal; JSON for log collectors.
      transport: !destination && process.stdout.isTTY ? { target: "pino-pretty", options: { ignore: "pid,hostname" } } : undefined,
    },
    destination,
  );
}
