import { z } from "zod";
import { fieldError } from "./errors";
import { unstorableText } from "./text";
import { isWithinDateRange } from "./inputs";

// Keyset pagination: a page continues after the last row of the previous one, by the same
// columns the list is ordered by, so deep pages cost what the first one does and rows added
// meanwhile never shift a page. The cursor is opaque to clients.

export const DEFAULT_PAGE_SIZE = 50;

export const pageInput = {
  cursor: z.string().min(1).max(512, "This cursor is not valid.").optional(),
  limit: z
    .number()
    .int("Ask for a whole number of items.")
    .min(1, "Ask for at least 1 item.")
    .max(100, "Ask for at most 100 items.")
    .default(DEFAULT_PAGE_SIZE),
};

export type Page<T> = { items: T[]; nextCursor: string | null };

export function encodeCursor(values: string[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

const rowId = z.uuid();

const notOurs = () => fieldError("cursor", "This cursor is not valid. Start again from the first page.");

/**
 * The values a cursor of `count` values carries, the last being the tie-breaker of the
 * order (a row id unless told otherwise); a field error when it was not ours. A cursor is
 * input like any other: what it decodes to goes into queries, so it is held to what
 * encodeCursor makes (no text the database cannot store).
 */
export function decodeCursor(cursor: string, count: number, tieBreaker: z.ZodType<string> = rowId): string[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(values) &&
      values.length === count &&
      values.every((value): value is string => typeof value === "string" && unstorableText(value) === null) &&
      tieBreaker.safeParse(values.at(-1)).success
    ) {
      return values;
    }
  } catch {
    // Falls through to the same answer as a well-formed but foreign cursor.
  }
  throw notOurs();
}

/** What `Date.toISOString` writes for years 0 to 9999; wider years get a sign and six digits. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A cursor for timestamps with an id to break ties. The time must be one a row can have, as
 * toISOString wrote it: anything else is a bad cursor, not a query the database fails.
 */
export function decodeTimeCursor(cursor: string, tieBreaker?: z.ZodType<string>): { at: Date; id: string } {
  const [at, id] = decodeCursor(cursor, 2, tieBreaker) as [string, string];
  const date = new Date(at);
  if (!ISO_INSTANT.test(at) || Number.isNaN(date.getTime()) || date.toISOString() !== at || !isWithinDateRange(date)) throw notOurs();
  return { at: date, id };
}

type Beyond<T> = { lt: T } | { gt: T };

/**
 * Prisma's `where` for the rows after a cursor's in a list ordered by `column`, then `id`,
 * both in `direction`: beyond its value, or on it with an id beyond its id.
 */
export function keysetAfter<Column extends string, Value, Id>(
  column: Column,
  direction: "asc" | "desc",
  value: Value,
  id: Id,
): { OR: [Record<Column, Beyond<Value>>, Record<Column, Value> & { id: Beyond<Id> }] } {
  const beyond = <T>(bound: T): Beyond<T> => (direction === "desc" ? { lt: bound } : { gt: bound });
  return {
    OR: [
      { [column]: beyond(value) } as Record<Column, Beyond<Value>>,
      { [column]: value, id: beyond(id) } as Record<Column, Value> & { id: Beyond<Id> },
    ],
  };
}

/** Turns `limit + 1` fetched rows into a page: the extra row only says there is more. */
export function toPage<Row, Item>(rows: Row[], limit: number, cursorOf: (row: Row) => string[], shape: (row: Row) => Item): Page<Item> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(shape),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}
