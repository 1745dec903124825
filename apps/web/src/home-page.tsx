import { HealthStatus, useSession } from "@qrcoats/ui";
import { Link, Redirect } from "wouter";
import { PageTitle } from "./layout";
import { GetTicketLink, TicketList } from "./tickets/my-tickets-page";
import { useSavedTickets } from "./tickets/saved-tickets";

export function HomePage() {
  const { me, isPending } = useSession();
  const saved = useSavedTickets();
  if (isPending) return <p role="status">Loading…</p>;
  if (me?.membership) return <Redirect to="/counter" />;
  if (me) {
    return (
      <section className="flex flex-col gap-4">
        <PageTitle>{`Hello, ${me.user.name}`}</PageTitle>
        <GetTicketLink />
        <h2 className="mt-2 text-lg font-bold text-slate-900">Your tickets</h2>
        <TicketList />
      </section>
    );
  }
  return (
    <section className="flex flex-col gap-6">
      <div>
        <PageTitle>Your coat check ticket, on your phone</PageTitle>
        <p className="text-slate-700">
          Get a ticket when you arrive, show its QR code at the counter, and pick your coat up with the same code.
        </p>
      </div>
      {saved.length > 0 && (
        <div className="flex flex-col gap-2">
          <h2 className="text-lg font-bold text-slate-900">Tickets on this phone</h2>
          <TicketList />
        </div>
      )}
      <div className="flex flex-col gap-3">
        <Link
          href="/signup"
          className="inline-flex min-h-14 items-center justify-center rounded-lg bg-indigo-600 px-6 text-lg font-semibold text-white hover:bg-indigo-700"
        >
          Create an account
        </Link>
        <Link
          href="/signin"
          className="inline-flex min-h-14 items-center justify-center rounded-lg bg-white px-6 text-lg font-semibold text-slate-900 ring-1 ring-slate-300 ring-inset hover:bg-slate-50"
        >
          Sign in
        </Link>
        <Link
          href="/venues"
          className="inline-flex min-h-11 items-center justify-center font-semibold text-indigo-700 underline-offset-4 hover:underline"
        >
          See the venues
        </Link>
      </div>
      <footer className="mt-8 border-t border-slate-200 pt-4">
        <HealthStatus />
      </footer>
    </section>
  );
}
