import { oneRow, type SqlRunner } from "@qrcoats/db";
import { stringify } from "csv-stringify/sync";
import type { Deps } from "../context";
import { exitReport } from "../pickup/exit";
import { assertVenuesOfOrganization, type Member } from "../venue/access";

// Venue analytics, each figure one aggregate query over the scan history and the tickets.
// A stay on a rack opens with a successful CHECK_IN and closes with the next successful
// event that takes the ticket off its slot (check-out, detach, void, or the closing-time
// job's FORGET); swaps move a coat without ending its stay.

/** Long enough for a month's report, short enough to answer at once. */
export const MAX_ANALYTICS_DAYS = 31;

type Period = { venueId: string; from: Date; to: Date };

/**
 * The events that open (+1) or close (-1) a stay, up to the end of the period: a common
 * table for statements whose parameters start with the venue and the period, $1 to $3.
 */
const STAY_MARKS = `
    SELECT ticket_id, id, occurred_at, action, CASE WHEN action = 'CHECK_IN' THEN 1 ELSE -1 END AS delta
      FROM qr.scan_events
     WHERE venue_id = $1::uuid AND result = 'OK' AND ticket_id IS NOT NULL AND occurred_at < $3::timestamptz
       AND (action = 'CHECK_IN' OR (from_state = 'CHECKED_IN' AND to_state IS NOT NULL AND to_state <> 'CHECKED_IN'))`;

const periodParams = ({ venueId, from, to }: Period) => [venueId, from, to];

type HourRow = { hourStart: Date; localHour: string; checkIns: number; checkOuts: number; occupancy: number };

async function hourly(sql: SqlRunner, period: Period, timezone: string): Promise<HourRow[]> {
  return sql.query<HourRow>(
    `WITH hours AS (
      SELECT start FROM generate_series(
        date_trunc('hour', $2::timestamptz, $4::text),
        $3::timestamptz - interval '1 millisecond',
        interval '1 hour') AS start
    ),
    counted AS (
      SELECT date_trunc('hour', occurred_at, $4::text) AS start,
             count(*) FILTER (WHERE action = 'CHECK_IN') AS check_ins,
             count(*) FILTER (WHERE action = 'CHECK_OUT') AS check_outs
        FROM qr.scan_events
       WHERE venue_id = $1::uuid AND result = 'OK'
         AND occurred_at >= $2::timestamptz AND occurred_at < $3::timestamptz
       GROUP BY 1
    ),
    marks AS (${STAY_MARKS}),
    changes AS (
      SELECT date_trunc('hour', occurred_at, $4::text) AS start, sum(delta) AS delta
        FROM marks WHERE occurred_at >= $2::timestamptz GROUP BY 1
    ),
    baseline AS (SELECT coalesce(sum(delta), 0) AS n FROM marks WHERE occurred_at < $2::timestamptz)
    SELECT h.start AS "hourStart",
           to_char(h.start AT TIME ZONE $4::text, 'YYYY-MM-DD HH24:MI') AS "localHour",
           coalesce(c.check_ins, 0)::int AS "checkIns",
           coalesce(c.check_outs, 0)::int AS "checkOuts",
           ((SELECT n FROM baseline) + coalesce(sum(ch.delta) OVER (ORDER BY h.start), 0))::int AS occupancy
      FROM hours h
      LEFT JOIN counted c ON c.start = h.start
      LEFT JOIN changes ch ON ch.start = h.start
     ORDER BY h.start`,
    [...periodParams(period), timezone],
  );
}

/** The most coats on the racks at once during the period, and when that was first reached. */
async function peak(sql: SqlRunner, period: Period) {
  return oneRow(
    await sql.query<{ count: number; at: Date }>(
      `WITH marks AS (${STAY_MARKS}),
      baseline AS (SELECT coalesce(sum(delta), 0) AS n FROM marks WHERE occurred_at < $2::timestamptz),
      running AS (
        SELECT occurred_at AS at, (SELECT n FROM baseline) + sum(delta) OVER (ORDER BY occurred_at, id) AS n
          FROM marks WHERE occurred_at >= $2::timestamptz
      )
      SELECT n::int AS count, at FROM running
      UNION ALL SELECT n::int, $2::timestamptz FROM baseline
      ORDER BY count DESC, at ASC
      LIMIT 1`,
      periodParams(period),
    ),
  );
}

