-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "employees";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "qr";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "auth";

-- CreateEnum
CREATE TYPE "employees"."TaskStatus" AS ENUM ('TODO', 'IN_PROGRESS', 'DONE', 'CANCELLED');

-- CreateEnum
CREATE TYPE "employees"."TaskPriority" AS ENUM ('LOW', 'NORMAL', 'HIGH', 'URGENT');

-- CreateEnum
CREATE TYPE "qr"."SlotKind" AS ENUM ('HANGER', 'SHELF');

-- CreateEnum
CREATE TYPE "qr"."TicketState" AS ENUM ('ISSUED', 'CHECKED_IN', 'RETURNED', 'VOIDED', 'FORGOTTEN');

-- CreateEnum
CREATE TYPE "qr"."PaymentStatus" AS ENUM ('UNPAID', 'PAID_CASH', 'PAID_CARD', 'PREPAID');

-- CreateTable
CREATE TABLE "employees"."employees" (
    "id" UUID NOT NULL,
    "membership_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "position" TEXT,
    "phone_encrypted" TEXT,
    "phone_last_digits_hash" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "employees_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "employees"."employee_venues" (
    "employee_id" UUID NOT NULL,
    "venue_id" UUID NOT NULL,

    CONSTRAINT "employee_venues_pkey" PRIMARY KEY ("employee_id","venue_id")
);

