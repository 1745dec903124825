import { STRONG_PASSWORD } from "../testing";
import type { TestClient } from "../testing";
import { uniqueEmail, type CallerKind, type World } from "./testing";

// Who may call what: one row per procedure of the app router, with a valid input that
// targets organization A's data, and the outcome for each kind of caller. The test in
// authorization.test.ts fails when a procedure has no row or a row names no procedure,
// so a new procedure cannot ship without deciding who may call it.
//
// Outcomes are "OK" or the tRPC error code the caller gets. FORBIDDEN means the caller lacks
// the role, whatever the ids; an id of another tenant's venue, rack, employee, task or
// ticket is NOT_FOUND, answered exactly as an unknown id (authorization.test.ts checks the
// code and the message), so no id is ever confirmed to exist.

export type Outcome = "OK" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "BAD_REQUEST";

/** Outcomes in the order of CALLERS: anonymous, guest, employeeA, adminA, employeeB, adminB. */
type Outcomes = [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];

export type Row = {
  /** For a further case of a procedure that already has its row: the procedure's path. */
  procedure?: string;
  /** A valid input, made anew for each caller so one caller's success never changes another's case. */
  input: (world: World, caller: { kind: CallerKind; client: TestClient }) => unknown;
  expect: Outcomes;
  /**
   * The call ends or changes the caller's own session or account (logout, password change,
   * signing in as someone else): it runs as a new person of the same kind.
   */
  ownSession?: true;
  /**
   * The input is a secret only a person of A holds (their invitation link), so answering
   * about A is the point: B's staff holding it are exempt from the no-leak check.
   */
  inputIsSecretOfA?: true;
};

const PUBLIC: Outcomes = ["OK", "OK", "OK", "OK", "OK", "OK"];
const SIGNED_IN: Outcomes = ["UNAUTHORIZED", "OK", "OK", "OK", "OK", "OK"];
/** Any member acting within their own organization. */
const ANY_MEMBER: Outcomes = ["UNAUTHORIZED", "FORBIDDEN", "OK", "OK", "OK", "OK"];
/** Staff of A only; to B's staff, A's ids are unknown. */
const STAFF_OF_A: Outcomes = ["UNAUTHORIZED", "FORBIDDEN", "OK", "OK", "NOT_FOUND", "NOT_FOUND"];
/** Admins of A only: employees lack the role; to B's admin, A's ids are unknown. */
const ADMIN_OF_A: Outcomes = ["UNAUTHORIZED", "FORBIDDEN", "FORBIDDEN", "OK", "FORBIDDEN", "NOT_FOUND"];
/** A's staff, and the guest a ticket was issued to; to anyone else, the ticket is unknown. */
const TICKET_OF_A: Outcomes = ["UNAUTHORIZED", "NOT_FOUND", "OK", "OK", "NOT_FOUND", "NOT_FOUND"];
/** Any admin, acting within their own organization. */
const ANY_ADMIN: Outcomes = ["UNAUTHORIZED", "FORBIDDEN", "FORBIDDEN", "OK", "FORBIDDEN", "OK"];

const lastWeek = (w: World) => {
  const to = w.t.clock.now();
  return { from: new Date(to.getTime() - 7 * 24 * 3600_000), to };
};
const venueA = (w: World) => ({ venueId: w.venueA.id });

/** A coat checked in at A's venue and asked for by its guest (who holds only its code). */
async function pickupOfA(w: World) {
  const ticket = await w.checkedIn();
  const request = await w.t.client().api.pickup.request({ code: ticket.code, requestId: crypto.randomUUID() });
  return { code: ticket.code, requestId: request.id };
}

/** The secret of a pickup board link of A's venue (after the "#"). */
async function boardTokenOfA(w: World) {
  const { link } = await w.adminA.api.pickup.createBoard({ venueId: w.venueA.id, label: "Door" });
  return link.slice(link.indexOf("#") + 1);
}

