import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";
import type { RefusalReason, ScanAction } from "../qr/scan-events";

/** How a procedure call ended: "OK", or the tRPC error code it answered with. */
export type ProcedureOutcome = "OK" | TRPC_ERROR_CODE_KEY;

/**
 * What the API reports as it works, for a host that exports metrics. The API only calls
 * these; the host decides what they become (Prometheus, in apps/host), so the API depends on
 * no metrics library. Absent, nothing is measured. Calls sit on hot paths: implementations
 * must return at once and keep no per-call state.
 */
export type ApiTelemetry = {
  /** Every procedure call as it ends; for a subscription, when its stream is opened or refused. */
  procedureCompleted(path: string, outcome: ProcedureOutcome, seconds: number): void;
  /** Every counter attempt, as the scan history records it: done, or refused with its reason. */
  counterAction(action: ScanAction, outcome: "OK" | RefusalReason): void;
};
