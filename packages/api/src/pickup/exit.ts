import type { SqlRunner } from "@qrcoats/db";

// The exit wait, measured from the pickup requests (docs/pickup.md): how long guests waited
// for their coat each night, how long the queue grew, who fetched. qr.analytics shows it.
//
// Every figure but the queue covers the requests *made* in the period (requested_at), so the
// (venue_id, requested_at) index bounds each statement. Waits run from due_at, the time the
// guest wanted the coat (now, or 5 or 10 minutes after asking), not from the tap: a guest who
// asked for "in 10 minutes" did not wait those 10 minutes. A coat ready before it was due
// counts as no wait at all.

type Period = { venueId: string; from: Date; to: Date };

/** Median and 90th percentile of a wait, in seconds (1 decimal); null with no sample. */
export type WaitSeconds = { medianSeconds: number | null; p90Seconds: number | null };

export type ExitNight = {
  /** The venue's opening day, YYYY-MM-DD: a request at 02:00 belongs to the night that opened the day before. */
  night: string;
  requests: number;
  collected: number;
  cancelled: number;
  uncollected: number;
  /** From due_at to the coat on the ready rail, over the requests that got there. */
  dueToReady: WaitSeconds;
  /** From due_at to the hand-over, over the collected requests. */
  dueToCollected: WaitSeconds;
};

export type ExitQueueHour = { hourStart: Date; localHour: string; maxOpenRequests: number };

export type ExitAttendant = { employeeId: string; name: string; fetches: number; medianFetchSeconds: number | null };

export type ExitReport = {
  nights: ExitNight[];
  queueByHour: ExitQueueHour[];
  attendants: ExitAttendant[];
};

/** A request still open this long after it was made is not one: the hold sweep closes coats on the rail long before. */
const OPEN_REQUEST_LOOKBACK = "1 day";

/** The median and the 90th percentile of the wait from due_at to a column, in seconds. */
const waits = (column: string, name: string) => `
  round(percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(0, extract(epoch FROM ${column} - due_at)))::numeric, 1)::float8
    AS "${name}Median",
  round(percentile_cont(0.9) WITHIN GROUP (ORDER BY greatest(0, extract(epoch FROM ${column} - due_at)))::numeric, 1)::float8
    AS "${name}P90"`;

async function nights(sql: SqlRunner, period: Period, venue: { timezone: string; opensAt: string }) {
  const rows = await sql.query<{
    night: string;
    requests: number;
    collected: number;
    cancelled: number;
    uncollected: number;
    readyMedian: number | null;
    readyP90: number | null;
    collectedMedian: number | null;
    collectedP90: number | null;
  }>(
    `WITH made AS (
      SELECT state, due_at, ready_at, collected_at,
             -- Local time moved back by the opening hour: everything until the next opening is one night.
             ((requested_at AT TIME ZONE $4::text) - $5::interval)::date AS night
        FROM qr.pickup_requests
       WHERE venue_id = $1::uuid AND requested_at >= $2::timestamptz AND requested_at < $3::timestamptz
    ),
    ready AS (
      SELECT night, ${waits("ready_at", "ready")}
        FROM made WHERE ready_at IS NOT NULL GROUP BY night
    ),
    collected AS (
      SELECT night, ${waits("collected_at", "collected")}
        FROM made WHERE state = 'COLLECTED' GROUP BY night
    )
    SELECT to_char(m.night, 'YYYY-MM-DD') AS night,
           count(*)::int AS requests,
           count(*) FILTER (WHERE m.state = 'COLLECTED')::int AS collected,
           count(*) FILTER (WHERE m.state = 'CANCELLED')::int AS cancelled,
           count(*) FILTER (WHERE m.state = 'UNCOLLECTED')::int AS uncollected,
           r."readyMedian", r."readyP90", c."collectedMedian", c."collectedP90"
      FROM made m
      LEFT JOIN ready r ON r.night = m.night
      LEFT JOIN collected c ON c.night = m.night
     GROUP BY m.night, r."readyMedian", r."readyP90", c."collectedMedian", c."collectedP90"
     ORDER BY m.night`,
    [period.venueId, period.from, period.to, venue.timezone, venue.opensAt],
  );
  return rows.map((row): ExitNight => ({
    night: row.night,
    requests: row.requests,
    collected: row.collected,
    cancelled: row.cancelled,
    uncollected: row.uncollected,
    dueToReady: { medianSeconds: row.readyMedian, p90Seconds: row.readyP90 },
    dueToCollected: { medianSeconds: row.collectedMedian, p90Seconds: row.collectedP90 },
  }));
}

