import type { RouterOutputs } from "@qrcoats/api";
import { Alert, applyApiError, Button, errorMessage, FormError, TextField, trpc } from "@qrcoats/ui";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { columnHelper, DataTable, MorePages } from "../components/data-table";
import { SelectField, TextAreaField } from "../components/fields";
import { dayTime, fromLocalInput } from "../components/format";
import { Panel, QueryState } from "../components/panel";
import { isOneOf, useUrlFilters } from "../components/url-filters";
import { useVenues, VenueSelect } from "../components/venue-select";
import { PageTitle } from "../layout";

type Task = RouterOutputs["task"]["list"]["items"][number];
type Status = Task["status"];
type Priority = Task["priority"];

const STATUS_LABELS: Record<Status, string> = { TODO: "To do", IN_PROGRESS: "In progress", DONE: "Done", CANCELLED: "Cancelled" };
const PRIORITY_LABELS: Record<Priority, string> = { LOW: "Low", NORMAL: "Normal", HIGH: "High", URGENT: "Urgent" };
/** The moves the API allows from each state, as buttons. */
const MOVES: Record<Status, { to: Status; label: string }[]> = {
  TODO: [
    { to: "IN_PROGRESS", label: "Start" },
    { to: "DONE", label: "Done" },
    { to: "CANCELLED", label: "Cancel" },
  ],
  IN_PROGRESS: [
    { to: "DONE", label: "Done" },
    { to: "TODO", label: "Back to to-do" },
    { to: "CANCELLED", label: "Cancel" },
  ],
  DONE: [],
  CANCELLED: [],
};

/**
 * Assignees to choose from: the first hundred people of the organization (one page of the
 * API), those still able to work.
 */
function useAssignees() {
  const employees = useQuery(trpc.employee.list.queryOptions({ limit: 100 }));
  return employees.data?.items.filter((employee) => employee.status !== "DEACTIVATED") ?? [];
}

const column = columnHelper<Task>();
const columns = column.columns([
  column.accessor("title", {
    header: "Task",
    cell: (info) => (
      <div className="flex flex-col">
        <span className="font-semibold">{info.getValue()}</span>
        {info.row.original.description && <span className="text-slate-700">{info.row.original.description}</span>}
      </div>
    ),
  }),
  column.accessor((task) => task.assignee?.name ?? "Unassigned", {
    id: "assignee",
    header: "Assignee",
    cell: (info) => <Assignee task={info.row.original} />,
  }),
  column.accessor((task) => task.venue?.name ?? "—", { id: "venue", header: "Venue" }),
  column.accessor("priority", { header: "Priority", cell: (info) => PRIORITY_LABELS[info.getValue()] }),
  column.accessor("dueAt", {
    header: "Due",
    cell: (info) => (
      <span className="flex flex-col">
        {info.getValue() ? dayTime(info.getValue()!) : "—"}
        {info.row.original.overdue && <span className="font-bold text-red-800">⚠ Overdue</span>}
      </span>
    ),
  }),
  column.accessor("status", { header: "Status", cell: (info) => STATUS_LABELS[info.getValue()] }),
  column.display({ id: "actions", header: "Move to", cell: (info) => <TaskMoves task={info.row.original} /> }),
]);

