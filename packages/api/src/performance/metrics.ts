import { oneRow } from "@qrcoats/db";
import type { Deps } from "../context";
import { assertEmployeeOfOrganization, assertSelfOrAdmin } from "../employee/access";
import { assertVenuesOfOrganization, type Member } from "../venue/access";

// Performance is derived, never entered: scan history (written by the coat-check domain),
// shifts and tasks are aggregated by one SQL statement per request, whatever the number of
// employees. The action and result strings are the coat-check domain's contract with us.

/** A half-open period [from, to): an event exactly at `to` belongs to the next period. */
export type Period = { from: Date; to: Date };

export type PerformanceMetrics = {
  employeeId: string;
  name: string;
  /** CHECK_IN scans that succeeded. */
  checkIns: number;
  /** CHECK_OUT scans that succeeded. */
  checkOuts: number;
  /** SCAN actions, whatever their result. */
  scans: number;
  /** Refused scan events over all of their scan events (4 decimals); null with none. */
  refusedScanRate: number | null;
  /** Time on duty within the period, open shifts counting until now (2 decimals). */
  shiftHours: number;
  /** null without time on duty (2 decimals). */
  scansPerShiftHour: number | null;
  /** Tasks assigned to them that were completed within the period. */
  tasksDone: number;
  /** Of those, completed by their due time or without one. */
  tasksDoneOnTime: number;
  /** Coats they put on the pickup rail, of the requests made within the period. */
  fetches: number;
  /** Median from "on my way" to "on the rail" over those fetches (1 decimal); null with none. */
  medianFetchSeconds: number | null;
};

type Totals = {
  employeeId: string;
  name: string;
  checkIns: number;
  checkOuts: number;
  scans: number;
  refused: number;
  scanEvents: number;
  shiftSeconds: number;
  tasksDone: number;
  tasksDoneOnTime: number;
  fetches: number;
  medianFetchSeconds: number | null;
};

type Scope = { organizationId: string; employeeId?: string; venueId?: string; leaderboard: boolean };

async function measure(deps: Pick<Deps, "db" | "clock">, scope: Scope, { from, to }: Period): Promise<Totals[]> {
  const now = deps.clock();
  const params: unknown[] = [scope.organizationId, from, to, now];
  const venue = scope.venueId ? `$${params.push(scope.venueId)}::uuid` : null;
  const employee = scope.employeeId ? `$${params.push(scope.employeeId)}::uuid` : null;
  const atVenue = venue ? `AND venue_id = ${venue}` : "";
  const ofEmployee = (column: string) => (employee ? `AND ${column} = ${employee}` : "");
  // The leaderboard lists the staff who could have worked (joined, active, and at the venue
  // when one is asked for) and everyone who did work there, deactivated since or not.
  const listed = !scope.leaderboard
    ? ""
    : `AND (
        sc.employee_id IS NOT NULL OR sh.employee_id IS NOT NULL OR fe.employee_id IS NOT NULL
        ${venue ? "" : "OR tk.employee_id IS NOT NULL"}
        OR (m.status = 'ACTIVE'
            ${venue ? `AND EXISTS (SELECT 1 FROM employees.employee_venues ev WHERE ev.employee_id = e.id AND ev.venue_id = ${venue})` : ""}))`;

  return deps.db.sql.query<Totals>(
    `WITH scans AS (
      SELECT employee_id,
             count(*) FILTER (WHERE action = 'CHECK_IN' AND result = 'OK')::int AS check_ins,
             count(*) FILTER (WHERE action = 'CHECK_OUT' AND result = 'OK')::int AS check_outs,
             count(*) FILTER (WHERE action = 'SCAN')::int AS scans,
             count(*) FILTER (WHERE result = 'REFUSED')::int AS refused,
             count(*)::int AS scan_events
        FROM qr.scan_events
       WHERE organization_id = $1::uuid AND employee_id IS NOT NULL
         AND occurred_at >= $2::timestamptz AND occurred_at < $3::timestamptz
         ${atVenue} ${ofEmployee("employee_id")}
       GROUP BY employee_id
    ), shifts AS (
      SELECT employee_id,
             sum(extract(epoch FROM least(coalesce(ended_at, $4::timestamptz), $3::timestamptz)
                                  - greatest(started_at, $2::timestamptz)))::float8 AS seconds
        FROM employees.shifts
       WHERE organization_id = $1::uuid
         AND started_at < $3::timestamptz AND coalesce(ended_at, $4::timestamptz) > $2::timestamptz
         ${atVenue} ${ofEmployee("employee_id")}
       GROUP BY employee_id
    ), tasks AS (
      SELECT assignee_id AS employee_id,
             count(*)::int AS done,
             count(*) FILTER (WHERE due_at IS NULL OR completed_at <= due_at)::int AS on_time
        FROM employees.tasks
       WHERE organization_id = $1::uuid AND status = 'DONE' AND assignee_id IS NOT NULL
         AND completed_at >= $2::timestamptz AND completed_at < $3::timestamptz
         ${ofEmployee("assignee_id")}
       GROUP BY assignee_id
    ), fetches AS (
      -- Pickup requests are found through the organization's venues, by the (venue_id,
      -- requested_at) index, as the venue's analytics find them (pickup/exit.ts).
      SELECT ready_by_id AS employee_id, count(*)::int AS fetches,
             round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ready_at - fetching_at))::numeric, 1)::float8
               AS median_seconds
        FROM qr.pickup_requests
       WHERE venue_id IN (SELECT id FROM qr.venues WHERE organization_id = $1::uuid)
         AND requested_at >= $2::timestamptz AND requested_at < $3::timestamptz
         AND ready_by_id IS NOT NULL AND ready_at IS NOT NULL
         ${atVenue} ${ofEmployee("ready_by_id")}
       GROUP BY ready_by_id
    )
    SELECT e.id AS "employeeId", e.name,
           coalesce(sc.check_ins, 0) AS "checkIns", coalesce(sc.check_outs, 0) AS "checkOuts",
           coalesce(sc.scans, 0) AS scans, coalesce(sc.refused, 0) AS refused,
           coalesce(sc.scan_events, 0) AS "scanEvents", coalesce(sh.seconds, 0)::float8 AS "shiftSeconds",
           coalesce(tk.done, 0) AS "tasksDone", coalesce(tk.on_time, 0) AS "tasksDoneOnTime",
           coalesce(fe.fetches, 0) AS fetches, fe.median_seconds AS "medianFetchSeconds"
      FROM employees.employees e
      JOIN auth.memberships m ON m.id = e.membership_id
      LEFT JOIN scans sc ON sc.employee_id = e.id
      LEFT JOIN shifts sh ON sh.employee_id = e.id
      LEFT JOIN tasks tk ON tk.employee_id = e.id
      LEFT JOIN fetches fe ON fe.employee_id = e.id
     WHERE e.organization_id = $1::uuid ${ofEmployee("e.id")} ${listed}`,
    params,
  );
}

