import { publicProcedure } from "../trpc";
import { checkHealth } from "./health";

/** Top-level `health`: load balancers and the apps' first screen call it. */
export const healthProcedure = publicProcedure.query(({ ctx }) => checkHealth(ctx.db, ctx.version));
