import { publicProcedure } from "../trpc";
import { checkHealth, type AdminHealth, type PublicHealth } from "./health";

/**
 * Top-level `health`: load balancers and the apps' first screen call it. The release and
 * database details are for an organization's admins; everyone else gets the status.
 */
export const healthProcedure = publicProcedure.query(async ({ ctx }): Promise<AdminHealth | PublicHealth> => {
  const health = await checkHealth(ctx);
  return ctx.principal?.membership?.role === "ADMIN" ? { view: "admin", ...health } : { view: "public", status: health.status };
});
