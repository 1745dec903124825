import { randomUUID } from "node:crypto";
import type { Operation, OperationOutcome, PoolTicket, Preparation, SyncResult } from "@qrcoats/api/client";
import type { Answer, BrowserSession } from "./http-session";

/** What a device believes of a ticket: what it last heard from the server, then what it did itself. */
type Belief = { state: Preparation["tickets"][number]["state"]; slotId: string | null; paid: boolean };

/** The operation as the device sends it, without what the device numbers and dates itself. */
type Taking = Operation extends infer O ? (O extends Operation ? Omit<O, "opId" | "seq" | "takenAt"> : never) : never;

const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(Math.random() * items.length)];

/**
 * A counter device as the offline counter works (docs/offline.md): it prepares online (a lease
 * of free slots, a walk-in pool, tonight's tickets), takes operations on what it believes with
 * no network, numbered and dated as taken, and drops them from its queue only when an answer
 * says how they ended. Drives `offline.prepare` and `offline.sync` over HTTP, on any host.
 */
export class OfflineDevice {
  readonly deviceId = randomUUID();
  /** Every operation taken, in the device's order. */
  readonly taken: Operation[] = [];
  /** Taken and not yet answered, oldest first: what a sync sends. */
  queue: Operation[] = [];
  /** How each answered operation ended, by operation id, as the server said. */
  readonly outcomes = new Map<string, OperationOutcome>();
  private seq = 0;
  private beliefs = new Map<string, Belief>();
  private leased: string[] = [];
  private pool: PoolTicket[] = [];

  constructor(
    readonly session: BrowserSession,
    readonly venueId: string,
  ) {}

  /** Online: renews the lease and the pool and hears tonight's tickets. Only with nothing waiting, as the app does. */
  async prepare(host?: string): Promise<Answer> {
    if (this.queue.length > 0) throw new Error("A device prepares only once its queue is synced.");
    const answer = await this.session.answer("offline.prepare", { venueId: this.venueId, deviceId: this.deviceId }, host);
    if (!answer.answered || !answer.data) return answer;
    const preparation = answer.data as unknown as Preparation;
    this.beliefs = new Map(
      preparation.tickets.map((ticket) => [
        ticket.publicId,
        { state: ticket.state, slotId: ticket.slot?.id ?? null, paid: ticket.paymentStatus !== "UNPAID" },
      ]),
    );
    this.leased = preparation.leasedSlotIds;
    this.pool = [...preparation.walkInPool];
    return answer;
  }

  get poolSize() {
    return this.pool.length;
  }

  /** Leased slots no ticket is believed to hold. */
  freeLeasedSlots(): string[] {
    const held = new Set([...this.beliefs.values()].flatMap((belief) => (belief.slotId ? [belief.slotId] : [])));
    return this.leased.filter((slotId) => !held.has(slotId));
  }

  /** Public ids of tickets believed in one of these states. */
  ticketsIn(...states: Belief["state"][]): string[] {
    return [...this.beliefs].filter(([, belief]) => states.includes(belief.state)).map(([publicId]) => publicId);
  }

  /** Takes an operation offline: numbered, dated now, queued, and believed done. */
  take(taking: Taking): Operation {
    const operation = { ...taking, opId: randomUUID(), seq: ++this.seq, takenAt: new Date() } as Operation;
    this.taken.push(operation);
    this.queue.push(operation);
    this.believe(operation);
    return operation;
  }

  /** A walk-in ticket handed out from the pool, or null when the pool is empty. */
  issueWalkIn(): Extract<Operation, { action: "ISSUE_WALK_IN" }> | null {
    const pooled = this.pool.shift();
    return pooled
      ? (this.take({ action: "ISSUE_WALK_IN", publicId: pooled.publicId }) as Extract<Operation, { action: "ISSUE_WALK_IN" }>)
      : null;
  }

