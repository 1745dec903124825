import { useQuery } from "@tanstack/react-query";
import { trpc } from "./api";

/** The server's own account of itself: the first thing each app shows. */
export function HealthStatus() {
  const health = useQuery(trpc.health.queryOptions());
  if (health.isPending) return <p role="status">Checking the server…</p>;
  if (health.isError) return <p role="alert">The server cannot be reached: {health.error.message}</p>;
  // The release and database details come only to an organization's admins.
  const details = health.data.view === "admin" ? health.data : null;
  return (
    <dl aria-label="Server health" className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
      <dt className="text-slate-500">Status</dt>
      <dd data-testid="health-status">{health.data.status}</dd>
      {details && (
        <>
          <dt className="text-slate-500">Version</dt>
          <dd>{details.version}</dd>
          <dt className="text-slate-500">Database</dt>
          <dd>
            {details.database.kind === "embedded" ? "embedded (PGlite)" : "PostgreSQL"},{" "}
            {details.database.reachable ? `migrations at ${details.database.migrations?.latest ?? "none"}` : "unreachable"}
          </dd>
        </>
      )}
    </dl>
  );
}
