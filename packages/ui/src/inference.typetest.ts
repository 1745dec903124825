import type { RouterInputs, RouterOutputs } from "@qrcoats/api";
import type { inferInput, inferOutput } from "@trpc/tanstack-react-query";
import type { trpc } from "./api";

// Compiled by `npm run typecheck`: fails when the apps would stop seeing the router's types
// (an `any` creeping in through the client, or a changed procedure).
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type IsAny<T> = 0 extends 1 & T ? true : false;

export type InferenceChecks = [
  Expect<Equal<IsAny<RouterOutputs["health"]>, false>>,
  Expect<Equal<Extract<RouterOutputs["health"], { view: "admin" }>["version"], string>>,
  Expect<Equal<Extract<RouterOutputs["health"], { view: "admin" }>["database"]["kind"], "postgres" | "embedded">>,
  Expect<Equal<Extract<RouterOutputs["health"], { view: "public" }>, { view: "public"; status: "ok" | "degraded" }>>,
  Expect<Equal<inferOutput<typeof trpc.health>, RouterOutputs["health"]>>,
  Expect<Equal<inferInput<typeof trpc.health>, RouterInputs["health"]>>,
];
