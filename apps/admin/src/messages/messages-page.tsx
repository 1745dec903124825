import type { RouterOutputs } from "@qrcoats/api";
import { Alert, Button, errorMessage, trpc } from "@qrcoats/ui";
import { clsx } from "clsx";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Link } from "wouter";
import { MorePages } from "../components/data-table";
import { SelectField } from "../components/fields";
import { dayTime } from "../components/format";
import { Panel, QueryState } from "../components/panel";
import { isOneOf, useUrlFilters } from "../components/url-filters";
import { CopyInvitationLink } from "../employees/invitation-link";
import { PageTitle } from "../layout";
import { DeliveryNotice } from "./delivery-notice";

type Message = RouterOutputs["messages"]["list"]["items"][number];
type Status = Message["status"];

const STATUS_WORDS: Record<Status, string> = { PENDING: "Waiting to send", SENT: "Sent", FAILED: "Failed", WITHDRAWN: "Not needed" };
const STATUS_TONES: Record<Status, string> = {
  PENDING: "bg-amber-50 text-amber-900 ring-amber-300",
  SENT: "bg-emerald-50 text-emerald-900 ring-emerald-300",
  FAILED: "bg-red-50 text-red-900 ring-red-300",
  // Nothing went wrong: a later change (a newer link, an accepted invitation) made it useless.
  WITHDRAWN: "bg-slate-100 text-slate-800 ring-slate-300",
};
const TEMPLATE_WORDS: Record<string, string> = {
  "employee-invitation": "Invitation",
  "password-reset": "Password reset",
  "forgotten-items": "Forgotten coat",
};
const VIA_WORDS: Record<string, string> = { smtp: "by email", "local-mailbox": "to the local mailbox" };

/** One message as a card: a table of five columns does not fit a phone, and admins check messages on theirs. */
function MessageCard({ message }: { message: Message }) {
  return (
    <li
      className={clsx(
        "flex flex-col gap-3 rounded-lg p-3 ring-1 sm:flex-row sm:items-start sm:justify-between",
        message.status === "FAILED" ? "bg-red-50 ring-red-200" : "ring-slate-200",
      )}
    >
      <div className="flex min-w-0 flex-col gap-1">
        <p className="flex flex-wrap items-center gap-2">
          <span className="font-semibold">{TEMPLATE_WORDS[message.template] ?? message.template}</span>
          <span className="text-sm text-slate-700">{dayTime(message.createdAt)}</span>
        </p>
        <p className="break-words">
          {message.to ?? (
            <span className="text-slate-700">A guest{message.ticketNumber != null ? ` (ticket ${message.ticketNumber})` : ""}</span>
          )}
        </p>
        <p className="text-sm text-slate-700">{message.subject}</p>
        <MessageStatus message={message} />
      </div>
      <MessageActions message={message} />
    </li>
  );
}

function MessageStatus({ message }: { message: Message }) {
  return (
    <div className="flex flex-col gap-1 text-sm">
      <p className="flex flex-wrap items-center gap-2">
        <span className={clsx("inline-flex rounded-full px-2 py-0.5 text-xs font-semibold ring-1", STATUS_TONES[message.status])}>
          {STATUS_WORDS[message.status]}
        </span>
        {message.status === "SENT" && message.deliveredAt && (
          <span className="text-slate-700">
            {dayTime(message.deliveredAt)} {message.deliveredVia ? (VIA_WORDS[message.deliveredVia] ?? message.deliveredVia) : ""}
          </span>
        )}
        {message.status === "PENDING" && message.nextAttemptAt && message.attempts > 0 && (
          <span className="text-slate-700">
            try {message.attempts + 1} at {dayTime(message.nextAttemptAt)}
          </span>
        )}
      </p>
      {message.status !== "SENT" && message.lastError && (
        <p className={clsx("break-words", message.status === "WITHDRAWN" ? "text-slate-700" : "text-red-800")}>{message.lastError}</p>
      )}
    </div>
  );
}

function MessageActions({ message }: { message: Message }) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.messages.list.pathKey() });
  const retry = useMutation(trpc.messages.retry.mutationOptions({ onSuccess: refresh }));
  const resend = useMutation(trpc.employee.resendInvitation.mutationOptions({ onSuccess: refresh }));
  // A withdrawn invitation was accepted or replaced: nothing to send or copy for it.
  const invitation = message.template === "employee-invitation" && message.employeeId && message.status !== "WITHDRAWN";
  const failed = retry.error ?? resend.error;
  return (
    <div className="flex shrink-0 flex-col items-start gap-2 sm:w-56">
      {message.retryable && (
        <Button size="sm" variant="secondary" busy={retry.isPending} onClick={() => retry.mutate({ id: message.id })}>
          Send now
        </Button>
      )}
      {invitation && message.employeeId && (
        <>
          <Button size="sm" variant="secondary" busy={resend.isPending} onClick={() => resend.mutate({ employeeId: message.employeeId! })}>
            Resend invitation
          </Button>
          <CopyInvitationLink employeeId={message.employeeId} name={message.to ?? "them"} />
          <Link href={`/employees/${message.employeeId}`} className="text-sm text-indigo-700 underline-offset-4 hover:underline">
            Their staff record
          </Link>
        </>
      )}
      {failed && <Alert tone="error">{errorMessage(failed)}</Alert>}
    </div>
  );
}

export function MessagesPage() {
  const [filters, setFilters] = useUrlFilters({ status: "" });
  const status = isOneOf(filters.status, STATUS_WORDS) ? filters.status : "";
  const messages = useInfiniteQuery(
    trpc.messages.list.infiniteQueryOptions(
      { status: status || undefined, limit: 50 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined, refetchInterval: 10_000 },
    ),
  );
  return (
    <section className="flex flex-col gap-6">
      <PageTitle>Messages</PageTitle>
      <DeliveryNotice />
      <Panel>
        <p className="text-sm text-slate-700">
          Invitations, password resets and forgotten-coat notices sent to your people and guests. Links never show here: they live only in
          the email.
        </p>
        <div className="grid gap-3 sm:grid-cols-3">
          <SelectField label="Status" value={status} onChange={(event) => setFilters({ status: event.target.value })}>
            <option value="">Every message</option>
            {Object.entries(STATUS_WORDS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
        </div>
        <QueryState query={messages} what="the messages" isEmpty={(data) => data.pages[0]!.items.length === 0} empty="No messages yet.">
          {(data) => (
            <ul className="flex flex-col gap-3" aria-label="Messages" data-testid="messages-list">
              {data.pages
                .flatMap((page) => page.items)
                .map((message) => (
                  <MessageCard key={message.id} message={message} />
                ))}
            </ul>
          )}
        </QueryState>
        <MorePages query={messages} />
      </Panel>
    </section>
  );
}
