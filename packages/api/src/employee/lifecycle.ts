import { prismaRunner, type Role } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import { audit } from "../auth/audit";
import { revokeSessions } from "../auth/sessions";
import type { Deps } from "../context";
import { withdrawUnsent } from "../notifications/outbox";
import { releaseWithdrawnLeases } from "../offline/devices";
import { assertVenuesOfOrganization } from "../venue/access";
import { assertAnotherActiveAdmin, assertEmployeeOfOrganization, lockOrganization, type Actor } from "./access";
import { readEmployee, sealPhone, type EmployeeRecord } from "./records";

export type EmployeeChanges = {
  name?: string;
  /** null clears it. */
  position?: string | null;
  /** null clears it. */
  phone?: string | null;
  /** The full set of venues they work at from now on. */
  venueIds?: string[];
  role?: Role;
};

/** Changing staff is audited with its request, and reads phones sealed with the config's keys. */
type StaffDeps = Pick<Deps, "prisma" | "clock" | "config" | "request">;

export async function updateEmployee(
  deps: StaffDeps,
  admin: Actor,
  { employeeId, ...changes }: EmployeeChanges & { employeeId: string },
): Promise<EmployeeRecord> {
  const target = await assertEmployeeOfOrganization(deps.prisma, admin.organizationId, employeeId);
  const now = deps.clock();
  await deps.prisma.$transaction(async (tx) => {
    if (changes.role === "EMPLOYEE" && target.membership.role === "ADMIN" && target.membership.status === "ACTIVE") {
      await lockOrganization(tx, admin.organizationId);
      await assertAnotherActiveAdmin(tx, admin.organizationId, employeeId, target.name);
    }
    if (changes.venueIds) {
      await assertVenuesOfOrganization(tx, admin.organizationId, changes.venueIds);
      await tx.employeeVenue.deleteMany({ where: { employeeId } });
      await tx.employeeVenue.createMany({ data: [...new Set(changes.venueIds)].map((venueId) => ({ employeeId, venueId })) });
    }
    if (changes.role !== undefined) {
      await tx.membership.update({ where: { id: target.membership.id }, data: { role: changes.role } });
    }
    if (changes.venueIds || changes.role !== undefined) await releaseWithdrawnLeases(prismaRunner(tx), employeeId);
    await tx.employee.update({
      where: { id: employeeId },
      // The name is the organization's, on its staff record; the person's account keeps its own.
      data: {
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.position !== undefined ? { position: changes.position } : {}),
        ...(changes.phone !== undefined ? sealPhone(deps.config.keys, changes.phone) : {}),
        updatedAt: now,
      },
    });
    await audit(
      tx,
      {
        type: "EMPLOYEE_UPDATED",
        userId: admin.userId,
        organizationId: admin.organizationId,
        // Which fields, never their values: the phone is not to be found in the log either.
        detail: { employeeId, fields: Object.keys(changes).filter((key) => changes[key as keyof EmployeeChanges] !== undefined) },
      },
      deps.request,
      now,
    );
  });
  return readEmployee(deps.prisma, deps.config.keys, admin, employeeId);
}

/**
 * Ends someone's access at once and for good: every session is revoked (their cookie and
 * their tokens fail on the next request), and an open shift is closed. Their records stay.
 * Someone who has not accepted has no access here to end: their invitation is withdrawn,
 * and whatever account their address has is left alone.
 */
export async function deactivateEmployee(deps: StaffDeps, admin: Actor, { employeeId }: { employeeId: string }): Promise<EmployeeRecord> {
  const target = await assertEmployeeOfOrganization(deps.prisma, admin.organizationId, employeeId);
  const { name } = target;
  if (employeeId === admin.employeeId) {
    throw new TRPCError({ code: "CONFLICT", message: "You cannot deactivate yourself. Ask another admin." });
  }
  const now = deps.clock();
  await deps.prisma.$transaction(async (tx) => {
    await lockOrganization(tx, admin.organizationId);
    if (target.membership.role === "ADMIN") await assertAnotherActiveAdmin(tx, admin.organizationId, employeeId, name);
    const changed = await tx.membership.updateMany({
      where: { id: target.membership.id, status: { in: ["ACTIVE", "INVITED"] } },
      data: { status: "DEACTIVATED", deactivatedAt: now },
    });
    if (changed.count === 0) throw new TRPCError({ code: "CONFLICT", message: `${name} is already deactivated.` });
    const { userId } = target.membership;
    const sessionsEnded = userId === null ? 0 : await revokeSessions(tx, { userId }, "deactivated", now);
    // Not clocked out by them: marked like the job's closings, so reports can tell.
    await tx.shift.updateMany({ where: { employeeId, endedAt: null }, data: { endedAt: now, autoClosed: true } });
    await withdrawUnsent(tx, deps.config.keys, { template: "employee-invitation", employeeId }, "Withdrawn: they were deactivated.", now);
    await releaseWithdrawnLeases(prismaRunner(tx), employeeId);
    await audit(
      tx,
      { type: "EMPLOYEE_DEACTIVATED", userId: admin.userId, organizationId: admin.organizationId, detail: { employeeId, sessionsEnded } },
      deps.request,
      now,
    );
  });
  return readEmployee(deps.prisma, deps.config.keys, admin, employeeId);
}

/**
 * Lets someone back in; they sign in again, as every session ended when they left. Someone
 * deactivated before accepting their invitation is invited again, not made a member.
 */
export async function reactivateEmployee(deps: StaffDeps, admin: Actor, { employeeId }: { employeeId: string }): Promise<EmployeeRecord> {
  const target = await assertEmployeeOfOrganization(deps.prisma, admin.organizationId, employeeId);
  const now = deps.clock();
  await deps.prisma.$transaction(async (tx) => {
    const joined = target.membership.userId !== null;
    const changed = await tx.membership.updateMany({
      where: { id: target.membership.id, status: "DEACTIVATED" },
      data: { status: joined ? "ACTIVE" : "INVITED", deactivatedAt: null },
    });
    if (changed.count === 0) throw new TRPCError({ code: "CONFLICT", message: `${target.name} is already active.` });
    await audit(
      tx,
      { type: "EMPLOYEE_REACTIVATED", userId: admin.userId, organizationId: admin.organizationId, detail: { employeeId } },
      deps.request,
      now,
    );
  });
  return readEmployee(deps.prisma, deps.config.keys, admin, employeeId);
}
