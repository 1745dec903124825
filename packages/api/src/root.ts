import { auditRouter } from "./audit/router";
import { authRouter } from "./auth/router";
import { employeeRouter } from "./employee/router";
import { healthProcedure } from "./health/router";
import { messagesRouter } from "./notifications/router";
import { offlineRouter } from "./offline/router";
import { orgRouter } from "./org/router";
import { pickupRouter } from "./pickup/router";
import { performanceRouter } from "./performance/router";
import { qrRouter } from "./qr/router";
import { shiftRouter } from "./shift/router";
import { taskRouter } from "./task/router";
import { createTRPCRouter } from "./trpc";
import { rackRouter, venueRouter } from "./venue/router";

export const appRouter = createTRPCRouter({
  health: healthProcedure,
  auth: authRouter,
  audit: auditRouter,
  org: orgRouter,
  employee: employeeRouter,
  messages: messagesRouter,
  task: taskRouter,
  shift: shiftRouter,
  performance: performanceRouter,
  venue: venueRouter,
  rack: rackRouter,
  qr: qrRouter,
  offline: offlineRouter,
  pickup: pickupRouter,
});

export type AppRouter = typeof appRouter;
