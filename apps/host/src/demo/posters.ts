import { createHash } from "node:crypto";
import type { InProcessClient } from "@qrcoats/api";
import { signedInClient, type Night } from "./night";

// Tonight's guests with no account (docs/guests.md): the poster by Velvet Room's cloakroom
// gave three tickets in one tap each. Nora left her phone number for the lost-ticket lookup;
// Omar tapped twice and got one ticket; Gus, who signed in afterwards, took his into his
// account. All three are still to be handed in at the counter.

const MINUTE = 60_000;

/** The same phone key every seed, as a phone keeps its own: 32 bytes in base64url. */
const phoneKey = (who: string) => createHash("sha256").update(`qrcoats demo phone ${who}`).digest("base64url");

/** The same request id every seed, for one tap of one phone. */
const tapId = (who: string) => {
  const hex = createHash("sha256").update(`qrcoats demo tap ${who}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

export async function playPosterTickets({ clock, venueId, guest }: Night, admin: InProcessClient["api"], now: Date) {
  const { url } = await admin.venue.guestLink({ venueId });
  const link = url!.slice(url!.lastIndexOf("/") + 1);
  const phone = () => signedInClient(clock.services).api;

  clock.at(new Date(now.getTime() - 40 * MINUTE));
  await phone().qr.requestByLink({ link, deviceKey: phoneKey("nora"), requestId: tapId("nora"), phone: "+49 151 5550199" });

  clock.at(new Date(now.getTime() - 25 * MINUTE));
  const omar = phone();
  const tap = { link, deviceKey: phoneKey("omar"), requestId: tapId("omar") };
  await Promise.all([omar.qr.requestByLink(tap), omar.qr.requestByLink(tap)]);

  clock.at(new Date(now.getTime() - 12 * MINUTE));
  const gus = await phone().qr.requestByLink({ link, deviceKey: phoneKey("gus"), requestId: tapId("gus") });
  await guest.qr.claim({ codes: [gus.code] });
  clock.at(now);
}