export function TasksPage() {
  const [filters, setFilters] = useUrlFilters({ status: "", venue: "", overdue: "" });
  const status = isOneOf(filters.status, STATUS_LABELS) ? filters.status : "";
  const venueId = filters.venue;
  const overdueOnly = filters.overdue === "yes";
  const tasks = useInfiniteQuery(
    trpc.task.list.infiniteQueryOptions(
      { status: status || undefined, venueId: venueId || undefined, overdue: overdueOnly || undefined, limit: 25 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  return (
    <section className="flex flex-col gap-6">
      <PageTitle>Tasks</PageTitle>
      <Panel>
        <div className="grid items-end gap-3 sm:grid-cols-3">
          <SelectField label="Status" value={status} onChange={(event) => setFilters({ status: event.target.value })}>
            <option value="">Any status</option>
            {Object.entries(STATUS_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <VenueSelect value={venueId} onChange={(venue) => setFilters({ venue })} />
          <label className="flex min-h-11 items-center gap-2 text-slate-900">
            <input
              type="checkbox"
              className="size-4"
              checked={overdueOnly}
              onChange={(event) => setFilters({ overdue: event.target.checked ? "yes" : "" })}
            />
            Overdue only
          </label>
        </div>
        <QueryState query={tasks} what="tasks" isEmpty={(data) => data.pages[0]!.items.length === 0} empty="No tasks here.">
          {(data) => (
            <DataTable
              columns={columns}
              data={data.pages.flatMap((page) => page.items)}
              caption="Tasks"
              testId="tasks-table"
              rowClassName={(task) => (task.overdue ? "bg-red-50" : "")}
            />
          )}
        </QueryState>
        <MorePages query={tasks} />
      </Panel>
      <NewTaskForm />
    </section>
  );
}

const OPEN: Status[] = ["TODO", "IN_PROGRESS"];

/** Open tasks are reassigned in place; finished ones keep who did them. */
function Assignee({ task }: { task: Task }) {
  const queryClient = useQueryClient();
  const assignees = useAssignees();
  const reassign = useMutation(
    trpc.task.update.mutationOptions({ onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.task.list.pathKey() }) }),
  );
  if (!OPEN.includes(task.status)) return task.assignee?.name ?? "Unassigned";
  const choices =
    task.assignee && !assignees.some((employee) => employee.id === task.assignee!.id) ? [task.assignee, ...assignees] : assignees;
  return (
    <div className="flex flex-col gap-1">
      <select
        aria-label={`Assignee of ${task.title}`}
        className="min-h-9 rounded-md border border-slate-300 bg-white px-2 text-sm"
        value={task.assignee?.id ?? ""}
        disabled={reassign.isPending}
        onChange={(event) => reassign.mutate({ taskId: task.id, assigneeId: event.target.value || null })}
      >
        <option value="">Unassigned</option>
        {choices.map((employee) => (
          <option key={employee.id} value={employee.id}>
            {employee.name}
          </option>
        ))}
      </select>
      {reassign.isError && <p className="text-sm text-red-700">{errorMessage(reassign.error)}</p>}
    </div>
  );
}

function TaskMoves({ task }: { task: Task }) {
  const queryClient = useQueryClient();
  const move = useMutation(
    trpc.task.update.mutationOptions({ onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.task.list.pathKey() }) }),
  );
  if (MOVES[task.status].length === 0) return <span className="text-slate-600">—</span>;
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap gap-1">
        {MOVES[task.status].map(({ to, label }) => (
          <Button
            key={to}
            size="sm"
            variant={to === "CANCELLED" ? "ghost" : "secondary"}
            aria-label={`${label}: ${task.title}`}
            busy={move.isPending && move.variables?.status === to}
            onClick={() => move.mutate({ taskId: task.id, status: to })}
          >
            {label}
          </Button>
        ))}
      </div>
      {move.isError && <p className="text-sm text-red-700">{errorMessage(move.error)}</p>}
    </div>
  );
}

type NewTask = { title: string; description: string; venueId: string; assigneeId: string; priority: Priority; dueAt: string };

function NewTaskForm() {
  const queryClient = useQueryClient();
  const assignees = useAssignees();
  const venues = useVenues();
  const create = useMutation(
    trpc.task.create.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.task.list.pathKey() }) }),
  );
  const form = useForm<NewTask>({
    defaultValues: { title: "", description: "", venueId: "", assigneeId: "", priority: "NORMAL", dueAt: "" },
  });
  const [created, setCreated] = useState(false);
  const { errors } = form.formState;
  return (
    <Panel title="New task">
      <form
        noValidate
        className="grid gap-4 sm:grid-cols-2"
        onSubmit={form.handleSubmit(async (values) => {
          setCreated(false);
          try {
            await create.mutateAsync({
              title: values.title,
              description: values.description.trim() || undefined,
              venueId: values.venueId || undefined,
              assigneeId: values.assigneeId || undefined,
              priority: values.priority,
              dueAt: fromLocalInput(values.dueAt),
            });
            form.reset();
            setCreated(true);
          } catch (error) {
            applyApiError(form, error);
          }
        })}
      >
        <div className="sm:col-span-2">
          {created && <Alert tone="success">Task created.</Alert>}
          <FormError form={form} />
        </div>
        <TextField label="Title" error={errors.title?.message} {...form.register("title", { required: "Enter a title." })} />
        <SelectField label="Assignee" error={errors.assigneeId?.message} {...form.register("assigneeId")}>
          <option value="">Unassigned</option>
          {assignees.map((employee) => (
            <option key={employee.id} value={employee.id}>
              {employee.name}
            </option>
          ))}
        </SelectField>
        <TextAreaField
          label="Description"
          className="sm:col-span-2"
          error={errors.description?.message}
          {...form.register("description")}
        />
        <SelectField label="Venue" error={errors.venueId?.message} {...form.register("venueId")}>
          <option value="">No particular venue</option>
          {venues.data?.items.map((venue) => (
            <option key={venue.id} value={venue.id}>
              {venue.name}
            </option>
          ))}
        </SelectField>
        <SelectField label="Priority" error={errors.priority?.message} {...form.register("priority")}>
          {Object.entries(PRIORITY_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
        <TextField label="Due" type="datetime-local" error={errors.dueAt?.message} {...form.register("dueAt")} />
        <div className="sm:col-span-2">
          <Button type="submit" busy={form.formState.isSubmitting}>
            Create task
          </Button>
        </div>
      </form>
    </Panel>
  );
}
