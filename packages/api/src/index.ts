export { appRouter, type AppRouter } from "./root";
export { createCallerFactory } from "./trpc";
export { createInProcessClient, type InProcessClient } from "./in-process-client";
export { createContext, createInnerContext, type ApiServices, type Context, type Principal, type RequestInfo } from "./context";
export { createApiConfig, generateKeys, type ApiConfig, type ApiKeys } from "./config";
export { checkHealth, type Health } from "./health/health";
export { RetryLaterError } from "./lib/errors";
export { deliverPending, type NotificationSink, type DeliveredMessage } from "./notifications/outbox";
export type { RouterInputs, RouterOutputs } from "./types";
