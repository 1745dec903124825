-- The delivery job drops the parameters of expired messages on every run (every 2 s): an
-- index on what still holds parameters, by expiry, so that the sweep reads only those rather
-- than every message kept for MESSAGE_RETENTION_DAYS. A partial index, which Prisma cannot
-- express. The index on the recipient's hash goes: only test fixtures looked messages up by it.

-- DropIndex
DROP INDEX "auth"."notification_outbox_recipient_hash_created_at_idx";

CREATE INDEX "notification_outbox_sealed" ON "auth"."notification_outbox" ("expires_at") WHERE params_encrypted IS NOT NULL;
