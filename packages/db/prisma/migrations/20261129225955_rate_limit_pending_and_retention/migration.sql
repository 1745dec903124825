-- AlterTable
ALTER TABLE "auth"."rate_limit_buckets" ADD COLUMN     "pending" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "audit_events_occurred_at_idx" ON "auth"."audit_events"("occurred_at");