const round = (value: number, decimals: number) => Number(value.toFixed(decimals));

/** Below a quarter hour on shift a per-hour rate says nothing (two scans in a minute is not 120 an hour). */
const MIN_SHIFT_SECONDS_FOR_RATE = 15 * 60;

function toMetrics(totals: Totals): PerformanceMetrics {
  const hours = totals.shiftSeconds / 3600;
  return {
    employeeId: totals.employeeId,
    name: totals.name,
    checkIns: totals.checkIns,
    checkOuts: totals.checkOuts,
    scans: totals.scans,
    refusedScanRate: totals.scanEvents > 0 ? round(totals.refused / totals.scanEvents, 4) : null,
    shiftHours: round(hours, 2),
    scansPerShiftHour: totals.shiftSeconds >= MIN_SHIFT_SECONDS_FOR_RATE ? round(totals.scans / hours, 2) : null,
    tasksDone: totals.tasksDone,
    tasksDoneOnTime: totals.tasksDoneOnTime,
    fetches: totals.fetches,
    medianFetchSeconds: totals.medianFetchSeconds,
  };
}

export async function employeePerformance(
  deps: Pick<Deps, "prisma" | "db" | "clock">,
  viewer: Member,
  { employeeId, from, to }: Period & { employeeId: string },
) {
  await assertEmployeeOfOrganization(deps.prisma, viewer.organizationId, employeeId);
  assertSelfOrAdmin(viewer, employeeId);
  const totals = oneRow(await measure(deps, { organizationId: viewer.organizationId, employeeId, leaderboard: false }, { from, to }));
  return { from, to, ...toMetrics(totals) };
}

export type LeaderboardEntry = PerformanceMetrics & { rank: number };

/**
 * Ranked by coats handled (check-ins plus check-outs), then scans, then tasks done; ties
 * by name, so the order is stable from one request to the next.
 */
export async function leaderboard(
  deps: Pick<Deps, "prisma" | "db" | "clock">,
  admin: Member,
  { venueId, from, to }: Period & { venueId?: string },
): Promise<LeaderboardEntry[]> {
  if (venueId) await assertVenuesOfOrganization(deps.prisma, admin.organizationId, [venueId]);
  const rows = (await measure(deps, { organizationId: admin.organizationId, venueId, leaderboard: true }, { from, to })).map(toMetrics);
  rows.sort(
    (a, b) =>
      b.checkIns + b.checkOuts - (a.checkIns + a.checkOuts) ||
      b.scans - a.scans ||
      b.tasksDone - a.tasksDone ||
      a.name.localeCompare(b.name, "en") ||
      a.employeeId.localeCompare(b.employeeId),
  );
  return rows.map((row, index) => ({ rank: index + 1, ...row }));
}
