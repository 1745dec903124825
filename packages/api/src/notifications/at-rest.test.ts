import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, STRONG_PASSWORD, type TestApi, type TestClient } from "../testing";
import { markForgottenTickets } from "../qr/forgotten";
import { openVenue, setClock } from "../qr/testing";
import { deliverPending } from "./outbox";
import { PermanentDeliveryError, type MessageSender, type RenderedMessage } from "./sender";

// What someone holding a copy of the database learns after a night of everything the
// product does: sign-ups and sign-ins, invitations accepted from mail and from a copied
// link, API tokens refreshed, reset links used and left unused, walk-ins who left their
// name, email and phone, guests' own tickets, check-ins, coats forgotten and their guests
// told, the mail delivered (SMS has no sender, so those notices still wait). Every row of
// every table is read as text, not only the columns meant for hashes.

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

/** Every secret of the night, and what it is, for the failure message. */
const secrets = new Map<string, string>();
const keep = (what: string, value: string) => secrets.set(value.toLowerCase(), what);

const delivered: RenderedMessage[] = [];
/** Everything the mailbox was given, the messages it refused included. */
const given: RenderedMessage[] = [];
/** One walk-in's mail server refuses, echoing the whole message back in its error. */
const REFUSING = "xanthe.oduya@private.example";
const mailbox: MessageSender = {
  channel: "email",
  via: "test",
  async send(message) {
    given.push(message);
    if (message.to === REFUSING)
      throw new PermanentDeliveryError(`550 ${message.to} refused: ${message.subject}\n${message.text}\n${message.html}`);
    delivered.push(message);
    return {};
  },
};
const deliver = () => deliverPending(t.deps, { senders: [mailbox] });

/** The token of the newest link to `path` delivered to `to`. */
function tokenFromMail(to: string, path: string): string {
  const message = delivered.findLast((candidate) => candidate.to === to && candidate.text.includes(path));
  const token = message && new RegExp(`${path}\\?token=([a-z2-7]+)`).exec(message.text)?.[1];
  if (!token) throw new Error(`No ${path} link was delivered to ${to}`);
  return token;
}

function keepCookies(what: string, client: TestClient) {
  for (const value of client.cookies.values()) keep(`${what}'s session cookie`, value);
}

const WALK_INS = [
  { name: "Zelda Quintrell", email: "zelda.quintrell@private.example", phone: "+49 151 5557 3321" },
  { name: "Yorick Abernathy", phone: "+44 7700 900 461" },
  { name: "Xanthe Oduya", email: "xanthe.oduya@private.example" },
];

