import type { RouterOutputs } from "@qrcoats/api";
import { Alert, Button, errorMessage, trpc } from "@qrcoats/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { clsx } from "clsx";
import { dayTime } from "../format";
import { PageTitle } from "../layout";

type Task = RouterOutputs["task"]["list"]["items"][number];
type Status = Task["status"];

const STATUS_WORDS: Record<Status, string> = { TODO: "To do", IN_PROGRESS: "In progress", DONE: "Done", CANCELLED: "Cancelled" };
const PRIORITY_TONES: Record<Task["priority"], string> = {
  LOW: "bg-slate-100 text-slate-800",
  NORMAL: "bg-sky-100 text-sky-900",
  HIGH: "bg-amber-100 text-amber-950",
  URGENT: "bg-red-100 text-red-900",
};

/** The attendant's own tasks, open ones first, each one tap from its next status. */
export function TasksPage() {
  const tasks = useQuery(trpc.task.list.queryOptions({ limit: 100 }));
  const items = tasks.data?.items ?? [];
  const open = items.filter((task) => task.status === "TODO" || task.status === "IN_PROGRESS");
  const closed = items.filter((task) => task.status === "DONE" || task.status === "CANCELLED");
  return (
    <section className="flex flex-col gap-4">
      <PageTitle>My tasks</PageTitle>
      {tasks.isPending ? (
        <p role="status">Loading your tasks…</p>
      ) : tasks.isError ? (
        <Alert tone="error">{errorMessage(tasks.error)}</Alert>
      ) : (
        <>
          {open.length === 0 ? <p className="text-slate-700">Nothing to do right now.</p> : <TaskList tasks={open} />}
          {closed.length > 0 && (
            <details className="rounded-xl ring-1 ring-slate-200">
              <summary className="flex min-h-11 cursor-pointer items-center px-4 font-semibold text-slate-800">
                Finished ({closed.length})
              </summary>
              <div className="p-3">
                <TaskList tasks={closed} />
              </div>
            </details>
          )}
        </>
      )}
    </section>
  );
}

function TaskList({ tasks }: { tasks: Task[] }) {
  return (
    <ul className="flex flex-col gap-3">
      {tasks.map((task) => (
        <TaskCard key={task.id} task={task} />
      ))}
    </ul>
  );
}

function TaskCard({ task }: { task: Task }) {
  const queryClient = useQueryClient();
  const update = useMutation(
    trpc.task.update.mutationOptions({ onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.task.list.pathKey() }) }),
  );
  const move = (status: Status) => update.mutate({ taskId: task.id, status });
  return (
    <li
      className={clsx(
        "flex flex-col gap-2 rounded-xl bg-white p-4 shadow-sm ring-1",
        task.overdue ? "ring-2 ring-red-500" : "ring-slate-200",
      )}
    >
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="flex-1 text-lg font-bold text-slate-900">{task.title}</h2>
        <span className={clsx("rounded-full px-2 py-0.5 text-xs font-semibold", PRIORITY_TONES[task.priority])}>
          {task.priority.toLowerCase()} priority
        </span>
      </div>
      {task.description && <p className="whitespace-pre-line text-slate-800">{task.description}</p>}
      <p className="text-sm text-slate-700">
        <span className="font-semibold">{STATUS_WORDS[task.status]}</span>
        {task.venue && ` · ${task.venue.name}`}
        {task.dueAt && ` · due ${dayTime(task.dueAt)}`}
        {task.overdue && <span className="font-bold text-red-800"> · Overdue</span>}
      </p>
      {update.isError && <Alert tone="error">{errorMessage(update.error)}</Alert>}
      {(task.status === "TODO" || task.status === "IN_PROGRESS") && (
        <div className="flex gap-2">
          {task.status === "TODO" ? (
            <Button
              variant="secondary"
              className="flex-1"
              busy={update.isPending && update.variables?.status === "IN_PROGRESS"}
              onClick={() => move("IN_PROGRESS")}
            >
              Start
            </Button>
          ) : (
            <Button
              variant="secondary"
              className="flex-1"
              busy={update.isPending && update.variables?.status === "TODO"}
              onClick={() => move("TODO")}
            >
              Back to to-do
            </Button>
          )}
          <Button className="flex-1" busy={update.isPending && update.variables?.status === "DONE"} onClick={() => move("DONE")}>
            Mark done
          </Button>
        </div>
      )}
    </li>
  );
}
