import { SignInForm } from "@qrcoats/ui";
import { Link, useLocation, useSearch } from "wouter";
import { PageTitle } from "../layout";
import { claimSavedTickets } from "../tickets/claim-saved-tickets";

export function SignInPage() {
  const [, navigate] = useLocation();
  const next = new URLSearchParams(useSearch()).get("next");
  return (
    <section>
      <PageTitle>Sign in</PageTitle>
      <SignInForm
        onSignedIn={() => {
          void claimSavedTickets();
          navigate(next?.startsWith("/") ? next : "/");
        }}
      />
      <p className="mt-6 flex flex-col gap-2 text-sm text-slate-700">
        <Link
          href={next ? `/signup?next=${encodeURIComponent(next)}` : "/signup"}
          className="font-semibold text-indigo-700 underline-offset-4 hover:underline"
        >
          New here? Create an account
        </Link>
        <Link href="/forgot-password" className="text-indigo-700 underline-offset-4 hover:underline">
          Forgot your password?
        </Link>
      </p>
    </section>
  );
}
