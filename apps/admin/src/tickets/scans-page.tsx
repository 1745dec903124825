import type { RouterOutputs } from "@qrcoats/api";
import { Alert, errorMessage, fieldErrors, trpc } from "@qrcoats/ui";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { MorePages } from "../components/data-table";
import { SelectField } from "../components/fields";
import { Panel, QueryState } from "../components/panel";
import { PeriodFields, usePeriod } from "../components/period";
import { useUrlFilters } from "../components/url-filters";
import { VenueSelect } from "../components/venue-select";
import { PageTitle } from "../layout";
import { ScanTable } from "./scan-table";

/** The most recent live events kept on screen; the table above holds the rest. */
const LIVE_ROWS = 50;

/** Every counter attempt, refusals and their reasons included, newest first. */
export function ScansPage() {
  const [{ venue: venueId, employee: employeeId }, setFilters] = useUrlFilters({ venue: "", employee: "" });
  // The first hundred people, the API's largest page: enough to pick whose scans to see.
  const employees = useQuery(trpc.employee.list.queryOptions({ limit: 100 }));
  const { inputs, period } = usePeriod(null);
  const history = useInfiniteQuery(
    trpc.qr.history.infiniteQueryOptions(
      { venueId: venueId || undefined, employeeId: employeeId || undefined, from: period.from, to: period.to, limit: 50 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  return (
    <section className="flex flex-col gap-6">
      <PageTitle>Scan history</PageTitle>
      <Panel>
        <div className="grid gap-3 sm:grid-cols-2">
          <VenueSelect value={venueId} onChange={(venue) => setFilters({ venue })} />
          <SelectField label="Employee" value={employeeId} onChange={(event) => setFilters({ employee: event.target.value })}>
            <option value="">Everyone</option>
            {employees.data?.items.map((employee) => (
              <option key={employee.id} value={employee.id}>
                {employee.name}
              </option>
            ))}
          </SelectField>
          <PeriodFields inputs={inputs} errors={fieldErrors(history.error)} />
        </div>
        <QueryState query={history} what="scans" isEmpty={(data) => data.pages[0]!.items.length === 0} empty="No scans in this period.">
          {(data) => <ScanTable events={data.pages.flatMap((page) => page.items)} caption="Scan history" />}
        </QueryState>
        <MorePages query={history} />
      </Panel>
      {venueId && <LiveScans key={venueId} venueId={venueId} />}
    </section>
  );
}

type ScanEvent = RouterOutputs["qr"]["history"]["items"][number];

/** The venue's counters as they work: each event as it happens, newest on top. */
function LiveScans({ venueId }: { venueId: string }) {
  const [events, setEvents] = useState<ScanEvent[]>([]);
  const live = useSubscription(
    trpc.qr.liveScans.subscriptionOptions({ venueId }, { onData: ({ data }) => setEvents((seen) => [data, ...seen].slice(0, LIVE_ROWS)) }),
  );
  return (
    <Panel
      title="Live at this venue"
      actions={
        <span className="text-sm text-slate-700" data-testid="live-scans-status">
          {live.status === "pending" ? "Listening" : live.status === "error" ? "Live updates paused" : "Connecting…"}
        </span>
      }
    >
      {live.status === "error" && <Alert tone="error">{errorMessage(live.error)}</Alert>}
      <div aria-live="polite">
        {events.length === 0 ? (
          <p className="text-slate-700">Nothing yet: scans at this venue appear here as they happen.</p>
        ) : (
          <ScanTable events={events} caption="Live scans" testId="live-scan-table" />
        )}
      </div>
    </Panel>
  );
}
