import type { PickupBoardView } from "@qrcoats/api/client";
import { errorCode, trpc } from "@qrcoats/ui";
import { useSubscription } from "@trpc/tanstack-react-query";
import { clsx } from "clsx";
import { useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { clockTime } from "../format";

// The pickup board (docs/pickup.md): a TV or tablet by the counter, signed in with nothing but
// its link (`/board#<token>`; the secret stays after "#", out of every request log). Ticket
// numbers only, never a name. Dark, so it reads across a dim room without lighting it up.

/** A stream that failed for any reason but the link's is opened again after this long. */
const RECONNECT_MS = 3_000;

/** Refusals that mean the link itself is no good: retrying would not help. */
const DEAD_LINK_CODES = new Set(["UNAUTHORIZED", "BAD_REQUEST"]);

function subscribeHash(listener: () => void) {
  window.addEventListener("hashchange", listener);
  return () => window.removeEventListener("hashchange", listener);
}

const tokenOfHash = () => decodeURIComponent(window.location.hash.replace(/^#/, "")).trim();

export function BoardPage() {
  const token = useSyncExternalStore(subscribeHash, tokenOfHash);
  useEffect(() => {
    document.title = "Pickup board · QRcoats";
  }, []);
  if (!token) return <DeadLink />;
  return <LiveBoard key={token} token={token} />;
}

function LiveBoard({ token }: { token: string }) {
  const [board, setBoard] = useState<PickupBoardView | null>(null);
  const feed = useSubscription(trpc.pickup.board.subscriptionOptions({ token }, { onData: setBoard }));
  const dead = feed.status === "error" && DEAD_LINK_CODES.has(errorCode(feed.error) ?? "");

  // The link's stream reconnects by itself after a dropped connection; one the server ended
  // (a restart, an error) is opened again here.
  const { status, reset } = feed;
  useEffect(() => {
    if (status !== "error" || dead) return;
    const timer = window.setTimeout(reset, RECONNECT_MS);
    return () => window.clearTimeout(timer);
  }, [status, dead, reset]);

  if (dead) return <DeadLink />;
  // Once it has shown numbers, anything but a live stream is a connection being made again.
  const reconnecting = board !== null && feed.status !== "pending";
  return (
    <BoardScreen>
      <header className="flex items-baseline justify-between gap-6 px-8 pt-5 pb-3 text-2xl text-neutral-300">
        <p className="truncate font-semibold">{board?.venueName ?? "Pickup board"}</p>
        <div className="flex items-baseline gap-6">
          {reconnecting && (
            <p role="status" className="text-lg text-amber-300">
              reconnecting…
            </p>
          )}
          <Clock />
        </div>
      </header>
      {board ? (
        <main className="grid min-h-0 flex-1 grid-cols-2 gap-6 px-8 pb-8">
          <BoardColumn title="Getting your coat" testId="board-getting" count={board.getting.length}>
            {board.getting.map((ticketNumber) => (
              <li key={ticketNumber} className="font-black text-amber-200 tabular-nums">
                {ticketNumber}
              </li>
            ))}
          </BoardColumn>
          <BoardColumn title="Ready" testId="board-ready" count={board.ready.length} withRail>
            {board.ready.map((coat) => (
              <li key={coat.ticketNumber} className="flex items-baseline gap-3">
                <span className="font-black text-emerald-300 tabular-nums">{coat.ticketNumber}</span>
                {coat.railPosition !== null && (
                  <span className="text-[0.4em] font-semibold whitespace-nowrap text-neutral-200">{`rail ${coat.railPosition}`}</span>
                )}
              </li>
            ))}
          </BoardColumn>
        </main>
      ) : (
        <p role="status" className="m-auto text-3xl text-neutral-300">
          Connecting…
        </p>
      )}
    </BoardScreen>
  );
}

/**
 * Fewer numbers, bigger type: a handful reads from across the room, a rush (the venue's queue
 * cap, 20 by default) still fits a 1280×800 tablet. Ready numbers carry their rail place
 * beside them, so they take fewer to a row.
 */
function layoutFor(count: number, withRail: boolean) {
  if (count <= 4) return clsx("text-[min(11rem,15vh)]", withRail ? "grid-cols-1" : "grid-cols-1 xl:grid-cols-2");
  if (count <= 12) return clsx("text-[min(7rem,9vh)]", withRail ? "grid-cols-1 xl:grid-cols-2" : "grid-cols-2 xl:grid-cols-3");
  return clsx("text-[min(4.5rem,6vh)]", withRail ? "grid-cols-2 xl:grid-cols-3" : "grid-cols-3 xl:grid-cols-4");
}

function BoardColumn({
  title,
  testId,
  count,
  withRail = false,
  children,
}: {
  title: string;
  testId: string;
  count: number;
  withRail?: boolean;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={`${testId}-title`} className="flex min-h-0 flex-col rounded-3xl bg-neutral-900 p-6">
      <h2 id={`${testId}-title`} className="mb-4 text-[min(3.5rem,6vh)] leading-tight font-bold text-white">
        {title}
      </h2>
      <ul
        data-testid={testId}
        aria-live="polite"
        className={clsx("grid min-h-0 content-start gap-x-8 gap-y-2 overflow-hidden leading-none", layoutFor(count, withRail))}
      >
        {children}
      </ul>
    </section>
  );
}

function Clock() {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 10_000);
    return () => window.clearInterval(timer);
  }, []);
  return <p className="tabular-nums">{clockTime(now)}</p>;
}

function DeadLink() {
  return (
    <BoardScreen>
      <div role="alert" className="m-auto max-w-4xl px-8 text-center">
        <p className="text-[min(4.5rem,8vh)] leading-tight font-bold text-white">This board link no longer works</p>
        <p className="mt-6 text-[min(2.5rem,5vh)] text-neutral-300">Ask an admin for a new one.</p>
      </div>
    </BoardScreen>
  );
}

function BoardScreen({ children }: { children: ReactNode }) {
  return <div className="flex h-dvh flex-col overflow-hidden bg-neutral-950 text-white">{children}</div>;
}
