import type { AddressInfo } from "node:net";
import { simpleParser, type AddressObject } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { freePort } from "./host";

/** One message as a mail program would show it, with what the SMTP conversation said. */
export type ReceivedMail = {
  /** MAIL FROM and RCPT TO, as given in the conversation. */
  envelope: { from: string; to: string[] };
  /** The user name the client signed in with, when it did. */
  user?: string;
  from: string;
  to: string[];
  subject: string;
  messageId?: string;
  text: string;
  html: string;
  /** Every http(s) link of the message: the HTML part's hrefs, then any other URL in the text. */
  links: string[];
};

export type MailServer = {
  /** smtp://127.0.0.1:port, with the user name and password when the server asks for them: a host's SMTP_URL. */
  url: string;
  port: number;
  received(): ReceivedMail[];
  /** The first message to `to` (that `predicate` accepts), received already or within the timeout. */
  waitFor(to: string, predicate?: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** How many times a client asked to send to `to` (RCPT TO), answered or refused. */
  attempts(to: string): number;
  /**
   * Answers RCPT TO for `to` with an SMTP error from now on: 5xx says retrying cannot help
   * (no such mailbox), 4xx says try later (greylisting, a full mailbox). `accept` undoes it.
   */
  refuse(to: string, responseCode: number): void;
  accept(to: string): void;
  /** Stops listening (a mail server down), keeping what arrived; `start` listens on the same port again. */
  stop(): Promise<void>;
  start(): Promise<void>;
};

/**
 * The first link of `mail` to a page under `pathname`, as a path with its query
 * ("/reset-password?token=…"): links point at PUBLIC_URL, tests open them on the host they run.
 */
export function linkPath(mail: ReceivedMail, pathname: string): string {
  const link = mail.links.map((candidate) => new URL(candidate)).find((url) => url.pathname.startsWith(pathname));
  if (!link) throw new Error(`no link to ${pathname} in the mail "${mail.subject}": ${JSON.stringify(mail.links)}`);
  return `${link.pathname}${link.search}`;
}

const hrefs = (html: string) =>
  [...html.matchAll(/href\s*=\s*["']([^"']+)["']/gi)]
    .map((match) => match[1]!.replaceAll("&amp;", "&"))
    .filter((url) => /^https?:/.test(url));
const urlsIn = (text: string) => [...text.matchAll(/https?:\/\/[^\s<>"')]+/g)].map((match) => match[0]);
const addresses = (field: AddressObject | AddressObject[] | undefined) =>
  [field ?? []].flat().flatMap((object) => object.value.map((address) => address.address ?? ""));

/**
 * A real SMTP server on a loopback port for tests: clients hold the whole SMTP conversation
 * with it (EHLO, AUTH, MAIL FROM, RCPT TO, DATA), and each message is parsed with a MIME
 * parser as a mail program would. With `auth`, it refuses to take mail from a client that
 * has not signed in with that user name and password. No STARTTLS: on loopback there is no
 * network to protect, and a test certificate would need trusting.
 */
export async function startMailServer(options: { auth?: { user: string; pass: string } } = {}): Promise<MailServer> {
  const mails: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const rcptAttempts = new Map<string, number>();
  const refusals = new Map<string, number>();
  const key = (address: string) => address.trim().toLowerCase();

  const handlers: SMTPServerOptions = {
    logger: false,
    disabledCommands: ["STARTTLS"],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    closeTimeout: 100,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
        return;
      }
      callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      const to = key(address.address);
      rcptAttempts.set(to, (rcptAttempts.get(to) ?? 0) + 1);
      const responseCode = refusals.get(to);
      if (responseCode === undefined) return callback();
      const reason = responseCode >= 500 ? `<${address.address}>: no such mailbox here` : "try again later";
      callback(Object.assign(new Error(reason), { responseCode }));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const text = parsed.text ?? "";
          const html = parsed.html || "";
          mails.push({
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            },
            user: typeof session.user === "string" ? session.user : undefined,
            from: parsed.from?.text ?? "",
            to: addresses(parsed.to),
            subject: parsed.subject ?? "",
            messageId: parsed.messageId,
            text,
            html,
            links: [...new Set([...hrefs(html), ...urlsIn(text)])],
          });
          for (const wake of waiters) wake();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  };

  let server: SMTPServer | null = null;
  let port = process.env.TEST_PORTS ? await freePort() : 0;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const listening = new SMTPServer(handlers);
      listening.on("error", reject);
      listening.listen(port, "127.0.0.1", () => {
        port = (listening.server.address() as AddressInfo).port;
        server = listening;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      const closing = server;
      server = null;
      if (!closing) return resolve();
      closing.close(() => resolve());
    });
  await start();

  const credentials = options.auth ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@` : "";
  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    port,
    received: () => [...mails],
    attempts: (to) => rcptAttempts.get(key(to)) ?? 0,
    refuse: (to, responseCode) => void refusals.set(key(to), responseCode),
    accept: (to) => void refusals.delete(key(to)),
    start,
    stop,
    waitFor(to, predicate = () => true, timeoutMs = 15_000) {
      const find = () => mails.find((mail) => mail.envelope.to.some((rcpt) => key(rcpt) === key(to)) && predicate(mail));
      return new Promise((resolve, reject) => {
        const check = () => {
          const mail = find();
          if (!mail) return;
          cleanup();
          resolve(mail);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `no mail to ${to} within ${timeoutMs} ms; received: ${JSON.stringify(mails.map((mail) => [mail.envelope.to, mail.subject]))}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
