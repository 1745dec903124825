import type { RouterOutputs } from "@qrcoats/api";
import { Alert, applyApiError, Button, errorMessage, FormError, QrImage, TextField, trpc } from "@qrcoats/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { clsx } from "clsx";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { dayTime } from "../components/format";
import { Panel, QueryState } from "../components/panel";

type Board = RouterOutputs["pickup"]["boards"][number];
type MadeBoard = RouterOutputs["pickup"]["createBoard"];

/**
 * Pickup board links (docs/pickup.md): a screen by the counter opens one and shows the
 * "getting" and "ready" ticket numbers. The server keeps only a hash of a link's secret, so
 * a new link is shown here once; a lost one is revoked and replaced.
 */
export function PickupBoardsPanel({ venueId }: { venueId: string }) {
  const boards = useQuery(trpc.pickup.boards.queryOptions({ venueId }));
  const [made, setMade] = useState<MadeBoard | null>(null);
  return (
    <Panel title="Pickup boards">
      <p className="text-sm text-slate-700">
        A screen by the counter opens its board link and shows which ticket numbers are being fetched and which are ready. It shows numbers
        only, never names.
      </p>
      {made ? <NewBoardLink board={made} onDone={() => setMade(null)} /> : <NewBoardForm venueId={venueId} onMade={setMade} />}
      <QueryState
        query={boards}
        what="pickup boards"
        isEmpty={(data) => data.length === 0}
        empty="No board links yet: make one for each screen by the counter."
      >
        {(data) => (
          <ul className="flex flex-col divide-y divide-slate-200" aria-label="Board links">
            {data.map((board) => (
              <BoardRow key={board.id} board={board} />
            ))}
          </ul>
        )}
      </QueryState>
    </Panel>
  );
}

function NewBoardForm({ venueId, onMade }: { venueId: string; onMade: (board: MadeBoard) => void }) {
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.pickup.createBoard.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.pickup.boards.pathKey() }) }),
  );
  const form = useForm({ defaultValues: { label: "" } });
  return (
    <form
      noValidate
      aria-label="Make a board link"
      className="grid items-start gap-3 sm:grid-cols-[1fr_auto]"
      onSubmit={form.handleSubmit(async ({ label }) => {
        try {
          onMade(await create.mutateAsync({ venueId, label }));
        } catch (error) {
          applyApiError(form, error);
        }
      })}
    >
      <div className="sm:col-span-2">
        <FormError form={form} />
      </div>
      <TextField
        label="Screen name"
        hint="Which screen shows it, such as “Main counter”."
        maxLength={60}
        error={form.formState.errors.label?.message}
        {...form.register("label", { required: "Name the screen, e.g. “Main counter”." })}
      />
      <Button type="submit" className="sm:mt-6" busy={form.formState.isSubmitting}>
        Make a board link
      </Button>
    </form>
  );
}

/** The link with its secret, this once: copy it, or scan its QR with the screen's device. */
function NewBoardLink({ board, onDone }: { board: MadeBoard; onDone: () => void }) {
  const [copied, setCopied] = useState<"copied" | "failed" | null>(null);
  return (
    <section
      aria-label={`New board link for ${board.label}`}
      className="flex flex-col gap-3 rounded-lg border border-amber-300 bg-amber-50 p-4"
    >
      <h3 className="font-semibold text-slate-900">Board link for “{board.label}”</h3>
      <p className="text-sm font-medium text-amber-900">
        This link is shown only now: it will not be shown again. Copy it or scan the code on the screen’s device. Lost, revoke it and make
        another.
      </p>
      <label className="flex flex-col gap-1 text-sm text-slate-800">
        Board link
        <input
          readOnly
          value={board.link}
          className="min-h-11 rounded-lg border border-slate-300 bg-white px-3 font-mono text-xs text-slate-900"
          onFocus={(event) => event.target.select()}
        />
      </label>
      <div className="flex flex-wrap items-center gap-3">
        <Button
          variant="secondary"
          size="sm"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(board.link);
              setCopied("copied");
            } catch {
              // No clipboard (an insecure origin, a refused permission): the field above selects it to copy by hand.
              setCopied("failed");
            }
          }}
        >
          Copy link
        </Button>
        <Button size="sm" onClick={onDone}>
          Done, I have it
        </Button>
        {copied && (
          <span role="status" className="text-sm text-slate-800">
            {copied === "copied" ? "Copied." : "Copying is not allowed here: select the link and copy it by hand."}
          </span>
        )}
      </div>
      <QrImage url={board.link} label={`QR code of the board link for ${board.label}`} className="max-w-48 rounded-lg p-2" />
    </section>
  );
}

function BoardRow({ board }: { board: Board }) {
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.pickup.revokeBoard.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.pickup.boards.pathKey() }) }),
  );
  const [confirming, setConfirming] = useState(false);
  const revoked = board.revokedAt !== null;
  return (
    <li className="flex flex-col gap-2 py-3" aria-label={board.label}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className={clsx("font-semibold", revoked ? "text-slate-600 line-through" : "text-slate-900")}>{board.label}</span>
        <span
          className={clsx(
            "rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset",
            revoked ? "bg-slate-100 text-slate-800 ring-slate-300" : "bg-emerald-50 text-emerald-800 ring-emerald-300",
          )}
        >
          {revoked ? "Revoked" : "Active"}
        </span>
        <span className="text-sm text-slate-700">
          Made {dayTime(board.createdAt)}
          {board.revokedAt && ` · revoked ${dayTime(board.revokedAt)}`}
        </span>
        {!revoked && !confirming && (
          <Button variant="ghost" size="sm" className="ml-auto" onClick={() => setConfirming(true)}>
            Revoke…
          </Button>
        )}
      </div>
      {confirming && !revoked && (
        <div
          role="group"
          aria-label={`Revoke ${board.label}`}
          className="flex flex-col gap-2 rounded-lg border border-red-200 bg-red-50 p-3"
        >
          <p className="text-sm text-red-900">
            Revoke “{board.label}”? Its screen goes blank within seconds and the link stops working for good.
          </p>
          <div className="flex flex-wrap gap-2">
            <Button variant="danger" size="sm" busy={revoke.isPending} onClick={() => revoke.mutate({ boardId: board.id })}>
              Revoke the link
            </Button>
            <Button variant="secondary" size="sm" onClick={() => setConfirming(false)}>
              Keep it
            </Button>
          </div>
        </div>
      )}
      {revoke.error && <Alert tone="error">{errorMessage(revoke.error)}</Alert>}
    </li>
  );
}
