import type { RouterOutputs } from "@qrcoats/api";
import { Alert, fieldErrors, queryClient, trpc } from "@qrcoats/ui";
import { skipToken, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { BarList } from "../components/bar-list";
import { CsvDownload } from "../components/csv-download";
import { dayTime, duration, money } from "../components/format";
import { Panel, QueryState } from "../components/panel";
import { PeriodFields, recentPeriod, usePeriod } from "../components/period";
import { TimeChart, type TimeSeries } from "../components/time-chart";
import { useUrlFilters } from "../components/url-filters";
import { useVenues, VenueSelect } from "../components/venue-select";
import { PageTitle } from "../layout";
import { PAYMENT_WORDS, refusalWords } from "../tickets/words";

type Report = RouterOutputs["qr"]["analytics"];

export function AnalyticsPage() {
  const venues = useVenues();
  const [{ venue: chosenVenueId }, setFilters] = useUrlFilters({ venue: "" });
  const venueId = chosenVenueId || venues.data?.items[0]?.id || "";
  const { inputs, period } = usePeriod(recentPeriod(24));
  const input = venueId && period.from && period.to ? { venueId, from: period.from, to: period.to } : null;
  const report = useQuery(trpc.qr.analytics.queryOptions(input ?? skipToken));
  return (
    <section className="flex flex-col gap-6">
      <PageTitle>Analytics</PageTitle>
      <Panel
        title="Venue and period"
        actions={
          <CsvDownload
            fileName="analytics.csv"
            fetchCsv={input && (() => queryClient.fetchQuery(trpc.qr.analyticsCsv.queryOptions(input)))}
          />
        }
      >
        <div className="grid gap-3 sm:grid-cols-3">
          <VenueSelect value={venueId} onChange={(venue) => setFilters({ venue })} anyLabel={null} />
          <PeriodFields inputs={inputs} errors={fieldErrors(report.error)} />
        </div>
      </Panel>
      {venues.data?.items.length === 0 ? (
        <Alert tone="info">Add a venue first: analytics are per venue.</Alert>
      ) : !input ? (
        <p className="text-slate-700">Choose a venue and a period.</p>
      ) : (
        <QueryState query={report} what="analytics">
          {(data) => <ReportView report={data} />}
        </QueryState>
      )}
    </section>
  );
}

/** Beside what was taken, what was not: coats handed back unpaid (each with its reason in its history) and unpaid coats still here. */
function UnpaidView({ unpaid, currency }: { unpaid: Report["revenue"]["unpaid"]; currency: string }) {
  const coats = (count: number) => `${count.toLocaleString()} coat${count === 1 ? "" : "s"}`;
  return (
    <table className="mt-3 w-full text-left text-sm" data-testid="unpaid">
      <caption className="text-left font-semibold text-slate-900">Not paid</caption>
      <tbody>
        <tr className="border-t border-slate-200 tabular-nums">
          <th scope="row" className="py-1 font-normal text-slate-700">
            Handed back unpaid
          </th>
          <td>{coats(unpaid.handedBack.tickets)}</td>
          <td className="text-right font-semibold">{money(unpaid.handedBack.amountCents, currency)}</td>
        </tr>
        <tr className="border-t border-slate-200 tabular-nums">
          <th scope="row" className="py-1 font-normal text-slate-700">
            Still on the racks, unpaid
          </th>
          <td>{coats(unpaid.stillOnRacks.tickets)}</td>
          <td className="text-right font-semibold">{money(unpaid.stillOnRacks.amountCents, currency)}</td>
        </tr>
      </tbody>
    </table>
  );
}

function ReportView({ report }: { report: Report }) {
  const { currency } = report.revenue;
  const times = useMemo(() => report.hourly.map((hour) => hour.hourStart), [report]);
  // Occupancy is counted at the end of each hour, so it is drawn there.
  const hourEnds = useMemo(() => report.hourly.map((hour) => new Date(hour.hourStart.getTime() + 3600_000)), [report]);
  const flow = useMemo<TimeSeries[]>(
    () => [
      { label: "Check-ins", values: report.hourly.map((hour) => hour.checkIns), color: "#4f46e5", style: "bars" },
      { label: "Check-outs", values: report.hourly.map((hour) => hour.checkOuts), color: "#059669", style: "bars" },
    ],
    [report],
  );
  const occupancy = useMemo<TimeSeries[]>(
    () => [{ label: "Coats on the racks", values: report.hourly.map((hour) => hour.occupancy), color: "#d97706", style: "line" }],
    [report],
  );
  const figures: [string, string][] = [
    ["Check-ins", report.totals.checkIns.toLocaleString()],
    ["Check-outs", report.totals.checkOuts.toLocaleString()],
    ["Peak occupancy", `${report.peakOccupancy.count} at ${dayTime(report.peakOccupancy.at)}`],
    ["Average stay", report.stay.meanMinutes === null ? "—" : `${report.stay.meanMinutes} min`],
    ["Median stay", report.stay.medianMinutes === null ? "—" : `${report.stay.medianMinutes} min`],
    ["Refused scans", report.totals.refusedScans.toLocaleString()],
    ["Revenue", money(report.revenue.totalCents, currency)],
    ["Handed back unpaid", money(report.revenue.unpaid.handedBack.amountCents, currency)],
  ];
  return (
    <div className="flex flex-col gap-6" data-testid="analytics-report">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {figures.map(([label, value]) => (
          <div key={label} className="rounded-xl bg-white p-3 shadow-sm ring-1 ring-slate-200">
            <dt className="text-sm text-slate-700">{label}</dt>
            <dd className="text-xl font-bold text-slate-900 tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      <Panel title="Check-ins and check-outs per hour">
        <TimeChart title="Check-ins and check-outs per hour" times={times} series={flow} timezone={report.venue.timezone} />
      </Panel>
      <Panel title="Occupancy over time">
        <TimeChart
          title="Coats on the racks at the end of each hour"
          times={hourEnds}
          series={occupancy}
          timezone={report.venue.timezone}
        />
        <details>
          <summary className="cursor-pointer text-sm font-semibold text-indigo-700">The figures per hour</summary>
          <table className="mt-2 w-full text-left text-sm">
            <thead>
              <tr>
                <th scope="col">Hour ({report.venue.timezone})</th>
                <th scope="col">Check-ins</th>
                <th scope="col">Check-outs</th>
                <th scope="col">On the racks</th>
              </tr>
            </thead>
            <tbody>
              {report.hourly.map((hour) => (
                <tr key={hour.localHour} className="border-t border-slate-200 tabular-nums">
                  <td>{hour.localHour}</td>
                  <td>{hour.checkIns}</td>
                  <td>{hour.checkOuts}</td>
                  <td>{hour.occupancy}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </Panel>
      <div className="grid gap-6 md:grid-cols-2">
        <Panel title="Refused scans">
          {report.refusalsByReason.length === 0 ? (
            <p className="text-slate-700">No scan was refused.</p>
          ) : (
            <BarList
              title="By reason"
              rows={report.refusalsByReason.map((row) => ({ label: refusalWords(row.reason), value: row.count }))}
            />
          )}
        </Panel>
        <Panel title="Revenue">
          {report.revenue.byPaymentStatus.length === 0 ? (
            <p className="text-slate-700">No payment recorded.</p>
          ) : (
            <BarList
              title={`By payment, ${currency}`}
              rows={report.revenue.byPaymentStatus.map((row) => ({
                label: `${PAYMENT_WORDS[row.paymentStatus] ?? row.paymentStatus} (${row.tickets})`,
                value: row.amountCents,
              }))}
              format={(cents) => money(cents, currency)}
            />
          )}
          <UnpaidView unpaid={report.revenue.unpaid} currency={currency} />
        </Panel>
      </div>
      <ExitView report={report} />
      <Panel title="Busiest attendants">
        {report.attendants.length === 0 ? (
          <p className="text-slate-700">Nobody scanned here in this period.</p>
        ) : (
          <BarList
            title="Check-ins and check-outs"
            rows={report.attendants.map((person) => ({ label: person.name, value: person.checkIns + person.checkOuts }))}
          />
        )}
      </Panel>
    </div>
  );
}

const waitPair = (wait: { medianSeconds: number | null; p90Seconds: number | null }) =>
  `${duration(wait.medianSeconds)} / ${duration(wait.p90Seconds)}`;

/** The closing rush: how long guests waited for their coat, how long the queue grew, who fetched. */
function ExitView({ report }: { report: Report }) {
  const { exit } = report;
  const times = useMemo(() => exit.queueByHour.map((hour) => hour.hourStart), [exit]);
  const queue = useMemo<TimeSeries[]>(
    () => [{ label: "Open requests", values: exit.queueByHour.map((hour) => hour.maxOpenRequests), color: "#0891b2", style: "bars" }],
    [exit],
  );
  return (
    <Panel title="Exit">
      {exit.nights.length === 0 ? (
        <p className="text-slate-700">No pickup requests in this period.</p>
      ) : (
        <div className="flex flex-col gap-6" data-testid="exit-section">
          <p className="text-sm text-slate-700">
            Waits are median / 90th percentile, counted from the time the guest wanted the coat (now, or 5 or 10 minutes after asking). A
            night runs from the venue&apos;s opening time.
          </p>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm whitespace-nowrap [&_td]:pr-4 [&_th]:pr-4">
              <caption className="sr-only">Per night</caption>
              <thead>
                <tr>
                  <th scope="col">Night</th>
                  <th scope="col">Requests</th>
                  <th scope="col">Collected</th>
                  <th scope="col">Cancelled</th>
                  <th scope="col">Uncollected</th>
                  <th scope="col">To ready</th>
                  <th scope="col">To collected</th>
                </tr>
              </thead>
              <tbody>
                {exit.nights.map((night) => (
                  <tr key={night.night} className="border-t border-slate-200 whitespace-nowrap tabular-nums">
                    <th scope="row" className="pr-3 font-semibold">
                      {night.night}
                    </th>
                    <td>{night.requests}</td>
                    <td>{night.collected}</td>
                    <td>{night.cancelled}</td>
                    <td>{night.uncollected}</td>
                    <td className="pr-3">{waitPair(night.dueToReady)}</td>
                    <td>{waitPair(night.dueToCollected)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="flex flex-col gap-2">
            <h3 className="text-sm font-semibold text-slate-800">Queue: most requests open at once, per hour</h3>
            <TimeChart title="Most requests open at once, per hour" times={times} series={queue} timezone={report.venue.timezone} />
            <details>
              <summary className="cursor-pointer text-sm font-semibold text-indigo-700">The hours with a queue</summary>
              <table className="mt-2 w-full text-left text-sm">
                <thead>
                  <tr>
                    <th scope="col">Hour ({report.venue.timezone})</th>
                    <th scope="col">Most open at once</th>
                  </tr>
                </thead>
                <tbody>
                  {exit.queueByHour
                    .filter((hour) => hour.maxOpenRequests > 0)
                    .map((hour) => (
                      <tr key={hour.localHour} className="border-t border-slate-200 tabular-nums">
                        <td>{hour.localHour}</td>
                        <td>{hour.maxOpenRequests}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </details>
          </div>
          {exit.attendants.length === 0 ? (
            <p className="text-slate-700">No coat was fetched to the rail.</p>
          ) : (
            <BarList
              title="Coats fetched to the rail, per attendant (median fetch)"
              rows={exit.attendants.map((person) => ({
                label: `${person.name} (${duration(person.medianFetchSeconds)})`,
                value: person.fetches,
              }))}
            />
          )}
        </div>
      )}
    </Panel>
  );
}
