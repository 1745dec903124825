import type { TestApi } from "../testing";
import { openMessage, recipientHash, type StoredMessage } from "./outbox";
import type { Channel, RenderedMessage } from "./sender";
import type { MessageTemplate } from "./templates";

// Fixtures for reading what the API queued for someone, as they would receive it: found by
// the address's keyed hash and rendered with the real templates and keys, straight from the
// database. Delivering over SMTP has its own tests (apps/host/src/mail).

const channelOf = (address: string): Channel => (address.includes("@") ? "email" : "sms");

type Row = StoredMessage & { audience: "STAFF" | "GUEST"; organizationId: string | null; withdrawn: boolean };

async function rowsTo(t: TestApi, address: string, template?: MessageTemplate): Promise<Row[]> {
  const channel = channelOf(address);
  return t.db.sql.query<Row>(
    `SELECT id, channel, template, recipient_encrypted AS "recipientEncrypted", params_encrypted AS "paramsEncrypted",
            audience::text AS audience, organization_id AS "organizationId",
            (params_encrypted IS NULL AND delivered_at IS NULL AND last_error LIKE 'Withdrawn:%') AS withdrawn
       FROM auth.notification_outbox
      WHERE recipient_hash = $1 AND ($2::text IS NULL OR template = $2)
      ORDER BY created_at DESC, id DESC`,
    [recipientHash(t.config.keys, channel, address), template ?? null],
  );
}

/** How many messages were queued for an address (any case, any punctuation), of one template or all. */
export async function countMessagesTo(t: TestApi, address: string, template?: MessageTemplate): Promise<number> {
  return (await rowsTo(t, address, template)).length;
}

export type QueuedMessage = RenderedMessage & { audience: "STAFF" | "GUEST"; organizationId: string | null };

/** Every message queued for an address and still to be sent, newest first, as it would be delivered now. */
export async function messagesTo(t: TestApi, address: string, template?: MessageTemplate): Promise<QueuedMessage[]> {
  const rows = (await rowsTo(t, address, template)).filter((row) => !row.withdrawn);
  return rows.map((row) => {
    if (row.paramsEncrypted === null) throw new Error(`Message ${row.id} to ${address} was delivered or expired: its content is gone`);
    return { ...openMessage(t.config, row).rendered, audience: row.audience, organizationId: row.organizationId };
  });
}

/** The newest message queued for an address, as it would be delivered now. */
export async function newestMessageTo(t: TestApi, address: string, template?: MessageTemplate): Promise<QueuedMessage> {
  const [newest] = await messagesTo(t, address, template);
  if (!newest) throw new Error(`No ${template ?? "message"} was queued for ${address}`);
  return newest;
}

/** The token of the link to `path` ("/reset-password", "/accept-invitation") in a message's text. */
export function tokenIn(message: RenderedMessage, path: string): string {
  const token = new RegExp(`${path}\\?token=([a-z2-7]+)`).exec(message.text)?.[1];
  if (!token) throw new Error(`The ${message.template} message has no ${path} link`);
  return token;
}
