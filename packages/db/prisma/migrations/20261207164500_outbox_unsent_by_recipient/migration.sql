-- A message is withdrawn, not sent, when a later change made its link useless; the admins'
-- list tells it from a failure.
ALTER TABLE "auth"."notification_outbox" ADD COLUMN "withdrawn_at" TIMESTAMPTZ(3);

-- A new reset link withdraws the unsent messages carrying older ones, found by the address's
-- keyed hash: an index on the hash of what still holds parameters (unsent messages only),
-- so a reset request reads those few rows rather than the whole outbox. Partial, which
-- Prisma cannot express.

CREATE INDEX "notification_outbox_unsent_recipient" ON "auth"."notification_outbox" ("recipient_hash") WHERE params_encrypted IS NOT NULL;
