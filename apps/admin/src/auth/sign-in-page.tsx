import { SignInForm } from "@qrcoats/ui";
import { Link, useLocation } from "wouter";
import { PageTitle } from "../layout";

export function SignInPage() {
  const [, navigate] = useLocation();
  return (
    <section className="mx-auto max-w-md">
      <PageTitle>Sign in to the admin panel</PageTitle>
      <SignInForm onSignedIn={() => navigate("/")} />
      <p className="mt-6 text-sm text-slate-700">
        Running a venue and new to QRcoats?{" "}
        <Link href="/signup" className="font-semibold text-indigo-700 underline-offset-4 hover:underline">
          Start your organization
        </Link>
      </p>
    </section>
  );
}
