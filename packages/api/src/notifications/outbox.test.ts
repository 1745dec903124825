import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "../testing";
import { BACKOFF_SECONDS, deliverPending, enqueue, MAX_ATTEMPTS, type OutgoingMessage } from "./outbox";
import { PermanentDeliveryError, type Channel, type MessageSender, type RenderedMessage } from "./sender";

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());
// Each test starts from an empty outbox: a message left waiting by one must not be another's.
beforeEach(async () => {
  await t.db.sql.query(`DELETE FROM auth.notification_outbox`);
});

const HOUR = 3_600_000;

/** A password reset to person<n>, with a token of its own, worth sending for `validMs`. */
function reset(n: number, options: { validMs?: number; channel?: Channel } = {}): OutgoingMessage {
  return {
    template: "password-reset",
    params: { name: `Person ${n}`, token: `secrettoken${n}abc`, validMinutes: 30 },
    channel: options.channel ?? "email",
    to: options.channel === "sms" ? `+49 151 5550${String(n).padStart(3, "0")}` : `person${n}@example.com`,
    audience: "GUEST",
    organizationId: null,
    expiresAt: new Date(t.clock.now().getTime() + (options.validMs ?? 24 * HOUR)),
  };
}

const queue = (...messages: OutgoingMessage[]) => enqueue(t.db.prisma, t.config.keys, messages, t.clock.now());

/** A sender that keeps what it was given; `fail` decides, per message, to throw instead. */
function recordingSender(fail: (message: RenderedMessage) => Error | null = () => null, channel: Channel = "email") {
  const sent: RenderedMessage[] = [];
  const sender: MessageSender = {
    channel,
    via: "test",
    async send(message) {
      const error = fail(message);
      if (error) throw error;
      sent.push(message);
      return {};
    },
  };
  return { sender, sent };
}

type Row = {
  attempts: number;
  last_error: string | null;
  delivered_at: Date | null;
  delivered_via: string | null;
  failed_at: Date | null;
  next_attempt_at: Date;
  params_encrypted: string | null;
};

async function rows(): Promise<Row[]> {
  return t.db.sql.query<Row>(
    `SELECT attempts, last_error, delivered_at, delivered_via, failed_at, next_attempt_at, params_encrypted
       FROM auth.notification_outbox ORDER BY created_at, id`,
  );
}

