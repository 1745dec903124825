import type { RouterInputs, RouterOutputs } from "@qrcoats/api";
import { fieldErrors, trpc } from "@qrcoats/ui";
import { useInfiniteQuery } from "@tanstack/react-query";
import { columnHelper, DataTable, MorePages } from "../components/data-table";
import { SelectField } from "../components/fields";
import { dayTime } from "../components/format";
import { Panel, QueryState } from "../components/panel";
import { PeriodFields, usePeriod } from "../components/period";
import { isOneOf, useUrlFilters } from "../components/url-filters";
import { PageTitle } from "../layout";

type AuditEvent = RouterOutputs["audit"]["list"]["items"][number];
type AuditType = NonNullable<Exclude<RouterInputs["audit"]["list"], void | undefined>["type"]>;

const TYPE_WORDS: Record<AuditType, string> = {
  USER_REGISTERED: "Account created",
  SIGN_IN: "Signed in",
  SIGN_IN_FAILED: "Sign-in failed",
  SIGN_IN_RATE_LIMITED: "Sign-in blocked (too many failures)",
  SIGN_OUT: "Signed out",
  TOKEN_ISSUED: "API token issued",
  TOKEN_REFRESHED: "API token refreshed",
  REFRESH_TOKEN_REUSED: "Refresh token reused: session revoked",
  SESSIONS_REVOKED: "Signed out everywhere",
  PASSWORD_CHANGED: "Password changed",
  PASSWORD_RESET_REQUESTED: "Password reset asked for",
  PASSWORD_RESET: "Password reset",
  ORGANIZATION_CREATED: "Organization created",
  INVITATION_DECLINED: "Invitation declined",
  CROSS_ORIGIN_REFUSED: "Cross-site request refused",
  EMPLOYEE_INVITED: "Employee invited",
  INVITATION_RESENT: "Invitation resent",
  INVITATION_LINK_COPIED: "Invitation link copied",
  INVITATION_ACCEPTED: "Invitation accepted",
  EMPLOYEE_UPDATED: "Employee changed",
  EMPLOYEE_DEACTIVATED: "Employee deactivated",
  EMPLOYEE_REACTIVATED: "Employee reactivated",
  GUEST_LINK_CREATED: "Poster link made",
  GUEST_LINK_REPLACED: "Poster link replaced",
  GUEST_LINK_REMOVED: "Poster link removed",
};

/** Events an admin should notice at a glance. */
const ALARMING = new Set<string>(["SIGN_IN_FAILED", "SIGN_IN_RATE_LIMITED", "REFRESH_TOKEN_REUSED", "CROSS_ORIGIN_REFUSED"]);

const column = columnHelper<AuditEvent>();
const columns = column.columns([
  column.accessor("occurredAt", { header: "When", cell: (info) => <span className="whitespace-nowrap">{dayTime(info.getValue())}</span> }),
  column.accessor("type", {
    header: "Event",
    cell: (info) => (
      <span className={ALARMING.has(info.getValue()) ? "font-semibold text-red-800" : ""}>
        {TYPE_WORDS[info.getValue()] ?? info.getValue()}
      </span>
    ),
  }),
  column.accessor((event) => event.user?.name ?? "—", { id: "user", header: "Person" }),
  column.accessor("email", { header: "Email", cell: (info) => info.getValue() ?? "—" }),
  column.accessor("ipAddress", { header: "Address", cell: (info) => info.getValue() ?? "—" }),
  column.accessor("userAgent", {
    header: "Device",
    cell: (info) => <span className="line-clamp-1 max-w-64 break-all text-slate-700">{info.getValue() ?? "—"}</span>,
  }),
]);

export function AuditPage() {
  const [filters, setFilters] = useUrlFilters({ type: "" });
  const type = isOneOf(filters.type, TYPE_WORDS) ? filters.type : "";
  const { inputs, period } = usePeriod(null);
  const events = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { type: type || undefined, from: period.from, to: period.to, limit: 50 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  return (
    <section className="flex flex-col gap-6">
      <PageTitle>Audit log</PageTitle>
      <Panel>
        <div className="grid gap-3 sm:grid-cols-3">
          <SelectField label="Event" value={type} onChange={(event) => setFilters({ type: event.target.value })}>
            <option value="">Every event</option>
            {Object.entries(TYPE_WORDS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <PeriodFields inputs={inputs} errors={fieldErrors(events.error)} />
        </div>
        <QueryState
          query={events}
          what="the audit log"
          isEmpty={(data) => data.pages[0]!.items.length === 0}
          empty="No events in this period."
        >
          {(data) => (
            <DataTable
              columns={columns}
              data={data.pages.flatMap((page) => page.items)}
              caption="Audit log"
              testId="audit-table"
              rowClassName={(event) => (ALARMING.has(event.type) ? "bg-red-50" : "")}
            />
          )}
        </QueryState>
        <MorePages query={events} />
      </Panel>
    </section>
  );
}
