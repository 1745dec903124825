import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmptyTestDatabase, testDatabaseUrl, type TestDatabase } from "../testing";
import { applyMigrations, readLocalMigrations } from "./applier";

// A database from before invitations stopped holding accounts: an open invitation had taken
// a guest's account (and shown the guest's name), another had made a password-less account,
// a withdrawn one still held a guest's account, and accepted members and founders were joined.
// The migration must give every unaccepted account back and keep everyone else as they were.

const MIGRATION = "20261129225859_invitations_pending";
const all = readLocalMigrations();
const before = all.filter((migration) => migration.name < MIGRATION);

const ids = {
  org: "00000000-0000-4000-8000-000000000001",
  founder: "00000000-0000-4000-8000-0000000000a1",
  guest: "00000000-0000-4000-8000-0000000000a2",
  fresh: "00000000-0000-4000-8000-0000000000a3",
  withdrawnGuest: "00000000-0000-4000-8000-0000000000a4",
  member: "00000000-0000-4000-8000-0000000000a5",
};

let db: TestDatabase;

beforeAll(async () => {
  db = await createEmptyTestDatabase();
  await applyMigrations(db.sql, before);
  await db.sql.exec(`
    INSERT INTO auth.organizations (id, name, updated_at) VALUES ('${ids.org}', 'Old Org', now());
    INSERT INTO auth.users (id, email, name, password_hash, updated_at) VALUES
      ('${ids.founder}', 'founder@example.com', 'Founder', 'hash', now()),
      ('${ids.guest}', 'guest@example.com', 'Guest Own Name', 'hash', now()),
      ('${ids.fresh}', 'fresh@example.com', 'Typed For Fresh', NULL, now()),
      ('${ids.withdrawnGuest}', 'withdrawn@example.com', 'Withdrawn Own Name', 'hash', now()),
      ('${ids.member}', 'member@example.com', 'Member', 'hash', now());
    INSERT INTO auth.password_reset_tokens (id, user_id, token_hash, expires_at)
      VALUES (gen_random_uuid(), '${ids.fresh}', 'reset-hash', now());
  `);
  // Who, their membership's status, and their invitation: none (a founder), open or accepted.
  const people: [string, string, "open" | "accepted" | null][] = [
    [ids.founder, "ACTIVE", null],
    [ids.guest, "INVITED", "open"],
    [ids.fresh, "INVITED", "open"],
    [ids.withdrawnGuest, "DEACTIVATED", "open"],
    [ids.member, "ACTIVE", "accepted"],
  ];
  for (const [userId, status, invitation] of people) {
    const [membership] = await db.sql.query<{ id: string }>(
      `INSERT INTO auth.memberships (id, user_id, organization_id, role, status, updated_at)
       VALUES (gen_random_uuid(), $1, $2, 'EMPLOYEE', $3::auth."MembershipStatus", now()) RETURNING id`,
      [userId, ids.org, status],
    );
    const [employee] = await db.sql.query<{ id: string }>(
      `INSERT INTO employees.employees (id, membership_id, organization_id, updated_at) VALUES (gen_random_uuid(), $1, $2, now()) RETURNING id`,
      [membership!.id, ids.org],
    );
    if (invitation) {
      await db.sql.query(
        `INSERT INTO employees.invitations (id, employee_id, token_hash, expires_at, accepted_at) VALUES (gen_random_uuid(), $1, $2, now(), $3)`,
        [employee!.id, `token-of-${userId}`, invitation === "accepted" ? new Date() : null],
      );
    }
  }
  await applyMigrations(db.sql, all);
});
afterAll(() => db?.close());

describe(`the invitations_pending migration on ${testDatabaseUrl() ? "PostgreSQL" : "embedded PGlite"}`, () => {
  it("gives unaccepted invitations' accounts back and keeps joined people joined", async () => {
    const rows = await db.sql.query<{ email: string; name: string; status: string; user_id: string | null }>(
      `SELECT e.email, e.name, m.status::text AS status, m.user_id FROM employees.employees e
         JOIN auth.memberships m ON m.id = e.membership_id ORDER BY e.email`,
    );
    expect(rows).toEqual([
      { email: "founder@example.com", name: "Founder", status: "ACTIVE", user_id: ids.founder },
      { email: "fresh@example.com", name: "Typed For Fresh", status: "INVITED", user_id: null },
      // The guest's own name was never the admin's to see: the address's local part stands in.
      { email: "guest@example.com", name: "guest", status: "INVITED", user_id: null },
      { email: "member@example.com", name: "Member", status: "ACTIVE", user_id: ids.member },
      { email: "withdrawn@example.com", name: "withdrawn", status: "DEACTIVATED", user_id: null },
    ]);
    // The account an invitation alone had made is gone, so its owner can register; guests stay.
    const users = await db.sql.query<{ email: string }>(`SELECT email FROM auth.users ORDER BY email`);
    expect(users.map((user) => user.email)).toEqual([
      "founder@example.com",
      "guest@example.com",
      "member@example.com",
      "withdrawn@example.com",
    ]);
  });

  it("lets no membership be active without an account", async () => {
    await expect(
      db.sql.query(`UPDATE auth.memberships SET status = 'ACTIVE' WHERE user_id IS NULL AND status = 'INVITED'`),
    ).rejects.toThrow(/memberships_active_have_an_account/);
  });
});
