import { PermanentDeliveryError, type MessageSender, type RenderedMessage } from "@qrcoats/api";
import nodemailer from "nodemailer";
import type { SmtpServer } from "../config";

/**
 * What Nodemailer needs to reach the mail server of SMTP_URL.
 *
 * Credentials never cross a network in clear: with a user and a password, smtp:// must
 * upgrade with STARTTLS (`requireTLS`) unless the server is this machine (a local relay, a
 * tunnel's end). Without credentials STARTTLS is used when the server offers it.
 *
 * Pooled, one connection: the outbox sends one message after another, and closing time
 * sends a notice to every guest who left a coat, so one connection carried through a batch
 * saves a TCP and TLS handshake (and a login) per message, which providers also rate-limit.
 * An idle connection is closed after 30 s, before most providers drop it themselves.
 *
 * Short timeouts: a message waits for its send to finish, and a slow or silent server must
 * fail it (to be retried later) rather than hold the delivery job for minutes.
 */
export function transportOptions(server: SmtpServer) {
  const loopback = server.host === "localhost" || server.host === "::1" || /^127\./.test(server.host);
  return {
    pool: true as const,
    maxConnections: 1,
    idleTimeout: 30_000,
    host: server.host,
    port: server.port,
    secure: server.secure,
    requireTLS: !server.secure && server.auth !== undefined && !loopback,
    auth: server.auth,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    // Nodemailer's loggers would write the SMTP conversation, message bodies included.
    logger: false,
    debug: false,
    transactionLog: false,
    // Messages are strings the host rendered; nothing may make Nodemailer read a file or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

type SmtpFailure = Error & { code?: string; responseCode?: number; command?: string };

/** Addresses a server's answer repeats ("550 <ada@example.com>: no such user") stay out of the outbox's last error. */
const withoutAddresses = (text: string) => text.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, "address");

/**
 * Which failures retrying cannot help: an SMTP 5xx answer to this message (an unknown
 * mailbox, a refused content) or an address Nodemailer refuses to send to. A 5xx to the
 * login is the exception: wrong credentials refuse every message alike until an operator
 * fixes SMTP_URL, and then the waiting ones should still go. 4xx answers (greylisting, a
 * full mailbox, a busy server), refused connections and timeouts are transient.
 */
function deliveryError(error: SmtpFailure): Error {
  const answer = error.responseCode ? ` (SMTP ${error.responseCode}${error.command ? ` to ${error.command}` : ""})` : "";
  const message = withoutAddresses(`${error.message}${answer}`).slice(0, 500);
  if (error.code === "EAUTH" || error.code === "ENOAUTH")
    return new Error(`the mail server refused the credentials of SMTP_URL: ${message}`);
  const refusedAddress = error.code === "EENVELOPE" && error.responseCode === undefined;
  if ((error.responseCode ?? 0) >= 500 || refusedAddress) return new PermanentDeliveryError(message);
  return new Error(message);
}

/** The email sender when SMTP_URL is set: each message goes to that server, text and HTML. */
export function smtpSender(server: SmtpServer, from: string): MessageSender & { close(): void } {
  const transport = nodemailer.createTransport(transportOptions(server));
  const domain = /@([^@\s>]+)>?$/.exec(from)?.[1] ?? "qrcoats.invalid";
  return {
    channel: "email",
    via: "smtp",
    async send(message: RenderedMessage) {
      try {
        await transport.sendMail({
          from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          // The outbox row's id: a message sent twice (its answer lost) is recognizably one.
          messageId: `<${message.id}@${domain}>`,
        });
      } catch (error) {
        throw deliveryError(error as SmtpFailure);
      }
      return {};
    },
    close: () => transport.close(),
  };
}
