import { TaskPriority, TaskStatus } from "@qrcoats/db";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { dateInput, idInput, venueIdInput } from "../lib/inputs";
import { pageInput } from "../lib/pagination";
import { adminProcedure, memberProcedure } from "../trpc";
import { createTask, listTasks, updateTask } from "./tasks";

const titleInput = z.string().trim().min(1, "Enter a title.").max(200, "Use at most 200 characters.");
const descriptionInput = z.string().trim().max(5000, "Use at most 5000 characters.");
const priorityInput = z.enum(TaskPriority, "The priority is LOW, NORMAL, HIGH or URGENT.");
const statusInput = z.enum(TaskStatus, "The status is TODO, IN_PROGRESS, DONE or CANCELLED.");
const dueAtInput = dateInput("Enter a date and time.");

export const taskRouter = {
  create: adminProcedure
    .input(
      z.object({
        title: titleInput,
        description: descriptionInput.optional(),
        venueId: venueIdInput.optional(),
        assigneeId: idInput("employee").optional(),
        priority: priorityInput.optional(),
        dueAt: dueAtInput.optional(),
      }),
    )
    .mutation(({ ctx, input }) => createTask(ctx, ctx.member, input)),

  /** Admins change anything of a task that is not final; its assignee changes its status. */
  update: memberProcedure
    .input(
      z.object({
        taskId: idInput("task"),
        title: titleInput.optional(),
        description: descriptionInput.optional(),
        venueId: venueIdInput.nullable().optional(),
        assigneeId: idInput("employee").nullable().optional(),
        priority: priorityInput.optional(),
        dueAt: dueAtInput.nullable().optional(),
        status: statusInput.optional(),
      }),
    )
    .mutation(({ ctx, input }) => updateTask(ctx, ctx.member, input)),

  /** Admins: every task of the organization. Employees: the tasks assigned to them. */
  list: memberProcedure
    .input(
      z.object({
        status: statusInput.optional(),
        assigneeId: idInput("employee").nullable().optional(),
        venueId: venueIdInput.optional(),
        overdue: z.boolean("Overdue is true or false.").optional(),
        ...pageInput,
      }),
    )
    .query(({ ctx, input }) => listTasks(ctx, ctx.member, input)),
} satisfies TRPCRouterRecord;
