import { authRouter } from "./auth/router";
import { employeeRouter } from "./employee/router";
import { healthProcedure } from "./health/router";
import { orgRouter } from "./org/router";
import { performanceRouter } from "./performance/router";
import { shiftRouter } from "./shift/router";
import { taskRouter } from "./task/router";
import { createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  health: healthProcedure,
  auth: authRouter,
  org: orgRouter,
  employee: employeeRouter,
  task: taskRouter,
  shift: shiftRouter,
  performance: performanceRouter,
});

export type AppRouter = typeof appRouter;
