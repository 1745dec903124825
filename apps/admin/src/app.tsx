import { HealthStatus } from "@qrcoats/ui";

export function App() {
  return (
    <main className="mx-auto max-w-3xl p-6">
      <h1 className="mb-4 text-2xl font-bold">QRcoats Admin</h1>
      <p className="mb-6 text-slate-600">Venues, staff and everything that happens at your counters.</p>
      <HealthStatus />
    </main>
  );
}