/**
 * The most requests open at once (queued, being fetched or on the rail) in each of the given
 * hours. The maximum, not the average: the rush is a few minutes at closing, and an hour's
 * average flattens 30 guests waiting at 04:50 into a handful; the peak is what staffing must
 * meet, as the racks' peak occupancy is. A request is open from its asking to its hand-over,
 * calling off or being left uncollected; one still open counts until the period's end.
 */
async function queueByHour(sql: SqlRunner, period: Period, timezone: string, hourStarts: Date[]): Promise<ExitQueueHour[]> {
  return sql.query<ExitQueueHour>(
    `WITH hours AS (SELECT unnest($4::timestamptz[]) AS start),
    spans AS (
      SELECT requested_at AS opened, coalesce(collected_at, cancelled_at, uncollected_at) AS closed
        FROM qr.pickup_requests
       WHERE venue_id = $1::uuid AND requested_at < $3::timestamptz
         AND requested_at >= $2::timestamptz - interval '${OPEN_REQUEST_LOOKBACK}'
    ),
    marks AS (
      SELECT opened AS at, 1 AS delta FROM spans
      UNION ALL
      SELECT closed, -1 FROM spans WHERE closed IS NOT NULL AND closed < $3::timestamptz
    ),
    -- At one instant closings count before openings, so a hand-over and a new request at the
    -- same millisecond are not two at once.
    running AS (SELECT at, sum(delta) OVER (ORDER BY at, delta ROWS UNBOUNDED PRECEDING) AS open FROM marks)
    SELECT h.start AS "hourStart",
           to_char(h.start AT TIME ZONE $5::text, 'YYYY-MM-DD HH24:MI') AS "localHour",
           greatest(
             (SELECT count(*) FROM spans s WHERE s.opened < h.start AND (s.closed IS NULL OR s.closed >= h.start)),
             coalesce((SELECT max(r.open) FROM running r WHERE r.at >= h.start AND r.at < h.start + interval '1 hour'), 0)
           )::int AS "maxOpenRequests"
      FROM hours h
     ORDER BY h.start`,
    [period.venueId, period.from, period.to, hourStarts.map((at) => at.toISOString()), timezone],
  );
}

/** Who put coats on the rail, most first; a fetch runs from "on my way" to "on the rail". */
async function attendants(sql: SqlRunner, period: Period): Promise<ExitAttendant[]> {
  return sql.query<ExitAttendant>(
    `SELECT p.ready_by_id AS "employeeId", e.name, count(*)::int AS fetches,
            round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM p.ready_at - p.fetching_at))::numeric, 1)::float8
              AS "medianFetchSeconds"
       FROM qr.pickup_requests p
       JOIN employees.employees e ON e.id = p.ready_by_id
      WHERE p.venue_id = $1::uuid AND p.requested_at >= $2::timestamptz AND p.requested_at < $3::timestamptz
        AND p.ready_at IS NOT NULL
      GROUP BY p.ready_by_id, e.name
      ORDER BY fetches DESC, e.name, p.ready_by_id`,
    [period.venueId, period.from, period.to],
  );
}

/**
 * The exit section of a venue's analytics. `hourStarts` are the report's hourly buckets, so
 * the queue lines up hour by hour with check-ins, check-outs and occupancy.
 */
export async function exitReport(
  sql: SqlRunner,
  period: Period,
  venue: { timezone: string; opensAt: string },
  hourStarts: Date[],
): Promise<ExitReport> {
  // One after the other, as the rest of the report: the counters share the pool.
  const perNight = await nights(sql, period, venue);
  const queue = await queueByHour(sql, period, venue.timezone, hourStarts);
  return { nights: perNight, queueByHour: queue, attendants: await attendants(sql, period) };
}
