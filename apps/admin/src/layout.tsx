import { Button, useSession, useSignOut } from "@qrcoats/ui";
import { clsx } from "clsx";
import type { ReactNode } from "react";
import { Link, useLocation } from "wouter";
import { NAVIGATION } from "./navigation";

/** The admin shell: who is signed in, for which organization, and the way out. */
export function Layout({ children }: { children: ReactNode }) {
  const { me, isPending } = useSession();
  const signOut = useSignOut();
  const [, navigate] = useLocation();
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="border-b border-slate-800 bg-slate-900 text-white print:hidden">
        {/* The header keeps its height while the session loads, so the page under it never jumps. */}
        <div className="mx-auto flex min-h-15 max-w-6xl items-center justify-between gap-4 px-4 py-3">
          <Link href="/" className="shrink-0 text-lg font-bold tracking-tight whitespace-nowrap">
            QRcoats <span className="font-normal text-slate-300">Admin</span>
          </Link>
          {me && (
            <div className="flex min-w-0 items-center gap-3">
              <span className="truncate text-sm text-slate-200" data-testid="signed-in-as">
                {me.user.name}
                {me.membership && <span className="text-slate-400"> · {me.membership.organization.name}</span>}
              </span>
              <Button
                variant="ghost"
                size="sm"
                className="shrink-0 whitespace-nowrap text-white hover:bg-slate-800"
                busy={signOut.isPending}
                onClick={() => signOut.mutate(undefined, { onSettled: () => navigate("/signin") })}
              >
                Sign out
              </Button>
            </div>
          )}
        </div>
        {(isPending || me?.membership?.role === "ADMIN") && <Navigation />}
      </header>
      <main className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 print:max-w-none print:p-0">{children}</main>
    </div>
  );
}

function Navigation() {
  const [location] = useLocation();
  return (
    <nav aria-label="Sections" className="mx-auto max-w-6xl overflow-x-auto px-2">
      <ul className="flex gap-1 pb-2">
        {NAVIGATION.map((item) => {
          const current = location === item.href || location.startsWith(`${item.href}/`);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={current ? "page" : undefined}
                className={clsx(
                  "block rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap",
                  current ? "bg-white text-slate-900" : "text-slate-200 hover:bg-slate-800",
                )}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

export function PageTitle({ children }: { children: ReactNode }) {
  return <h1 className="mb-4 text-2xl font-bold tracking-tight text-slate-900">{children}</h1>;
}
