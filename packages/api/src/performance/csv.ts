import { stringify } from "csv-stringify/sync";
import type { LeaderboardEntry, Period, PerformanceMetrics } from "./metrics";

const METRIC_COLUMNS = [
  { key: "employeeId", header: "employee_id" },
  { key: "name", header: "name" },
  { key: "from", header: "from" },
  { key: "to", header: "to" },
  { key: "checkIns", header: "check_ins" },
  { key: "checkOuts", header: "check_outs" },
  { key: "scans", header: "scans" },
  { key: "refusedScanRate", header: "refused_scan_rate" },
  { key: "shiftHours", header: "shift_hours" },
  { key: "scansPerShiftHour", header: "scans_per_shift_hour" },
  { key: "tasksDone", header: "tasks_done" },
  { key: "tasksDoneOnTime", header: "tasks_done_on_time" },
  { key: "fetches", header: "fetches" },
  { key: "medianFetchSeconds", header: "median_fetch_seconds" },
];

/**
 * Names are typed by people and reports are opened in spreadsheets: a cell starting with
 * = + - @ would run as a formula there (CSV injection), so it gets a leading quote.
 */
function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function toCsv(records: object[], columns: { key: string; header: string }[]): string {
  return stringify(records, {
    header: true,
    columns,
    cast: { date: (date) => date.toISOString(), string: neutralizeFormula },
  });
}

export function employeeCsv(report: PerformanceMetrics & Period): string {
  return toCsv([report], METRIC_COLUMNS);
}

export function leaderboardCsv(entries: LeaderboardEntry[], period: Period): string {
  return toCsv(
    entries.map((entry) => ({ ...entry, ...period })),
    [{ key: "rank", header: "rank" }, ...METRIC_COLUMNS],
  );
}
