import { TRPCError } from "@trpc/server";
import { ReasonedRefusal } from "../lib/errors";
import type { RefusalReason } from "./scan-events";

/**
 * A refusal at the counter: a tRPC error whose reason clients read from `data.reason` and
 * the scan history keeps. Thrown inside a transition's transaction, it rolls the work back
 * and is recorded afterwards.
 */
export class CounterRefusal extends TRPCError {
  constructor(
    code: "NOT_FOUND" | "CONFLICT" | "PRECONDITION_FAILED",
    readonly reason: RefusalReason,
    message: string,
  ) {
    super({ code, message, cause: new ReasonedRefusal(reason, message) });
  }
}
