import { MembershipStatus, Role } from "@qrcoats/db";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { passwordShape } from "../auth/passwords";
import { normalize } from "../lib/field-crypto";
import { emailInput, idInput, venueIdInput } from "../lib/inputs";
import { pageInput } from "../lib/pagination";
import { adminProcedure, memberProcedure, publicProcedure } from "../trpc";
import { acceptInvitation, describeInvitation, invitationLink, inviteEmployee, resendInvitation } from "./invitations";
import { deactivateEmployee, reactivateEmployee, updateEmployee } from "./lifecycle";
import { getEmployee, listEmployees, ownEmployeeRecord } from "./records";

const nameInput = z.string().trim().min(1, "Enter a name.").max(100, "Use at most 100 characters.");
const positionInput = z.string().trim().min(1, "Enter a position, or leave it out.").max(100, "Use at most 100 characters.");
const phoneInput = z
  .string()
  .trim()
  .max(32, "Use at most 32 characters.")
  .regex(/^\+?[\d\s()./-]+$/, "Use digits, spaces and + - ( ) . / only.")
  .refine((phone) => {
    const digits = normalize.phoneDigits(phone).length;
    return digits >= 6 && digits <= 15;
  }, "A phone number has 6 to 15 digits.");
const roleInput = z.enum(Role, "The role is EMPLOYEE or ADMIN.");
const venueIdsInput = z.array(venueIdInput).max(100, "Assign at most 100 venues.");
const invitationToken = z.string().trim().min(1, "The link has no token.").max(200, "This invitation link is not valid.");

export const employeeRouter = {
  /** Invites a person: account, membership, staff record and an emailed single-use link. */
  create: adminProcedure
    .input(
      z.object({
        email: emailInput,
        name: nameInput,
        role: roleInput.default("EMPLOYEE"),
        position: positionInput.optional(),
        phone: phoneInput.optional(),
        venueIds: venueIdsInput,
      }),
    )
    .mutation(({ ctx, input }) => inviteEmployee(ctx, ctx.member, input)),

  /** What the accept page shows: whose invitation, to which organization, until when. */
  invitation: publicProcedure.input(z.object({ token: invitationToken })).query(({ ctx, input }) => describeInvitation(ctx, input)),

  /** Sets the password, signs the person in (cookie) and answers like `auth.login`. */
  acceptInvitation: publicProcedure
    .input(z.object({ token: invitationToken, password: passwordShape }))
    .mutation(({ ctx, input }) => acceptInvitation(ctx, input)),

  resendInvitation: adminProcedure
    .input(z.object({ employeeId: idInput("employee") }))
    .mutation(({ ctx, input }) => resendInvitation(ctx, ctx.member, input)),

  /**
   * The link of an open invitation, for the admin to pass on themselves. A mutation: it is
   * audited, and a secret is answered only to a request from our own apps (origin check).
   */
  invitationLink: adminProcedure
    .input(z.object({ employeeId: idInput("employee") }))
    .mutation(({ ctx, input }) => invitationLink(ctx, ctx.member, input)),

  update: adminProcedure
    .input(
      z.object({
        employeeId: idInput("employee"),
        name: nameInput.optional(),
        position: positionInput.nullable().optional(),
        phone: phoneInput.nullable().optional(),
        venueIds: venueIdsInput.optional(),
        role: roleInput.optional(),
      }),
    )
    .mutation(({ ctx, input }) => updateEmployee(ctx, ctx.member, input)),

  deactivate: adminProcedure
    .input(z.object({ employeeId: idInput("employee") }))
    .mutation(({ ctx, input }) => deactivateEmployee(ctx, ctx.member, input)),

  reactivate: adminProcedure
    .input(z.object({ employeeId: idInput("employee") }))
    .mutation(({ ctx, input }) => reactivateEmployee(ctx, ctx.member, input)),

  /** Admins: anyone of their organization. Employees: themself. */
  get: memberProcedure.input(z.object({ employeeId: idInput("employee") })).query(({ ctx, input }) => getEmployee(ctx, ctx.member, input)),

  me: memberProcedure.query(({ ctx }) => ownEmployeeRecord(ctx, ctx.member)),

  list: adminProcedure
    .input(
      z.object({
        search: z.string().trim().min(1, "Enter something to search for.").max(100, "Use at most 100 characters.").optional(),
        venueId: venueIdInput.optional(),
        status: z.enum(MembershipStatus, "The status is INVITED, ACTIVE or DEACTIVATED.").optional(),
        ...pageInput,
      }),
    )
    .query(({ ctx, input }) => listEmployees(ctx, ctx.member, input)),
} satisfies TRPCRouterRecord;