describe("the notification outbox", () => {
  it("delivers waiting messages oldest first, once, and keeps none of their content once sent", async () => {
    for (const n of [1, 2, 3]) {
      await queue(reset(n));
      t.clock.advance(1);
    }
    const { sender, sent } = recordingSender();
    expect(await deliverPending(t.deps, { senders: [sender] })).toEqual({ delivered: 3, retrying: 0, failed: 0, expired: 0 });
    expect(sent.map((message) => message.to)).toEqual(["person1@example.com", "person2@example.com", "person3@example.com"]);
    expect(sent[0]).toMatchObject({
      channel: "email",
      template: "password-reset",
      subject: "Choose a new QRcoats password",
      text: expect.stringContaining(`/reset-password?token=secrettoken1abc`),
      html: expect.stringContaining(`/reset-password?token=secrettoken1abc`),
    });
    expect(await deliverPending(t.deps, { senders: [sender] })).toEqual({ delivered: 0, retrying: 0, failed: 0, expired: 0 });
    for (const row of await rows()) {
      expect(row).toMatchObject({ attempts: 1, delivered_via: "test", last_error: null, failed_at: null, params_encrypted: null });
    }
  });

  it("backs off 30 s, 2 min, 10 min, 1 h and 6 h after transient failures, and fails at the sixth attempt, keeping the parameters for a retry", async () => {
    await queue(reset(4, { validMs: 48 * HOUR }));
    const failing = recordingSender(() => new Error("connection reset by the mail server"));
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      expect((await deliverPending(t.deps, { senders: [failing.sender] })).delivered).toBe(0);
      const [row] = await rows();
      expect(row!.attempts).toBe(attempt);
      expect(row!.last_error).toBe("connection reset by the mail server");
      if (attempt === MAX_ATTEMPTS) {
        expect(row!.failed_at).not.toBeNull();
        expect(row!.params_encrypted).not.toBeNull();
        break;
      }
      const wait = row!.next_attempt_at.getTime() - t.clock.now().getTime();
      expect(Math.round(wait / 1000)).toBe(BACKOFF_SECONDS[attempt - 1]);
      // Not a moment before it is due.
      t.clock.advance(wait - 1_000);
      await deliverPending(t.deps, { senders: [failing.sender] });
      expect((await rows())[0]!.attempts).toBe(attempt);
      t.clock.advance(1_000);
    }
    t.clock.advance(7 * HOUR);
    await deliverPending(t.deps, { senders: [failing.sender] });
    expect((await rows())[0]!.attempts).toBe(MAX_ATTEMPTS);
  });

  it("fails at once on a permanent refusal, and an error keeps nothing of the message", async () => {
    await queue(reset(5));
    t.clock.advance(1);
    await queue(reset(6));
    // A server that echoes everything it was given, in both kinds of failure.
    const echo = (message: RenderedMessage) => `refused ${message.to} "${message.subject}" ${message.text} ${message.html} (${message.id})`;
    const { sender } = recordingSender((message) =>
      message.to === "person5@example.com" ? new PermanentDeliveryError(`550 ${echo(message)}`) : new Error(`421 ${echo(message)}`),
    );
    expect(await deliverPending(t.deps, { senders: [sender] })).toEqual({ delivered: 0, retrying: 1, failed: 1, expired: 0 });
    const [permanent, transient] = await rows();
    expect(permanent).toMatchObject({ attempts: 1, failed_at: expect.any(Date) });
    expect(transient).toMatchObject({ attempts: 1, failed_at: null });
    for (const [row, n] of [
      [permanent!, 5],
      [transient!, 6],
    ] as const) {
      expect(row.last_error).toMatch(/^(550|421) refused/);
      for (const secret of [`person${n}@example.com`, `secrettoken${n}abc`, "reset-password", `Person ${n}`, "Open this link", "<p>"]) {
        expect(row.last_error, secret).not.toContain(secret);
      }
    }
  });

  it("keeps no token a server echoed in another spelling: upper-cased, cut short, or squeezed", async () => {
    const token = "x3mbqnmbujh6t63rptzuegh2hxsoe7ab";
    await queue({ ...reset(7), template: "password-reset", params: { name: "Person 7", token, validMinutes: 30 } });
    const { sender } = recordingSender(
      () =>
        new PermanentDeliveryError(`554 5.7.1 Rejected: token ${token.toUpperCase()} looks like spam; ${token.slice(0, 29)}... blocked`),
    );
    await deliverPending(t.deps, { senders: [sender] });
    const [row] = await rows();
    expect(row!.last_error).toMatch(/^554 5\.7\.1 Rejected: token \[…\] looks like spam/);
    expect(row!.last_error!.toLowerCase()).not.toContain(token.slice(0, 16));
  });

  it("leaves a message waiting when no sender serves its channel, saying why", async () => {
    await queue(reset(7, { channel: "sms" }), reset(8));
    const email = recordingSender();
    expect(await deliverPending(t.deps, { senders: [email.sender] })).toEqual({ delivered: 1, retrying: 0, failed: 0, expired: 0 });
    const [sms] = await t.db.sql.query<Row>(`SELECT * FROM auth.notification_outbox WHERE channel = 'sms'`);
    expect(sms).toMatchObject({
      attempts: 0,
      failed_at: null,
      delivered_at: null,
      last_error: "No sms sender is configured on this host.",
    });

    await queue(reset(9));
    expect(await deliverPending(t.deps, { senders: [] })).toEqual({ delivered: 0, retrying: 0, failed: 0, expired: 0 });
    const [waiting] = await t.db.sql.query<Row>(`SELECT * FROM auth.notification_outbox WHERE channel = 'email' AND delivered_at IS NULL`);
    expect(waiting).toMatchObject({ attempts: 0, last_error: "No email sender is configured on this host." });

    const sms2 = recordingSender(() => null, "sms");
    await deliverPending(t.deps, { senders: [email.sender, sms2.sender] });
    expect(sms2.sent.map((message) => message.to)).toEqual(["+49 151 5550007"]);
  });

  it("fails a message as expired when it was not delivered in time, and drops the parameters of every expired one", async () => {
    await queue(reset(10, { validMs: 60_000 }));
    t.clock.advance(1);
    await queue(reset(11, { validMs: 60_000 }));
    const { sender } = recordingSender((message) =>
      message.to === "person11@example.com" ? new PermanentDeliveryError("550 no such mailbox") : new Error("421 try later"),
    );
    await deliverPending(t.deps, { senders: [sender] });
    t.clock.advance(61_000);
    expect(await deliverPending(t.deps, { senders: [sender] })).toEqual({ delivered: 0, retrying: 0, failed: 0, expired: 1 });
    const [expired, refused] = await rows();
    expect(expired).toMatchObject({
      attempts: 1,
      failed_at: expect.any(Date),
      last_error: "Not delivered before it expired (421 try later).",
      params_encrypted: null,
    });
    expect(refused).toMatchObject({ attempts: 1, failed_at: expect.any(Date), last_error: "550 no such mailbox", params_encrypted: null });
  });

  it("counts a sender that does not answer in time as a failed attempt", async () => {
    await queue(reset(12));
    const silent: MessageSender = { channel: "email", via: "test", send: () => new Promise(() => {}) };
    expect(await deliverPending(t.deps, { senders: [silent], sendTimeoutMs: 50 })).toMatchObject({ retrying: 1 });
    expect((await rows())[0]).toMatchObject({ attempts: 1, last_error: "The sender did not answer within 0.05 s." });
  });

  it("a rolled-back change sends nothing", async () => {
    await expect(
      t.db.prisma.$transaction(async (tx) => {
        await enqueue(tx, t.config.keys, [reset(13)], t.clock.now());
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    const { sender, sent } = recordingSender();
    await deliverPending(t.deps, { senders: [sender] });
    expect(sent).toEqual([]);
  });

  it("two workers at once deliver each message exactly once", async () => {
    for (let n = 20; n < 50; n++) await queue(reset(n));
    const a = recordingSender();
    const b = recordingSender();
    await Promise.all([
      deliverPending(t.deps, { senders: [a.sender], batchSize: 100 }),
      deliverPending(t.deps, { senders: [b.sender], batchSize: 100 }),
    ]);
    const all = [...a.sent, ...b.sent].map((message) => message.to);
    expect(all.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `person${i + 20}@example.com`).sort());
  });
});
