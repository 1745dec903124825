import { oneRow } from "@qrcoats/db";
import type { Deps } from "../context";

/**
 * Closes shifts left open longer than `maxHours` (someone forgot to clock out) at
 * `startedAt + maxHours`, marked autoClosed, so they stop counting as time on duty and the
 * person can clock in again. One statement; running it again changes nothing. Returns how
 * many it closed. The host runs it on an interval.
 */
export async function closeStaleShifts({ db, clock }: Pick<Deps, "db" | "clock">, { maxHours }: { maxHours: number }): Promise<number> {
  if (!(maxHours > 0)) throw new Error("maxHours must be a positive number of hours");
  const seconds = maxHours * 3600;
  const cutoff = new Date(clock().getTime() - seconds * 1000);
  const { closed } = oneRow(
    await db.sql.query<{ closed: number }>(
      `WITH closed AS (
         UPDATE employees.shifts
            SET ended_at = started_at + make_interval(secs => $1::float8), auto_closed = true
          WHERE ended_at IS NULL AND started_at < $2::timestamptz
         RETURNING 1)
       SELECT count(*)::int AS closed FROM closed`,
      [seconds, cutoff],
    ),
  );
  return closed;
}
