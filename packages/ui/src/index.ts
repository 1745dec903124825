export { ApiProvider, queryClient, trpc, trpcClient } from "./api";
export { HealthStatus } from "./health-status";
