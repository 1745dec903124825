import { prismaRunner, type Prisma, type Role } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import { accountSelect, assertStrongPassword, toMe, type Me } from "../auth/accounts";
import { audit } from "../auth/audit";
import { hashPassword, verifyPassword } from "../auth/passwords";
import { enforce } from "../auth/rate-limit";
import { startBrowserSession } from "../auth/sessions";
import type { Deps } from "../context";
import { fieldError, isUniqueViolation } from "../lib/errors";
import { generateSecretToken, hashSecretToken } from "../lib/secrets";
import { decryptField, encryptField, FieldDecryptionError } from "../lib/field-crypto";
import { enqueue, withdrawUnsent } from "../notifications/outbox";
import { links } from "../notifications/templates";
import { assertVenuesOfOrganization } from "../venue/access";
import { assertEmployeeOfOrganization, type Actor } from "./access";
import { readEmployee, sealPhone, type EmployeeRecord } from "./records";

// An admin invites a person by email. The staff record exists at once (so tasks and venues
// can be set up before they arrive), with a membership that holds the role but belongs to
// no account: until the person accepts, the invitation is only what the admin typed (an
// address, a name to know them by), and the inviter can neither see nor change anything of
// an account that address may have. The emailed single-use link creates or joins the
// account. We keep the link's token hashed, to know it when it comes back, and sealed (field
// encryption), so that an admin can copy the link while it is open; the email's copy is
// rendered at delivery from the outbox's sealed parameters.

/** What inviting and joining use: invitations are mailed, limited, and audited with their request. */
type InvitationDeps = Pick<Deps, "prisma" | "clock" | "config" | "request">;

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

const ALREADY_ON_STAFF = "This email address is already on your organization's staff list.";
const ALREADY_A_MEMBER =
  "Your account already belongs to an organization, and an account works for one organization only. Ask for the invitation to be sent to another address.";

/**
 * Counts an invitation email as it is queued. Per recipient the count spans every
 * organization, so that no one can be flooded with invitations however many they start.
 * Called inside the transaction that queues the email: an invitation refused for any reason
 * (an unknown venue, an address already listed) rolls its count back with it, so refusals
 * cannot use up a recipient's invitations for everyone else.
 */
async function limitInvitations(
  deps: Pick<Deps, "clock" | "config">,
  tx: Prisma.TransactionClient,
  organizationId: string,
  email: string,
): Promise<void> {
  const limits = deps.config.invitationLimits;
  await enforce(
    prismaRunner(tx),
    "Too many invitations sent.",
    [
      { key: `invitations:organization:${organizationId}`, limit: limits.perOrganization },
      { key: `invitations:recipient:${email}`, limit: limits.perRecipient },
    ],
    deps.clock(),
  );
}

/**
 * The answer is the same whether or not the address has an account, here or anywhere: the
 * only refusal about the address is that this organization already lists it.
 */
