import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hireAttendantOnShift } from "../qr/testing";
import { createTestApi, refusal, type TestApi } from "../testing";

let t: TestApi;
let owner: Awaited<ReturnType<TestApi["signUpAdmin"]>>;
let rival: Awaited<ReturnType<TestApi["signUpAdmin"]>>;
let guest: Awaited<ReturnType<TestApi["signUp"]>>;

const basics = { timezone: "Europe/Berlin", opensAt: "22:00", closesAt: "05:00" };

beforeAll(async () => {
  t = await createTestApi();
  owner = await t.signUpAdmin("Nightlife Group", "owner@nightlife.example");
  rival = await t.signUpAdmin("Rival Group", "owner@rival.example");
  guest = await t.signUp({ email: "guest@example.com" });
});
afterAll(() => t.close());

describe("venue.create and venue.update", () => {
  it("an admin creates a venue; names, zones and currencies are tidied, defaults filled in", async () => {
    const venue = await owner.api.venue.create({
      name: "  Berghain Annex ",
      timezone: "europe/berlin",
      opensAt: "23:30",
      closesAt: "06:00",
      currency: "eur",
    });
    expect(venue).toMatchObject({
      view: "organization",
      name: "Berghain Annex",
      timezone: "Europe/Berlin",
      opensAt: "23:30",
      closesAt: "06:00",
      priceCents: 0,
      currency: "EUR",
      inOutAllowance: 1,
      forgottenDelayMinutes: 180,
    });
    const stored = await t.db.prisma.venue.findUniqueOrThrow({ where: { id: venue.id } });
    expect(stored.organizationId).toBe(owner.organization.id);
    expect(Object.keys(venue)).not.toContain("nextTicketNumber");
    expect(Object.keys(venue)).not.toContain("organizationId");
  });

  it("refuses bad settings with a message on the field", async () => {
    const cases = [
      [{ timezone: "Mars/Olympus_Mons" }, "timezone", "Use an IANA time zone such as Europe/Berlin."],
      [{ timezone: "+01:00" }, "timezone", "Use an IANA time zone such as Europe/Berlin."],
      [{ timezone: "CET" }, "timezone", "Use an IANA time zone such as Europe/Berlin."],
      [{ opensAt: "25:00" }, "opensAt", "Use 24-hour time, HH:MM (for example 22:00)."],
      [{ closesAt: "5pm" }, "closesAt", "Use 24-hour time, HH:MM (for example 05:00)."],
      [{ closesAt: "22:00" }, "closesAt", "Closing time must differ from opening time."],
      [{ opensAt: "2".repeat(10_000) }, "opensAt", "Use 24-hour time, HH:MM (for example 22:00)."],
      [{ currency: "EURO" }, "currency", "Use a three-letter currency code such as EUR."],
      [{ priceCents: -1 }, "priceCents", "The price cannot be negative."],
      [{ priceCents: 2.5 }, "priceCents", "Give the price in whole cents."],
      [{ inOutAllowance: 51 }, "inOutAllowance", "At most 50 in & outs."],
      [{ name: "" }, "name", "Enter the venue's name."],
      [{ name: "x".repeat(101) }, "name", "Use at most 100 characters."],
    ] as const;
    for (const [change, field, message] of cases) {
      const refused = await refusal(owner.api.venue.create({ name: "Bad", ...basics, ...change }));
      expect(refused, JSON.stringify(change)).toMatchObject({ code: "BAD_REQUEST" });
      expect(refused.fieldErrors[field], JSON.stringify(change)).toEqual([message]);
    }
    expect(await t.db.prisma.venue.count({ where: { name: "Bad" } })).toBe(0);
  });

  it("accepts every IANA zone the runtime knows, including ones with three parts", async () => {
    const venue = await owner.api.venue.create({ name: "Indiana Bar", ...basics, timezone: "America/Indiana/Indianapolis" });
    expect(venue.timezone).toBe("America/Indiana/Indianapolis");
  });

  it("updates only what is given, checks the hours together, and only for the organization's admins", async () => {
    const venue = await owner.api.venue.create({ name: "Tresor", ...basics, priceCents: 200 });
    const updated = await owner.api.venue.update({ venueId: venue.id, priceCents: 300, inOutAllowance: 3, timezone: "Europe/London" });
    expect(updated).toMatchObject({ name: "Tresor", priceCents: 300, inOutAllowance: 3, timezone: "Europe/London", opensAt: "22:00" });
    expect((await refusal(owner.api.venue.update({ venueId: venue.id, opensAt: "05:00" }))).fieldErrors.closesAt).toEqual([
      "Closing time must differ from opening time.",
    ]);
    expect(await refusal(rival.api.venue.update({ venueId: venue.id, name: "Taken over" }))).toMatchObject({
      code: "NOT_FOUND",
      message: "No such venue.",
    });
    expect((await refusal(owner.api.venue.update({ venueId: "6f1c2b1e-4a0b-4c7e-9a53-0d5d8f0e2b11", name: "Nowhere" }))).code).toBe(
      "NOT_FOUND",
    );
    const attendant = await hireAttendantOnShift(t, owner.organization.id, "staff@nightlife.example", [venue.id]);
    expect(await refusal(attendant.api.venue.update({ venueId: venue.id, priceCents: 0 }))).toMatchObject({
      code: "FORBIDDEN",
      message: "Only an admin of your organization can do this.",
    });
    expect((await refusal(attendant.api.venue.create({ name: "Staff venue", ...basics }))).code).toBe("FORBIDDEN");
    expect((await refusal(guest.api.venue.create({ name: "Guest venue", ...basics }))).code).toBe("FORBIDDEN");
    expect((await refusal(t.client().api.venue.create({ name: "Anonymous venue", ...basics }))).code).toBe("UNAUTHORIZED");
    expect((await t.db.prisma.venue.findUniqueOrThrow({ where: { id: venue.id } })).priceCents).toBe(300);
  });
});

