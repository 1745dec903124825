import type { RouterOutputs } from "@qrcoats/api";
import { Alert, Button, errorMessage, trpc } from "@qrcoats/ui";
import { clsx } from "clsx";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Link } from "wouter";
import { columnHelper, DataTable, MorePages } from "../components/data-table";
import { SelectField } from "../components/fields";
import { dayTime } from "../components/format";
import { Panel, QueryState } from "../components/panel";
import { isOneOf, useUrlFilters } from "../components/url-filters";
import { CopyInvitationLink } from "../employees/invitation-link";
import { PageTitle } from "../layout";
import { DeliveryNotice } from "./delivery-notice";

type Message = RouterOutputs["messages"]["list"]["items"][number];
type Status = Message["status"];

const STATUS_WORDS: Record<Status, string> = { PENDING: "Waiting to send", SENT: "Sent", FAILED: "Failed" };
const STATUS_TONES: Record<Status, string> = {
  PENDING: "bg-amber-50 text-amber-900 ring-amber-300",
  SENT: "bg-emerald-50 text-emerald-900 ring-emerald-300",
  FAILED: "bg-red-50 text-red-900 ring-red-300",
};
const TEMPLATE_WORDS: Record<string, string> = {
  "employee-invitation": "Invitation",
  "password-reset": "Password reset",
  "forgotten-items": "Forgotten coat",
};
const VIA_WORDS: Record<string, string> = { smtp: "by email", "local-mailbox": "to the local mailbox" };

const column = columnHelper<Message>();
const columns = column.columns([
  column.accessor("createdAt", { header: "When", cell: (info) => <span className="whitespace-nowrap">{dayTime(info.getValue())}</span> }),
  column.accessor((message) => message, {
    id: "to",
    header: "To",
    cell: (info) => {
      const message = info.getValue();
      if (message.to) return <span className="break-all">{message.to}</span>;
      return <span className="text-slate-700">A guest{message.ticketNumber != null ? ` (ticket ${message.ticketNumber})` : ""}</span>;
    },
  }),
  column.accessor((message) => message, {
    id: "what",
    header: "Message",
    cell: (info) => (
      <span className="flex flex-col">
        <span className="font-semibold">{TEMPLATE_WORDS[info.getValue().template] ?? info.getValue().template}</span>
        <span className="text-slate-700">{info.getValue().subject}</span>
      </span>
    ),
  }),
  column.accessor((message) => message, { id: "status", header: "Status", cell: (info) => <MessageStatus message={info.getValue()} /> }),
  column.accessor((message) => message, { id: "actions", header: "", cell: (info) => <MessageActions message={info.getValue()} /> }),
]);

function MessageStatus({ message }: { message: Message }) {
  return (
    <span className="flex flex-col gap-1">
      <span className={clsx("inline-flex self-start rounded-full px-2 py-0.5 text-xs font-semibold ring-1", STATUS_TONES[message.status])}>
        {STATUS_WORDS[message.status]}
      </span>
      {message.status === "SENT" && message.deliveredAt && (
        <span className="text-xs text-slate-700">
          {dayTime(message.deliveredAt)} {message.deliveredVia ? (VIA_WORDS[message.deliveredVia] ?? message.deliveredVia) : ""}
        </span>
      )}
      {message.status !== "SENT" && message.lastError && <span className="max-w-72 text-xs break-words text-red-800">{message.lastError}</span>}
      {message.status === "PENDING" && message.nextAttemptAt && message.attempts > 0 && (
        <span className="text-xs text-slate-700">
          Try {message.attempts + 1} at {dayTime(message.nextAttemptAt)}
        </span>
      )}
    </span>
  );
}

function MessageActions({ message }: { message: Message }) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.messages.list.pathKey() });
  const retry = useMutation(trpc.messages.retry.mutationOptions({ onSuccess: refresh }));
  const resend = useMutation(trpc.employee.resendInvitation.mutationOptions({ onSuccess: refresh }));
  const invitation = message.template === "employee-invitation" && message.employeeId;
  const failed = retry.error ?? resend.error;
  return (
    <div className="flex min-w-44 flex-col items-start gap-2">
      {message.status !== "SENT" && (
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
            <DataTable
              columns={columns}
              data={data.pages.flatMap((page) => page.items)}
              caption="Messages"
              testId="messages-table"
              rowClassName={(message) => (message.status === "FAILED" ? "bg-red-50" : "")}
            />
          )}
        </QueryState>
        <MorePages query={messages} />
      </Panel>
    </section>
  );
}
