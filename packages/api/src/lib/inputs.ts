import { z } from "zod";

/** A row id in input: malformed ids are refused as bad input, before any query. */
export const idInput = (what: string) => z.uuid(`That is not a valid ${what} id.`);

// JavaScript dates reach ±275760 years and PostgreSQL's timestamps 4713 BC to 294276 AD, but
// not everything between agrees beyond four-digit years (Prisma's driver adapters fail on
// them as internal errors). No date the product deals in is near either end.
export const EARLIEST_DATE = new Date("0001-01-01T00:00:00.000Z");
export const LATEST_DATE = new Date("9999-12-31T23:59:59.999Z");
const OUT_OF_RANGE = "Give a date between the years 1 and 9999.";

/** A date in input, `message` when it is not one: every date the API takes goes through it. */
export const dateInput = (message: string) => z.date(message).min(EARLIEST_DATE, OUT_OF_RANGE).max(LATEST_DATE, OUT_OF_RANGE);

/** Whether a date is one `dateInput` would accept. */
export const isWithinDateRange = (date: Date) => date >= EARLIEST_DATE && date <= LATEST_DATE;