export async function inviteEmployee(
  deps: InvitationDeps,
  admin: Actor,
  input: InviteInput,
): Promise<{ employee: EmployeeRecord; invitation: { expiresAt: Date } }> {
  const now = deps.clock();
  const token = generateSecretToken();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_DAYS * DAY_MS);
  let employeeId: string;
  try {
    employeeId = await deps.prisma.$transaction(async (tx) => {
      await assertVenuesOfOrganization(tx, admin.organizationId, input.venueIds);
      const membership = await tx.membership.create({
        data: { organizationId: admin.organizationId, role: input.role, status: "INVITED", createdAt: now },
        select: { id: true, organization: { select: { name: true } } },
      });
      const employee = await tx.employee.create({
        data: {
          membershipId: membership.id,
          organizationId: admin.organizationId,
          name: input.name,
          email: input.email,
          position: input.position ?? null,
          ...sealPhone(deps.config.keys, input.phone ?? null),
          createdAt: now,
          venues: { create: [...new Set(input.venueIds)].map((venueId) => ({ venueId })) },
        },
        select: { id: true },
      });
      await createInvitation(deps, tx, { employeeId: employee.id, token, expiresAt, invitedById: admin.employeeId }, now);
      await limitInvitations(deps, tx, admin.organizationId, input.email);
      await sendInvitation(
        deps,
        tx,
        {
          organizationId: admin.organizationId,
          employeeId: employee.id,
          email: input.email,
          name: input.name,
          organizationName: membership.organization.name,
          token,
          expiresAt,
        },
        now,
      );
      await audit(
        tx,
        {
          type: "EMPLOYEE_INVITED",
          userId: admin.userId,
          organizationId: admin.organizationId,
          email: input.email,
          detail: { employeeId: employee.id, role: input.role },
        },
        deps.request,
        now,
      );
      return employee.id;
    });
  } catch (error) {
    // The staff list's unique address decides, also between two invitations at once.
    if (isUniqueViolation(error)) throw new TRPCError({ code: "CONFLICT", message: ALREADY_ON_STAFF, cause: error });
    throw error;
  }
  return { employee: await readEmployee(deps.prisma, deps.config.keys, admin, employeeId), invitation: { expiresAt } };
}

function createInvitation(
  deps: Pick<Deps, "config">,
  tx: Prisma.TransactionClient,
  invitation: { employeeId: string; token: string; expiresAt: Date; invitedById: string },
  now: Date,
) {
  const { token, ...rest } = invitation;
  return tx.invitation.create({
    data: {
      ...rest,
      tokenHash: hashSecretToken(token),
      tokenEncrypted: encryptField(deps.config.keys, "invitation.token", token),
      createdAt: now,
    },
  });
}

async function sendInvitation(
  deps: Pick<Deps, "config">,
  tx: Prisma.TransactionClient,
  invitation: {
    organizationId: string;
    employeeId: string;
    email: string;
    name: string;
    organizationName: string;
    token: string;
    expiresAt: Date;
  },
  now: Date,
) {
  await enqueue(
    tx,
    deps.config.keys,
    [
      {
        template: "employee-invitation",
        params: {
          name: invitation.name,
          organizationName: invitation.organizationName,
          token: invitation.token,
          validDays: INVITATION_TTL_DAYS,
        },
        channel: "email",
        to: invitation.email,
        audience: "STAFF",
        organizationId: invitation.organizationId,
        employeeId: invitation.employeeId,
        expiresAt: invitation.expiresAt,
      },
    ],
    now,
  );
}

const invitationSelect = {
  id: true,
  expiresAt: true,
  acceptedAt: true,
  employee: {
    select: {
      id: true,
      name: true,
      email: true,
      organization: { select: { name: true } },
      membership: { select: { id: true, status: true, userId: true } },
    },
  },
} satisfies Prisma.InvitationSelect;

type InvitationRow = Prisma.InvitationGetPayload<{ select: typeof invitationSelect }>;

const EXISTING_ACCOUNT =
  "This address already has a QRcoats account: enter its password to join. Forgot it? Reset it from the sign-in page first.";

const UNUSABLE_INVITATION = "This invitation link is not valid, or it has already been used.";

function expiredMessage(invitation: InvitationRow) {
  return `This invitation has expired. Ask an admin of ${invitation.employee.organization.name} to send you a new one.`;
}

/** Why a link cannot be used now, or null when it can. */
function unusable(invitation: InvitationRow | null, now: Date): { expired: boolean; message: string } | null {
  const { membership } = invitation?.employee ?? {};
  if (!invitation || invitation.acceptedAt || membership?.status !== "INVITED" || membership.userId !== null) {
    return { expired: false, message: UNUSABLE_INVITATION };
  }
  if (invitation.expiresAt <= now) return { expired: true, message: expiredMessage(invitation) };
  return null;
}

function findInvitation(deps: Pick<Deps, "prisma">, token: string) {
  return deps.prisma.invitation.findUnique({ where: { tokenHash: hashSecretToken(token) }, select: invitationSelect });
}

