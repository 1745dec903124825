import type { Prisma, Role } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import { accountSelect, assertStrongPassword, toMe, type Me } from "../auth/accounts";
import { audit } from "../auth/audit";
import { hashPassword } from "../auth/passwords";
import { revokeSessions, startBrowserSession } from "../auth/sessions";
import type { Context } from "../context";
import { fieldError, isUniqueViolation } from "../lib/errors";
import { generateSecretToken, hashSecretToken } from "../lib/secrets";
import { enqueue } from "../notifications/outbox";
import { assertVenuesOfOrganization } from "../venue/access";
import { assertEmployeeOfOrganization, type Actor } from "./access";
import { readEmployee, sealPhone, type EmployeeRecord } from "./records";

// An admin invites a person by email: their account, membership and staff record exist at
// once (so tasks and venues can be set up before they arrive), and a single-use link lets
// them choose a password. The membership stays INVITED, with no access at all, until they
// accept: an admin cannot make anyone staff without them. The link's token lives only in
// the email; we keep its hash.

export const INVITATION_TTL_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export type InviteInput = {
  email: string;
  name: string;
  role: Role;
  position?: string;
  phone?: string;
  venueIds: string[];
};

const ALREADY_A_MEMBER = "This email address already belongs to a member of an organization.";

export async function inviteEmployee(
  ctx: Context,
  admin: Actor,
  input: InviteInput,
): Promise<{ employee: EmployeeRecord; invitation: { expiresAt: Date } }> {
  const now = ctx.clock();
  const token = generateSecretToken();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_DAYS * DAY_MS);
  let employeeId: string;
  try {
    employeeId = await ctx.prisma.$transaction(async (tx) => {
      await assertVenuesOfOrganization(tx, admin.organizationId, input.venueIds);
      const existing = await tx.user.findUnique({
        where: { email: input.email },
        select: { id: true, name: true, membership: { select: { id: true } } },
      });
      if (existing?.membership) throw new TRPCError({ code: "CONFLICT", message: ALREADY_A_MEMBER });
      // A guest keeps their account, their tickets and the name they chose.
      const user = existing ?? (await tx.user.create({ data: { email: input.email, name: input.name, createdAt: now }, select: { id: true, name: true } }));
      const membership = await tx.membership.create({
        data: { userId: user.id, organizationId: admin.organizationId, role: input.role, status: "INVITED", createdAt: now },
        select: { id: true, organization: { select: { name: true } } },
      });
      const employee = await tx.employee.create({
        data: {
          membershipId: membership.id,
          organizationId: admin.organizationId,
          position: input.position ?? null,
          ...sealPhone(ctx.config.keys, input.phone ?? null),
          createdAt: now,
          venues: { create: [...new Set(input.venueIds)].map((venueId) => ({ venueId })) },
        },
        select: { id: true },
      });
      await tx.invitation.create({
        data: { employeeId: employee.id, tokenHash: hashSecretToken(token), expiresAt, invitedById: admin.employeeId, createdAt: now },
      });
      await sendInvitation(ctx, tx, { email: input.email, name: user.name, organizationName: membership.organization.name, token, expiresAt }, now);
      await audit(
        tx,
        { type: "EMPLOYEE_INVITED", userId: admin.userId, organizationId: admin.organizationId, email: input.email, detail: { employeeId: employee.id, role: input.role } },
        ctx.request,
        now,
      );
      return employee.id;
    });
  } catch (error) {
    // Two invitations of one email at once: the unique email or membership decides.
    if (isUniqueViolation(error)) throw new TRPCError({ code: "CONFLICT", message: ALREADY_A_MEMBER, cause: error });
    throw error;
  }
  return { employee: await readEmployee(ctx.prisma, ctx.config.keys, admin, employeeId), invitation: { expiresAt } };
}

async function sendInvitation(
  ctx: Context,
  tx: Prisma.TransactionClient,
  invitation: { email: string; name: string; organizationName: string; token: string; expiresAt: Date },
  now: Date,
) {
  const link = `${ctx.config.publicUrl}/accept-invitation?token=${invitation.token}`;
  await enqueue(
    tx,
    {
      channel: "email",
      recipient: invitation.email,
      template: "employee-invitation",
      subject: `You are invited to join ${invitation.organizationName} on QRcoats`,
      body: `Hello ${invitation.name},\n\n${invitation.organizationName} invites you to work with them on QRcoats. Open this link within ${INVITATION_TTL_DAYS} days to choose your password:\n${link}\n\nIf you did not expect this, ignore this message.`,
    },
    now,
  );
}

const invitationSelect = {
  id: true,
  expiresAt: true,
  acceptedAt: true,
  employee: {
    select: {
      organization: { select: { name: true } },
      membership: { select: { status: true, user: { select: { id: true, email: true, name: true } } } },
    },
  },
} satisfies Prisma.InvitationSelect;

type InvitationRow = Prisma.InvitationGetPayload<{ select: typeof invitationSelect }>;

const UNUSABLE_INVITATION = "This invitation link is not valid, or it has already been used.";

function expiredMessage(invitation: InvitationRow) {
  return `This invitation has expired. Ask an admin of ${invitation.employee.organization.name} to send you a new one.`;
}

