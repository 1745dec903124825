import type { ApiServices, InProcessClient } from "@qrcoats/api";
import { deliverDemoMail, resendToDev } from "./messages";
import { clockedServices, closeLastNight, lastClosing, playLastNight, playOfflineSpell, playTonight, signedInClient } from "./night";
import { playPosterTickets } from "./posters";
import { DEMO_PICKUP, playClosingRush } from "./rush";

// A living demo organization for `npm start` on an empty database, made through the API
// itself so that every row is one the product could have written: two venues with racks,
// an admin, two attendants and one still invited, a guest, last night's tickets in every
// state with their scans, payments and shifts, tasks, tonight's counter under way with its
// closing rush (./rush.ts) and a pickup board, a poster link with tickets taken by it
// (./posters.ts), and messages sent, waiting and failed
// (./messages.ts).

export const DEMO_PASSWORD = "velvet rope coat check";
const DOMAIN = "demo.qrcoats.example";
export const DEMO_ORGANIZATION = "Demo Nightclub";
const TIMEZONE = "Europe/Berlin";
const DAY = 24 * 3_600_000;
const HOUR = 3_600_000;

type Api = InProcessClient["api"];

/** What only the seed can tell: the pickup board's link, whose secret is kept nowhere after. */
export type DemoSeed = { boardLink: string };

const DEMO_VENUE = "Velvet Room";
const DEMO_BOARD = "Main counter";

/** Seeds the demo when the database has no users at all; null when it did not. */
export async function seedDemoIfEmpty(services: ApiServices): Promise<DemoSeed | null> {
  if ((await services.db.prisma.user.count()) > 0) return null;
  const now = services.clock();
  const closing = await lastClosing(services, TIMEZONE, now);
  const clock = clockedServices(services);
  clock.at(new Date(closing.getTime() - 10 * DAY));

  const admin = await signUp(clock.services, "ada", "Ada Admin");
  await admin.org.create({ name: DEMO_ORGANIZATION });
  const velvet = await admin.venue.create({
    name: DEMO_VENUE,
    timezone: TIMEZONE,
    opensAt: "22:00",
    closesAt: "05:00",
    priceCents: 300,
    currency: "EUR",
    inOutAllowance: 2,
    forgottenDelayMinutes: 180,
    publiclyListed: true,
    ...DEMO_PICKUP,
  });
  const rooftop = await admin.venue.create({
    name: "Rooftop Bar",
    timezone: TIMEZONE,
    opensAt: "18:00",
    closesAt: "01:00",
    priceCents: 200,
    currency: "EUR",
    // Guests pay as they hand the coat over here; Velvet Room takes it on the way out.
    paymentTiming: "CHECK_IN",
    inOutAllowance: 1,
    forgottenDelayMinutes: 120,
    publiclyListed: true,
  });
  await admin.rack.create({ venueId: velvet.id, name: "A", slotCount: 30, kind: "HANGER" });
  await admin.rack.create({ venueId: velvet.id, name: "B", slotCount: 30, kind: "HANGER" });
  await admin.rack.create({ venueId: velvet.id, name: "Bags", slotCount: 10, kind: "SHELF" });
  await admin.rack.create({ venueId: rooftop.id, name: "Main", slotCount: 20, kind: "HANGER" });
  const board = await admin.pickup.createBoard({ venueId: velvet.id, label: DEMO_BOARD });
  await admin.venue.renewGuestLink({ venueId: velvet.id });

  const ben = await hire(clock.services, admin, { local: "ben", name: "Ben Baker", position: "Attendant", venueIds: [velvet.id] });
  const cleo = await hire(clock.services, admin, {
    local: "cleo",
    name: "Cleo Chen",
    position: "Head of cloakroom",
    phone: "+49 170 5551234",
    venueIds: [velvet.id, rooftop.id],
  });
  const dev = await admin.employee.create({ email: `dev@${DOMAIN}`, name: "Dev Dara", position: "Attendant", venueIds: [rooftop.id] });
  await deliverDemoMail(clock.services);
  const guest = await signUp(clock.services, "gus", "Gus Guest");
  await mistypePassword(clock.services, `ben@${DOMAIN}`);

  await assignTasks(clock, admin, { ben, cleo, venueId: velvet.id, closing, now });
  const night = { clock, venueId: velvet.id, otherVenueId: rooftop.id, attendants: [ben.api, cleo.api], guest, closing };
  await playLastNight(night);
  await closeLastNight(services, now);
  const tonight = await playTonight(night, now);
  await playPosterTickets(night, admin, now);
  await playOfflineSpell(night, now);
  await playClosingRush(night, admin, tonight, now);
  await resendToDev(clock, admin, dev.employee.id, now);
  clock.at(now);
  // The forgotten-coat notice of last night: Jonas's mail server refuses it for good.
  await deliverDemoMail(clock.services);
  return { boardLink: board.link };
}

async function signUp(services: ApiServices, local: string, name: string): Promise<Api> {
  const browser = signedInClient(services);
  await browser.api.auth.register({ email: `${local}@${DOMAIN}`, name, password: DEMO_PASSWORD });
  return browser.api;
}

