import type { Database } from "@qrcoats/db";
import { OpenStreams } from "./limits";

// What the database announces (migration 20261124001500_live_notifications): ids only.
export type LiveNotices = {
  qrcoats_scan_events: { id: string; organizationId: string; venueId: string; ticketId: string | null };
  qrcoats_tickets: {
    ticketId: string;
    organizationId: string;
    venueId: string;
    state: "ISSUED" | "CHECKED_IN" | "RETURNED" | "VOIDED" | "FORGOTTEN";
    slotId: string | null;
    updatedAt: string;
  };
  // Migrations 20261207194337_closing_rush_pickups and 20261207210500_pickup_rules_notify: a
  // request's change, or (state RULES, no request or ticket) the venue's pickup settings'.
  qrcoats_pickups: { id: string | null; organizationId: string; venueId: string; ticketId: string | null; state: string };
};
export type LiveChannel = keyof LiveNotices;

/** A subscriber that falls this far behind is cut off; it reconnects and resumes. */
const MAX_QUEUED = 1_000;

type Subscriber<T> = { push(notice: T): void; end(error?: Error): void };

/**
 * A channel's notices for one subscriber. `takeWaiting` hands over (and drops) the notices
 * that arrived but were not read yet, so a view that only needs the latest state can skip a
 * burst of changes to its end rather than work through each.
 */
export type NoticeStream<T> = AsyncIterableIterator<T> & { takeWaiting(): T[] };

/**
 * Fans the database's notifications out to this host's subscribers: one LISTEN per channel
 * per process, however many browsers watch. Every host hears every host's changes, because
 * the database (PostgreSQL's NOTIFY, or PGlite's in-process) delivers them.
 */
export class LiveHub {
  private readonly subscribers = new Map<LiveChannel, Set<Subscriber<never>>>();
  private readonly listening = new Map<LiveChannel, Promise<() => Promise<void>>>();
  private closed = false;
  /** The streams this host serves, counted against its limits (see ./streams.ts). */
  readonly streams = new OpenStreams();

  constructor(private readonly db: Pick<Database, "listen">) {}

  /**
   * Notices on a channel from now on, until `signal` aborts or the hub closes. Registered
   * at once (not on first read), so a caller can subscribe, then catch up from the
   * database, and miss nothing in between.
   */
  stream<C extends LiveChannel>(channel: C, signal: AbortSignal): NoticeStream<LiveNotices[C]> {
    const queue: LiveNotices[C][] = [];
    let wake: (() => void) | null = null;
    let done = false;
    let failure: Error | undefined;
    const subscriber: Subscriber<LiveNotices[C]> = {
      push(notice) {
        if (done) return;
        if (queue.length >= MAX_QUEUED) return subscriber.end(new Error("Too far behind; reconnect to catch up."));
        queue.push(notice);
        wake?.();
      },
      end(error) {
        done = true;
        failure = error;
        wake?.();
      },
    };
    const set = this.subscribers.get(channel) ?? new Set();
    this.subscribers.set(channel, set);
    set.add(subscriber);
    const ready = this.ensureListening(channel);
    const leave = () => {
      signal.removeEventListener("abort", leave);
      set.delete(subscriber);
      subscriber.end();
    };
    if (this.closed || signal.aborted) leave();
    signal.addEventListener("abort", leave, { once: true });

    const iterator: NoticeStream<LiveNotices[C]> = {
      takeWaiting() {
        return queue.splice(0);
      },
      async next() {
        await ready;
        while (queue.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        if (queue.length > 0) return { value: queue.shift()!, done: false };
        if (failure) throw failure;
        return { value: undefined, done: true };
      },
      async return() {
        leave();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /** Resolves once the database is listening on the channel: catch up only after this. */
  ready(channel: LiveChannel): Promise<unknown> {
    return this.ensureListening(channel);
  }

  /** Subscribers on every channel: zero once every stream has ended. */
  subscriberCount(): number {
    let count = 0;
    for (const set of this.subscribers.values()) count += set.size;
    return count;
  }

  /** Ends every stream (their subscriptions finish), so the host can shut down. */
  async close(): Promise<void> {
    this.closed = true;
    for (const set of this.subscribers.values()) for (const subscriber of set) subscriber.end();
    this.subscribers.clear();
    const stops = await Promise.allSettled(this.listening.values());
    await Promise.all(stops.flatMap((stop) => (stop.status === "fulfilled" ? [stop.value()] : [])));
  }

  private ensureListening(channel: LiveChannel): Promise<unknown> {
    let listening = this.listening.get(channel);
    if (!listening) {
      listening = this.db.listen(channel, (payload) => {
        const notice = JSON.parse(payload) as never;
        for (const subscriber of this.subscribers.get(channel) ?? []) subscriber.push(notice);
      });
      this.listening.set(channel, listening);
    }
    return listening;
  }
}
