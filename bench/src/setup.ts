import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { codeFor, generatePublicId } from "@qrcoats/api";
import { connectPostgres, openDatabase } from "@qrcoats/db";
import { browserSession, type BrowserSession } from "@qrcoats/testing";

export const PASSWORD = "correct horse battery staple 42";

/** A fresh, migrated database on the server, dropped first if a previous run left it. */
export async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = await connectPostgres(serverUrl);
  await admin.exec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.exec(`CREATE DATABASE "${name}"`);
  await admin.close();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString() });
  await db.migrate();
  await db.close();
  return url.toString();
}

/** Drops what `freshDatabase` made, so a run leaves nothing on the server. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = await connectPostgres(serverUrl);
  await admin.exec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.close();
}

/** An organization with a venue of 300 hangers, its admin signed in to work the counter. */
export async function openCounter(base: string) {
  const admin = browserSession(base);
  await admin.mutate("auth.register", { email: "bench-admin@example.com", name: "Bench Admin", password: PASSWORD });
  const { organization } = await admin.mutate<{ organization: { id: string } }>("org.create", { name: "Bench Ltd" });
  const venue = await admin.mutate<{ id: string }>("venue.create", {
    name: "Bench Club",
    timezone: "Europe/Berlin",
    opensAt: "22:00",
    closesAt: "05:00",
  });
  await admin.mutate("rack.create", { venueId: venue.id, name: "A", slotCount: 300, kind: "HANGER" });
  // Counter actions need the attendant on shift there (docs/guests.md).
  await admin.mutate("shift.clockIn", { venueId: venue.id });
  return { admin, organizationId: organization.id, venueId: venue.id };
}

/**
 * An attendant of the admin's organization at a venue, invited, signed in and on shift there:
 * counter work at a second venue needs its own person, since one person is on one shift.
 */
export async function hireAttendant(base: string, admin: BrowserSession, venueId: string, email: string): Promise<BrowserSession> {
  const { employee } = await admin.mutate<{ employee: { id: string } }>("employee.create", {
    email,
    name: email.split("@")[0],
    venueIds: [venueId],
  });
  const { link } = await admin.mutate<{ link: string }>("employee.invitationLink", { employeeId: employee.id });
  await browserSession(base).mutate("employee.acceptInvitation", { token: new URL(link).searchParams.get("token"), password: PASSWORD });
  const attendant = browserSession(base);
  await attendant.mutate("auth.login", { email, password: PASSWORD });
  await attendant.mutate("shift.clockIn", { venueId });
  return attendant;
}

/** Tickets inserted straight into PostgreSQL, with the codes the API would have made. */
export async function mintTickets(databaseUrl: string, organizationId: string, venueId: string, count: number, signingKey: Uint8Array) {
  const publicIds = Array.from({ length: count }, generatePublicId);
  const db = await connectPostgres(databaseUrl);
  const [{ next }] = (await db.query<{ next: number }>(
    `UPDATE qr.venues SET next_ticket_number = next_ticket_number + $2 WHERE id = $1 RETURNING next_ticket_number - $2 AS next`,
    [venueId, count],
  )) as [{ next: number }];
  await db.query(
    `INSERT INTO qr.tickets (id, public_id, organization_id, venue_id, number, updated_at)
     SELECT gen_random_uuid(), p, $1, $2, $3 + n - 1, now() FROM unnest($4::text[]) WITH ORDINALITY AS t(p, n)`,
    [organizationId, venueId, next, publicIds],
  );
  await db.close();
  return publicIds.map((publicId) => codeFor(signingKey, publicId));
}

/** Tickets issued through the API, for the embedded database no other process may open. */
export async function issueTickets(admin: BrowserSession, venueId: string, count: number): Promise<string[]> {
  const codes: string[] = [];
  const worker = async () => {
    while (codes.length < count) codes.push((await admin.mutate<{ code: string }>("qr.issueWalkIn", { venueId })).code);
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return codes.slice(0, count);
}

/** The baseline server in a process of its own; resolves with its address. */
export async function startBaseline(env: Record<string, string>): Promise<{ url: string; stop(): void }> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "baseline-main.ts")], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once("line", resolve));
  return { url, stop: () => child.kill("SIGTERM") };
}
