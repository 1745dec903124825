-- AlterEnum
ALTER TYPE "auth"."MembershipStatus" ADD VALUE 'INVITED' BEFORE 'ACTIVE';
