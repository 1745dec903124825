import type { PaymentStatus, TicketState } from "@qrcoats/db";
import type { RefusalReason } from "./scan-events";

// The ticket lifecycle, decided in one place. Pure: the counter and the closing-time job
// ask it with facts they read under a row lock, and apply only what it allows. Detach (an
// "in & out") takes a checked-in ticket back to ISSUED within the venue's allowance; FORGET
// is the closing-time job's. PAY changes no state: it is allowed while the ticket is live
// and still unpaid.

export const COUNTER_ACTIONS = ["CHECK_IN", "CHECK_OUT", "SWAP", "DETACH", "VOID", "PAY"] as const;
export type CounterAction = (typeof COUNTER_ACTIONS)[number];
export type TicketAction = CounterAction | "FORGET";

export type TicketFacts = {
  state: TicketState;
  inOutsUsed: number;
  inOutAllowance: number;
  paymentStatus: PaymentStatus;
  slotNumber: number | null;
  returnedAt: Date | null;
  voidReason: string | null;
  /** The venue's zone, to tell an attendant when something happened in their own time. */
  timezone: string;
};

export type Decision = { allowed: true; to: TicketState } | { allowed: false; reason: RefusalReason; message: string };

const TRANSITIONS: Record<TicketState, Partial<Record<TicketAction, TicketState>>> = {
  ISSUED: { CHECK_IN: "CHECKED_IN", VOID: "VOIDED" },
  CHECKED_IN: { CHECK_OUT: "RETURNED", SWAP: "CHECKED_IN", DETACH: "ISSUED", VOID: "VOIDED", FORGET: "FORGOTTEN" },
  FORGOTTEN: { CHECK_OUT: "RETURNED" },
  RETURNED: {},
  VOIDED: {},
};

const PAYMENT_WORDS: Record<PaymentStatus, string> = {
  UNPAID: "unpaid",
  PAID_CASH: "paid in cash",
  PAID_CARD: "paid by card",
  PREPAID: "prepaid",
};

function refuse(reason: RefusalReason, message: string): Decision {
  return { allowed: false, reason, message };
}

/** Returned and voided tickets are finished: nothing is done with them at the counter. */
const FINISHED: ReadonlySet<TicketState> = new Set(["RETURNED", "VOIDED"]);

function finished(facts: TicketFacts): Decision | null {
  if (facts.state === "RETURNED") {
    return refuse(
      "ALREADY_RETURNED",
      `This ticket was already returned${facts.returnedAt ? ` ${localTime(facts.returnedAt, facts.timezone)}` : ""}.`,
    );
  }
  if (facts.state === "VOIDED") {
    return refuse("VOIDED", facts.voidReason ? `This ticket was voided: ${facts.voidReason}.` : "This ticket was voided.");
  }
  return null;
}

/** Whether a scan shows the ticket to act on, or refuses it as finished. */
export function decideScan(facts: TicketFacts): Decision {
  return finished(facts) ?? { allowed: true, to: facts.state };
}

export function decide(action: TicketAction, facts: TicketFacts): Decision {
  const { state } = facts;
  const done = finished(facts);
  if (done) return done;
  if (action === "PAY") {
    return facts.paymentStatus === "UNPAID"
      ? { allowed: true, to: state }
      : refuse("ALREADY_PAID", `This ticket is already ${PAYMENT_WORDS[facts.paymentStatus]}.`);
  }

  const to = TRANSITIONS[state][action];
  if (to) {
    if (action === "DETACH" && facts.inOutsUsed >= facts.inOutAllowance) {
      return refuse(
        "ALLOWANCE_USED_UP",
        facts.inOutAllowance === 0
          ? "This venue gives no in & outs: check the coat out instead."
          : `This ticket has used its ${facts.inOutAllowance} in & out${facts.inOutAllowance === 1 ? "" : "s"}: check the coat out instead.`,
      );
    }
    return { allowed: true, to };
  }

  if (state === "FORGOTTEN") {
    return refuse("FORGOTTEN", "This coat was left after closing and went to lost & found: hand it back with check-out.");
  }
  if (state === "CHECKED_IN") {
    return refuse("ALREADY_CHECKED_IN", `This ticket is already checked in${facts.slotNumber ? `, on slot ${facts.slotNumber}` : ""}.`);
  }
  return refuse(
    "NOT_CHECKED_IN",
    action === "CHECK_OUT" ? "This ticket is not checked in: there is no coat to hand back." : "This ticket is not checked in.",
  );
}

/**
 * Where an action leads from each state that allows it, for jobs that move many tickets in
 * one statement rather than asking ticket by ticket.
 */
export function edgesOf(action: TicketAction): { from: TicketState; to: TicketState }[] {
  return (Object.keys(TRANSITIONS) as TicketState[]).flatMap((from) => {
    const to = TRANSITIONS[from][action];
    return to ? [{ from, to }] : [];
  });
}

/** What an attendant may do with a ticket now, in the order the counter shows them. */
export function allowedActions(facts: TicketFacts): CounterAction[] {
  // Nothing for a finished ticket, without writing out six refusals to say so.
  if (FINISHED.has(facts.state)) return [];
  return COUNTER_ACTIONS.filter((action) => decide(action, facts).allowed);
}

// Making a DateTimeFormat costs a tenth of a millisecond; every counter answer about a
// returned ticket needs two, so each venue's pair is made once.
const formatsByTimezone = new Map<string, { time: Intl.DateTimeFormat; day: Intl.DateTimeFormat }>();

function formatsFor(timezone: string) {
  let formats = formatsByTimezone.get(timezone);
  if (!formats) {
    formats = {
      time: new Intl.DateTimeFormat("en-GB", { timeZone: timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
      day: new Intl.DateTimeFormat("en-GB", { timeZone: timezone, weekday: "short", day: "numeric", month: "short" }),
    };
    formatsByTimezone.set(timezone, formats);
  }
  return formats;
}

/** "at 01:23 on Sat 21 Nov", in the venue's own time. */
export function localTime(at: Date, timezone: string): string {
  const { time, day } = formatsFor(timezone);
  return `at ${time.format(at)} on ${day.format(at)}`;
}

/** When a venue's guests pay (docs/guests.md): as they hand the coat over, or as they take it back. */
export type PaymentTiming = "CHECK_IN" | "CHECK_OUT";

/**
 * What the guest owes before this step, in cents, or 0. A coat never goes back unpaid without
 * the attendant saying so (a payment, or a reason); at a venue that takes payment at check-in,
 * the check-in asks for it too (or for "pays at pickup"). Pure and shared with the offline
 * counter, which asks the same question with no network.
 */
export function paymentDue(
  action: TicketAction,
  ticket: { paymentStatus: PaymentStatus },
  venue: { priceCents: number; paymentTiming: PaymentTiming },
): number {
  if (ticket.paymentStatus !== "UNPAID" || venue.priceCents <= 0) return 0;
  if (action === "CHECK_OUT") return venue.priceCents;
  if (action === "CHECK_IN" && venue.paymentTiming === "CHECK_IN") return venue.priceCents;
  return 0;
}