/** A refused sign-in, so the admin panel's audit log has a security event to show. */
async function mistypePassword(services: ApiServices, email: string) {
  try {
    await signedInClient(services).api.auth.login({ email, password: `${DEMO_PASSWORD}!` });
  } catch (error) {
    if ((error as { code?: string }).code === "UNAUTHORIZED") return;
    throw error;
  }
  throw new Error("The demo's mistyped password was accepted");
}

/** Invites an attendant, who accepts the link the admin passed on. */
async function hire(
  services: ApiServices,
  admin: Api,
  person: { local: string; name: string; position: string; phone?: string; venueIds: string[] },
) {
  const email = `${person.local}@${DOMAIN}`;
  const { employee } = await admin.employee.create({
    email,
    name: person.name,
    position: person.position,
    phone: person.phone,
    venueIds: person.venueIds,
  });
  // The invitation goes out by mail; they accept its link (copied here, as an admin may).
  await deliverDemoMail(services);
  const { link } = await admin.employee.invitationLink({ employeeId: employee.id });
  const token = new URL(link).searchParams.get("token")!;
  const browser = signedInClient(services);
  await browser.api.employee.acceptInvitation({ token, password: DEMO_PASSWORD });
  return { api: browser.api, employeeId: employee.id };
}

async function assignTasks(
  clock: ReturnType<typeof clockedServices>,
  admin: Api,
  {
    ben,
    cleo,
    venueId,
    closing,
    now,
  }: { ben: { api: Api; employeeId: string }; cleo: { api: Api; employeeId: string }; venueId: string; closing: Date; now: Date },
) {
  const opening = new Date(closing.getTime() - 7 * HOUR);
  clock.at(new Date(opening.getTime() - 3 * HOUR));
  const restock = await admin.task.create({
    title: "Restock hangers in rack B",
    description: "Twenty spare hangers are in the storeroom.",
    venueId,
    assigneeId: ben.employeeId,
    priority: "HIGH",
    dueAt: new Date(opening.getTime() - HOUR),
  });
  const labels = await admin.task.create({ title: "Print new slot labels", venueId, priority: "LOW" });
  clock.at(new Date(opening.getTime() - 2.5 * HOUR));
  await ben.api.task.update({ taskId: restock.id, status: "IN_PROGRESS" });
  clock.at(new Date(opening.getTime() - 2 * HOUR));
  await ben.api.task.update({ taskId: restock.id, status: "DONE" });
  await admin.task.update({ taskId: labels.id, status: "CANCELLED" });

  clock.at(new Date(now.getTime() - 3 * HOUR));
  const lostAndFound = await admin.task.create({
    title: "Sort last night's lost & found",
    description: "Three coats were left behind; the guests have been told.",
    venueId,
    assigneeId: cleo.employeeId,
    priority: "URGENT",
    dueAt: new Date(now.getTime() + 2 * HOUR),
  });
  await cleo.api.task.update({ taskId: lostAndFound.id, status: "IN_PROGRESS" });
  await admin.task.create({
    title: "Count the cash float",
    venueId,
    assigneeId: ben.employeeId,
    priority: "NORMAL",
    dueAt: new Date(now.getTime() - HOUR),
  });
  await admin.task.create({ title: "Fix rack A's wobbly rail", venueId, priority: "NORMAL", dueAt: new Date(now.getTime() + DAY) });
}

/**
 * What a newcomer needs to try it: where to go, how to sign in, and the pickup board's link
 * when the demo was made by this start (`seed`); later starts cannot know its secret.
 */
export async function demoSignIns(services: ApiServices, baseUrl: string, seed: DemoSeed | null = null): Promise<string | null> {
  const people = await services.db.prisma.user.findMany({
    // Only the people the seed made share the demo password: anyone invited or registered
    // since, even at the demo's domain, has their own.
    where: { email: { in: ["ada", "ben", "cleo", "gus"].map((local) => `${local}@${DOMAIN}`) }, passwordHash: { not: null } },
    select: { email: true, name: true, membership: { select: { role: true, status: true } } },
    orderBy: { createdAt: "asc" },
  });
  if (people.length === 0) return null;
  const rows = people.map((person) => {
    const member = person.membership?.status === "ACTIVE" ? person.membership : null;
    const role = member ? (member.role === "ADMIN" ? "admin" : "attendant") : "guest";
    const where = role === "admin" ? `${baseUrl}/admin/` : `${baseUrl}/`;
    return `  ${role.padEnd(10)} ${person.email.padEnd(26)} ${person.name.padEnd(11)} ${where}`;
  });
  const board = seed
    ? [`Pickup board (${DEMO_VENUE}, ${DEMO_BOARD}), shown this once: open it on the screen by the counter:`, `  ${seed.boardLink}`]
    : [
        `Pickup board: its link was printed when the demo was made; make another in the admin panel (Venues › ${DEMO_VENUE} › Pickup boards).`,
      ];
  const venue = await services.db.prisma.venue.findFirst({ where: { name: DEMO_VENUE }, select: { guestLinkId: true } });
  const poster = venue?.guestLinkId
    ? [`Poster link (${DEMO_VENUE}): a ticket in one tap, with no account:`, `  ${baseUrl}/v/${venue.guestLinkId}`]
    : [];
  return [`Demo sign-ins (password for all: "${DEMO_PASSWORD}"):`, ...rows, ...board, ...poster].join("\n");
}
