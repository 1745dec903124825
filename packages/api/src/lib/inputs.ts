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

// Inputs several domains take, defined once so that one rule has one message everywhere.

/** An email address as typed: trimmed and lower-cased, so an address is one account whatever its case. */
export const emailInput = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "That email address is too long.")
  .pipe(z.email("Enter a valid email address."));

export const venueIdInput = idInput("venue");

/** What a walk-in may leave for lost-ticket lookup and notices: at the counter, and from an offline counter's sync. */
export const walkInContactFields = {
  name: z.string().trim().min(1, "Enter a name or leave it out.").max(100, "Use at most 100 characters."),
  email: emailInput,
  phone: z
    .string()
    .trim()
    .max(30, "That phone number is too long.")
    .regex(/^\+?[0-9 ().-]+$/, "Use digits, spaces and + ( ) - only.")
    .refine((phone) => phone.replace(/\D/g, "").length >= 6, "Enter the whole phone number."),
};

/** A period that must be given: `[from, to)`, checked by `checkPeriod`. */
export const periodFields = {
  from: dateInput("Give the start as a date."),
  to: dateInput("Give the end as a date."),
};

/** A period to filter by: either end may be left open, checked by `checkPeriod`. */
export const optionalPeriodFields = {
  from: periodFields.from.optional(),
  to: periodFields.to.optional(),
};

/**
 * The date-range rule, for `.superRefine` on an object with period fields: the end after the
 * start when both are given, and with `maxDays` no longer than that.
 */
export function checkPeriod(maxDays?: number) {
  return ({ from, to }: { from?: Date; to?: Date }, check: z.RefinementCtx) => {
    if (!from || !to) return;
    if (to <= from) check.addIssue({ code: "custom", path: ["to"], message: "The end must come after the start." });
    else if (maxDays !== undefined && to.getTime() - from.getTime() > maxDays * 24 * 60 * 60 * 1000) {
      check.addIssue({ code: "custom", path: ["to"], message: `Choose a period of at most ${maxDays} days.` });
    }
  };
}
