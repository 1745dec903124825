import { HealthStatus, useSession } from "@qrcoats/ui";
import { PageTitle } from "./layout";

export function DashboardPage() {
  const { me } = useSession();
  return (
    <section className="flex flex-col gap-6">
      <PageTitle>{me?.membership?.organization.name}</PageTitle>
      <div className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
        <h2 className="mb-2 font-semibold">Server</h2>
        <HealthStatus />
      </div>
    </section>
  );
}