/** Why a link cannot be used now, or null when it can. */
function unusable(invitation: InvitationRow | null, now: Date): { expired: boolean; message: string } | null {
  if (!invitation || invitation.acceptedAt || invitation.employee.membership.status !== "INVITED") {
    return { expired: false, message: UNUSABLE_INVITATION };
  }
  if (invitation.expiresAt <= now) return { expired: true, message: expiredMessage(invitation) };
  return null;
}

function findInvitation(ctx: Context, token: string) {
  return ctx.prisma.invitation.findUnique({ where: { tokenHash: hashSecretToken(token) }, select: invitationSelect });
}

/** What the accept page shows before the person chooses a password. */
export async function describeInvitation(ctx: Context, token: string) {
  const invitation = await findInvitation(ctx, token);
  const problem = unusable(invitation, ctx.clock());
  if (problem?.expired) throw fieldError("token", problem.message);
  if (problem || !invitation) throw new TRPCError({ code: "NOT_FOUND", message: UNUSABLE_INVITATION });
  const { user } = invitation.employee.membership;
  return {
    email: user.email,
    name: user.name,
    organizationName: invitation.employee.organization.name,
    expiresAt: invitation.expiresAt,
  };
}

/** Sets the invited person's password and signs them in; each link works once. */
export async function acceptInvitation(ctx: Context, input: { token: string; password: string }): Promise<Me> {
  const now = ctx.clock();
  const invitation = await findInvitation(ctx, input.token);
  const problem = unusable(invitation, now);
  if (problem || !invitation) throw fieldError("token", problem?.message ?? UNUSABLE_INVITATION);
  const { user } = invitation.employee.membership;
  assertStrongPassword("password", input.password, [user.email, user.name]);
  const passwordHash = await hashPassword(input.password);
  const account = await ctx.prisma.$transaction(async (tx) => {
    // Taking the invitation is the race's arbiter: of two uses at once, one finds it taken.
    const taken = await tx.invitation.updateMany({
      where: { id: invitation.id, acceptedAt: null, expiresAt: { gt: now }, employee: { membership: { status: "INVITED" } } },
      data: { acceptedAt: now },
    });
    if (taken.count === 0) throw fieldError("token", UNUSABLE_INVITATION);
    await tx.membership.updateMany({ where: { userId: user.id, status: "INVITED" }, data: { status: "ACTIVE" } });
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    // A guest who had an account gets a new password: whoever held the old one is out.
    await revokeSessions(tx, { userId: user.id }, "invitation accepted", now);
    await startBrowserSession(tx, user.id, ctx.request, ctx.config, now);
    const account = await tx.user.findUniqueOrThrow({ where: { id: user.id }, select: accountSelect });
    await audit(
      tx,
      { type: "INVITATION_ACCEPTED", userId: user.id, organizationId: account.membership?.organization.id, email: user.email },
      ctx.request,
      now,
    );
    return account;
  });
  return toMe(account);
}

/** A new link for someone who has not joined yet; every earlier link stops working. */
export async function resendInvitation(ctx: Context, admin: Actor, employeeId: string): Promise<{ expiresAt: Date }> {
  const employee = await assertEmployeeOfOrganization(ctx.prisma, admin.organizationId, employeeId);
  const { user, status } = employee.membership;
  if (status === "DEACTIVATED") {
    throw new TRPCError({ code: "CONFLICT", message: `${user.name} is deactivated. Reactivate them first.` });
  }
  if (status === "ACTIVE") {
    throw new TRPCError({ code: "CONFLICT", message: `${user.name} has already joined; there is no invitation to send.` });
  }
  const now = ctx.clock();
  const token = generateSecretToken();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_DAYS * DAY_MS);
  await ctx.prisma.$transaction(async (tx) => {
    await tx.invitation.updateMany({ where: { employeeId, acceptedAt: null, expiresAt: { gt: now } }, data: { expiresAt: now } });
    await tx.invitation.create({
      data: { employeeId, tokenHash: hashSecretToken(token), expiresAt, invitedById: admin.employeeId, createdAt: now },
    });
    const organization = await tx.organization.findUniqueOrThrow({ where: { id: admin.organizationId }, select: { name: true } });
    await sendInvitation(ctx, tx, { email: user.email, name: user.name, organizationName: organization.name, token, expiresAt }, now);
    await audit(
      tx,
      { type: "INVITATION_RESENT", userId: admin.userId, organizationId: admin.organizationId, email: user.email, detail: { employeeId } },
      ctx.request,
      now,
    );
  });
  return { expiresAt };
}

/**
 * Someone invited by an organization starts one of their own instead: the pending
 * invitation is declined (its staff record removed) so that they can, and so that nobody
 * can stop a person from running their own venue by inviting them.
 */
export async function declinePendingInvitation(tx: Prisma.TransactionClient, ctx: Context, userId: string, now: Date): Promise<void> {
  const pending = await tx.membership.findFirst({
    where: { userId, status: "INVITED" },
    select: { id: true, organizationId: true, employee: { select: { id: true } } },
  });
  if (!pending) return;
  const employeeId = pending.employee!.id;
  await tx.invitation.deleteMany({ where: { employeeId } });
  await tx.task.updateMany({ where: { assigneeId: employeeId }, data: { assigneeId: null } });
  await tx.employee.delete({ where: { id: employeeId } });
  await tx.membership.delete({ where: { id: pending.id } });
  await audit(tx, { type: "INVITATION_DECLINED", userId, organizationId: pending.organizationId, detail: { employeeId } }, ctx.request, now);
}
