import type { TicketState } from "@qrcoats/db";
import { describe, expect, it } from "vitest";
import { allowedActions, decide, decideScan, edgesOf, localTime, type TicketAction, type TicketFacts } from "./state-machine";

const facts = (state: TicketState, more: Partial<TicketFacts> = {}): TicketFacts => ({
  state,
  inOutsUsed: 0,
  inOutAllowance: 1,
  paymentStatus: "UNPAID",
  slotNumber: state === "CHECKED_IN" ? 7 : null,
  returnedAt: state === "RETURNED" ? new Date("2026-12-05T01:07:00Z") : null,
  voidReason: null,
  timezone: "Europe/Berlin",
  ...more,
});

const outcome = (action: TicketAction, state: TicketState, more?: Partial<TicketFacts>) => {
  const decision = decide(action, facts(state, more));
  return decision.allowed ? `→ ${decision.to}` : `refused: ${decision.reason}`;
};

describe("the ticket state machine", () => {
  it("allows exactly the documented transitions and names every refusal", () => {
    const table: Record<TicketState, Record<TicketAction, string>> = {
      ISSUED: {
        CHECK_IN: "→ CHECKED_IN",
        CHECK_OUT: "refused: NOT_CHECKED_IN",
        SWAP: "refused: NOT_CHECKED_IN",
        DETACH: "refused: NOT_CHECKED_IN",
        VOID: "→ VOIDED",
        PAY: "→ ISSUED",
        FORGET: "refused: NOT_CHECKED_IN",
      },
      CHECKED_IN: {
        CHECK_IN: "refused: ALREADY_CHECKED_IN",
        CHECK_OUT: "→ RETURNED",
        SWAP: "→ CHECKED_IN",
        DETACH: "→ ISSUED",
        VOID: "→ VOIDED",
        PAY: "→ CHECKED_IN",
        FORGET: "→ FORGOTTEN",
      },
      FORGOTTEN: {
        CHECK_IN: "refused: FORGOTTEN",
        CHECK_OUT: "→ RETURNED",
        SWAP: "refused: FORGOTTEN",
        DETACH: "refused: FORGOTTEN",
        VOID: "refused: FORGOTTEN",
        PAY: "→ FORGOTTEN",
        FORGET: "refused: FORGOTTEN",
      },
      RETURNED: {
        CHECK_IN: "refused: ALREADY_RETURNED",
        CHECK_OUT: "refused: ALREADY_RETURNED",
        SWAP: "refused: ALREADY_RETURNED",
        DETACH: "refused: ALREADY_RETURNED",
        VOID: "refused: ALREADY_RETURNED",
        PAY: "refused: ALREADY_RETURNED",
        FORGET: "refused: ALREADY_RETURNED",
      },
      VOIDED: {
        CHECK_IN: "refused: VOIDED",
        CHECK_OUT: "refused: VOIDED",
        SWAP: "refused: VOIDED",
        DETACH: "refused: VOIDED",
        VOID: "refused: VOIDED",
        PAY: "refused: VOIDED",
        FORGET: "refused: VOIDED",
      },
    };
    for (const [state, row] of Object.entries(table) as [TicketState, Record<TicketAction, string>][]) {
      for (const [action, expected] of Object.entries(row) as [TicketAction, string][]) {
        expect(outcome(action, state), `${action} on ${state}`).toBe(expected);
      }
    }
  });

  it("detach is limited by the venue's allowance", () => {
    expect(outcome("DETACH", "CHECKED_IN", { inOutsUsed: 1, inOutAllowance: 2 })).toBe("→ ISSUED");
    expect(decide("DETACH", facts("CHECKED_IN", { inOutsUsed: 2, inOutAllowance: 2 }))).toEqual({
      allowed: false,
      reason: "ALLOWANCE_USED_UP",
      message: "This ticket has used its 2 in & outs: check the coat out instead.",
    });
  });

  it("a payment is taken once", () => {
    expect(decide("PAY", facts("CHECKED_IN", { paymentStatus: "PREPAID" }))).toEqual({
      allowed: false,
      reason: "ALREADY_PAID",
      message: "This ticket is already prepaid.",
    });
  });

  it("lists what the counter may do, in order", () => {
    expect(allowedActions(facts("ISSUED"))).toEqual(["CHECK_IN", "VOID", "PAY"]);
    expect(allowedActions(facts("CHECKED_IN"))).toEqual(["CHECK_OUT", "SWAP", "DETACH", "VOID", "PAY"]);
    expect(allowedActions(facts("CHECKED_IN", { inOutsUsed: 1, paymentStatus: "PAID_CARD" }))).toEqual(["CHECK_OUT", "SWAP", "VOID"]);
    expect(allowedActions(facts("FORGOTTEN"))).toEqual(["CHECK_OUT", "PAY"]);
    expect(allowedActions(facts("RETURNED"))).toEqual([]);
    expect(allowedActions(facts("VOIDED"))).toEqual([]);
  });

  it("a scan shows live tickets and refuses finished ones in the attendant's words", () => {
    expect(decideScan(facts("FORGOTTEN"))).toEqual({ allowed: true, to: "FORGOTTEN" });
    expect(decideScan(facts("RETURNED"))).toEqual({
      allowed: false,
      reason: "ALREADY_RETURNED",
      message: "This ticket was already returned at 02:07 on Sat 5 Dec.",
    });
    expect(decideScan(facts("VOIDED", { voidReason: "duplicate" }))).toMatchObject({
      reason: "VOIDED",
      message: "This ticket was voided: duplicate.",
    });
    expect(decideScan(facts("VOIDED"))).toMatchObject({ message: "This ticket was voided." });
  });

  it("tells times in the venue's zone, across DST", () => {
    expect(localTime(new Date("2027-03-14T06:59:00Z"), "America/New_York")).toBe("at 01:59 on Sun 14 Mar");
    expect(localTime(new Date("2027-03-14T07:00:00Z"), "America/New_York")).toBe("at 03:00 on Sun 14 Mar");
    expect(localTime(new Date("2027-01-15T17:30:00Z"), "Asia/Tokyo")).toBe("at 02:30 on Sat 16 Jan");
  });

  it("gives set-based jobs the edges of an action", () => {
    expect(edgesOf("FORGET")).toEqual([{ from: "CHECKED_IN", to: "FORGOTTEN" }]);
    expect(edgesOf("CHECK_OUT")).toEqual([
      { from: "CHECKED_IN", to: "RETURNED" },
      { from: "FORGOTTEN", to: "RETURNED" },
    ]);
  });
});
