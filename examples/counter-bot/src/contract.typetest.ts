import type { RouterInputs, RouterOutputs } from "@qrcoats/api/client";

// What this project relies on from QRcoats. `npm run typecheck` fails here when a change to
// one of these procedures' input or output would break the bot — before it ships.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type Extends<A, B> = A extends B ? true : false;

type Scan = RouterOutputs["qr"]["scan"];
type TicketState = "ISSUED" | "CHECKED_IN" | "RETURNED" | "VOIDED" | "FORGOTTEN";

export type Contract = [
  Expect<Equal<RouterInputs["auth"]["issueToken"], { email: string; password: string }>>,
  Expect<Extends<{ venueId: string }, RouterInputs["qr"]["issueWalkIn"]>>,
  Expect<Extends<{ venueId: string; code: string }, RouterInputs["qr"]["scan"]>>,
  Expect<Extends<{ venueId: string; code: string }, RouterInputs["qr"]["checkIn"]>>,
  Expect<Equal<RouterOutputs["qr"]["issueWalkIn"]["number"], number>>,
  Expect<Equal<RouterOutputs["qr"]["issueWalkIn"]["code"], string>>,
  Expect<Equal<Scan["ticket"]["state"], TicketState>>,
  Expect<Extends<Scan["allowedActions"][number], "CHECK_IN" | "CHECK_OUT" | "SWAP" | "DETACH" | "VOID" | "PAY">>,
  Expect<Equal<NonNullable<Scan["proposedSlot"]>["number"], number>>,
  Expect<Equal<RouterOutputs["venue"]["list"]["items"][number]["name"], string>>,
  Expect<Extends<{ venueId: string }, RouterInputs["rack"]["occupancy"]>>,
  Expect<Equal<RouterOutputs["rack"]["list"]["totals"]["HANGER"], { slotCount: number; occupiedCount: number; freeCount: number }>>,
];
