import type { Prisma, TaskPriority, TaskStatus } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import type { Deps } from "../context";
import { assertEmployeeOfOrganization } from "../employee/access";
import { decodeTimeCursor, keysetAfter, toPage, type Page } from "../lib/pagination";
import { assertVenuesOfOrganization, type Member } from "../venue/access";

/** Where a task may go from each status. DONE and CANCELLED are final. */
const MOVES: Record<TaskStatus, readonly TaskStatus[]> = {
  TODO: ["IN_PROGRESS", "DONE", "CANCELLED"],
  IN_PROGRESS: ["TODO", "DONE", "CANCELLED"],
  DONE: [],
  CANCELLED: [],
};

/** What each move records: back to TODO means it is no longer started. */
function timestampsOfMove(to: TaskStatus, now: Date): Prisma.TaskUpdateManyMutationInput {
  switch (to) {
    case "IN_PROGRESS":
      return { startedAt: now };
    case "TODO":
      return { startedAt: null };
    case "DONE":
      return { completedAt: now };
    case "CANCELLED":
      return { cancelledAt: now };
  }
}

const personSelect = { id: true, name: true } satisfies Prisma.EmployeeSelect;

const taskSelect = {
  id: true,
  title: true,
  description: true,
  priority: true,
  status: true,
  dueAt: true,
  startedAt: true,
  completedAt: true,
  cancelledAt: true,
  createdAt: true,
  updatedAt: true,
  venue: { select: { id: true, name: true } },
  assignee: { select: personSelect },
  createdBy: { select: personSelect },
} satisfies Prisma.TaskSelect;

type TaskRow = Prisma.TaskGetPayload<{ select: typeof taskSelect }>;

const OPEN: TaskStatus[] = ["TODO", "IN_PROGRESS"];

function isOverdue(task: { status: TaskStatus; dueAt: Date | null }, now: Date): boolean {
  return task.dueAt !== null && task.dueAt < now && OPEN.includes(task.status);
}

function toTask(row: TaskRow, now: Date) {
  return { ...row, overdue: isOverdue(row, now) };
}

export type TaskRecord = ReturnType<typeof toTask>;

/** An assignee must be of the organization and still able to work on it. */
async function assertAssignable(deps: Pick<Deps, "prisma">, organizationId: string, employeeId: string) {
  const employee = await assertEmployeeOfOrganization(deps.prisma, organizationId, employeeId);
  if (employee.membership.status === "DEACTIVATED") {
    throw new TRPCError({ code: "CONFLICT", message: `${employee.name} is deactivated and cannot be given tasks.` });
  }
}

export type NewTask = {
  title: string;
  description?: string;
  venueId?: string;
  assigneeId?: string;
  priority?: TaskPriority;
  dueAt?: Date;
};

export async function createTask(deps: Pick<Deps, "prisma" | "clock">, admin: Member, input: NewTask): Promise<TaskRecord> {
  if (input.venueId) await assertVenuesOfOrganization(deps.prisma, admin.organizationId, [input.venueId]);
  if (input.assigneeId) await assertAssignable(deps, admin.organizationId, input.assigneeId);
  const now = deps.clock();
  const row = await deps.prisma.task.create({
    data: {
      organizationId: admin.organizationId,
      createdById: admin.employeeId,
      title: input.title,
      description: input.description ?? "",
      venueId: input.venueId ?? null,
      assigneeId: input.assigneeId ?? null,
      priority: input.priority ?? "NORMAL",
      dueAt: input.dueAt ?? null,
      createdAt: now,
      updatedAt: now,
    },
    select: taskSelect,
  });
  return toTask(row, now);
}

export type TaskChanges = {
  title?: string;
  description?: string;
  venueId?: string | null;
  assigneeId?: string | null;
  priority?: TaskPriority;
  dueAt?: Date | null;
  status?: TaskStatus;
};

