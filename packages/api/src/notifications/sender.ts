export type MessageTemplate = "employee-invitation" | "password-reset" | "forgotten-items";

export type Channel = "email" | "sms";
/** A message ready to go: rendered at delivery from its sealed parameters, never stored like this. */
export type RenderedMessage = {
  id: string; // the outbox row id (use it as Message-ID seed / idempotency)
  channel: Channel;
  to: string; // recipient address / phone
  subject: string;
  text: string; // plain-text part
  html: string; // HTML part (same template)
  template: MessageTemplate; // "employee-invitation" | "password-reset" | "forgotten-items"
  locale?: string; // reserved for the languages issue
};
/** One implementation per channel: SMTP for email today; SMS has none yet. */
export interface MessageSender {
  readonly channel: Channel;
  /** Shown to admins as how a message left: "smtp" | "local-mailbox". */
  readonly via: string;
  /** Resolves when the message is accepted by the next hop. Throws PermanentDeliveryError
   *  when retrying cannot help (an SMTP 5xx answer, an invalid address); any other error is
   *  transient and retried with backoff. May return where a person can read it (local mailbox). */
  send(message: RenderedMessage): Promise<{ location?: string }>;
}
export class PermanentDeliveryError extends Error {}
