import { HealthStatus, trpc, useSession } from "@qrcoats/ui";
import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { PageTitle } from "./layout";
import { NAVIGATION } from "./navigation";

/** Where an admin starts: what needs attention now, and the way to everything else. */
export function DashboardPage() {
  const { me } = useSession();
  return (
    <section className="flex flex-col gap-6">
      <PageTitle>{me?.membership?.organization.name}</PageTitle>
      <OverdueTasks />
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {NAVIGATION.map((item) => (
          <li key={item.href}>
            <Link
              href={item.href}
              className="flex h-full flex-col gap-1 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 hover:ring-indigo-400"
            >
              <span className="font-semibold text-indigo-700">{item.label}</span>
              <span className="text-sm text-slate-700">{item.description}</span>
            </Link>
          </li>
        ))}
      </ul>
      <div className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
        <h2 className="mb-2 font-semibold">Server</h2>
        <HealthStatus />
      </div>
    </section>
  );
}

/**
 * Overdue tasks, in a box that is there from the first paint and keeps its size whatever it
 * says: a notice that appeared above the sections once the answer came pushed them all down
 * (Lighthouse's layout shift of 0.17, bench/RESULTS.md).
 */
function OverdueTasks() {
  const overdue = useQuery(trpc.task.list.queryOptions({ overdue: true, limit: 100 }));
  const box = "block rounded-xl border p-4 font-semibold";
  const count = overdue.data?.items.length ?? 0;
  if (count > 0) {
    return (
      <Link href="/tasks" className={`${box} border-red-300 bg-red-50 text-red-900 hover:bg-red-100`}>
        ⚠ {count}
        {overdue.data?.nextCursor ? "+" : ""} overdue task{count === 1 ? "" : "s"}: see the tasks
      </Link>
    );
  }
  return (
    <p role="status" className={`${box} border-slate-200 bg-white text-slate-700`}>
      {overdue.isPending
        ? "Looking for overdue tasks…"
        : overdue.isError
          ? "Overdue tasks cannot be checked right now."
          : "No overdue tasks."}
    </p>
  );
}
