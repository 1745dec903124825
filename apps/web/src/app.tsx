import { HealthStatus } from "@qrcoats/ui";

export function App() {
  return (
    <main className="mx-auto max-w-md p-6">
      <h1 className="mb-4 text-2xl font-bold">QRcoats</h1>
      <p className="mb-6 text-slate-600">Your coat check ticket, on your phone.</p>
      <HealthStatus />
    </main>
  );
}