/** The secret of A's venue's poster link (after "/v/"), made if it has none. */
async function guestLinkOfA(w: World) {
  const venueId = w.venueA.id;
  const url = (await w.adminA.api.venue.guestLink({ venueId })).url ?? (await w.adminA.api.venue.renewGuestLink({ venueId })).url;
  return url!.slice(url!.lastIndexOf("/") + 1);
}

/** A new phone's tap on A's poster: its own key, so one caller's tickets never count against another's. */
async function linkTapOfA(w: World) {
  return {
    link: await guestLinkOfA(w),
    deviceKey: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url"),
    requestId: crypto.randomUUID(),
  };
}

export const AUTHORIZATION_MATRIX: Record<string, Row> = {
  health: { input: () => undefined, expect: PUBLIC },

  "auth.register": {
    input: () => ({ email: uniqueEmail("registers"), name: "New Person", password: STRONG_PASSWORD }),
    expect: PUBLIC,
    ownSession: true,
  },
  "auth.login": { input: (w) => ({ email: w.bystander.me.user.email, password: STRONG_PASSWORD }), expect: PUBLIC, ownSession: true },
  "auth.logout": { input: () => undefined, expect: SIGNED_IN, ownSession: true },
  "auth.logoutEverywhere": { input: () => undefined, expect: SIGNED_IN, ownSession: true },
  "auth.me": { input: () => undefined, expect: SIGNED_IN },
  "auth.issueToken": { input: (w) => ({ email: w.bystander.me.user.email, password: STRONG_PASSWORD }), expect: PUBLIC },
  "auth.refreshToken": { input: async (w) => ({ refreshToken: (await w.tokens()).refreshToken }), expect: PUBLIC },
  "auth.verifyToken": { input: async (w) => ({ token: (await w.tokens()).accessToken }), expect: PUBLIC },
  "auth.changePassword": {
    input: () => ({ currentPassword: STRONG_PASSWORD, newPassword: "another strong passphrase 77" }),
    expect: SIGNED_IN,
    ownSession: true,
  },
  "auth.requestPasswordReset": { input: (w) => ({ email: w.bystander.me.user.email }), expect: PUBLIC },
  "auth.resetPassword": {
    input: async (w) => ({ token: await w.resetToken(), password: "another strong passphrase 78" }),
    expect: PUBLIC,
    ownSession: true,
  },

  // One organization per person: members already have theirs.
  "org.create": {
    input: () => ({ name: "Fresh Venue Group" }),
    expect: ["UNAUTHORIZED", "OK", "CONFLICT", "CONFLICT", "CONFLICT", "CONFLICT"],
    ownSession: true,
  },

  "employee.create": {
    input: (w) => ({ email: uniqueEmail("hired"), name: "Hired", venueIds: [w.venueA.id] }),
    expect: ADMIN_OF_A,
  },
  "employee.invitation": { input: async (w) => ({ token: (await w.invitedToA()).token }), expect: PUBLIC, inputIsSecretOfA: true },
  "employee.acceptInvitation": {
    input: async (w) => ({ token: (await w.invitedToA()).token, password: STRONG_PASSWORD }),
    expect: PUBLIC,
    ownSession: true,
    inputIsSecretOfA: true,
  },
  "employee.resendInvitation": { input: async (w) => ({ employeeId: (await w.invitedToA()).employeeId }), expect: ADMIN_OF_A },
  "employee.invitationLink": { input: async (w) => ({ employeeId: (await w.invitedToA()).employeeId }), expect: ADMIN_OF_A },
  "employee.update": { input: (w) => ({ employeeId: w.colleagueA.employeeId, position: "Cloakroom" }), expect: ADMIN_OF_A },
  "employee.deactivate": { input: async (w) => ({ employeeId: await w.staffOfA() }), expect: ADMIN_OF_A },
  "employee.reactivate": {
    input: async (w) => {
      const employeeId = await w.staffOfA();
      await w.adminA.api.employee.deactivate({ employeeId });
      return { employeeId };
    },
    expect: ADMIN_OF_A,
  },
  // Employees read only their own record; to B's staff, A's employee is unknown.
  "employee.get": {
    input: (w) => ({ employeeId: w.colleagueA.employeeId }),
    expect: ["UNAUTHORIZED", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND", "NOT_FOUND"],
  },
  "employee.me": { input: () => undefined, expect: ANY_MEMBER },
  "employee.list": { input: () => ({}), expect: ANY_ADMIN },

  "task.create": {
    input: (w) => ({ title: "Sweep the counter", venueId: w.venueA.id, assigneeId: w.employeeA.employeeId }),
    expect: ADMIN_OF_A,
  },
  "task.create (A's assignee, no venue)": {
    procedure: "task.create",
    input: (w) => ({ title: "Fold the coats", assigneeId: w.employeeA.employeeId }),
    expect: ADMIN_OF_A,
  },
  "task.update": {
    input: async (w) => {
      const task = await w.adminA.api.task.create({ title: "Restock hangers", assigneeId: w.employeeA.employeeId });
      return { taskId: task.id, status: "IN_PROGRESS" };
    },
    expect: STAFF_OF_A,
  },
  "task.list": { input: () => ({}), expect: ANY_MEMBER },

  "shift.clockIn": { input: venueA, expect: STAFF_OF_A, ownSession: true },
  "shift.clockOut": {
    input: async (w, { kind, client }) => {
      if (kind.endsWith("A")) await client.api.shift.clockIn({ venueId: w.venueA.id });
      if (kind.endsWith("B")) await client.api.shift.clockIn({ venueId: w.venueB.id });
      return undefined;
    },
    expect: ANY_MEMBER,
    ownSession: true,
  },
  "shift.current": { input: () => undefined, expect: ANY_MEMBER },
  "shift.list": { input: venueA, expect: STAFF_OF_A },

  "performance.employee": { input: (w) => ({ employeeId: w.employeeA.employeeId, ...lastWeek(w) }), expect: STAFF_OF_A },
  "performance.employeeCsv": { input: (w) => ({ employeeId: w.employeeA.employeeId, ...lastWeek(w) }), expect: STAFF_OF_A },
  "performance.leaderboard": { input: (w) => ({ venueId: w.venueA.id, ...lastWeek(w) }), expect: ADMIN_OF_A },
  "performance.leaderboardCsv": { input: (w) => ({ venueId: w.venueA.id, ...lastWeek(w) }), expect: ADMIN_OF_A },

  "venue.create": {
    input: () => ({ name: "Annex", timezone: "Europe/Berlin", opensAt: "20:00", closesAt: "04:00" }),
    expect: ANY_ADMIN,
  },
  "venue.update": { input: (w) => ({ venueId: w.venueA.id, priceCents: 250 }), expect: ADMIN_OF_A },
  "venue.list": { input: () => ({}), expect: PUBLIC },
  // Members read their own organization's venues; another's only by asking for the public view.
  "venue.get": { input: venueA, expect: ["OK", "OK", "OK", "OK", "NOT_FOUND", "NOT_FOUND"] },
  "venue.guestLink": { input: venueA, expect: ADMIN_OF_A },
  "venue.renewGuestLink": { input: venueA, expect: ADMIN_OF_A },
  "venue.removeGuestLink": { input: venueA, expect: ADMIN_OF_A },
  // The poster hangs by A's cloakroom: whoever holds its link is meant to learn A's venue from it.
  "venue.byGuestLink": { input: async (w) => ({ link: await guestLinkOfA(w) }), expect: PUBLIC, inputIsSecretOfA: true },
  "venue.get (public view)": { procedure: "venue.get", input: (w) => ({ venueId: w.venueA.id, scope: "public" }), expect: PUBLIC },

  "rack.create": { input: (w) => ({ venueId: w.venueA.id, name: "Extra", slotCount: 1 }), expect: ADMIN_OF_A },
  "rack.update": { input: (w) => ({ rackId: w.rackA.id, name: "Hangers" }), expect: ADMIN_OF_A },
  "rack.list": { input: venueA, expect: STAFF_OF_A },
  "rack.occupancy": { input: venueA, expect: STAFF_OF_A },

  "qr.request": { input: venueA, expect: SIGNED_IN },
  "qr.issueWalkIn": { input: venueA, expect: STAFF_OF_A },
  "qr.requestByLink": { input: linkTapOfA, expect: PUBLIC, inputIsSecretOfA: true },
  // Anyone signed in may claim codes; a ticket that has its guest already stays theirs.
  "qr.claim": { input: async (w) => ({ codes: [(await w.t.client().api.qr.requestByLink(await linkTapOfA(w))).code] }), expect: SIGNED_IN },
  "qr.mine": { input: () => ({}), expect: SIGNED_IN },
  "qr.get": { input: async (w) => ({ ticketId: (await w.issued()).id }), expect: TICKET_OF_A },
  "qr.image": { input: async (w) => ({ ticketId: (await w.issued()).id }), expect: TICKET_OF_A },
  "qr.view": { input: async (w) => ({ code: (await w.issued()).code }), expect: PUBLIC },
  "qr.viewImage": { input: async (w) => ({ code: (await w.issued()).code }), expect: PUBLIC },
  "qr.watch": { input: async (w) => ({ code: (await w.issued()).code }), expect: PUBLIC },
  "qr.scan": { input: async (w) => ({ venueId: w.venueA.id, code: (await w.issued()).code }), expect: STAFF_OF_A },
  // A number names a ticket only at the caller's own venue: B's staff typing A's number at B find nothing of A's.
  "qr.scan (A's ticket number at each caller's own venue)": {
    procedure: "qr.scan",
    input: async (w, { kind }) => ({ venueId: kind.endsWith("B") ? w.venueB.id : w.venueA.id, number: (await w.issued()).number }),
    expect: STAFF_OF_A,
  },
  "qr.checkIn": { input: async (w) => ({ venueId: w.venueA.id, code: (await w.issued()).code }), expect: STAFF_OF_A },
  "qr.checkOut": {
    input: async (w) => ({ venueId: w.venueA.id, code: (await w.checkedIn()).code, payment: { status: "PAID_CASH" as const } }),
    expect: STAFF_OF_A,
  },
  "qr.swap": {
    input: async (w) => ({ venueId: w.venueA.id, code: (await w.checkedIn()).code, toSlotId: await w.freeSlotId() }),
    expect: STAFF_OF_A,
  },
  "qr.detach": { input: async (w) => ({ venueId: w.venueA.id, code: (await w.checkedIn()).code }), expect: STAFF_OF_A },
  "qr.void": { input: async (w) => ({ venueId: w.venueA.id, ticketId: (await w.issued()).id }), expect: STAFF_OF_A },
  // At their own venue, B's staff name A's ticket by id: it must be unknown to them.
  "qr.void (A's ticket at each caller's own venue)": {
    procedure: "qr.void",
    input: async (w, { kind }) => ({ venueId: kind.endsWith("B") ? w.venueB.id : w.venueA.id, ticketId: (await w.issued()).id }),
    expect: STAFF_OF_A,
  },
  "qr.pay": {
    input: async (w) => ({ venueId: w.venueA.id, code: (await w.checkedIn()).code, payment: { status: "PAID_CASH" } }),
    expect: STAFF_OF_A,
  },
  "offline.prepare": { input: (w) => ({ venueId: w.venueA.id, deviceId: crypto.randomUUID() }), expect: STAFF_OF_A },
  // Each caller prepares a device of their own at A's venue first (refused to all but A's staff).
  "offline.sync": {
    input: async (w, { client }) => {
      const deviceId = crypto.randomUUID();
      await client.api.offline.prepare({ venueId: w.venueA.id, deviceId }).catch(() => {});
      const scan = { action: "SCAN" as const, opId: crypto.randomUUID(), seq: 1, takenAt: w.t.clock.now(), code: (await w.issued()).code };
      return { venueId: w.venueA.id, deviceId, operations: [scan] };
    },
    expect: STAFF_OF_A,
  },
  "offline.release": {
    input: async (w, { client }) => {
      const deviceId = crypto.randomUUID();
      await client.api.offline.prepare({ venueId: w.venueA.id, deviceId }).catch(() => {});
      return { deviceId };
    },
    expect: STAFF_OF_A,
  },
  // The closing rush: the ticket's code is the guest's key; the queue is the venue's staff's.
  "pickup.request": {
    input: async (w) => ({ code: (await w.checkedIn()).code, requestId: crypto.randomUUID() }),
    expect: PUBLIC,
  },
  "pickup.cancel": { input: async (w) => ({ code: (await pickupOfA(w)).code }), expect: PUBLIC },
  "pickup.requestAtCounter": {
    input: async (w) => ({ venueId: w.venueA.id, ticketNumber: (await w.checkedIn()).number, requestId: crypto.randomUUID() }),
    expect: STAFF_OF_A,
  },
  "pickup.start": { input: async (w) => ({ venueId: w.venueA.id, requestId: (await pickupOfA(w)).requestId }), expect: STAFF_OF_A },
  "pickup.fetched": { input: async (w) => ({ venueId: w.venueA.id, requestId: (await pickupOfA(w)).requestId }), expect: STAFF_OF_A },
  // At their own venue, B's staff name A's request by id: it must be unknown to them.
  "pickup.fetched (A's request at each caller's own venue)": {
    procedure: "pickup.fetched",
    input: async (w, { kind }) => ({ venueId: kind.endsWith("B") ? w.venueB.id : w.venueA.id, requestId: (await pickupOfA(w)).requestId }),
    expect: STAFF_OF_A,
  },
  "pickup.cancelAtCounter": {
    input: async (w) => ({ venueId: w.venueA.id, requestId: (await pickupOfA(w)).requestId }),
    expect: STAFF_OF_A,
  },
  "pickup.putBack": { input: async (w) => ({ venueId: w.venueA.id, requestId: (await pickupOfA(w)).requestId }), expect: STAFF_OF_A },
  "pickup.queue": { input: venueA, expect: STAFF_OF_A },
  "pickup.board": { input: async (w) => ({ token: await boardTokenOfA(w) }), expect: PUBLIC },
  "pickup.createBoard": { input: (w) => ({ venueId: w.venueA.id, label: "Main counter" }), expect: ADMIN_OF_A },
  "pickup.boards": { input: venueA, expect: ADMIN_OF_A },
  "pickup.revokeBoard": {
    input: async (w) => ({ boardId: (await w.adminA.api.pickup.createBoard({ venueId: w.venueA.id, label: "Bar" })).id }),
    expect: ADMIN_OF_A,
  },
  "qr.lookup": { input: (w) => ({ venueId: w.venueA.id, query: "1" }), expect: STAFF_OF_A },
  "qr.history": { input: venueA, expect: STAFF_OF_A },
  "qr.list": { input: venueA, expect: ADMIN_OF_A },
  "qr.liveScans": { input: (w) => ({ venueId: w.venueA.id, lastEventId: "0" }), expect: ADMIN_OF_A },
  "qr.analytics": { input: (w) => ({ venueId: w.venueA.id, ...lastWeek(w) }), expect: ADMIN_OF_A },
  "qr.analyticsCsv": { input: (w) => ({ venueId: w.venueA.id, ...lastWeek(w) }), expect: ADMIN_OF_A },

  // Each admin reads their own organization's log: B's admin gets B's, never A's.
  "audit.list": { input: () => ({}), expect: ANY_ADMIN },

  // The outbox as admins see it: their own organization's messages only.
  "messages.list": { input: () => ({}), expect: ANY_ADMIN },
  "messages.retry": { input: async (w) => ({ id: await w.messageOfA() }), expect: ADMIN_OF_A },
  "messages.delivery": { input: () => undefined, expect: ANY_ADMIN },
};
