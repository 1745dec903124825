-- An open invitation no longer holds anyone's account: its membership belongs to no user
-- until the person accepts, and the staff record keeps what the admin typed.

-- DropForeignKey
ALTER TABLE "auth"."memberships" DROP CONSTRAINT "memberships_user_id_fkey";

-- DropIndex
DROP INDEX "employees"."employees_organization_id_idx";

-- AlterTable
ALTER TABLE "auth"."memberships" ALTER COLUMN "user_id" DROP NOT NULL;

-- AlterTable
ALTER TABLE "employees"."employees" ADD COLUMN     "email" TEXT,
ADD COLUMN     "name" TEXT;

-- Everyone takes the account's name and address first.
UPDATE "employees"."employees" e SET "name" = u."name", "email" = u."email"
  FROM "auth"."memberships" m JOIN "auth"."users" u ON u."id" = m."user_id"
 WHERE m."id" = e."membership_id";

-- Invitations never accepted (open or deactivated) let go of the account they had taken.
-- A guest's own name was shown in place of the admin's; the address is all the admin typed
-- that is left, so its local part stands in.
CREATE TEMPORARY TABLE "unaccepted" AS
SELECT m."id" AS "membership_id", m."user_id", e."id" AS "employee_id", u."password_hash" IS NOT NULL AS "had_account"
  FROM "auth"."memberships" m
  JOIN "employees"."employees" e ON e."membership_id" = m."id"
  JOIN "auth"."users" u ON u."id" = m."user_id"
 WHERE EXISTS (SELECT 1 FROM "employees"."invitations" i WHERE i."employee_id" = e."id")
   AND NOT EXISTS (SELECT 1 FROM "employees"."invitations" i WHERE i."employee_id" = e."id" AND i."accepted_at" IS NOT NULL);

UPDATE "employees"."employees" e SET "name" = split_part(e."email", '@', 1)
  FROM "unaccepted" x WHERE x."employee_id" = e."id" AND x."had_account";

UPDATE "auth"."memberships" m SET "user_id" = NULL FROM "unaccepted" x WHERE x."membership_id" = m."id";

-- Accounts that only an invitation made (never given a password) go, so that their owner can
-- register; accepting the invitation makes the account then.
DELETE FROM "auth"."password_reset_tokens" t USING "unaccepted" x, "auth"."users" u
 WHERE t."user_id" = x."user_id" AND u."id" = x."user_id" AND u."password_hash" IS NULL;
DELETE FROM "auth"."users" u USING "unaccepted" x
 WHERE u."id" = x."user_id" AND u."password_hash" IS NULL
   AND NOT EXISTS (SELECT 1 FROM "auth"."sessions" s WHERE s."user_id" = u."id")
   AND NOT EXISTS (SELECT 1 FROM "qr"."tickets" k WHERE k."guest_id" = u."id");

DROP TABLE "unaccepted";

ALTER TABLE "employees"."employees" ALTER COLUMN "email" SET NOT NULL,
ALTER COLUMN "name" SET NOT NULL;

-- Only someone who accepted can be an active member.
ALTER TABLE "auth"."memberships" ADD CONSTRAINT "memberships_active_have_an_account"
  CHECK ("status" <> 'ACTIVE' OR "user_id" IS NOT NULL);

-- CreateIndex
CREATE UNIQUE INDEX "employees_organization_id_email_key" ON "employees"."employees"("organization_id", "email");

-- AddForeignKey
ALTER TABLE "auth"."memberships" ADD CONSTRAINT "memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "auth"."users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