export async function updateTask(
  deps: Pick<Deps, "prisma" | "clock">,
  actor: Member,
  { taskId, ...changes }: TaskChanges & { taskId: string },
): Promise<TaskRecord> {
  const task = await deps.prisma.task.findUnique({
    where: { id: taskId },
    select: { organizationId: true, assigneeId: true, status: true },
  });
  // Another organization's task is answered as no task at all: its id is never confirmed.
  if (!task || task.organizationId !== actor.organizationId) throw new TRPCError({ code: "NOT_FOUND", message: "No such task." });
  const { status, ...details } = changes;
  if (actor.role !== "ADMIN") {
    if (task.assigneeId !== actor.employeeId) {
      throw new TRPCError({ code: "FORBIDDEN", message: "You can only change tasks assigned to you." });
    }
    if (Object.values(details).some((value) => value !== undefined)) {
      throw new TRPCError({ code: "FORBIDDEN", message: "Only an admin can change a task's details; you can change its status." });
    }
    if (status === "CANCELLED") throw new TRPCError({ code: "FORBIDDEN", message: "Only an admin can cancel a task." });
  }
  if (MOVES[task.status].length === 0) {
    throw new TRPCError({ code: "CONFLICT", message: `This task is ${task.status}; it can no longer change.` });
  }
  const moving = status !== undefined && status !== task.status;
  if (moving && !MOVES[task.status].includes(status)) {
    throw new TRPCError({ code: "CONFLICT", message: `A task that is ${task.status} cannot move to ${status}.` });
  }
  if (details.venueId) await assertVenuesOfOrganization(deps.prisma, actor.organizationId, [details.venueId]);
  if (details.assigneeId) await assertAssignable(deps, actor.organizationId, details.assigneeId);

  const now = deps.clock();
  // Conditional on the status read above: of two moves at once, the second finds it moved.
  const updated = await deps.prisma.task.updateMany({
    where: { id: taskId, status: task.status },
    data: { ...details, ...(moving ? { status, ...timestampsOfMove(status, now) } : {}), updatedAt: now },
  });
  const row = await deps.prisma.task.findUniqueOrThrow({ where: { id: taskId }, select: taskSelect });
  if (updated.count === 0) {
    throw new TRPCError({ code: "CONFLICT", message: `This task was just changed by someone else and is now ${row.status}.` });
  }
  return toTask(row, now);
}

export type TaskListInput = {
  status?: TaskStatus;
  /** null: tasks nobody is assigned to. */
  assigneeId?: string | null;
  venueId?: string;
  overdue?: boolean;
  cursor?: string;
  limit: number;
};

/** Newest first. Employees see only what is assigned to them. */
export async function listTasks(deps: Pick<Deps, "prisma" | "clock">, actor: Member, input: TaskListInput): Promise<Page<TaskRecord>> {
  const now = deps.clock();
  let { assigneeId } = input;
  if (actor.role !== "ADMIN") {
    if (assigneeId !== undefined && assigneeId !== actor.employeeId) {
      throw new TRPCError({ code: "FORBIDDEN", message: "You can only see your own tasks." });
    }
    assigneeId = actor.employeeId;
  } else if (assigneeId) {
    await assertEmployeeOfOrganization(deps.prisma, actor.organizationId, assigneeId);
  }
  if (input.venueId) await assertVenuesOfOrganization(deps.prisma, actor.organizationId, [input.venueId]);

  const filters: Prisma.TaskWhereInput[] = [];
  if (input.overdue === true) filters.push({ dueAt: { lt: now }, status: { in: OPEN } });
  // Spelled out rather than NOT(overdue): in SQL, NOT on a missing due time is unknown, not true.
  if (input.overdue === false) filters.push({ OR: [{ dueAt: null }, { dueAt: { gte: now } }, { status: { notIn: OPEN } }] });
  if (input.cursor) {
    const after = decodeTimeCursor(input.cursor);
    filters.push(keysetAfter("createdAt", "desc", after.at, after.id));
  }
  const rows = await deps.prisma.task.findMany({
    where: {
      organizationId: actor.organizationId,
      ...(input.status ? { status: input.status } : {}),
      ...(assigneeId !== undefined ? { assigneeId } : {}),
      ...(input.venueId ? { venueId: input.venueId } : {}),
      AND: filters,
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    select: taskSelect,
  });
  return toPage(
    rows,
    input.limit,
    (row) => [row.createdAt.toISOString(), row.id],
    (row) => toTask(row, now),
  );
}
