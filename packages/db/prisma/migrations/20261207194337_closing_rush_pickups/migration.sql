-- The closing rush (docs/pickup.md): guests ask for their coat ahead, attendants fetch it to a
-- ready rail, a pickup board by the counter shows the numbers. The venue sets the queue's cap,
-- how long a coat waits on the rail and where it goes after.

-- CreateEnum
CREATE TYPE "qr"."PickupState" AS ENUM ('QUEUED', 'FETCHING', 'READY', 'COLLECTED', 'CANCELLED', 'UNCOLLECTED');

-- CreateEnum
CREATE TYPE "qr"."PickupUncollected" AS ENUM ('RACK', 'RAIL');

-- AlterTable
ALTER TABLE "qr"."venues" ADD COLUMN     "pickup_enabled" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "pickup_hold_minutes" INTEGER NOT NULL DEFAULT 15,
ADD COLUMN     "pickup_queue_cap" INTEGER NOT NULL DEFAULT 20,
ADD COLUMN     "pickup_uncollected" "qr"."PickupUncollected" NOT NULL DEFAULT 'RACK';

-- CreateTable
CREATE TABLE "qr"."pickup_requests" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "organization_id" UUID NOT NULL,
    "venue_id" UUID NOT NULL,
    "ticket_id" UUID NOT NULL,
    "ticket_number" INTEGER NOT NULL,
    "state" "qr"."PickupState" NOT NULL DEFAULT 'QUEUED',
    "requested_by" TEXT NOT NULL,
    "requested_by_id" UUID,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "fetching_at" TIMESTAMPTZ(3),
    "fetching_by_id" UUID,
    "ready_at" TIMESTAMPTZ(3),
    "ready_by_id" UUID,
    "rail_position" INTEGER,
    "collected_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    "cancelled_by" TEXT,
    "uncollected_at" TIMESTAMPTZ(3),
    "uncollected_to" "qr"."PickupUncollected",
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "pickup_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "qr"."pickup_boards" (
    "id" UUID NOT NULL,
    "venue_id" UUID NOT NULL,
    "label" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "pickup_boards_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "pickup_requests_venue_id_requested_at_idx" ON "qr"."pickup_requests"("venue_id", "requested_at");

-- CreateIndex
CREATE INDEX "pickup_requests_ticket_id_idx" ON "qr"."pickup_requests"("ticket_id");

-- CreateIndex
CREATE UNIQUE INDEX "pickup_requests_seq_key" ON "qr"."pickup_requests"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "pickup_boards_token_hash_key" ON "qr"."pickup_boards"("token_hash");

-- CreateIndex
CREATE INDEX "pickup_boards_venue_id_idx" ON "qr"."pickup_boards"("venue_id");

-- AddForeignKey
ALTER TABLE "qr"."pickup_requests" ADD CONSTRAINT "pickup_requests_venue_id_fkey" FOREIGN KEY ("venue_id") REFERENCES "qr"."venues"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qr"."pickup_requests" ADD CONSTRAINT "pickup_requests_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "qr"."tickets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qr"."pickup_boards" ADD CONSTRAINT "pickup_boards_venue_id_fkey" FOREIGN KEY ("venue_id") REFERENCES "qr"."venues"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- One open request per ticket: asking twice (a double tap, a retry from a phone that was
-- offline) finds the first.
CREATE UNIQUE INDEX "pickup_requests_one_open_per_ticket" ON "qr"."pickup_requests"("ticket_id")
  WHERE "state" IN ('QUEUED', 'FETCHING', 'READY');

-- One coat per place on the ready rail.
CREATE UNIQUE INDEX "pickup_requests_rail_position_key" ON "qr"."pickup_requests"("venue_id", "rail_position")
  WHERE "rail_position" IS NOT NULL;

-- The venue's live queue: open requests, and coats still on the rail.
CREATE INDEX "pickup_requests_open_by_venue" ON "qr"."pickup_requests"("venue_id", "seq")
  WHERE "state" IN ('QUEUED', 'FETCHING', 'READY') OR "rail_position" IS NOT NULL;

-- Every change of a request announces itself (as tickets and scan events do): the guest's
-- page, the counter's queue and the pickup board follow it. Ids only.
CREATE FUNCTION "qr"."notify_pickup_request"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('qrcoats_pickups', json_build_object(
    'id', NEW.id,
    'organizationId', NEW.organization_id,
    'venueId', NEW.venue_id,
    'ticketId', NEW.ticket_id,
    'state', NEW.state
  )::text);
  RETURN NEW;
END
$$;

CREATE TRIGGER "pickup_requests_notify" AFTER INSERT OR UPDATE ON "qr"."pickup_requests"
  FOR EACH ROW EXECUTE FUNCTION "qr"."notify_pickup_request"();
