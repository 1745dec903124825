-- The offline counter (docs/offline.md): devices that sync numbered operations exactly once,
-- the free slots set aside for each, and walk-in tickets each may hand out with no network.
-- Scan events remember the device that did them, and whether it was offline.

-- AlterTable
ALTER TABLE "qr"."scan_events" ADD COLUMN     "device_id" UUID,
ADD COLUMN     "taken_offline" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "qr"."counter_devices" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "venue_id" UUID NOT NULL,
    "employee_id" UUID NOT NULL,
    "last_seq" INTEGER NOT NULL DEFAULT 0,
    "syncing_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "counter_devices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "qr"."device_operations" (
    "device_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "op_id" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "taken_at" TIMESTAMPTZ(3) NOT NULL,
    "applied_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "message" TEXT,
    "ticket_id" UUID,

    CONSTRAINT "device_operations_pkey" PRIMARY KEY ("device_id","seq")
);

-- CreateTable
CREATE TABLE "qr"."slot_leases" (
    "slot_id" UUID NOT NULL,
    "device_id" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "slot_leases_pkey" PRIMARY KEY ("slot_id")
);

-- CreateTable
CREATE TABLE "qr"."walk_in_pool" (
    "public_id" TEXT NOT NULL,
    "device_id" UUID NOT NULL,
    "venue_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "walk_in_pool_pkey" PRIMARY KEY ("public_id")
);

-- CreateIndex
CREATE INDEX "counter_devices_venue_id_idx" ON "qr"."counter_devices"("venue_id");

-- CreateIndex
CREATE INDEX "counter_devices_employee_id_idx" ON "qr"."counter_devices"("employee_id");

-- CreateIndex
CREATE UNIQUE INDEX "device_operations_op_id_key" ON "qr"."device_operations"("op_id");

-- CreateIndex
CREATE INDEX "slot_leases_device_id_idx" ON "qr"."slot_leases"("device_id");

-- CreateIndex
CREATE INDEX "walk_in_pool_device_id_idx" ON "qr"."walk_in_pool"("device_id");

-- AddForeignKey
ALTER TABLE "qr"."counter_devices" ADD CONSTRAINT "counter_devices_venue_id_fkey" FOREIGN KEY ("venue_id") REFERENCES "qr"."venues"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qr"."counter_devices" ADD CONSTRAINT "counter_devices_employee_id_fkey" FOREIGN KEY ("employee_id") REFERENCES "employees"."employees"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qr"."device_operations" ADD CONSTRAINT "device_operations_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "qr"."counter_devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qr"."slot_leases" ADD CONSTRAINT "slot_leases_slot_id_fkey" FOREIGN KEY ("slot_id") REFERENCES "qr"."slots"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qr"."slot_leases" ADD CONSTRAINT "slot_leases_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "qr"."counter_devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qr"."walk_in_pool" ADD CONSTRAINT "walk_in_pool_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "qr"."counter_devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- CreateIndex
CREATE INDEX "tickets_venue_id_updated_at_idx" ON "qr"."tickets"("venue_id", "updated_at");
