import type { RouterOutputs } from "@qrcoats/api";
import { fieldErrors, queryClient, trpc } from "@qrcoats/ui";
import { skipToken, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { BarList } from "../components/bar-list";
import { columnHelper, DataTable } from "../components/data-table";
import { CsvDownload } from "../components/csv-download";
import { duration, percent } from "../components/format";
import { Panel, QueryState } from "../components/panel";
import { PeriodFields, recentPeriod, usePeriod, type Period } from "../components/period";
import { useUrlFilters } from "../components/url-filters";
import { VenueSelect } from "../components/venue-select";
import { PageTitle } from "../layout";

type Entry = RouterOutputs["performance"]["leaderboard"][number];

const column = columnHelper<Entry>();
const number = (value: number | null) => (value === null ? "—" : value.toLocaleString());

/** The period is complete only when both ends parse; until then nothing is asked. */
const complete = (period: Partial<Period>): period is Period => period.from !== undefined && period.to !== undefined;

export function PerformancePage() {
  // The employee shown below the board is in the URL too: an employee's page links here with it.
  const [{ venue: venueId, employee: employeeId }, setFilters] = useUrlFilters({ venue: "", employee: "" });
  const { inputs, period } = usePeriod(recentPeriod(30 * 24));
  const ready = complete(period);
  const input = ready ? { venueId: venueId || undefined, from: period.from, to: period.to } : null;
  const board = useQuery(trpc.performance.leaderboard.queryOptions(input ?? skipToken));
  const [columns] = useState(() =>
    column.columns([
      column.accessor("rank", { header: "#" }),
      column.accessor("name", {
        header: "Employee",
        cell: (info) => (
          <button
            type="button"
            className="font-semibold text-indigo-700 underline-offset-4 hover:underline"
            onClick={() => setFilters({ employee: info.row.original.employeeId })}
          >
            {info.getValue()}
          </button>
        ),
      }),
      column.accessor("checkIns", { header: "Check-ins" }),
      column.accessor("checkOuts", { header: "Check-outs" }),
      column.accessor("scans", { header: "Scans" }),
      column.accessor("refusedScanRate", { header: "Refused", cell: (info) => percent(info.getValue()) }),
      column.accessor("shiftHours", { header: "Hours on duty", cell: (info) => number(info.getValue()) }),
      column.accessor("scansPerShiftHour", { header: "Scans / hour", cell: (info) => number(info.getValue()) }),
      column.accessor((entry) => `${entry.tasksDoneOnTime} of ${entry.tasksDone}`, { id: "tasks", header: "Tasks on time" }),
      column.accessor("fetches", { header: "Fetches" }),
      column.accessor("medianFetchSeconds", { header: "Median fetch", cell: (info) => duration(info.getValue()) }),
    ]),
  );
  return (
    <section className="flex flex-col gap-6">
      <PageTitle>Performance</PageTitle>
      <Panel
        title="Leaderboard"
        actions={
          <CsvDownload
            fileName="leaderboard.csv"
            fetchCsv={input && (() => queryClient.fetchQuery(trpc.performance.leaderboardCsv.queryOptions(input)))}
          />
        }
      >
        <div className="grid gap-3 sm:grid-cols-3">
          <VenueSelect value={venueId} onChange={(venue) => setFilters({ venue })} />
          <PeriodFields inputs={inputs} errors={fieldErrors(board.error)} />
        </div>
        {!ready ? (
          <p className="text-slate-700">Choose the start and end of the period.</p>
        ) : (
          <QueryState query={board} what="the leaderboard" isEmpty={(data) => data.length === 0} empty="Nobody worked in this period.">
            {(data) => (
              <>
                <BarList
                  title="Coats handled (check-ins + check-outs)"
                  rows={data.slice(0, 10).map((entry) => ({ label: entry.name, value: entry.checkIns + entry.checkOuts }))}
                />
                <DataTable columns={columns} data={data} caption="Leaderboard" testId="leaderboard-table" />
              </>
            )}
          </QueryState>
        )}
      </Panel>
      {employeeId && ready && <EmployeePerformance employeeId={employeeId} period={period} />}
    </section>
  );
}

function EmployeePerformance({ employeeId, period }: { employeeId: string; period: Period }) {
  const input = { employeeId, ...period };
  const metrics = useQuery(trpc.performance.employee.queryOptions(input));
  return (
    <Panel
      title={metrics.data ? `${metrics.data.name} in this period` : "One employee"}
      actions={
        <CsvDownload
          fileName="employee-performance.csv"
          fetchCsv={() => queryClient.fetchQuery(trpc.performance.employeeCsv.queryOptions(input))}
        />
      }
    >
      <QueryState query={metrics} what="their figures">
        {(data) => (
          <>
            <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="employee-metrics">
              {[
                ["Check-ins", number(data.checkIns)],
                ["Check-outs", number(data.checkOuts)],
                ["Scans", number(data.scans)],
                ["Refused scans", percent(data.refusedScanRate)],
                ["Hours on duty", number(data.shiftHours)],
                ["Scans per hour", number(data.scansPerShiftHour)],
                ["Tasks done", number(data.tasksDone)],
                ["Done on time", number(data.tasksDoneOnTime)],
                ["Coats fetched", number(data.fetches)],
                ["Median fetch", duration(data.medianFetchSeconds)],
              ].map(([label, value]) => (
                <div key={label} className="rounded-lg bg-slate-50 p-3">
                  <dt className="text-sm text-slate-700">{label}</dt>
                  <dd className="text-2xl font-bold text-slate-900 tabular-nums">{value}</dd>
                </div>
              ))}
            </dl>
            <BarList
              title="What they did"
              rows={[
                { label: "Check-ins", value: data.checkIns },
                { label: "Check-outs", value: data.checkOuts },
                { label: "Scans", value: data.scans },
                { label: "Tasks done", value: data.tasksDone },
              ]}
            />
          </>
        )}
      </QueryState>
    </Panel>
  );
}
