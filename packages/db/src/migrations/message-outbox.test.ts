import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmptyTestDatabase, testDatabaseUrl, type TestDatabase } from "../testing";
import { applyMigrations, readLocalMigrations } from "./applier";

// A database from before the outbox kept no secrets: a delivered reset with its link in the
// body, an invitation still waiting with its link, a forgotten-coat notice with a ticket
// code, all in plaintext. None of them can be sealed without the host's keys, so the
// migration must leave none of them behind, and an open invitation keeps working.

const MIGRATION = "20261207121611_message_outbox_at_rest";
const all = readLocalMigrations();
const before = all.filter((migration) => migration.name < MIGRATION);

let db: TestDatabase;

beforeAll(async () => {
  db = await createEmptyTestDatabase();
  await applyMigrations(db.sql, before);
  await db.sql.exec(`
    INSERT INTO auth.organizations (id, name, updated_at) VALUES ('00000000-0000-4000-8000-000000000001', 'Old Org', now());
    INSERT INTO auth.memberships (id, organization_id, role, status, updated_at)
      VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'EMPLOYEE', 'INVITED', now());
    INSERT INTO employees.employees (id, membership_id, organization_id, name, email, updated_at)
      VALUES ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001',
              'Invited', 'invited@example.com', now());
    INSERT INTO employees.invitations (id, employee_id, token_hash, expires_at)
      VALUES (gen_random_uuid(), '00000000-0000-4000-8000-000000000003', 'hash-of-the-token', now() + interval '7 days');
    INSERT INTO auth.notification_outbox (id, channel, recipient, template, subject, body, delivered_at, attempts) VALUES
      (gen_random_uuid(), 'email', 'reset@example.com', 'password-reset', 'Choose a new QRcoats password',
       'http://localhost:3000/reset-password?token=deliveredresettoken', now(), 1),
      (gen_random_uuid(), 'email', 'invited@example.com', 'employee-invitation', 'You are invited',
       'http://localhost:3000/accept-invitation?token=waitinginvitationtoken', NULL, 0),
      (gen_random_uuid(), 'sms', '+49 151 5550000', 'ticket.forgotten', 'You left something',
       'ticket 7: http://localhost:3000/t/aaaaaaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbbbbb', NULL, 5);
  `);
  await applyMigrations(db.sql, all);
});
afterAll(() => db?.close());

describe(`the message_outbox_at_rest migration on ${testDatabaseUrl() ? "PostgreSQL" : "embedded PGlite"}`, () => {
  it("leaves no plaintext message behind, delivered or not, and no column that held one", async () => {
    expect(await db.sql.query(`SELECT * FROM auth.notification_outbox`)).toEqual([]);
    const columns = await db.sql.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'auth' AND table_name = 'notification_outbox'`,
    );
    expect(columns.map((column) => column.column_name)).not.toContain("body");
    expect(columns.map((column) => column.column_name)).not.toContain("recipient");
    expect(columns.map((column) => column.column_name)).toEqual(expect.arrayContaining(["recipient_encrypted", "params_encrypted"]));
  });

  it("keeps open invitations open, with no link to copy (only to send again)", async () => {
    const invitations = await db.sql.query<{ token_hash: string; token_encrypted: string | null }>(
      `SELECT token_hash, token_encrypted FROM employees.invitations`,
    );
    expect(invitations).toEqual([{ token_hash: "hash-of-the-token", token_encrypted: null }]);
  });
});
