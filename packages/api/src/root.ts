import { healthProcedure } from "./health/router";
import { createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  health: healthProcedure,
});

export type AppRouter = typeof appRouter;
