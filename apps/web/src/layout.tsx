import { Button, rememberSignOut, useSignOut } from "@qrcoats/ui";
import { onlineManager, useQueryClient } from "@tanstack/react-query";
import { clsx } from "clsx";
import { useEffect, useState, type ReactNode } from "react";
import { Link, useLocation } from "wouter";
import { useStaffSession } from "./staff-session";
import { forgetSavedTickets } from "./tickets/saved-tickets";

type NavItem = { href: string; label: string };

const STAFF_NAV: NavItem[] = [
  { href: "/counter", label: "Counter" },
  { href: "/counter/walk-in", label: "Walk-in" },
  { href: "/counter/lookup", label: "Lost ticket" },
  { href: "/tasks", label: "Tasks" },
];
const GUEST_NAV: NavItem[] = [
  { href: "/tickets", label: "My tickets" },
  { href: "/venues", label: "Get a ticket" },
];

export function Layout({ children }: { children: ReactNode }) {
  const { me, error, unreachable } = useStaffSession();
  const [location] = useLocation();
  const nav = me ? (me.membership ? STAFF_NAV : GUEST_NAV) : [];
  // The counter uses a desktop's width for its side column; everything else reads best narrow.
  const wide = location.startsWith("/counter");
  return (
    <div className="flex min-h-dvh flex-col">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-slate-900"
      >
        Skip to content
      </a>
      <header className="bg-slate-900 text-white">
        <div className={clsx("mx-auto flex items-center justify-between gap-3 px-4 py-2", wide ? "max-w-5xl" : "max-w-xl")}>
          <Link href="/" className="flex min-h-11 items-center text-lg font-bold tracking-tight">
            QRcoats
          </Link>
          {nav.length > 0 && (
            <NavLinks
              items={nav}
              location={location}
              className="hidden flex-1 justify-center gap-1 md:flex"
              linkClass="rounded-lg px-3 text-sm"
            />
          )}
          {me ? (
            <div className="flex items-center gap-2">
              <span className="max-w-40 truncate text-sm text-slate-200" data-testid="signed-in-as">
                {me.user.name}
              </span>
              <SignOutButton />
            </div>
          ) : error || unreachable ? null : (
            // Offline the session is unknown: not a reason to ask anyone to sign in.
            <Link href="/signin" className="flex min-h-11 items-center text-sm font-semibold underline-offset-4 hover:underline">
              Sign in
            </Link>
          )}
        </div>
      </header>
      <main
        id="main"
        className={clsx("mx-auto w-full flex-1 px-4 py-5", wide ? "max-w-5xl" : "max-w-xl", nav.length > 0 && "pb-28 md:pb-6")}
      >
        {children}
      </main>
      {nav.length > 0 && (
        // At the bottom on phones, where the thumb is.
        <NavLinks
          items={nav}
          location={location}
          className="fixed inset-x-0 bottom-0 z-10 grid auto-cols-fr grid-flow-col border-t border-slate-200 bg-white/95 pb-[env(safe-area-inset-bottom)] backdrop-blur md:hidden"
          linkClass="min-h-16 flex-col text-sm"
          light
        />
      )}
    </div>
  );
}

/**
 * Signing out erases the counter's device; actions it has not sent yet would be lost with it,
 * so then it asks first.
 */
function SignOutButton() {
  const signOut = useSignOut();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [unsent, setUnsent] = useState(0);
  const [ending, setEnding] = useState(false);
  const counterDevice = () => import("./counter/offline/sign-out");
  const confirmed = async () => {
    setEnding(true);
    await (await counterDevice()).endDevice();
    queryClient.removeQueries({ queryKey: ["counter-device-me"] });
    forgetSavedTickets();
    // With no network the sign-out itself waits (a paused mutation) and goes when it returns;
    // the device is erased already, so the sign-in page need not wait for it.
    if (onlineManager.isOnline()) {
      signOut.mutate(undefined, { onSettled: () => navigate("/signin") });
    } else {
      // Remembered on the device: the tab may close before the network returns.
      rememberSignOut();
      navigate("/signin");
    }
    setEnding(false);
    setUnsent(0);
  };
  if (unsent > 0) {
    return (
      <div role="alertdialog" aria-label="Sign out?" className="flex flex-wrap items-center gap-2 text-sm">
        <span>{`${unsent} action${unsent === 1 ? " was" : "s were"} not sent yet and will be lost.`}</span>
        <Button variant="ghost" className="text-white hover:bg-slate-800" onClick={() => setUnsent(0)}>
          Stay
        </Button>
        <Button variant="danger" busy={ending} onClick={() => void confirmed()}>
          Sign out anyway
        </Button>
      </div>
    );
  }
  return (
    <Button
      variant="ghost"
      className="text-white hover:bg-slate-800"
      busy={signOut.isPending || ending}
      onClick={() =>
        void counterDevice()
          .then((module) => module.unsentActions())
          .then((count) => (count > 0 ? setUnsent(count) : confirmed()))
      }
    >
      Sign out
    </Button>
  );
}

function NavLinks({
  items,
  location,
  className,
  linkClass,
  light = false,
}: {
  items: NavItem[];
  location: string;
  className: string;
  linkClass: string;
  light?: boolean;
}) {
  return (
    <nav aria-label="Main" className={className}>
      {items.map((item) => {
        const current = location === item.href;
        const tone = light
          ? current
            ? "text-indigo-700 font-bold shadow-[inset_0_3px_0] shadow-indigo-600"
            : "text-slate-700 font-medium hover:text-slate-950"
          : current
            ? "bg-slate-700 font-semibold text-white"
            : "text-slate-200 hover:bg-slate-800";
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={current ? "page" : undefined}
            className={clsx("flex min-h-11 items-center justify-center", linkClass, tone)}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}

export function PageTitle({ children }: { children: ReactNode }) {
  // Each screen names the browser tab, and so what a screen reader announces on arrival.
  const title = typeof children === "string" ? children : null;
  useEffect(() => {
    if (title) document.title = `${title} · QRcoats`;
  }, [title]);
  return <h1 className="mb-4 text-2xl font-bold tracking-tight text-slate-900">{children}</h1>;
}
