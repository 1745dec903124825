-- The outbox stops keeping messages whole. Until now every row held its recipient and its
-- body in plaintext, links with tokens and ticket codes included, forever. From now on a
-- row keeps its address sealed (with a keyed hash to find it by) and its template's
-- parameters sealed until it is delivered or expires; links are rendered at delivery.
--
-- The old rows are plaintext secrets and all of them go:
-- * delivered ones have served their purpose (until now "delivered" meant written to the
--   host's log, within seconds of being queued);
-- * undelivered ones cannot be carried over, because sealing needs the host's keys, which the
--   database does not have. They exist only where a host stopped within seconds of queuing
--   them, or where five attempts failed: a reset link is asked for again, an invitation is
--   sent again from the admin panel (employee.resendInvitation), and a forgotten-coat notice
--   older than a few seconds was already in the log.

DELETE FROM "auth"."notification_outbox";

-- CreateEnum
CREATE TYPE "auth"."MessageAudience" AS ENUM ('STAFF', 'GUEST');

-- DropIndex
DROP INDEX "auth"."notification_outbox_delivered_at_created_at_idx";
DROP INDEX "auth"."notification_outbox_waiting";

-- AlterTable
ALTER TABLE "auth"."notification_outbox" DROP COLUMN "body",
DROP COLUMN "recipient",
ADD COLUMN     "audience" "auth"."MessageAudience" NOT NULL,
ADD COLUMN     "delivered_via" TEXT,
ADD COLUMN     "employee_id" UUID,
ADD COLUMN     "expires_at" TIMESTAMPTZ(3) NOT NULL,
ADD COLUMN     "failed_at" TIMESTAMPTZ(3),
ADD COLUMN     "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "organization_id" UUID,
ADD COLUMN     "params_encrypted" TEXT,
ADD COLUMN     "recipient_encrypted" TEXT NOT NULL,
ADD COLUMN     "recipient_hash" TEXT NOT NULL,
ADD COLUMN     "ticket_id" UUID,
ADD COLUMN     "sending_until" TIMESTAMPTZ(3);

-- Invitations made before this have no sealed token: their link cannot be copied, only sent again.
-- AlterTable
ALTER TABLE "employees"."invitations" ADD COLUMN     "token_encrypted" TEXT;

-- The worker's queue: what is waiting, soonest first (a partial index, which Prisma cannot express).
CREATE INDEX "notification_outbox_waiting" ON "auth"."notification_outbox" ("next_attempt_at") WHERE delivered_at IS NULL AND failed_at IS NULL;

-- CreateIndex
CREATE INDEX "notification_outbox_organization_id_created_at_id_idx" ON "auth"."notification_outbox"("organization_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "notification_outbox_recipient_hash_created_at_idx" ON "auth"."notification_outbox"("recipient_hash", "created_at");

-- CreateIndex
CREATE INDEX "notification_outbox_created_at_idx" ON "auth"."notification_outbox"("created_at");

-- CreateIndex
CREATE INDEX "notification_outbox_employee_id_idx" ON "auth"."notification_outbox"("employee_id");

-- CreateIndex
CREATE INDEX "notification_outbox_ticket_id_idx" ON "auth"."notification_outbox"("ticket_id");

-- AddForeignKey
ALTER TABLE "auth"."notification_outbox" ADD CONSTRAINT "notification_outbox_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "auth"."organizations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "auth"."notification_outbox" ADD CONSTRAINT "notification_outbox_employee_id_fkey" FOREIGN KEY ("employee_id") REFERENCES "employees"."employees"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "auth"."notification_outbox" ADD CONSTRAINT "notification_outbox_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "qr"."tickets"("id") ON DELETE SET NULL ON UPDATE CASCADE;