describe("after a night of activity", () => {
  it("no table in auth, employees or qr holds a token, a ticket code, a link, a JWT, a key or a walk-in's contact", async () => {
    setClock(t, "2027-03-05T19:00:00Z"); // 20:00 in Berlin, before opening
    const { admin, venue } = await openVenue(t, "Night Owl", { hangers: 20 });
    keepCookies("the admin", admin);

    // Staff: one accepts the emailed link, one the link the admin copied after a resend, one never comes.
    for (const [email, name] of [
      ["ann@nightowl.example", "Ann"],
      ["ben@nightowl.example", "Ben"],
      ["cleo@nightowl.example", "Cleo"],
    ] as const) {
      await admin.api.employee.create({ email, name, venueIds: [venue.id] });
    }
    await deliver();
    const ann = t.client();
    await ann.api.employee.acceptInvitation({
      token: tokenFromMail("ann@nightowl.example", "/accept-invitation"),
      password: STRONG_PASSWORD,
    });
    keepCookies("Ann", ann);
    keep("Ben's first invitation token", tokenFromMail("ben@nightowl.example", "/accept-invitation"));
    const ben = await admin.api.employee.list({ search: "ben@nightowl.example" });
    await admin.api.employee.resendInvitation({ employeeId: ben.items[0]!.id });
    const copied = await admin.api.employee.invitationLink({ employeeId: ben.items[0]!.id });
    keep("Ben's copied invitation link", copied.link);
    const benBrowser = t.client();
    await benBrowser.api.employee.acceptInvitation({ token: new URL(copied.link).searchParams.get("token")!, password: STRONG_PASSWORD });
    keepCookies("Ben", benBrowser);
    const cleo = await admin.api.employee.list({ search: "cleo@nightowl.example" });
    keep("Cleo's open invitation link", (await admin.api.employee.invitationLink({ employeeId: cleo.items[0]!.id })).link);

    // Guests: accounts, a program with API tokens, a reset link used and one left unused.
    const guest = await t.signUp({ email: "gus@guests.example", name: "Gus" });
    keepCookies("Gus", guest);
    const program = t.client({ origin: null }).api;
    const first = await program.auth.issueToken({ email: "gus@guests.example", password: STRONG_PASSWORD });
    const second = await program.auth.refreshToken({ refreshToken: first.refreshToken });
    for (const [what, token] of Object.entries({ ...first, ...second, firstRefresh: first.refreshToken, firstAccess: first.accessToken })) {
      if (typeof token === "string" && token !== "Bearer") keep(`an API ${what}`, token);
    }
    await program.auth.verifyToken({ token: second.accessToken });
    await t.signUp({ email: "rita@guests.example", name: "Rita" });
    await t.client().api.auth.requestPasswordReset({ email: "rita@guests.example" });
    await t.client().api.auth.requestPasswordReset({ email: "ann@nightowl.example" });
    await deliver();
    const ritaReset = tokenFromMail("rita@guests.example", "/reset-password");
    keep("Rita's used reset token", ritaReset);
    keep("Ann's unused reset token", tokenFromMail("ann@nightowl.example", "/reset-password"));
    const newPassword = "violet umbrella marches north 7";
    await t.client().api.auth.resetPassword({ token: ritaReset, password: newPassword });
    keep("Rita's new password", newPassword);
    keep("the common password", STRONG_PASSWORD);

    // The counter: walk-ins with contacts, guests' own tickets, everyone checked in.
    setClock(t, "2027-03-05T22:30:00Z");
    await ann.api.shift.clockIn({ venueId: venue.id });
    await benBrowser.api.shift.clockIn({ venueId: venue.id });
    const counter = ann.api.qr;
    const tickets = [];
    for (const contact of WALK_INS) {
      keep("a walk-in's name", contact.name);
      if (contact.email) keep("a walk-in's email", contact.email);
      if (contact.phone) {
        keep("a walk-in's phone", contact.phone);
        keep("a walk-in's phone digits", contact.phone.replace(/\D/g, ""));
      }
      tickets.push(await counter.issueWalkIn({ venueId: venue.id, ...contact }));
    }
    tickets.push(await counter.issueWalkIn({ venueId: venue.id }));
    tickets.push(await guest.api.qr.request({ venueId: venue.id }), await guest.api.qr.request({ venueId: venue.id }));
    for (const ticket of tickets) {
      keep(`ticket ${ticket.number}'s code`, ticket.code);
      keep(`ticket ${ticket.number}'s code signature`, ticket.code.slice(20));
      await counter.checkIn({ venueId: venue.id, code: ticket.code });
    }
    // Some go home with their coats; the walk-ins and one of Gus's coats stay.
    await counter.checkOut({ venueId: venue.id, code: tickets[3]!.code });
    await benBrowser.api.qr.checkOut({ venueId: venue.id, code: tickets[4]!.code });

    // After closing (05:00) and the venue's three hours, the rest is forgotten and the guests are told.
    setClock(t, "2027-03-06T07:05:00Z");
    expect(await markForgottenTickets({ ...t.deps, clock: t.clock.now })).toEqual({ forgotten: 4, notices: 4 });
    await deliver();
    for (const message of given)
      for (const link of message.text.match(/https?:\/\/\S+/g) ?? []) keep(`a link mailed to ${message.to}`, link);
    expect(
      given
        .filter((message) => message.template === "forgotten-items")
        .map((message) => message.to)
        .sort(),
    ).toEqual(["gus@guests.example", "xanthe.oduya@private.example", "zelda.quintrell@private.example"]);

    // The server's own keys belong in its secrets, never in its database.
    const { fieldEncryption, lookup, ticketSigning } = t.config.keys;
    for (const [what, key] of [
      ...fieldEncryption.map(({ key }) => ["a field key", key] as const),
      ["the lookup key", lookup] as const,
      ["the ticket key", ticketSigning] as const,
      ["the JWT key", t.config.auth.jwtSecret] as const,
    ]) {
      for (const encoding of ["base64", "base64url", "hex"] as const) keep(what, Buffer.from(key).toString(encoding));
    }

    // Every row of every table, as text.
    const tables = await t.db.sql.query<{ name: string }>(
      `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
        WHERE table_schema IN ('auth', 'employees', 'qr') AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    expect(tables.map((table) => table.name)).toEqual(
      expect.arrayContaining([
        "auth.notification_outbox",
        "auth.sessions",
        "auth.refresh_tokens",
        "auth.password_reset_tokens",
        "auth.audit_events",
        "auth.rate_limit_buckets",
        "employees.invitations",
        "employees.employees",
        "qr.tickets",
        "qr.scan_events",
      ]),
    );
    const dump: { table: string; row: string }[] = [];
    for (const { name } of tables) {
      for (const { row } of await t.db.sql.query<{ row: string }>(`SELECT r::text AS row FROM ${name} r`))
        dump.push({ table: name, row: row.toLowerCase() });
    }
    expect(dump.length).toBeGreaterThan(100);

    for (const [secret, what] of secrets) {
      const found = dump.find(({ row }) => row.includes(secret));
      expect(found && `${what} in ${found.table}: ${found.row}`, what).toBeUndefined();
    }
    for (const { table, row } of dump) {
      expect(row, `a link in ${table}`).not.toMatch(/https?:\/\/|token=|\/t\/[a-z2-7]{40}/);
      expect(row, `a JWT in ${table}`).not.toMatch(/eyj[a-z0-9_-]+\.eyj/);
    }

    // What the outbox keeps: sealed addresses, no parameters once delivered, and those of
    // waiting or refused messages (the SMS notice, which has no sender; the refused mail) only sealed.
    // A message withdrawn before it went (a newer link replaced its link) keeps none either.
    const outbox = await t.db.sql.query<{
      delivered: boolean;
      withdrawn: boolean;
      recipient_encrypted: string;
      params_encrypted: string | null;
      channel: string;
    }>(
      `SELECT delivered_at IS NOT NULL AS delivered, last_error LIKE 'Withdrawn:%' AS withdrawn, recipient_encrypted, params_encrypted, channel
         FROM auth.notification_outbox`,
    );
    expect(outbox.filter((row) => row.delivered).length).toBeGreaterThan(5);
    for (const row of outbox) {
      expect(row.recipient_encrypted).toMatch(/^v1:/);
      if (row.delivered || row.withdrawn) expect(row.params_encrypted).toBeNull();
      else expect(row.params_encrypted).toMatch(/^v1:/);
    }
    expect(outbox.filter((row) => !row.delivered).map((row) => row.channel)).toContain("sms");
    // The refusal is kept for the admins, with the message cut out of it.
    const [refused] = await t.db.sql.query<{ last_error: string }>(
      `SELECT last_error FROM auth.notification_outbox WHERE failed_at IS NOT NULL AND last_error NOT LIKE 'Withdrawn:%'`,
    );
    expect(refused!.last_error).toMatch(/^550 \[…\] refused: /);
  });
});
