import type { MailDelivery, MessageSender } from "@qrcoats/api";
import type { Logger } from "pino";
import type { Config, SmtpServer } from "../config";
import { localMailbox } from "./local-mailbox";
import { smtpSender } from "./smtp-sender";

type MailConfig = Pick<Config, "SMTP_URL" | "MAIL_FROM" | "MAILBOX_DIR" | "MESSAGE_RETENTION_DAYS" | "NODE_ENV" | "PUBLIC_URL">;

type MailPlan = { email: "smtp"; server: SmtpServer; from: string } | { email: "local-mailbox"; from: string } | { email: "none" };

/**
 * How email leaves this host: through SMTP_URL's server (loadConfig makes MAIL_FROM come
 * with it); else, outside production, into the local mailbox; else not at all — a
 * production host must not pretend to send, so messages wait and invitations go out as
 * links an admin copies.
 */
function mailPlan(config: MailConfig): MailPlan {
  if (config.SMTP_URL && config.MAIL_FROM) return { email: "smtp", server: config.SMTP_URL, from: config.MAIL_FROM };
  if (config.NODE_ENV !== "production") {
    return { email: "local-mailbox", from: config.MAIL_FROM ?? `QRcoats <no-reply@${new URL(config.PUBLIC_URL).hostname}>` };
  }
  return { email: "none" };
}

/** What the admin panel is told about email (ApiServices.mail). */
export function mailDelivery(config: MailConfig): MailDelivery {
  const plan = mailPlan(config);
  return plan.email === "none" ? { email: "none" } : { email: plan.email, from: plan.from };
}

/** The senders `mailDelivery` describes; `close` lets go of the mail server's connection. */
export function openMail(config: MailConfig, logger: Logger): { senders: MessageSender[]; close(): void } {
  const plan = mailPlan(config);
  switch (plan.email) {
    case "smtp": {
      const sender = smtpSender(plan.server, plan.from);
      return { senders: [sender], close: () => sender.close() };
    }
    case "local-mailbox": {
      const mailbox = localMailbox({ dir: config.MAILBOX_DIR, from: plan.from, retentionDays: config.MESSAGE_RETENTION_DAYS, logger });
      return { senders: [mailbox], close: () => {} };
    }
    case "none":
      logger.warn(
        "no mail server configured: invitations must be sent by copying their link from the admin panel (Employees); password resets and forgotten-coat notices wait until SMTP_URL and MAIL_FROM are set (docs/deploy.md, Email)",
      );
      return { senders: [], close: () => {} };
  }
}
