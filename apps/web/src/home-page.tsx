import { HealthStatus, useSession } from "@qrcoats/ui";
import { Link } from "wouter";
import { PageTitle } from "./layout";

export function HomePage() {
  const { me, isPending } = useSession();
  if (isPending) return <p role="status">Loading…</p>;
  if (!me) {
    return (
      <section className="flex flex-col gap-6">
        <div>
          <PageTitle>Your coat check ticket, on your phone</PageTitle>
          <p className="text-slate-700">
            Get a ticket when you arrive, show its QR code at the counter, and pick your coat up with the same code.
          </p>
        </div>
        <div className="flex flex-col gap-3">
          <Link href="/signup" className="inline-flex min-h-14 items-center justify-center rounded-lg bg-indigo-600 px-6 text-lg font-semibold text-white hover:bg-indigo-700">
            Create an account
          </Link>
          <Link href="/signin" className="inline-flex min-h-14 items-center justify-center rounded-lg bg-white px-6 text-lg font-semibold text-slate-900 ring-1 ring-slate-300 ring-inset hover:bg-slate-50">
            Sign in
          </Link>
        </div>
        <footer className="mt-8 border-t border-slate-200 pt-4">
          <HealthStatus />
        </footer>
      </section>
    );
  }
  return (
    <section className="flex flex-col gap-4">
      <PageTitle>Hello, {me.user.name}</PageTitle>
      {me.membership && (
        <p className="text-slate-700">
          You work at {me.membership.organization.name}
          {me.membership.role === "ADMIN" ? " as an admin" : ""}.
        </p>
      )}
      <footer className="mt-8 border-t border-slate-200 pt-4">
        <HealthStatus />
      </footer>
    </section>
  );
}