/** How long coats stayed, over the stays that ended with a check-out during the period. */
async function stays(sql: SqlRunner, period: Period) {
  return oneRow(
    await sql.query<{ count: number; meanMinutes: number | null; medianMinutes: number | null }>(
      `WITH marks AS (${STAY_MARKS}),
      paired AS (
        SELECT action, occurred_at AS started,
               lead(occurred_at) OVER w AS ended, lead(action) OVER w AS ended_by
          FROM marks
        WINDOW w AS (PARTITION BY ticket_id ORDER BY occurred_at, id)
      ),
      minutes AS (
        SELECT extract(epoch FROM ended - started) / 60 AS m FROM paired
         WHERE action = 'CHECK_IN' AND ended_by = 'CHECK_OUT'
           AND ended >= $2::timestamptz AND ended < $3::timestamptz
      )
      SELECT count(*)::int AS count,
             round(avg(m)::numeric, 1)::float8 AS "meanMinutes",
             round(percentile_cont(0.5) WITHIN GROUP (ORDER BY m)::numeric, 1)::float8 AS "medianMinutes"
        FROM minutes`,
      periodParams(period),
    ),
  );
}

async function refusals(sql: SqlRunner, period: Period) {
  return sql.query<{ reason: string; count: number }>(
    `SELECT reason, count(*)::int AS count
       FROM qr.scan_events
      WHERE venue_id = $1::uuid AND result = 'REFUSED'
        AND occurred_at >= $2::timestamptz AND occurred_at < $3::timestamptz
      GROUP BY reason
      ORDER BY count DESC, reason`,
    periodParams(period),
  );
}

/** Payments recorded during the period, whatever became of the ticket afterwards. */
async function revenue(sql: SqlRunner, period: Period) {
  // A sum of cents is exact in a float8 up to 2^53, and a number to every driver.
  return sql.query<{ paymentStatus: string; tickets: number; amountCents: number }>(
    `SELECT payment_status::text AS "paymentStatus", count(*)::int AS tickets, coalesce(sum(amount_cents), 0)::float8 AS "amountCents"
       FROM qr.tickets
      WHERE venue_id = $1::uuid AND payment_status <> 'UNPAID'
        AND paid_at >= $2::timestamptz AND paid_at < $3::timestamptz
      GROUP BY payment_status
      ORDER BY payment_status`,
    periodParams(period),
  );
}

/**
 * Money not taken: coats handed back unpaid during the period (their check-out recorded as
 * UNPAID with what was owed), and coats checked in during it that are still on the racks
 * unpaid, at the venue's price.
 */
async function unpaid(sql: SqlRunner, period: Period) {
  const [row] = await sql.query<{ handedBack: number; handedBackCents: number; outstanding: number; outstandingCents: number }>(
    `SELECT (SELECT count(*) FROM qr.scan_events e
              WHERE e.venue_id = $1::uuid AND e.action = 'CHECK_OUT' AND e.result = 'OK' AND e.payment_status = 'UNPAID'
                AND e.occurred_at >= $2::timestamptz AND e.occurred_at < $3::timestamptz)::int AS "handedBack",
            (SELECT coalesce(sum(e.amount_cents), 0) FROM qr.scan_events e
              WHERE e.venue_id = $1::uuid AND e.action = 'CHECK_OUT' AND e.result = 'OK' AND e.payment_status = 'UNPAID'
                AND e.occurred_at >= $2::timestamptz AND e.occurred_at < $3::timestamptz)::float8 AS "handedBackCents",
            count(t.id)::int AS outstanding,
            (count(t.id) * v.price_cents)::float8 AS "outstandingCents"
       FROM qr.venues v
       LEFT JOIN qr.tickets t ON t.venue_id = v.id AND t.state IN ('CHECKED_IN', 'FORGOTTEN') AND t.payment_status = 'UNPAID'
                             AND t.checked_in_at >= $2::timestamptz AND t.checked_in_at < $3::timestamptz AND v.price_cents > 0
      WHERE v.id = $1::uuid
      GROUP BY v.price_cents`,
    periodParams(period),
  );
  return {
    handedBack: { tickets: row?.handedBack ?? 0, amountCents: row?.handedBackCents ?? 0 },
    stillOnRacks: { tickets: row?.outstanding ?? 0, amountCents: row?.outstandingCents ?? 0 },
  };
}

