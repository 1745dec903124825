import { HealthStatus, trpc, useSession } from "@qrcoats/ui";
import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { PageTitle } from "./layout";
import { NAVIGATION } from "./navigation";

/** Where an admin starts: what needs attention now, and the way to everything else. */
export function DashboardPage() {
  const { me } = useSession();
  const overdue = useQuery(trpc.task.list.queryOptions({ overdue: true, limit: 100 }));
  return (
    <section className="flex flex-col gap-6">
      <PageTitle>{me?.membership?.organization.name}</PageTitle>
      {overdue.data && overdue.data.items.length > 0 && (
        <Link href="/tasks" className="rounded-xl border border-red-300 bg-red-50 p-4 font-semibold text-red-900 hover:bg-red-100">
          ⚠ {overdue.data.items.length}
          {overdue.data.nextCursor ? "+" : ""} overdue task{overdue.data.items.length === 1 ? "" : "s"}: see the tasks
        </Link>
      )}
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
