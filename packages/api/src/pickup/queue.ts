import type { SqlRunner } from "@qrcoats/db";
import { DEFAULT_FETCH_SECONDS, MIN_FETCH_SAMPLES, type PickupEntry, type PickupRules, type VenueQueue } from "./rules";

// Reading a venue's pickup queue: one statement for the open requests with their slots, one
// for the venue's rules, tonight's fetch times and who is on shift. Every view (guest, counter,
// board) derives from this read (./rules.ts); live streams share one read per change (./live.ts).

/** Fetch times measured over this window count as tonight's. */
const TONIGHT_MS = 12 * 3_600_000;

const ENTRY_COLUMNS = `
  p.id, p.ticket_id AS "ticketId", p.ticket_number AS "ticketNumber", p.state::text AS state,
  p.requested_by AS "requestedBy", p.requested_at AS "requestedAt", p.due_at AS "dueAt",
  p.fetching_at AS "fetchingAt", e.name AS "fetchingBy", p.ready_at AS "readyAt",
  p.rail_position AS "railPosition", p.uncollected_to::text AS "uncollectedTo",
  CASE WHEN s.id IS NOT NULL THEN json_build_object('id', s.id, 'number', s.number, 'kind', s.kind, 'rackName', r.name) END AS slot`;

/** The open requests of a venue and the coats on its rail, in the queue's one order. */
export async function openEntries(sql: SqlRunner, venueId: string): Promise<PickupEntry[]> {
  return sql.query<PickupEntry>(
    `SELECT ${ENTRY_COLUMNS}
       FROM qr.pickup_requests p
       JOIN qr.tickets t ON t.id = p.ticket_id
       LEFT JOIN qr.slots s ON s.id = t.slot_id
       LEFT JOIN qr.racks r ON r.id = s.rack_id
       LEFT JOIN employees.employees e ON e.id = p.fetching_by_id
      WHERE p.venue_id = $1::uuid AND (p.state IN ('QUEUED', 'FETCHING', 'READY') OR p.rail_position IS NOT NULL)
      ORDER BY p.due_at, p.seq`,
    [venueId],
  );
}

type VenueFacts = PickupRules & { venueName: string; fetchSeconds: number | null; fetchSamples: number; attendants: number };

export async function venuePickupFacts(sql: SqlRunner, venueId: string, now: Date): Promise<VenueFacts | null> {
  const [facts] = await sql.query<VenueFacts>(
    `SELECT v.name AS "venueName", v.pickup_enabled AS enabled, v.pickup_queue_cap AS "queueCap",
            v.pickup_hold_minutes AS "holdMinutes", v.pickup_uncollected::text AS uncollected,
            f.seconds AS "fetchSeconds", f.samples AS "fetchSamples",
            (SELECT count(*)::int FROM employees.shifts sh WHERE sh.venue_id = v.id AND sh.ended_at IS NULL) AS attendants
       FROM qr.venues v
       CROSS JOIN LATERAL (
         SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM p.ready_at - p.fetching_at))::float8 AS seconds,
                count(*)::int AS samples
           FROM qr.pickup_requests p
          WHERE p.venue_id = v.id AND p.requested_at > $2 AND p.ready_at IS NOT NULL AND p.fetching_at IS NOT NULL
       ) f
      WHERE v.id = $1::uuid`,
    [venueId, new Date(now.getTime() - TONIGHT_MS)],
  );
  return facts ?? null;
}

/** The venue's queue now; null for a venue that does not exist. */
export async function readVenueQueue(sql: SqlRunner, venueId: string, now: Date): Promise<VenueQueue | null> {
  const [facts, entries] = await Promise.all([venuePickupFacts(sql, venueId, now), openEntries(sql, venueId)]);
  if (!facts) return null;
  const { venueName, fetchSeconds, fetchSamples, attendants, ...rules } = facts;
  return {
    venueId,
    venueName,
    readAt: now,
    rules,
    fetchSeconds: fetchSamples >= MIN_FETCH_SAMPLES && fetchSeconds !== null ? Math.round(fetchSeconds) : DEFAULT_FETCH_SECONDS,
    fetchSamples,
    attendants: Math.max(1, attendants),
    entries,
  };
}
