import type { TRPCRouterRecord } from "@trpc/server";
import { memberProcedure } from "../trpc";
import { prepareInput, releaseInput, syncInput } from "./contract";
import { prepareDevice, releaseDevice } from "./devices";
import { syncDevice } from "./sync";

/** The offline counter (docs/offline.md): a device prepares online, acts offline, and syncs. */
export const offlineRouter = {
  /** Registers the device at the venue, renews its slot lease and walk-in pool, and sends tonight's tickets. */
  prepare: memberProcedure.input(prepareInput).mutation(({ ctx, input }) => prepareDevice(ctx, ctx.member, input)),
  /** Applies the device's operations exactly once, in order; answers each one's outcome. */
  sync: memberProcedure.input(syncInput).mutation(({ ctx, input }) => syncDevice(ctx, ctx.member, input)),
  /** Sign-out: gives the device's unused slots and walk-in tickets back. */
  release: memberProcedure.input(releaseInput).mutation(({ ctx, input }) => releaseDevice(ctx, ctx.member, input)),
} satisfies TRPCRouterRecord;
