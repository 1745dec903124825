import { Button, useSession, useSignOut } from "@qrcoats/ui";
import type { ReactNode } from "react";
import { Link, useLocation } from "wouter";

export function Layout({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const signOut = useSignOut();
  const [, navigate] = useLocation();
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="bg-slate-900 text-white">
        <div className="mx-auto flex max-w-xl items-center justify-between gap-3 px-4 py-3">
          <Link href="/" className="text-lg font-bold tracking-tight">
            QRcoats
          </Link>
          {me ? (
            <div className="flex items-center gap-2">
              <span className="max-w-40 truncate text-sm text-slate-200" data-testid="signed-in-as">
                {me.user.name}
              </span>
              <Button
                variant="ghost"
                size="sm"
                className="text-white hover:bg-slate-800"
                busy={signOut.isPending}
                onClick={() => signOut.mutate(undefined, { onSettled: () => navigate("/signin") })}
              >
                Sign out
              </Button>
            </div>
          ) : (
            <Link href="/signin" className="text-sm font-semibold underline-offset-4 hover:underline">
              Sign in
            </Link>
          )}
        </div>
      </header>
      <main className="mx-auto w-full max-w-xl flex-1 px-4 py-6">{children}</main>
    </div>
  );
}

export function PageTitle({ children }: { children: ReactNode }) {
  return <h1 className="mb-4 text-2xl font-bold tracking-tight text-slate-900">{children}</h1>;
}