/** What the accept page shows before the person chooses a password: what the admin typed. */
export async function describeInvitation(deps: Pick<Deps, "prisma" | "clock">, { token }: { token: string }) {
  const invitation = await findInvitation(deps, token);
  const problem = unusable(invitation, deps.clock());
  if (problem?.expired) throw fieldError("token", problem.message);
  if (problem || !invitation) throw new TRPCError({ code: "NOT_FOUND", message: UNUSABLE_INVITATION });
  const { email, name, organization } = invitation.employee;
  return { email, name, organizationName: organization.name, expiresAt: invitation.expiresAt };
}

/**
 * Sets the password of the invited address's account (made now if there is none), joins it
 * to the organization and signs the person in; each link works once. The link proves the
 * address as a reset link would. An account is a member of one organization only: someone
 * who already is one is refused, and every other invitation of theirs stays as it was.
 */
export async function acceptInvitation(deps: InvitationDeps, input: { token: string; password: string }): Promise<Me> {
  const now = deps.clock();
  const invitation = await findInvitation(deps, input.token);
  const problem = unusable(invitation, now);
  if (problem || !invitation) throw fieldError("token", problem?.message ?? UNUSABLE_INVITATION);
  const { employee } = invitation;
  const existing = await deps.prisma.user.findUnique({
    where: { email: employee.email },
    select: { name: true, passwordHash: true, membership: { select: { id: true } } },
  });
  if (existing?.membership) throw new TRPCError({ code: "CONFLICT", message: ALREADY_A_MEMBER });
  // An address with an account joins with that account's own password, never a new one: the
  // link is no proof of owning the account, since the inviting admin can copy it
  // (employee.invitationLink). Someone who forgot theirs resets it by email first.
  if (existing && !(await verifyPassword(existing.passwordHash, input.password))) throw fieldError("password", EXISTING_ACCOUNT);
  if (!existing) assertStrongPassword("password", input.password, [employee.email, employee.name]);
  const passwordHash = existing ? undefined : await hashPassword(input.password);
  try {
    const account = await deps.prisma.$transaction(async (tx) => {
      // Taking the invitation is the race's arbiter: of two uses at once, one finds it taken.
      const taken = await tx.invitation.updateMany({
        where: {
          id: invitation.id,
          acceptedAt: null,
          expiresAt: { gt: now },
          employee: { membership: { status: "INVITED", userId: null } },
        },
        data: { acceptedAt: now, tokenEncrypted: null },
      });
      if (taken.count === 0) throw fieldError("token", UNUSABLE_INVITATION);
      await withdrawUnsent(
        tx,
        deps.config.keys,
        { template: "employee-invitation", employeeId: employee.id },
        "Withdrawn: the invitation was accepted.",
        now,
      );
      const user = await tx.user.upsert({
        where: { email: employee.email },
        create: { email: employee.email, name: employee.name, passwordHash: passwordHash!, createdAt: now },
        update: {},
        select: { id: true, name: true },
      });
      // memberships.user_id is unique: joining a second organization at once fails here.
      await tx.membership.update({ where: { id: employee.membership.id }, data: { userId: user.id, status: "ACTIVE" } });
      // From now on the organization knows them by the name they chose for themselves.
      await tx.employee.update({ where: { id: employee.id }, data: { name: user.name, updatedAt: now } });
      await startBrowserSession(tx, user.id, deps.request, deps.config, now);
      const account = await tx.user.findUniqueOrThrow({ where: { id: user.id }, select: accountSelect });
      await audit(
        tx,
        { type: "INVITATION_ACCEPTED", userId: user.id, organizationId: account.membership?.organization.id, email: employee.email },
        deps.request,
        now,
      );
      return account;
    });
    return toMe(account);
  } catch (error) {
    if (isUniqueViolation(error)) throw new TRPCError({ code: "CONFLICT", message: ALREADY_A_MEMBER });
    throw error;
  }
}

