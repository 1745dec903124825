-- AlterTable
ALTER TABLE "qr"."venues" ADD COLUMN     "publicly_listed" BOOLEAN NOT NULL DEFAULT false;

