import { createQRcoatsClient, type QRcoatsClient } from "@qrcoats/api/client";
import type { Page } from "playwright-core";
import type { RunningHost } from "./host";
import { linkPath, type MailServer } from "./mail-server";

/** Every test account's password: strong enough for the sign-up's strength check. */
export const TEST_PASSWORD = "correct horse battery staple 42";

type VenueSettings = Parameters<QRcoatsClient["api"]["venue"]["create"]["mutate"]>[0];

/** Signs an account up over HTTP, as the sign-up page does; anything but success fails the set-up. */
export async function registerAccount(host: RunningHost, email: string, name: string): Promise<void> {
  const registered = await fetch(`${host.url}/trpc/auth.register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ json: { email, name, password: TEST_PASSWORD } }),
  });
  if (registered.status !== 200) throw new Error(`auth.register for ${email} answered ${registered.status}: ${await registered.text()}`);
}

/** An API client that signs in as the account on its first call. */
export function signedInClient(host: RunningHost, email: string): QRcoatsClient {
  return createQRcoatsClient({ url: `${host.url}/trpc`, email, password: TEST_PASSWORD });
}

export type VelvetRoom = { admin: QRcoatsClient; venueId: string };

/**
 * The evening most browser tests start from, made through the API as the admin panel makes it:
 * Ada Admin (ada@velvet.example) of Velvet Group, and its venue Velvet Room in Berlin, open
 * 22:00–05:00. `venue` adds or replaces venue settings; `rackSlots` hangs Rack A with that many
 * hooks (no rack without it); `clockIn` puts Ada on a shift there, since counter actions count
 * on one.
 */
export async function openVelvetRoom(
  host: RunningHost,
  { venue, rackSlots, clockIn = false }: { venue?: Partial<VenueSettings>; rackSlots?: number; clockIn?: boolean } = {},
): Promise<VelvetRoom> {
  await registerAccount(host, "ada@velvet.example", "Ada Admin");
  const admin = signedInClient(host, "ada@velvet.example");
  await admin.api.org.create.mutate({ name: "Velvet Group" });
  const { id: venueId } = await admin.api.venue.create.mutate({
    name: "Velvet Room",
    timezone: "Europe/Berlin",
    opensAt: "22:00",
    closesAt: "05:00",
    ...venue,
  });
  if (rackSlots !== undefined) await admin.api.rack.create.mutate({ venueId, name: "Rack A", slotCount: rackSlots });
  if (clockIn) await admin.api.shift.clockIn.mutate({ venueId });
  return { admin, venueId };
}

/**
 * An invited attendant opens the invitation mailed to them in `page`, chooses the test
 * password and lands on the counter, signed in there.
 */
export async function acceptInvitation(page: Page, mail: MailServer, email: string): Promise<void> {
  await page.goto(linkPath(await mail.waitFor(email), "/accept-invitation"));
  await page.getByLabel("Choose a password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Join and sign in" }).click();
  await page.waitForURL(/\/counter$/);
}
