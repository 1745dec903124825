import { createInProcessClient, type ApiServices } from "@qrcoats/api";

// A living demo organization for `npm start` on an empty database, made through the API
// itself so that every row is one the product could have written.

export const DEMO_PASSWORD = "velvet rope coat check";

export const DEMO_PEOPLE = {
  admin: { email: "ada@demo.qrcoats.example", name: "Ada Admin" },
  guest: { email: "gus@demo.qrcoats.example", name: "Gus Guest" },
} as const;

export const DEMO_ORGANIZATION = "Demo Nightclub";

/** Seeds the demo when the database has no users at all; returns whether it did. */
export async function seedDemoIfEmpty(services: ApiServices): Promise<boolean> {
  if ((await services.db.prisma.user.count()) > 0) return false;
  const admin = await signUp(services, DEMO_PEOPLE.admin);
  await admin.org.create({ name: DEMO_ORGANIZATION });
  await signUp(services, DEMO_PEOPLE.guest);
  return true;
}

/** A demo person, signed up and holding their session like a browser would. */
async function signUp(services: ApiServices, person: { email: string; name: string }) {
  const browser = createInProcessClient(services, { userAgent: "qrcoats-demo-seed" });
  await browser.api.auth.register({ ...person, password: DEMO_PASSWORD });
  return browser.api;
}

/** What a newcomer needs to try it: where to go and how to sign in. */
export async function demoSignIns(services: ApiServices, baseUrl: string): Promise<string | null> {
  const people = await services.db.prisma.user.findMany({
    where: { email: { endsWith: "@demo.qrcoats.example" } },
    select: { email: true, name: true, membership: { select: { role: true, organization: { select: { name: true } } } } },
    orderBy: { createdAt: "asc" },
  });
  if (people.length === 0) return null;
  const rows = people.map((person) => {
    const role = person.membership ? (person.membership.role === "ADMIN" ? "admin" : "employee") : "guest";
    const where = role === "admin" ? `${baseUrl}/admin/` : `${baseUrl}/`;
    return `  ${role.padEnd(9)} ${person.email.padEnd(30)} ${person.name.padEnd(16)} ${where}`;
  });
  return [`Demo sign-ins (password for all: "${DEMO_PASSWORD}"):`, ...rows].join("\n");
}
