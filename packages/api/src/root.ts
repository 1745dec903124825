import { authRouter } from "./auth/router";
import { healthProcedure } from "./health/router";
import { orgRouter } from "./org/router";
import { qrRouter } from "./qr/router";
import { createTRPCRouter } from "./trpc";
import { rackRouter, venueRouter } from "./venue/router";

export const appRouter = createTRPCRouter({
  health: healthProcedure,
  auth: authRouter,
  org: orgRouter,
  venue: venueRouter,
  rack: rackRouter,
  qr: qrRouter,
});

export type AppRouter = typeof appRouter;
