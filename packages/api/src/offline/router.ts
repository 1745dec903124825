import type { TRPCRouterRecord } from "@trpc/server";
import { memberProcedure } from "../trpc";
import { prepareInput, releaseInput, syncInput, type Preparation, type SyncResult } from "./contract";

export const offlineRouter = {
  /** Registers the device at the venue, renews its slot lease and walk-in pool, and sends tonight's tickets. */
  prepare: memberProcedure.input(prepareInput).mutation(async (): Promise<Preparation> => {
    throw new Error("not yet");
  }),
  /** Applies the device's operations exactly once, in order; answers each one's outcome. */
  sync: memberProcedure.input(syncInput).mutation(async (): Promise<SyncResult> => {
    throw new Error("not yet");
  }),
  /** Sign-out: gives the device's unused slots and walk-in tickets back. */
  release: memberProcedure.input(releaseInput).mutation(async (): Promise<{ released: true }> => {
    throw new Error("not yet");
  }),
} satisfies TRPCRouterRecord;
