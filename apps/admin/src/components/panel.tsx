import { Alert, errorMessage } from "@qrcoats/ui";
import { clsx } from "clsx";
import type { ReactNode } from "react";

/** A white card with a heading: one concern of a page. */
export function Panel({
  title,
  actions,
  children,
  className,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={clsx("flex flex-col gap-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200", className)}>
      {(title || actions) && (
        <div className="flex flex-wrap items-center justify-between gap-2">
          {title && <h2 className="text-lg font-semibold text-slate-900">{title}</h2>}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}

type Loadable<T> = { isPending: boolean; isError: boolean; error: unknown; data: T | undefined };

/**
 * Loading, failure and emptiness, said the same way on every page; the content renders only
 * with data in hand.
 */
export function QueryState<T>({
  query,
  what,
  isEmpty,
  empty,
  children,
}: {
  query: Loadable<T>;
  what: string;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending)
    return (
      <p role="status" className="text-slate-700">
        Loading {what}…
      </p>
    );
  if (query.isError || query.data === undefined) return <Alert tone="error">{errorMessage(query.error)}</Alert>;
  if (isEmpty?.(query.data))
    return <div className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-slate-700">{empty}</div>;
  return children(query.data);
}