/** A new link for someone who has not joined yet; every earlier link stops working. */
export async function resendInvitation(
  deps: InvitationDeps,
  admin: Actor,
  { employeeId }: { employeeId: string },
): Promise<{ expiresAt: Date }> {
  const employee = await assertEmployeeOfOrganization(deps.prisma, admin.organizationId, employeeId);
  const { name, email, membership } = employee;
  if (membership.status === "DEACTIVATED") {
    throw new TRPCError({ code: "CONFLICT", message: `${name} is deactivated. Reactivate them first.` });
  }
  if (membership.userId !== null) {
    throw new TRPCError({ code: "CONFLICT", message: `${name} has already joined; there is no invitation to send.` });
  }
  const now = deps.clock();
  const token = generateSecretToken();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_DAYS * DAY_MS);
  await deps.prisma.$transaction(async (tx) => {
    await tx.invitation.updateMany({ where: { employeeId, acceptedAt: null, expiresAt: { gt: now } }, data: { expiresAt: now } });
    // No earlier link can be copied any more, expired or not.
    await tx.invitation.updateMany({ where: { employeeId, tokenEncrypted: { not: null } }, data: { tokenEncrypted: null } });
    await createInvitation(deps, tx, { employeeId, token, expiresAt, invitedById: admin.employeeId }, now);
    await withdrawUnsent(
      tx,
      deps.config.keys,
      { template: "employee-invitation", employeeId },
      "Withdrawn: the invitation was sent again.",
      now,
    );
    const organization = await tx.organization.findUniqueOrThrow({ where: { id: admin.organizationId }, select: { name: true } });
    await limitInvitations(deps, tx, admin.organizationId, email);
    await sendInvitation(
      deps,
      tx,
      { organizationId: admin.organizationId, employeeId, email, name, organizationName: organization.name, token, expiresAt },
      now,
    );
    await audit(
      tx,
      { type: "INVITATION_RESENT", userId: admin.userId, organizationId: admin.organizationId, email, detail: { employeeId } },
      deps.request,
      now,
    );
  });
  return { expiresAt };
}

/**
 * The link of a person's open invitation, for an admin to pass on themselves (a venue with
 * no mail server, a message lost to a spam filter). It is the emailed link itself, which
 * keeps working; handing it out is audited.
 */
export async function invitationLink(
  deps: Pick<Deps, "prisma" | "clock" | "config" | "request">,
  admin: Actor,
  { employeeId }: { employeeId: string },
): Promise<{ link: string; expiresAt: Date }> {
  const employee = await assertEmployeeOfOrganization(deps.prisma, admin.organizationId, employeeId);
  const now = deps.clock();
  const invitation =
    employee.membership.status === "INVITED" && employee.membership.userId === null
      ? await deps.prisma.invitation.findFirst({
          where: { employeeId, acceptedAt: null, expiresAt: { gt: now }, tokenEncrypted: { not: null } },
          orderBy: { createdAt: "desc" },
          select: { tokenEncrypted: true, expiresAt: true },
        })
      : null;
  const noLink = () =>
    new TRPCError({
      code: "CONFLICT",
      message:
        employee.membership.status === "INVITED"
          ? `${employee.name} has no open invitation with a link to copy. Send the invitation again.`
          : `${employee.name} is not waiting for an invitation.`,
    });
  if (!invitation) throw noLink();
  let token: string;
  try {
    token = decryptField(deps.config.keys, "invitation.token", invitation.tokenEncrypted!);
  } catch (error) {
    // Sealed with a key this host no longer has: only a new invitation has a link to give.
    if (error instanceof FieldDecryptionError) throw noLink();
    throw error;
  }
  await audit(
    deps.prisma,
    {
      type: "INVITATION_LINK_COPIED",
      userId: admin.userId,
      organizationId: admin.organizationId,
      email: employee.email,
      detail: { employeeId },
    },
    deps.request,
    now,
  );
  return { link: links.invitation(deps.config.publicUrl, token), expiresAt: invitation.expiresAt };
}