  /**
   * One operation an attendant might take now on what the device believes: mostly check-ins
   * on free leased slots and check-outs, with walk-ins, swaps, in & outs, payments and scans;
   * null when nothing fits.
   */
  randomOperation(): Operation | null {
    const roll = Math.random();
    const issued = pick(this.ticketsIn("ISSUED"));
    const checkedIn = pick(this.ticketsIn("CHECKED_IN"));
    const slot = pick(this.freeLeasedSlots());
    if (roll < 0.12 && this.pool.length > 0) return this.issueWalkIn();
    if (roll < 0.42 && issued && slot) {
      const payment = Math.random() < 0.3 ? { status: "PAID_CASH" as const } : undefined;
      return this.take({ action: "CHECK_IN", publicId: issued, slotId: slot, payment });
    }
    if (roll < 0.6 && checkedIn) return this.take({ action: "CHECK_OUT", publicId: checkedIn });
    if (roll < 0.7 && checkedIn && slot) return this.take({ action: "SWAP", publicId: checkedIn, toSlotId: slot });
    if (roll < 0.77 && checkedIn) return this.take({ action: "DETACH", publicId: checkedIn });
    const unpaid = pick([...this.beliefs].filter(([, b]) => !b.paid && (b.state === "ISSUED" || b.state === "CHECKED_IN")));
    if (roll < 0.87 && unpaid) return this.take({ action: "PAY", publicId: unpaid[0], payment: { status: "PAID_CARD" } });
    if (roll < 0.97 && (issued ?? checkedIn)) return this.take({ action: "SCAN", publicId: (issued ?? checkedIn)! });
    // What a device cannot know offline: a code that is none of the venue's tickets.
    return this.take({ action: "SCAN", code: `https://elsewhere.example/t/${randomUUID()}` });
  }

  /**
   * Sends operations (the oldest waiting ones unless told) to a host; with an answer, drops
   * what it answered and believes the server about every ticket no waiting operation touches.
   */
  async sync(options: { host?: string; operations?: Operation[]; signal?: AbortSignal } = {}): Promise<Answer> {
    const operations = options.operations ?? this.queue.slice(0, 100);
    const answer = await this.session.answer(
      "offline.sync",
      { venueId: this.venueId, deviceId: this.deviceId, operations },
      options.host,
      "mutation",
      options.signal,
    );
    if (answer.answered && answer.data) this.heard(answer.data as unknown as SyncResult);
    return answer;
  }

  private heard(result: SyncResult) {
    for (const outcome of result.outcomes) this.outcomes.set(outcome.opId, outcome);
    this.queue = this.queue.filter((operation) => !this.outcomes.has(operation.opId));
    const stillTouched = new Set(
      this.queue.flatMap((operation) => ("publicId" in operation && operation.publicId ? [operation.publicId] : [])),
    );
    for (const { ticket } of result.outcomes) {
      if (!ticket || stillTouched.has(ticket.publicId)) continue;
      this.beliefs.set(ticket.publicId, { state: ticket.state, slotId: ticket.slot?.id ?? null, paid: ticket.paymentStatus !== "UNPAID" });
    }
  }

  private believe(operation: Operation) {
    if (!("publicId" in operation) || !operation.publicId) return;
    const belief = this.beliefs.get(operation.publicId) ?? { state: "ISSUED", slotId: null, paid: false };
    const next: Belief = { ...belief };
    switch (operation.action) {
      case "ISSUE_WALK_IN":
        Object.assign(next, { state: "ISSUED", slotId: null, paid: false });
        break;
      case "CHECK_IN":
        Object.assign(next, { state: "CHECKED_IN", slotId: operation.slotId, paid: belief.paid || !!operation.payment });
        break;
      case "SWAP":
        next.slotId = operation.toSlotId;
        break;
      case "CHECK_OUT":
        Object.assign(next, { state: "RETURNED", slotId: null });
        break;
      case "DETACH":
        Object.assign(next, { state: "ISSUED", slotId: null });
        break;
      case "VOID":
        Object.assign(next, { state: "VOIDED", slotId: null });
        break;
      case "PAY":
        next.paid = true;
        break;
      case "SCAN":
        break;
    }
    this.beliefs.set(operation.publicId, next);
  }
}
