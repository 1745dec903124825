export { appRouter, type AppRouter } from "./root";
export { createCallerFactory } from "./trpc";
export { createInProcessClient, type InProcessClient } from "./in-process-client";
export { createContext, createInnerContext, type ApiServices, type Context, type Principal, type RequestInfo } from "./context";
export { createApiConfig, generateKeys, type ApiConfig, type ApiKeys } from "./config";
export { checkHealth, type AdminHealth, type Health, type PublicHealth } from "./health/health";
export { RetryLaterError } from "./lib/errors";
export type { ApiTelemetry, ProcedureOutcome } from "./lib/telemetry";
export { LiveHub } from "./live/hub";
export { closeStaleShifts } from "./shift/stale";
export { deleteExpiredAuthRecords, RETENTION_DAYS } from "./auth/retention";
export { markForgottenTickets } from "./qr/forgotten";
export { ticketImageFile } from "./qr/tickets";
export type { RefusalReason } from "./qr/scan-events";
/** For tools that mint tickets in bulk (benchmarks): the same codes the API makes. */
export { codeFor, generatePublicId } from "./qr/codes";
export { deliverPending, type NotificationSink, type DeliveredMessage } from "./notifications/outbox";
export type { RouterInputs, RouterOutputs } from "./types";
