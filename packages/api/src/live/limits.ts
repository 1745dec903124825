import type { LiveLimits } from "../config";
import { tooManyRequests } from "../lib/errors";

/** Open streams free up as people close pages; a client that was refused tries again soon. */
const RETRY_AFTER_SECONDS = 30;

/** Who holds a stream: its client's address, and its account when signed in. */
export type StreamHolder = { address: string; userId: string | null };

/**
 * Counts the live streams this host holds open, in all, per client address and per account,
 * so that no one client, account or crowd can hold the host's memory and connections.
 */
export class OpenStreams {
  private total = 0;
  private readonly byAddress = new Map<string, number>();
  private readonly byAccount = new Map<string, number>();

  get count(): number {
    return this.total;
  }

  /**
   * Takes a place for one more stream, or refuses with TOO_MANY_REQUESTS. The function it
   * returns gives the place back; calling it again does nothing.
   */
  admit(limits: LiveLimits, holder: StreamHolder): () => void {
    if (this.total >= limits.maxStreamsPerHost) {
      throw tooManyRequests("This server is holding as many live updates as it can.", RETRY_AFTER_SECONDS);
    }
    if ((this.byAddress.get(holder.address) ?? 0) >= limits.maxStreamsPerAddress) {
      throw tooManyRequests("Too many live updates are open from your network.", RETRY_AFTER_SECONDS);
    }
    if (holder.userId !== null && (this.byAccount.get(holder.userId) ?? 0) >= limits.maxStreamsPerAccount) {
      throw tooManyRequests("Too many live updates are open for your account; close some pages first.", RETRY_AFTER_SECONDS);
    }
    this.total++;
    increment(this.byAddress, holder.address, 1);
    if (holder.userId !== null) increment(this.byAccount, holder.userId, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      increment(this.byAddress, holder.address, -1);
      if (holder.userId !== null) increment(this.byAccount, holder.userId, -1);
    };
  }
}

/** Keeps only non-zero counts, so addresses seen once do not stay in memory. */
function increment(counts: Map<string, number>, key: string, by: 1 | -1) {
  const next = (counts.get(key) ?? 0) + by;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
}