/** What each attendant did at this venue during the period, busiest first. */
async function attendants(sql: SqlRunner, period: Period) {
  return sql.query<{ employeeId: string; name: string; checkIns: number; checkOuts: number; scans: number; refusals: number }>(
    `SELECT e.employee_id AS "employeeId", em.name,
            count(*) FILTER (WHERE e.action = 'CHECK_IN' AND e.result = 'OK')::int AS "checkIns",
            count(*) FILTER (WHERE e.action = 'CHECK_OUT' AND e.result = 'OK')::int AS "checkOuts",
            count(*) FILTER (WHERE e.action = 'SCAN')::int AS scans,
            count(*) FILTER (WHERE e.result = 'REFUSED')::int AS refusals
       FROM qr.scan_events e
       JOIN employees.employees em ON em.id = e.employee_id
      WHERE e.venue_id = $1::uuid
        AND e.occurred_at >= $2::timestamptz AND e.occurred_at < $3::timestamptz
      GROUP BY e.employee_id, em.name
      ORDER BY count(*) FILTER (WHERE e.result = 'OK' AND e.action IN ('CHECK_IN', 'CHECK_OUT')) DESC, em.name, e.employee_id`,
    periodParams(period),
  );
}

export async function venueAnalytics({ prisma, db }: Pick<Deps, "prisma" | "db">, { organizationId }: Member, period: Period) {
  await assertVenuesOfOrganization(prisma, organizationId, [period.venueId]);
  const { opensAt, ...venue } = await prisma.venue.findUniqueOrThrow({
    where: { id: period.venueId },
    select: { id: true, name: true, timezone: true, currency: true, opensAt: true },
  });
  const { sql } = db;
  // One after the other: a report may wait, the counters sharing the pool may not.
  const hours = await hourly(sql, period, venue.timezone);
  const peakOccupancy = await peak(sql, period);
  const stay = await stays(sql, period);
  const refused = await refusals(sql, period);
  const paid = await revenue(sql, period);
  const owed = await unpaid(sql, period);
  const staff = await attendants(sql, period);
  const exit = await exitReport(
    sql,
    period,
    { timezone: venue.timezone, opensAt },
    hours.map((hour) => hour.hourStart),
  );
  return {
    venue,
    from: period.from,
    to: period.to,
    totals: {
      checkIns: hours.reduce((sum, hour) => sum + hour.checkIns, 0),
      checkOuts: hours.reduce((sum, hour) => sum + hour.checkOuts, 0),
      refusedScans: refused.reduce((sum, row) => sum + row.count, 0),
    },
    hourly: hours,
    peakOccupancy,
    stay,
    refusalsByReason: refused,
    revenue: {
      currency: venue.currency,
      totalCents: paid.reduce((sum, row) => sum + row.amountCents, 0),
      byPaymentStatus: paid,
      /** Beside what was taken, what was not (docs/guests.md). */
      unpaid: owed,
    },
    attendants: staff,
    exit,
  };
}

export type VenueAnalytics = Awaited<ReturnType<typeof venueAnalytics>>;

/**
 * The same figures as one CSV table (section, label, metric, value, unit) that sorts and
 * filters in any spreadsheet. Text that a spreadsheet would run as a formula is defused.
 */
