-- Every guest served (docs/guests.md): a venue's poster link gives tickets with no account,
-- one tap makes one ticket (issue_key), the venue chooses when guests pay and a coat handed
-- back unpaid keeps the reason, and a scan made by typing the ticket's number says so.
-- Existing venues get no poster link until an admin makes one.

-- CreateEnum
CREATE TYPE "qr"."PaymentTiming" AS ENUM ('CHECK_IN', 'CHECK_OUT');

-- AlterTable
ALTER TABLE "qr"."venues" ADD COLUMN     "guest_link_id" TEXT,
ADD COLUMN     "payment_timing" "qr"."PaymentTiming" NOT NULL DEFAULT 'CHECK_OUT';

-- AlterTable
ALTER TABLE "qr"."tickets" ADD COLUMN     "guest_device_hash" TEXT,
ADD COLUMN     "issue_key" TEXT,
ADD COLUMN     "unpaid_reason" TEXT;

-- AlterTable
ALTER TABLE "qr"."scan_events" ADD COLUMN     "by_number" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE UNIQUE INDEX "venues_guest_link_id_key" ON "qr"."venues"("guest_link_id");

-- CreateIndex
CREATE UNIQUE INDEX "tickets_issue_key_key" ON "qr"."tickets"("issue_key");

-- CreateIndex
CREATE INDEX "tickets_venue_id_guest_device_hash_idx" ON "qr"."tickets"("venue_id", "guest_device_hash");

