import fs from "node:fs";
import path from "node:path";
import { PermanentDeliveryError, type MessageSender, type RenderedMessage } from "@qrcoats/api";
import nodemailer from "nodemailer";
import type { Logger } from "pino";

const DAY_MS = 24 * 60 * 60_000;

/** Deletes the mailbox's messages last written before `before`; returns how many went. */
export async function purgeMailbox(dir: string, before: Date): Promise<number> {
  const names = await fs.promises.readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  let deleted = 0;
  for (const name of names.filter((candidate) => candidate.endsWith(".eml"))) {
    const file = path.join(dir, name);
    const stat = await fs.promises.stat(file).catch(() => null);
    if (stat && stat.mtime < before) {
      await fs.promises.rm(file, { force: true });
      deleted++;
    }
  }
  return deleted;
}

/**
 * The email sender of a development host without SMTP_URL: each message becomes an .eml
 * file (open it in any mail program) in `dir`, private to the host's user like the rest of
 * DATA_DIR, and the log gets one line saying to whom, about what, and which file. The log
 * never gets the body: it holds reset and invitation links, which are as good as a password.
 * Writing a message deletes those older than the retention period, as the outbox forgets
 * them.
 */
export function localMailbox(options: { dir: string; from: string; retentionDays: number; logger: Logger }): MessageSender {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    channel: "email",
    via: "local-mailbox",
    async send(message: RenderedMessage) {
      const { message: eml } = await composer.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: `<${message.id}@local-mailbox.invalid>`,
      });
      if (!/^[\w-]+$/.test(message.id)) throw new PermanentDeliveryError("a message id names its file: letters, digits, - and _ only");
      await fs.promises.mkdir(options.dir, { recursive: true, mode: 0o700 });
      // Named by the outbox row: a message sent again replaces its file rather than doubling it.
      const file = path.join(options.dir, `${message.id}.eml`);
      await fs.promises.writeFile(file, eml, { mode: 0o600 });
      await fs.promises.chmod(file, 0o600);
      await purgeMailbox(options.dir, new Date(Date.now() - options.retentionDays * DAY_MS));
      options.logger.info(`email to ${message.to} "${message.subject}" kept in the local mailbox (no SMTP_URL): ${file}`);
      return { location: file };
    },
  };
}
