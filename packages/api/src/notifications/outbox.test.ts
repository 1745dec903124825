import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "../testing";
import { deliverPending, enqueue, type DeliveredMessage, type NotificationSink } from "./outbox";

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

const message = (n: number) => ({
  channel: "email" as const,
  recipient: `person${n}@example.com`,
  template: "test",
  subject: `Message ${n}`,
  body: `Body ${n}`,
});

function recordingSink(fail: (m: DeliveredMessage) => boolean = () => false) {
  const delivered: string[] = [];
  const sink: NotificationSink = {
    async deliver(m) {
      if (fail(m)) throw new Error(`provider refused ${m.subject}`);
      delivered.push(m.subject);
    },
  };
  return { sink, delivered };
}

describe("the notification outbox", () => {
  it("delivers waiting messages oldest first, once", async () => {
    const start = t.clock.now().getTime();
    for (const n of [1, 2, 3]) await enqueue(t.db.prisma, message(n), new Date(start + n));
    const { sink, delivered } = recordingSink();
    expect(await deliverPending(t.deps, { sink: sink })).toEqual({ delivered: 3, failed: 0 });
    expect(delivered).toEqual(["Message 1", "Message 2", "Message 3"]);
    expect(await deliverPending(t.deps, { sink: sink })).toEqual({ delivered: 0, failed: 0 });
  });

  it("keeps a failed message for a later run with its error, up to five attempts", async () => {
    await enqueue(t.db.prisma, message(4), t.clock.now());
    const failing = recordingSink(() => true);
    for (let run = 0; run < 6; run++) await deliverPending(t.deps, { sink: failing.sink });
    const [row] = await t.db.sql.query<{ attempts: number; last_error: string; delivered_at: Date | null }>(
      `SELECT attempts, last_error, delivered_at FROM auth.notification_outbox WHERE subject = 'Message 4'`,
    );
    expect(row).toEqual({ attempts: 5, last_error: "provider refused Message 4", delivered_at: null });
  });

  it("a rolled-back change sends nothing", async () => {
    await expect(
      t.db.prisma.$transaction(async (tx) => {
        await enqueue(tx, message(5), t.clock.now());
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    const { sink, delivered } = recordingSink();
    await deliverPending(t.deps, { sink: sink });
    expect(delivered).not.toContain("Message 5");
  });

  it("two workers at once deliver each message exactly once", async () => {
    for (let n = 10; n < 40; n++) await enqueue(t.db.prisma, message(n), t.clock.now());
    const a = recordingSink();
    const b = recordingSink();
    await Promise.all([deliverPending(t.deps, { sink: a.sink, batchSize: 100 }), deliverPending(t.deps, { sink: b.sink, batchSize: 100 })]);
    const all = [...a.delivered, ...b.delivered].filter((subject) => subject !== "Message 4");
    expect(all.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `Message ${i + 10}`).sort());
  });
});
