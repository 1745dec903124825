import type { MessageTemplate } from "./templates";

// The seam between the outbox and whatever carries a message out of the host: the outbox
// renders a message at delivery and hands it to the sender of its channel. SMTP is the one
// sender for email today (apps/host/src/mail); SMS has none yet, so its messages wait.

export type Channel = "email" | "sms";

/** A message ready to go: rendered at delivery from its sealed parameters, never stored like this. */
export type RenderedMessage = {
  /** The outbox row id: a Message-ID seed, or an idempotency key. */
  id: string;
  channel: Channel;
  /** The recipient's address or phone. */
  to: string;
  subject: string;
  /** The plain-text part. */
  text: string;
  /** The HTML part, from the same template. */
  html: string;
  template: MessageTemplate;
  /** Reserved for the languages issue. */
  locale?: string;
};

/** One implementation per channel: SMTP for email today; SMS has none yet. */
export interface MessageSender {
  readonly channel: Channel;
  /** Shown to admins as how a message left: "smtp" | "local-mailbox". */
  readonly via: string;
  /**
   * Resolves when the message is accepted by the next hop. Throws PermanentDeliveryError
   * when retrying cannot help (an SMTP 5xx answer, an invalid address); any other error is
   * transient and retried with backoff. May return where a person can read it (local mailbox).
   */
  send(message: RenderedMessage): Promise<{ location?: string }>;
}

export class PermanentDeliveryError extends Error {
  override name = "PermanentDeliveryError";
}