-- CreateTable
CREATE TABLE "employees"."invitations" (
    "id" UUID NOT NULL,
    "employee_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "accepted_at" TIMESTAMPTZ(3),
    "invited_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invitations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "employees"."tasks" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "venue_id" UUID,
    "assignee_id" UUID,
    "created_by_id" UUID,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "priority" "employees"."TaskPriority" NOT NULL DEFAULT 'NORMAL',
    "status" "employees"."TaskStatus" NOT NULL DEFAULT 'TODO',
    "due_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "employees"."shifts" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "employee_id" UUID NOT NULL,
    "venue_id" UUID NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "auto_closed" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "shifts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "qr"."venues" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "opens_at" TEXT NOT NULL,
    "closes_at" TEXT NOT NULL,
    "price_cents" INTEGER NOT NULL DEFAULT 0,
    "currency" TEXT NOT NULL DEFAULT 'EUR',
    "in_out_allowance" INTEGER NOT NULL DEFAULT 1,
    "forgotten_delay_minutes" INTEGER NOT NULL DEFAULT 180,
    "next_ticket_number" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "venues_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "qr"."racks" (
    "id" UUID NOT NULL,
    "venue_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "racks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "qr"."slots" (
    "id" UUID NOT NULL,
    "venue_id" UUID NOT NULL,
    "rack_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "kind" "qr"."SlotKind" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "slots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "qr"."tickets" (
    "id" UUID NOT NULL,
    "public_id" TEXT NOT NULL,
    "organization_id" UUID NOT NULL,
    "venue_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "state" "qr"."TicketState" NOT NULL DEFAULT 'ISSUED',
    "slot_id" UUID,
    "guest_id" UUID,
    "contact_name_encrypted" TEXT,
    "contact_email_encrypted" TEXT,
    "contact_phone_encrypted" TEXT,
    "contact_name_hash" TEXT,
    "contact_email_hash" TEXT,
    "contact_phone_last_digits_hash" TEXT,
    "issued_by_id" UUID,
    "in_outs_used" INTEGER NOT NULL DEFAULT 0,
    "payment_status" "qr"."PaymentStatus" NOT NULL DEFAULT 'UNPAID',
    "amount_cents" INTEGER,
    "paid_at" TIMESTAMPTZ(3),
    "void_reason" TEXT,
    "issued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "checked_in_at" TIMESTAMPTZ(3),
    "returned_at" TIMESTAMPTZ(3),
    "voided_at" TIMESTAMPTZ(3),
    "forgotten_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tickets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "qr"."scan_events" (
    "id" BIGSERIAL NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "organization_id" UUID NOT NULL,
    "venue_id" UUID NOT NULL,
    "employee_id" UUID,
    "ticket_id" UUID,
    "unknown_code_hash" TEXT,
    "action" TEXT NOT NULL,
    "result" TEXT NOT NULL,
    "reason" TEXT,
    "from_state" "qr"."TicketState",
    "to_state" "qr"."TicketState",
    "slot_id" UUID,
    "to_slot_id" UUID,
    "payment_status" "qr"."PaymentStatus",
    "amount_cents" INTEGER,

    CONSTRAINT "scan_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "employees_membership_id_key" ON "employees"."employees"("membership_id");

-- CreateIndex
CREATE INDEX "employees_organization_id_idx" ON "employees"."employees"("organization_id");

-- CreateIndex
CREATE INDEX "employees_phone_last_digits_hash_idx" ON "employees"."employees"("phone_last_digits_hash");

-- CreateIndex
CREATE INDEX "employee_venues_venue_id_idx" ON "employees"."employee_venues"("venue_id");

-- CreateIndex
CREATE UNIQUE INDEX "invitations_token_hash_key" ON "employees"."invitations"("token_hash");

-- CreateIndex
CREATE INDEX "invitations_employee_id_idx" ON "employees"."invitations"("employee_id");

-- CreateIndex
CREATE INDEX "tasks_organization_id_status_due_at_idx" ON "employees"."tasks"("organization_id", "status", "due_at");

-- CreateIndex
CREATE INDEX "tasks_assignee_id_status_idx" ON "employees"."tasks"("assignee_id", "status");

-- CreateIndex
CREATE INDEX "shifts_employee_id_started_at_idx" ON "employees"."shifts"("employee_id", "started_at");

-- CreateIndex
CREATE INDEX "shifts_venue_id_started_at_idx" ON "employees"."shifts"("venue_id", "started_at");

-- CreateIndex
CREATE INDEX "venues_organization_id_idx" ON "qr"."venues"("organization_id");

-- CreateIndex
CREATE UNIQUE INDEX "racks_venue_id_name_key" ON "qr"."racks"("venue_id", "name");

-- CreateIndex
CREATE INDEX "slots_rack_id_idx" ON "qr"."slots"("rack_id");

-- CreateIndex
CREATE UNIQUE INDEX "slots_venue_id_number_key" ON "qr"."slots"("venue_id", "number");

-- CreateIndex
CREATE UNIQUE INDEX "tickets_public_id_key" ON "qr"."tickets"("public_id");

-- CreateIndex
CREATE UNIQUE INDEX "tickets_slot_id_key" ON "qr"."tickets"("slot_id");

-- CreateIndex
CREATE INDEX "tickets_organization_id_issued_at_idx" ON "qr"."tickets"("organization_id", "issued_at");

-- CreateIndex
CREATE INDEX "tickets_venue_id_state_idx" ON "qr"."tickets"("venue_id", "state");

-- CreateIndex
CREATE INDEX "tickets_guest_id_issued_at_idx" ON "qr"."tickets"("guest_id", "issued_at");

-- CreateIndex
CREATE INDEX "tickets_contact_name_hash_idx" ON "qr"."tickets"("contact_name_hash");

-- CreateIndex
CREATE INDEX "tickets_contact_email_hash_idx" ON "qr"."tickets"("contact_email_hash");

-- CreateIndex
CREATE INDEX "tickets_contact_phone_last_digits_hash_idx" ON "qr"."tickets"("contact_phone_last_digits_hash");

-- CreateIndex
CREATE UNIQUE INDEX "tickets_venue_id_number_key" ON "qr"."tickets"("venue_id", "number");

-- CreateIndex
CREATE INDEX "scan_events_venue_id_occurred_at_idx" ON "qr"."scan_events"("venue_id", "occurred_at");

-- CreateIndex
CREATE INDEX "scan_events_ticket_id_occurred_at_idx" ON "qr"."scan_events"("ticket_id", "occurred_at");

-- CreateIndex
CREATE INDEX "scan_events_employee_id_occurred_at_idx" ON "qr"."scan_events"("employee_id", "occurred_at");

-- CreateIndex
CREATE INDEX "scan_events_organization_id_occurred_at_idx" ON "qr"."scan_events"("organization_id", "occurred_at");

-- AddForeignKey
ALTER TABLE "employees"."employees" ADD CONSTRAINT "employees_membership_id_fkey" FOREIGN KEY ("membership_id") REFERENCES "auth"."memberships"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "employees"."employees" ADD CONSTRAINT "employees_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "auth"."organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "employees"."employee_venues" ADD CONSTRAINT "employee_venues_employee_id_fkey" FOREIGN KEY ("employee_id") REFERENCES "employees"."employees"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "employees"."employee_venues" ADD CONSTRAINT "employee_venues_venue_id_fkey" FOREIGN KEY ("venue_id") REFERENCES "qr"."venues"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "employees"."invitations" ADD CONSTRAINT "invitations_employee_id_fkey" FOREIGN KEY ("employee_id") REFERENCES "employees"."employees"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "employees"."tasks" ADD CONSTRAINT "tasks_venue_id_fkey" FOREIGN KEY ("venue_id") REFERENCES "qr"."venues"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "employees"."tasks" ADD CONSTRAINT "tasks_assignee_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "employees"."employees"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "employees"."tasks" ADD CONSTRAINT "tasks_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "employees"."employees"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "employees"."shifts" ADD CONSTRAINT "shifts_employee_id_fkey" FOREIGN KEY ("employee_id") REFERENCES "employees"."employees"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "employees"."shifts" ADD CONSTRAINT "shifts_venue_id_fkey" FOREIGN KEY ("venue_id") REFERENCES "qr"."venues"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qr"."venues" ADD CONSTRAINT "venues_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "auth"."organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qr"."racks" ADD CONSTRAINT "racks_venue_id_fkey" FOREIGN KEY ("venue_id") REFERENCES "qr"."venues"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qr"."slots" ADD CONSTRAINT "slots_venue_id_fkey" FOREIGN KEY ("venue_id") REFERENCES "qr"."venues"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qr"."slots" ADD CONSTRAINT "slots_rack_id_fkey" FOREIGN KEY ("rack_id") REFERENCES "qr"."racks"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qr"."tickets" ADD CONSTRAINT "tickets_venue_id_fkey" FOREIGN KEY ("venue_id") REFERENCES "qr"."venues"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qr"."tickets" ADD CONSTRAINT "tickets_slot_id_fkey" FOREIGN KEY ("slot_id") REFERENCES "qr"."slots"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qr"."tickets" ADD CONSTRAINT "tickets_guest_id_fkey" FOREIGN KEY ("guest_id") REFERENCES "auth"."users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qr"."tickets" ADD CONSTRAINT "tickets_issued_by_id_fkey" FOREIGN KEY ("issued_by_id") REFERENCES "employees"."employees"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qr"."scan_events" ADD CONSTRAINT "scan_events_venue_id_fkey" FOREIGN KEY ("venue_id") REFERENCES "qr"."venues"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qr"."scan_events" ADD CONSTRAINT "scan_events_employee_id_fkey" FOREIGN KEY ("employee_id") REFERENCES "employees"."employees"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qr"."scan_events" ADD CONSTRAINT "scan_events_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "qr"."tickets"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- What Prisma cannot express. These are the database's own guarantees, whatever the code does.

-- A ticket is on a slot exactly while it is checked in (a slot holds one ticket: slot_id is UNIQUE).
ALTER TABLE "qr"."tickets" ADD CONSTRAINT "tickets_slot_iff_checked_in"
  CHECK ((state = 'CHECKED_IN') = (slot_id IS NOT NULL));
ALTER TABLE "qr"."tickets" ADD CONSTRAINT "tickets_in_outs_used_not_negative" CHECK (in_outs_used >= 0);
ALTER TABLE "qr"."tickets" ADD CONSTRAINT "tickets_amount_not_negative" CHECK (amount_cents IS NULL OR amount_cents >= 0);

ALTER TABLE "qr"."venues" ADD CONSTRAINT "venues_hours_are_hh_mm"
  CHECK (opens_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND closes_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$');
ALTER TABLE "qr"."venues" ADD CONSTRAINT "venues_amounts_not_negative"
  CHECK (price_cents >= 0 AND in_out_allowance >= 0 AND forgotten_delay_minutes >= 0 AND next_ticket_number >= 1);

ALTER TABLE "qr"."slots" ADD CONSTRAINT "slots_number_positive" CHECK (number > 0);

ALTER TABLE "qr"."scan_events" ADD CONSTRAINT "scan_events_result" CHECK (result IN ('OK', 'REFUSED'));
ALTER TABLE "qr"."scan_events" ADD CONSTRAINT "scan_events_refusals_have_reasons"
  CHECK ((result = 'REFUSED') = (reason IS NOT NULL));

-- At most one open shift per employee.
CREATE UNIQUE INDEX "shifts_one_open_per_employee" ON "employees"."shifts" ("employee_id") WHERE ended_at IS NULL;
ALTER TABLE "employees"."shifts" ADD CONSTRAINT "shifts_end_after_start" CHECK (ended_at IS NULL OR ended_at >= started_at);

-- The outbox worker reads only what is waiting.
CREATE INDEX "notification_outbox_waiting" ON "auth"."notification_outbox" ("created_at") WHERE delivered_at IS NULL;