describe("venue.list and venue.get", () => {
  let ownVenues: { id: string; name: string }[];
  let rivalVenue: { id: string; name: string };

  beforeAll(async () => {
    ownVenues = [];
    for (const name of ["Alpha Lounge", "Bravo Bar", "Charlie Club"]) {
      ownVenues.push(await owner.api.venue.create({ name, ...basics, priceCents: 150, publiclyListed: true }));
    }
    rivalVenue = await rival.api.venue.create({
      name: "Delta Disco",
      ...basics,
      currency: "USD",
      timezone: "America/New_York",
      publiclyListed: true,
    });
  });

  it("members see their own organization's venues with every setting", async () => {
    const { items, nextCursor } = await owner.api.venue.list();
    expect(nextCursor).toBeNull();
    expect(items.every((venue) => venue.view === "organization" && "inOutAllowance" in venue)).toBe(true);
    expect(items.map((venue) => venue.name)).toEqual(expect.arrayContaining(ownVenues.map((venue) => venue.name)));
    expect(items.map((venue) => venue.name)).not.toContain("Delta Disco");
    expect((await rival.api.venue.list()).items.map((venue) => venue.name)).toEqual(["Delta Disco"]);
  });

  it("keeps a venue out of the public list until its admin lists it; its link still works", async () => {
    const hideout = await rival.api.venue.create({ name: "Echo Hideout", ...basics });
    expect(hideout.publiclyListed).toBe(false);
    const publicNames = async () => (await guest.api.venue.list({ limit: 100 })).items.map((venue) => venue.name);
    for (const caller of [guest.api, t.client().api, owner.api]) {
      expect((await caller.venue.list({ search: "hideout", scope: "public" })).items).toEqual([]);
    }
    expect(await publicNames()).not.toContain("Echo Hideout");
    expect((await rival.api.venue.list()).items.map((venue) => venue.name)).toContain("Echo Hideout");
    expect(await guest.api.venue.get({ venueId: hideout.id })).toMatchObject({ view: "public", name: "Echo Hideout" });

    expect(await refusal(owner.api.venue.update({ venueId: hideout.id, publiclyListed: true }))).toMatchObject({ code: "NOT_FOUND" });
    expect((await rival.api.venue.update({ venueId: hideout.id, publiclyListed: true })).publiclyListed).toBe(true);
    expect(await publicNames()).toContain("Echo Hideout");
    await rival.api.venue.update({ venueId: hideout.id, publiclyListed: false });
    expect(await publicNames()).not.toContain("Echo Hideout");
    expect(
      (await refusal(rival.api.venue.update({ venueId: hideout.id, publiclyListed: "yes" as unknown as boolean }))).fieldErrors
        .publiclyListed,
    ).toEqual(["Choose whether guests find the venue in the public list."]);
  });

  it("guests and anonymous callers see the public view of every listed venue, searchable by name", async () => {
    for (const caller of [guest.api, t.client().api]) {
      const { items } = await caller.venue.list({ search: "disco" });
      expect(items).toEqual([
        {
          view: "public",
          id: rivalVenue.id,
          name: "Delta Disco",
          timezone: "America/New_York",
          opensAt: "22:00",
          closesAt: "05:00",
          priceCents: 0,
          currency: "USD",
          paymentTiming: "CHECK_OUT",
        },
      ]);
    }
    const everything = await guest.api.venue.list({ limit: 100 });
    expect(everything.items.map((venue) => venue.id)).toEqual(
      expect.arrayContaining([...ownVenues.map((venue) => venue.id), rivalVenue.id]),
    );
    // A member may look around as a guest would, e.g. to get a ticket elsewhere.
    expect((await owner.api.venue.list({ scope: "public", search: "Delta" })).items).toEqual([
      expect.objectContaining({ view: "public", id: rivalVenue.id }),
    ]);
  });

  it("pages by name with a cursor, each venue once", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await guest.api.venue.list({ limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((venue) => venue.name));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    const total = await t.db.prisma.venue.count({ where: { publiclyListed: true } });
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen).toEqual([...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(pages).toBe(Math.ceil(total / 2));
    expect(await refusal(guest.api.venue.list({ cursor: "not-a-cursor" }))).toMatchObject({
      code: "BAD_REQUEST",
      fieldErrors: { cursor: ["This cursor is not valid. Start again from the first page."] },
    });
    expect((await refusal(guest.api.venue.list({ limit: 101 }))).fieldErrors.limit).toEqual(["Ask for at most 100 items."]);
  });

  it("venue.get: settings for the organization, the public view for others, NOT_FOUND across tenants", async () => {
    const [alpha] = ownVenues;
    expect(await owner.api.venue.get({ venueId: alpha!.id })).toMatchObject({
      view: "organization",
      inOutAllowance: 1,
      forgottenDelayMinutes: 180,
    });
    const publicView = await guest.api.venue.get({ venueId: alpha!.id });
    expect(publicView).toEqual({
      view: "public",
      id: alpha!.id,
      name: "Alpha Lounge",
      timezone: "Europe/Berlin",
      opensAt: "22:00",
      closesAt: "05:00",
      priceCents: 150,
      currency: "EUR",
      paymentTiming: "CHECK_OUT",
    });
    expect(await t.client().api.venue.get({ venueId: alpha!.id })).toEqual(publicView);
    expect(await refusal(rival.api.venue.get({ venueId: alpha!.id }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await rival.api.venue.get({ venueId: alpha!.id, scope: "public" })).toEqual(publicView);
    expect((await refusal(guest.api.venue.get({ venueId: "6f1c2b1e-4a0b-4c7e-9a53-0d5d8f0e2b11" }))).code).toBe("NOT_FOUND");
    expect((await refusal(guest.api.venue.get({ venueId: "nope" }))).fieldErrors.venueId).toEqual(["That is not a valid venue id."]);
  });
});
