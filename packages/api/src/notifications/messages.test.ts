import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hire, type Staff } from "../employee/testing";
import { createInProcessClient } from "../in-process-client";
import { markForgottenTickets } from "../qr/forgotten";
import { openVenue } from "../qr/testing";
import { createTestApi, refusal, STRONG_PASSWORD, type TestApi } from "../testing";
import { deliverPending } from "./outbox";
import { PermanentDeliveryError, type MessageSender, type RenderedMessage } from "./sender";
import { newestMessageTo } from "./testing";

// messages.*: what an admin sees of the outbox. Organization A has invitations, an
// attendant's password reset and a walk-in's forgotten-coat notice; a guest's own reset
// belongs to no organization; organization B has an invitation of its own.

const DAY = 24 * 60 * 60 * 1000;

let t: TestApi;
let alpha: Awaited<ReturnType<typeof openVenue>>;
let bravo: Awaited<ReturnType<typeof openVenue>>;
let attendant: Staff;
let walkIn: { id: string; number: number; code: string };

const WALK_IN_EMAIL = "walk-in.guest@elsewhere.example";

beforeAll(async () => {
  t = await createTestApi();
  alpha = await openVenue(t, "Alpha");
  bravo = await openVenue(t, "Bravo");
  attendant = await hire(t, alpha.admin, { email: "attendant@alpha.example", name: "Atty", venueIds: [alpha.venue.id] });
  t.clock.advance(1000);
  await alpha.admin.api.employee.create({ email: "ann@alpha.example", name: "Ann", venueIds: [] });
  t.clock.advance(1000);
  await alpha.admin.api.employee.create({ email: "bob@alpha.example", name: "Bob", venueIds: [] });
  t.clock.advance(1000);
  await alpha.admin.api.employee.create({ email: "dot@alpha.example", name: "Dot", venueIds: [] });
  await bravo.admin.api.employee.create({ email: "cy@bravo.example", name: "Cy", venueIds: [] });
  walkIn = await alpha.admin.api.qr.issueWalkIn({ venueId: alpha.venue.id, name: "Wanda Walker", email: WALK_IN_EMAIL });
  await alpha.admin.api.qr.checkIn({ venueId: alpha.venue.id, code: walkIn.code });
  // Two nights later the coat is still there: its guest is told, at that moment.
  t.clock.advance(2 * DAY);
  await markForgottenTickets({ ...t.deps, clock: t.clock.now });
  t.clock.advance(1000);
  await t.client().api.auth.requestPasswordReset({ email: "attendant@alpha.example" });
  const guest = await t.signUp({ email: "guest@elsewhere.example" });
  await t.client().api.auth.requestPasswordReset({ email: guest.me.user.email });
});
afterAll(() => t.close());