export function analyticsCsv(report: VenueAnalytics): string {
  const rows: (string | number | null)[][] = [["section", "label", "metric", "value", "unit"]];
  const add = (section: string, label: string, metric: string, value: number | null, unit: string) =>
    rows.push([section, label, metric, value, unit]);
  add("summary", report.venue.name, "check_ins", report.totals.checkIns, "count");
  add("summary", report.venue.name, "check_outs", report.totals.checkOuts, "count");
  add("summary", report.venue.name, "refused_scans", report.totals.refusedScans, "count");
  add("summary", report.venue.name, "peak_occupancy", report.peakOccupancy.count, "coats");
  add("summary", report.venue.name, "stays", report.stay.count, "count");
  add("summary", report.venue.name, "mean_stay", report.stay.meanMinutes, "minutes");
  add("summary", report.venue.name, "median_stay", report.stay.medianMinutes, "minutes");
  for (const hour of report.hourly) {
    add("hourly", hour.localHour, "check_ins", hour.checkIns, "count");
    add("hourly", hour.localHour, "check_outs", hour.checkOuts, "count");
    add("hourly", hour.localHour, "occupancy", hour.occupancy, "coats");
  }
  for (const refusal of report.refusalsByReason) add("refusals", refusal.reason, "count", refusal.count, "count");
  for (const payment of report.revenue.byPaymentStatus) {
    add("revenue", payment.paymentStatus, "tickets", payment.tickets, "count");
    add("revenue", payment.paymentStatus, "amount", payment.amountCents, `cents ${report.revenue.currency}`);
  }
  add("revenue", "total", "amount", report.revenue.totalCents, `cents ${report.revenue.currency}`);
  add("unpaid", "handed back", "tickets", report.revenue.unpaid.handedBack.tickets, "count");
  add("unpaid", "handed back", "amount", report.revenue.unpaid.handedBack.amountCents, `cents ${report.revenue.currency}`);
  add("unpaid", "still on the racks", "tickets", report.revenue.unpaid.stillOnRacks.tickets, "count");
  add("unpaid", "still on the racks", "amount", report.revenue.unpaid.stillOnRacks.amountCents, `cents ${report.revenue.currency}`);
  for (const person of report.attendants) {
    add("attendants", person.name, "check_ins", person.checkIns, "count");
    add("attendants", person.name, "check_outs", person.checkOuts, "count");
    add("attendants", person.name, "scans", person.scans, "count");
    add("attendants", person.name, "refusals", person.refusals, "count");
  }
  // The exit wait: waits run from the time the guest wanted the coat (due_at), see pickup/exit.ts.
  for (const night of report.exit.nights) {
    add("exit_nights", night.night, "requests", night.requests, "count");
    add("exit_nights", night.night, "collected", night.collected, "count");
    add("exit_nights", night.night, "cancelled", night.cancelled, "count");
    add("exit_nights", night.night, "uncollected", night.uncollected, "count");
    add("exit_nights", night.night, "due_to_ready_median", night.dueToReady.medianSeconds, "seconds");
    add("exit_nights", night.night, "due_to_ready_p90", night.dueToReady.p90Seconds, "seconds");
    add("exit_nights", night.night, "due_to_collected_median", night.dueToCollected.medianSeconds, "seconds");
    add("exit_nights", night.night, "due_to_collected_p90", night.dueToCollected.p90Seconds, "seconds");
  }
  for (const hour of report.exit.queueByHour) add("exit_queue", hour.localHour, "max_open_requests", hour.maxOpenRequests, "requests");
  for (const person of report.exit.attendants) {
    add("exit_attendants", person.name, "fetches", person.fetches, "count");
    add("exit_attendants", person.name, "median_fetch", person.medianFetchSeconds, "seconds");
  }
  return stringify(rows.map((row) => row.map((cell) => (typeof cell === "string" ? defuse(cell) : cell))));
}

function defuse(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
