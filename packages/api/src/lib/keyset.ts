import { z } from "zod";
import { fieldError } from "./errors";

// Keyset pagination: the cursor is the sort key of the last row of a page, so a page costs
// the same whatever its depth and rows written meanwhile neither repeat nor vanish.

export const pageInput = {
  cursor: z.string().max(300, "This page link is not valid.").optional(),
  limit: z.number().int().min(1, "Ask for at least 1 item.").max(100, "Ask for at most 100 items.").default(50),
};

export type Page<T> = { items: T[]; nextCursor: string | null };

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/** The sort key a cursor carries, or BAD_REQUEST on `cursor` when it was not made by us. */
export function decodeCursor<T>(cursor: string, shape: z.ZodType<T>): T {
  try {
    return shape.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw fieldError("cursor", "This page link is not valid.");
  }
}

/** Rows were fetched with `take: limit + 1`: the extra row only says that another page exists. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => readonly (string | number)[],
  toItem: (row: Row) => Item,
): Page<Item> {
  const visible = rows.slice(0, limit);
  const last = visible.at(-1);
  return {
    items: visible.map(toItem),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}