async function everything(admin: typeof alpha.admin, status?: "PENDING" | "SENT" | "FAILED" | "WITHDRAWN") {
  const items = [];
  let cursor: string | undefined;
  do {
    const page = await admin.api.messages.list({ limit: 2, cursor, status });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

function sender(behaviour: (message: RenderedMessage) => Error | null): MessageSender {
  return {
    channel: "email",
    via: "test",
    async send(message) {
      const error = behaviour(message);
      if (error) throw error;
      return {};
    },
  };
}

describe("messages.list", () => {
  it("shows an admin their organization's messages, newest first, a page at a time, and nothing of anyone else's", async () => {
    const items = await everything(alpha.admin);
    expect(items.map((item) => [item.template, item.to])).toEqual([
      ["password-reset", "attendant@alpha.example"],
      ["forgotten-items", null],
      ["employee-invitation", "dot@alpha.example"],
      ["employee-invitation", "bob@alpha.example"],
      ["employee-invitation", "ann@alpha.example"],
      ["employee-invitation", "attendant@alpha.example"],
    ]);
    expect(items.map((item) => item.createdAt.getTime())).toEqual(items.map((item) => item.createdAt.getTime()).sort((a, b) => b - a));
    expect(items[1]).toMatchObject({
      channel: "email",
      subject: "You left something at Alpha Club",
      ticketNumber: walkIn.number,
      status: "PENDING",
      attempts: 0,
      employeeId: null,
      retryable: true,
    });
    const ann = await alpha.admin.api.employee.list({ search: "ann@alpha.example" });
    expect(items[4]).toMatchObject({ employeeId: ann.items[0]!.id, subject: "You are invited to join Alpha Ltd on QRcoats" });

    expect((await everything(bravo.admin)).map((item) => item.to)).toEqual(["cy@bravo.example"]);
  });

  it("never holds a link, a token, a ticket code, a body or a guest's address", async () => {
    const secrets = [walkIn.code, WALK_IN_EMAIL, "Wanda Walker"];
    for (const address of ["ann@alpha.example", "bob@alpha.example", "attendant@alpha.example", WALK_IN_EMAIL, "guest@elsewhere.example"]) {
      const message = await newestMessageTo(t, address);
      secrets.push(...message.text.match(/https?:\/\/\S+/g)!, ...message.text.split("\n").filter((line) => line.length > 20));
      secrets.push(...[...message.text.matchAll(/token=([a-z2-7]+)/g)].map((match) => match[1]!));
    }
    const shown = JSON.stringify([await everything(alpha.admin), await everything(bravo.admin)]);
    for (const secret of secrets) expect(shown, secret).not.toContain(secret);
    expect(shown).not.toMatch(/token=|\/t\/|https?:/);
  });

  it("is for admins of the organization only: attendants, guests and anonymous callers are refused", async () => {
    const guest = await t.signUp({ email: "nosy@elsewhere.example" });
    for (const caller of [attendant, guest]) {
      expect((await refusal(caller.api.messages.list({}))).code).toBe("FORBIDDEN");
      expect((await refusal(caller.api.messages.delivery())).code).toBe("FORBIDDEN");
      const [message] = (await alpha.admin.api.messages.list({ limit: 1 })).items;
      expect((await refusal(caller.api.messages.retry({ id: message!.id }))).code).toBe("FORBIDDEN");
    }
    expect((await refusal(t.client().api.messages.list({}))).code).toBe("UNAUTHORIZED");
  });
});

describe("delivery states and messages.retry", () => {
  it("shows what was sent, what waits and why, what failed; a failed message goes again once retried", async () => {
    await deliverPending(t.deps, {
      senders: [
        sender((message) =>
          message.to === "bob@alpha.example"
            ? new PermanentDeliveryError("550 5.1.1 mailbox unavailable")
            : message.to === "attendant@alpha.example" || message.to === "dot@alpha.example"
              ? new Error("421 4.7.0 try again later")
              : null,
        ),
      ],
    });
    const failed = await everything(alpha.admin, "FAILED");
    expect(failed).toMatchObject([
      { to: "bob@alpha.example", status: "FAILED", attempts: 1, lastError: "550 5.1.1 mailbox unavailable", retryable: true },
    ]);
    // Accepted before it went: its link was dead, so it never will, and nothing failed.
    expect(await everything(alpha.admin, "WITHDRAWN")).toMatchObject([
      { to: "attendant@alpha.example", attempts: 0, lastError: "Withdrawn: the invitation was accepted.", retryable: false },
    ]);
    const pending = await everything(alpha.admin, "PENDING");
    expect(pending.map((item) => [item.template, item.to, item.attempts, item.lastError])).toEqual([
      ["password-reset", "attendant@alpha.example", 1, "421 4.7.0 try again later"],
      ["employee-invitation", "dot@alpha.example", 1, "421 4.7.0 try again later"],
    ]);
    expect(pending[0]!.nextAttemptAt!.getTime()).toBeGreaterThan(t.clock.now().getTime());
    const sent = await everything(alpha.admin, "SENT");
    expect(sent.map((item) => [item.template, item.to, item.deliveredVia, item.retryable])).toEqual([
      ["forgotten-items", null, "test", false],
      ["employee-invitation", "ann@alpha.example", "test", false],
    ]);
    expect(sent[0]!.deliveredAt).toBeInstanceOf(Date);

    // Another organization's admin is told the message does not exist, as for an unknown id.
    const unknown = await refusal(bravo.admin.api.messages.retry({ id: "00000000-0000-4000-8000-000000000000" }));
    expect(await refusal(bravo.admin.api.messages.retry({ id: failed[0]!.id }))).toEqual(unknown);
    expect(unknown.code).toBe("NOT_FOUND");
    expect(await refusal(alpha.admin.api.messages.retry({ id: sent[0]!.id }))).toMatchObject({
      code: "CONFLICT",
      message: "This message was already sent.",
    });

    const retried = await alpha.admin.api.messages.retry({ id: failed[0]!.id });
    expect(retried).toMatchObject({ status: "PENDING", lastError: "550 5.1.1 mailbox unavailable", nextAttemptAt: expect.any(Date) });
    const waiting = pending[1]!;
    await alpha.admin.api.messages.retry({ id: waiting.id });
    const run = await deliverPending(t.deps, { senders: [sender(() => null)] });
    expect(run.delivered).toBe(2);
    expect((await everything(alpha.admin, "SENT")).map((item) => item.id)).toEqual(expect.arrayContaining([failed[0]!.id, waiting.id]));

    // The reset link lived 30 minutes: past that, there is nothing worth sending.
    t.clock.advance(31 * 60 * 1000);
    await deliverPending(t.deps, { senders: [] });
    const [expired] = await everything(alpha.admin, "FAILED");
    expect(expired).toMatchObject({
      template: "password-reset",
      retryable: false,
      lastError: expect.stringMatching(/^Not delivered before it expired/),
    });
    expect(await refusal(alpha.admin.api.messages.retry({ id: expired!.id }))).toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("This message has expired"),
    });
  });
});

