import type { RouterOutputs } from "@qrcoats/api";
import { clsx } from "clsx";

type Status = RouterOutputs["employee"]["list"]["items"][number]["status"];

export const STATUS_LABELS: Record<Status, string> = { INVITED: "Invited", ACTIVE: "Active", DEACTIVATED: "Deactivated" };

const TONES: Record<Status, string> = {
  INVITED: "bg-sky-50 text-sky-900 ring-sky-300",
  ACTIVE: "bg-emerald-50 text-emerald-900 ring-emerald-300",
  DEACTIVATED: "bg-slate-100 text-slate-800 ring-slate-300",
};

export function StatusBadge({ status }: { status: Status }) {
  return (
    <span className={clsx("inline-flex rounded-full px-2 py-0.5 text-xs font-semibold ring-1", TONES[status])}>
      {STATUS_LABELS[status]}
    </span>
  );
}
