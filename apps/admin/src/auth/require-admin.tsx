import { Alert, Button, useSession, useSignOut } from "@qrcoats/ui";
import type { ReactNode } from "react";
import { Redirect, useLocation } from "wouter";
import { PageTitle } from "../layout";

/** Lets admins through; sends others to sign in, or tells them plainly this is not for them. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const { me, isPending, error } = useSession();
  if (isPending) return <p role="status">Loading…</p>;
  if (error) return <Alert tone="error">The server cannot be reached. Try again in a moment.</Alert>;
  if (!me) return <Redirect to="/signin" />;
  if (me.membership?.role !== "ADMIN") return <NotForYou hasOrganization={me.membership !== null} />;
  return children;
}

function NotForYou({ hasOrganization }: { hasOrganization: boolean }) {
  const signOut = useSignOut();
  const [, navigate] = useLocation();
  return (
    <section className="mx-auto flex max-w-md flex-col gap-4">
      <PageTitle>This panel is for admins</PageTitle>
      <Alert tone="warning">
        {hasOrganization
          ? "You are signed in as an attendant. The counter, your tickets and your tasks are in the QRcoats app."
          : "You are signed in with a guest account. To run a venue, start your own organization."}
      </Alert>
      <div className="flex flex-wrap gap-3">
        {hasOrganization ? (
          <a
            href="/"
            className="inline-flex min-h-11 items-center rounded-lg bg-indigo-600 px-4 font-semibold text-white hover:bg-indigo-700"
          >
            Open the QRcoats app
          </a>
        ) : (
          <Button onClick={() => navigate("/signup")}>Start an organization</Button>
        )}
        <Button
          variant="secondary"
          busy={signOut.isPending}
          onClick={() => signOut.mutate(undefined, { onSettled: () => navigate("/signin") })}
        >
          Sign out
        </Button>
      </div>
    </section>
  );
}