describe("messages.delivery", () => {
  it("says how this host sends email: nothing unless the host says otherwise", async () => {
    expect(await alpha.admin.api.messages.delivery()).toEqual({ email: "none" });
    const host = createInProcessClient({ ...t.services, mail: { email: "smtp", from: "QRcoats <coats@alpha.example>" } });
    await host.api.auth.login({ email: alpha.admin.me.user.email, password: STRONG_PASSWORD });
    expect(await host.api.messages.delivery()).toEqual({ email: "smtp", from: "QRcoats <coats@alpha.example>" });
  });
});

describe("messages.retry while a worker is sending", () => {
  it("refuses to make a message being sent due again, so it leaves once", async () => {
    await alpha.admin.api.employee.create({ email: "dee@alpha.example", name: "Dee", venueIds: [] });
    const [queued] = await everything(alpha.admin, "PENDING");
    expect(queued).toMatchObject({ to: "dee@alpha.example" });
    let release!: () => void;
    let taken!: () => void;
    const sending = new Promise<void>((resolve) => (taken = resolve));
    const sent: string[] = [];
    const slow: MessageSender = {
      channel: "email",
      via: "test",
      async send(message) {
        if (message.to !== "dee@alpha.example") throw new Error("421 not now");
        taken();
        await new Promise<void>((resolve) => (release = resolve));
        sent.push(message.id);
        return {};
      },
    };
    const worker = deliverPending(t.deps, { senders: [slow] });
    await sending;

    expect(await refusal(alpha.admin.api.messages.retry({ id: queued!.id }))).toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("being sent right now"),
    });
    // A second worker meanwhile finds nothing of it to send.
    const other = await deliverPending(t.deps, { senders: [sender(() => null)] });
    expect(other.delivered).toBe(0);

    release();
    await worker;
    expect(sent).toEqual([queued!.id]);
    expect((await everything(alpha.admin, "SENT")).map((item) => item.id)).toContain(queued!.id);
  });
});
