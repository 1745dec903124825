import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openVenue } from "../qr/testing";
import { createTestApi, refusal, TEST_ORIGIN, type TestApi } from "../testing";

let t: TestApi;
let club: Awaited<ReturnType<typeof openVenue>>;
let rival: Awaited<ReturnType<typeof openVenue>>;

beforeAll(async () => {
  t = await createTestApi();
  club = await openVenue(t, "Velvet", { priceCents: 300, currency: "EUR" });
  rival = await openVenue(t, "Rival");
});
afterAll(() => t.close());

const linkOf = (url: string | null) => url!.slice(url!.lastIndexOf("/") + 1);

describe("a venue's poster link", () => {
  it("is none until an admin makes one, then a long random link on the public address", async () => {
    expect(await club.admin.api.venue.guestLink({ venueId: club.venue.id })).toEqual({ url: null });
    const { url } = await club.admin.api.venue.renewGuestLink({ venueId: club.venue.id });
    expect(url).toMatch(new RegExp(`^${TEST_ORIGIN}/v/[A-Za-z0-9_-]{24}$`));
    expect(await club.admin.api.venue.guestLink({ venueId: club.venue.id })).toEqual({ url });
  });

  it("shows a guest the venue, its price and when to pay, and nothing of its organization", async () => {
    const { url } = await club.admin.api.venue.guestLink({ venueId: club.venue.id });
    const venue = await t.client().api.venue.byGuestLink({ link: linkOf(url) });
    expect(venue).toEqual({
      name: "Velvet Club",
      priceCents: 300,
      currency: "EUR",
      paymentTiming: "CHECK_OUT",
      opensAt: "22:00",
      closesAt: "05:00",
      timezone: "Europe/Berlin",
    });
  });

  it("stops working when replaced: old posters get NOT_FOUND with a sentence, the new link works", async () => {
    const old = linkOf((await club.admin.api.venue.guestLink({ venueId: club.venue.id })).url);
    const renewed = linkOf((await club.admin.api.venue.renewGuestLink({ venueId: club.venue.id })).url);
    expect(renewed).not.toBe(old);
    const guest = t.client();
    expect(await refusal(guest.api.venue.byGuestLink({ link: old }))).toMatchObject({
      code: "NOT_FOUND",
      message: "This poster link no longer works: ask at the cloakroom for a new one.",
    });
    expect((await guest.api.venue.byGuestLink({ link: renewed })).name).toBe("Velvet Club");
  });

  it("can be removed, after which no link works", async () => {
    const current = linkOf((await club.admin.api.venue.guestLink({ venueId: club.venue.id })).url);
    expect(await club.admin.api.venue.removeGuestLink({ venueId: club.venue.id })).toEqual({ url: null });
    expect((await refusal(t.client().api.venue.byGuestLink({ link: current }))).code).toBe("NOT_FOUND");
    await club.admin.api.venue.renewGuestLink({ venueId: club.venue.id });
  });

  it("records who made, replaced and removed it in the audit log", async () => {
    const { items } = await club.admin.api.audit.list({ limit: 10 });
    expect(items.filter((event) => event.type.startsWith("GUEST_LINK_")).map((event) => event.type)).toEqual([
      "GUEST_LINK_CREATED",
      "GUEST_LINK_REMOVED",
      "GUEST_LINK_REPLACED",
      "GUEST_LINK_CREATED",
    ]);
  });

  it("is another organization's venue's to no one: NOT_FOUND, the link unchanged", async () => {
    const before = await club.admin.api.venue.guestLink({ venueId: club.venue.id });
    // Each call made only when awaited: a refusal made earlier and awaited later is an unhandled rejection meanwhile.
    for (const call of [
      () => rival.admin.api.venue.guestLink({ venueId: club.venue.id }),
      () => rival.admin.api.venue.renewGuestLink({ venueId: club.venue.id }),
      () => rival.admin.api.venue.removeGuestLink({ venueId: club.venue.id }),
    ]) {
      expect(await refusal(call())).toMatchObject({ code: "NOT_FOUND", message: "No such venue." });
    }
    expect(await club.admin.api.venue.guestLink({ venueId: club.venue.id })).toEqual(before);
  });

  it("refuses a malformed link as bad input, with a sentence", async () => {
    for (const link of ["", "short", "../../etc/passwd-xxxxxxxx", "x".repeat(65), "é".repeat(20)]) {
      expect(await refusal(t.client().api.venue.byGuestLink({ link }))).toMatchObject({
        code: "BAD_REQUEST",
        fieldErrors: { link: ["This poster link is not valid: scan the poster again."] },
      });
    }
  });

  it("does not put a venue in the public list: only venues listed by their admins are there", async () => {
    const listed = await t.client().api.venue.list({ search: "Club" });
    expect(listed.items.map((venue) => venue.name)).not.toContain("Velvet Club");
    await club.admin.api.venue.update({ venueId: club.venue.id, publiclyListed: true });
    const after = await t.client().api.venue.list({ search: "Club" });
    expect(after.items.map((venue) => venue.name)).toEqual(["Velvet Club"]);
    await club.admin.api.venue.update({ venueId: club.venue.id, publiclyListed: false });
  });
});
