import { clsx } from "clsx";
import { Link } from "wouter";
import { clockTime } from "../../format";
import { useSyncStatus } from "./use-device";

const actions = (count: number) => `${count} action${count === 1 ? "" : "s"}`;

/** What the counter may still do with no network: its own free slots and walk-in tickets. */
export type Readiness = { hangers: number; shelves: number | null; walkIns: number };

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Where the counter stands with the server, always in view: online, offline since when, what
 * waits — and what it holds for the network going, so a counter with no hooks of its own is
 * known before a guest is waiting.
 */
export function SyncStatus({ waiting, readiness }: { waiting: number; readiness: Readiness | null }) {
  const status = useSyncStatus();
  const [text, tone] =
    status.phase === "signedOut"
      ? [`Signed out · sign in again to send ${actions(waiting)} waiting`, "bg-red-100 text-red-950 ring-red-300"]
      : status.phase === "offline"
        ? [
            `Offline${status.offlineSince ? ` since ${clockTime(status.offlineSince)}` : ""} · ${actions(waiting)} waiting`,
            "bg-amber-100 text-amber-950 ring-amber-300",
          ]
        : status.phase === "sending" && waiting > 0
          ? [`Sending ${actions(waiting)}…`, "bg-sky-100 text-sky-950 ring-sky-300"]
          : [
              `Online · ${status.lastSyncedAt ? `synced ${clockTime(status.lastSyncedAt)}` : "not synced yet"}${waiting > 0 ? ` · ${actions(waiting)} waiting` : ""}`,
              "bg-emerald-50 text-emerald-950 ring-emerald-300",
            ];
  return (
    <div className={clsx("flex min-h-11 flex-wrap items-center justify-between gap-2 rounded-xl px-3 py-2 ring-1", tone)}>
      <p role="status" data-testid="sync-status" className="text-sm font-semibold">
        {text}
      </p>
      {status.phase === "signedOut" && (
        <Link href={`/signin?next=${encodeURIComponent("/counter")}`} className="text-sm font-bold underline underline-offset-4">
          Sign in
        </Link>
      )}
      {status.problem && <p className="w-full text-sm">{status.problem}</p>}
      {readiness && (
        <p data-testid="offline-readiness" className={clsx("w-full text-sm", readiness.hangers === 0 && "font-semibold")}>
          {readiness.hangers === 0
            ? "No hooks of this counter's own are free: with no network it cannot check coats in."
            : `For no network: ${count(readiness.hangers, "hook", "hooks")}${
                readiness.shelves !== null ? `, ${count(readiness.shelves, "shelf", "shelves")}` : ""
              }, ${count(readiness.walkIns, "walk-in ticket", "walk-in tickets")}.`}
        </p>
      )}
    </div>
  );
}
