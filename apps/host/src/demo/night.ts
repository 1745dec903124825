import { createInProcessClient, markForgottenTickets, type ApiServices, type InProcessClient } from "@qrcoats/api";

// A night at the demo venue, played through the API with the clock set to each moment: the
// tickets, payments, in & outs, swaps, refusals, shifts and tasks that a newcomer should
// find on the counter, in the history and in the analytics — and tonight, still going.

const HOUR = 3_600_000;
const MINUTE = 60_000;

type Clocked = { services: ApiServices; at(time: Date): void };

/** Services whose clock the seed sets, one moment after another. */
export function clockedServices(services: ApiServices): Clocked {
  let now = services.clock();
  return { services: { ...services, clock: () => now }, at: (time) => (now = time) };
}

/** The same pseudo-random night every time: a demo should not change between starts. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WALK_INS = ["Lena", "Marco", "Priya", "Tom", "Yuki", "Omar", "Sofia", "Jonas", "Aisha", "Felix", "Nora", "Luca"];
const PAYMENTS = ["PAID_CASH", "PAID_CARD", "PAID_CARD", "PREPAID"] as const;

export type Night = {
  clock: Clocked;
  venueId: string;
  otherVenueId: string;
  attendants: InProcessClient["api"][];
  guest: InProcessClient["api"];
  /** When the night closed (05:00 at the venue); everything happens before it. */
  closing: Date;
};

/** Last night at the venue: about forty coats, the rush, the odd refusal, three left behind. */
export async function playLastNight({ clock, venueId, otherVenueId, attendants, guest, closing }: Night) {
  const next = random(7);
  const opening = new Date(closing.getTime() - 7 * HOUR);
  const [ben, cleo] = attendants as [InProcessClient["api"], InProcessClient["api"]];
  const at = (time: Date) => clock.at(time);

  at(new Date(opening.getTime() - 15 * MINUTE));
  await ben.shift.clockIn({ venueId });
  await cleo.shift.clockIn({ venueId });

  // Arrivals bunch up towards midnight, as they do.
  const arrivals = Array.from({ length: 40 }, (_, i) => {
    const rush = Math.sin((i / 40) * Math.PI);
    return new Date(opening.getTime() + (i / 40) * 3.5 * HOUR + rush * 20 * MINUTE + next() * 10 * MINUTE);
  }).sort((a, b) => a.getTime() - b.getTime());

  type Coat = { code: string; number: number; leaves: Date; by: InProcessClient["api"] };
  const coats: Coat[] = [];
  for (const [i, arrival] of arrivals.entries()) {
    at(arrival);
    const attendant = i % 2 === 0 ? ben : cleo;
    const name = WALK_INS[i % WALK_INS.length]!;
    const ticket = await attendant.qr.issueWalkIn({
      venueId,
      ...(i % 5 === 0 ? { name: `${name} ${String.fromCharCode(65 + (i % 26))}.`, phone: `+49 151 555${String(1000 + i).slice(-4)}` } : {}),
      ...(i === 7 ? { email: "priya.demo@example.com" } : {}),
      // One of the coats left behind tonight has an email to send the notice to.
      ...(i === 38 ? { name: "Jonas W.", email: "jonas.demo@example.com" } : {}),
    });
    at(new Date(arrival.getTime() + MINUTE));
    // Two guests pay on the way out (docs/guests.md): one does, one is let go unpaid with a reason.
    const paysLater = i === 11 || i === 12;
    await attendant.qr.checkIn({
      venueId,
      code: ticket.code,
      ...(paysLater ? {} : { payment: { status: PAYMENTS[i % PAYMENTS.length]! } }),
    });
    coats.push({
      code: ticket.code,
      number: ticket.number,
      leaves: new Date(arrival.getTime() + (1.5 + next() * 2.5) * HOUR),
      by: attendant,
    });
  }

  // The guest with an account had a ticket too, and picked the coat up.
  at(new Date(opening.getTime() + 40 * MINUTE));
  const own = await guest.qr.request({ venueId });
  await ben.qr.checkIn({ venueId, code: own.code, payment: { status: "PAID_CARD" } });
  coats.push({ code: own.code, number: own.number, leaves: new Date(opening.getTime() + 4 * HOUR), by: ben });

  // In & outs: a smoke outside with the jacket, back in ten minutes later.
  for (const coat of coats.slice(3, 6)) {
    at(new Date(coat.leaves.getTime() - HOUR));
    await coat.by.qr.detach({ venueId, code: coat.code });
    at(new Date(coat.leaves.getTime() - 50 * MINUTE));
    await coat.by.qr.checkIn({ venueId, code: coat.code });
  }

  // Two coats moved to rack B's far end, to make room for a group's coats together.
  at(new Date(opening.getTime() + 45 * MINUTE));
  const { racks } = await ben.rack.list({ venueId });
  const farEnd = racks
    .flatMap((rack) => rack.slots)
    .filter((slot) => slot.kind === "HANGER" && !slot.occupied)
    .slice(-2);
  for (const [i, slot] of farEnd.entries()) await ben.qr.swap({ venueId, code: coats[i]!.code, toSlotId: slot.id });

  // A refusal of each common kind: an unknown code, another venue's ticket.
  at(new Date(opening.getTime() + 2 * HOUR));
  await cleo.qr.scan({ venueId, code: "https://coats.example/t/not-a-real-ticket" }).catch(() => {});
  // Cleo helps at the other venue's counter for a moment (a shift there), and its ticket reaches hers.
  await cleo.shift.clockOut();
  await cleo.shift.clockIn({ venueId: otherVenueId });
  const elsewhere = await cleo.qr.issueWalkIn({ venueId: otherVenueId });
  await cleo.qr.void({ venueId: otherVenueId, code: elsewhere.code, reason: "Issued at the wrong counter" });
  await cleo.shift.clockOut();
  await cleo.shift.clockIn({ venueId });
  await cleo.qr.scan({ venueId, code: elsewhere.code }).catch(() => {});

  // Everyone leaves but three, whose coats will be forgotten; one ticket is scanned twice.
  const leaving = coats
    .slice(0, -4)
    .concat(coats.slice(-1))
    .sort((a, b) => a.leaves.getTime() - b.leaves.getTime());
  for (const coat of leaving) {
    at(new Date(Math.min(coat.leaves.getTime(), closing.getTime() - 10 * MINUTE)));
    const index = coats.indexOf(coat);
    // A guest whose phone died: found by the number they remembered, confirmed against the ticket.
    await coat.by.qr.scan(index === 13 ? { venueId, number: coat.number } : { venueId, code: coat.code });
    await coat.by.qr.checkOut({
      venueId,
      code: coat.code,
      ...(index === 11 ? { payment: { status: "PAID_CARD" as const } } : {}),
      ...(index === 12 ? { unpaidReason: "Card declined, no cash — a regular, pays next visit" } : {}),
    });
  }
  await ben.qr.scan({ venueId, code: leaving[0]!.code }).catch(() => {});

  at(new Date(closing.getTime() + 15 * MINUTE));
  await ben.shift.clockOut();
  await cleo.shift.clockOut();
}

/**
 * Tonight so far: the counter is open, coats are coming in, one guest has a ticket ready.
 * Returns the walk-ins' codes in order of arrival: their guests ask for their coats in the
 * closing rush (./rush.ts).
 */
export async function playTonight({ clock, venueId, attendants, guest }: Night, now: Date): Promise<string[]> {
  const [, cleo] = attendants as [InProcessClient["api"], InProcessClient["api"]];
  clock.at(new Date(now.getTime() - 70 * MINUTE));
  await cleo.shift.clockIn({ venueId });
  const codes: string[] = [];
  for (let i = 0; i < 10; i++) {
    clock.at(new Date(now.getTime() - (66 - i * 5.5) * MINUTE));
    const ticket = await cleo.qr.issueWalkIn({ venueId });
    await cleo.qr.checkIn({ venueId, code: ticket.code, kind: i === 4 ? "SHELF" : "HANGER", payment: { status: PAYMENTS[i % 4]! } });
    codes.push(ticket.code);
  }
  clock.at(new Date(now.getTime() - 5 * MINUTE));
  await guest.qr.request({ venueId });
  clock.at(now);
  return codes;
}

/**
 * Tonight, Ben's counter lost the network for a quarter of an hour: it took two walk-ins and a
 * check-out offline and sent them when the network came back. Cleo had handed that coat back
 * in the meantime, so the check-out comes back as a conflict, in scan history as "offline".
 */
export async function playOfflineSpell({ clock, venueId, attendants }: Night, now: Date) {
  const [ben, cleo] = attendants as [InProcessClient["api"], InProcessClient["api"]];
  // Ben came on for the busy hour: a device is made ready on a shift, and its actions count on it.
  clock.at(new Date(now.getTime() - 45 * MINUTE));
  await ben.shift.clockIn({ venueId });
  clock.at(new Date(now.getTime() - 40 * MINUTE));
  const deviceId = crypto.randomUUID();
  const device = await ben.offline.prepare({ venueId, deviceId });
  const held = new Set(device.tickets.flatMap((ticket) => (ticket.slot ? [ticket.slot.id] : [])));
  const [first, second] = device.leasedSlotIds.filter((id) => !held.has(id));
  const [mia, noah] = device.walkInPool;
  const coat = device.tickets.find((ticket) => ticket.state === "CHECKED_IN")!;
  let seq = device.lastSeq;
  const taken = (minutesAgo: number) => ({ opId: crypto.randomUUID(), seq: ++seq, takenAt: new Date(now.getTime() - minutesAgo * MINUTE) });
  const operations = [
    { ...taken(35), action: "ISSUE_WALK_IN" as const, publicId: mia!.publicId, name: "Mia K." },
    { ...taken(35), action: "CHECK_IN" as const, publicId: mia!.publicId, slotId: first!, payment: { status: "PAID_CASH" as const } },
    { ...taken(31), action: "ISSUE_WALK_IN" as const, publicId: noah!.publicId },
    { ...taken(31), action: "CHECK_IN" as const, publicId: noah!.publicId, slotId: second! },
    { ...taken(28), action: "CHECK_OUT" as const, publicId: coat.publicId },
  ];
  clock.at(new Date(now.getTime() - 30 * MINUTE));
  await cleo.qr.checkOut({ venueId, ticketId: coat.id });
  clock.at(new Date(now.getTime() - 20 * MINUTE));
  await ben.offline.sync({ venueId, deviceId, operations });
  // Ben signed out of that phone afterwards: its set-aside slots went back to the venue.
  await ben.offline.release({ deviceId });
  // And went off shift: signed in now, his counter asks him to clock in first.
  clock.at(new Date(now.getTime() - 15 * MINUTE));
  await ben.shift.clockOut();
  clock.at(now);
}

/** The leftovers of last night become forgotten, as the host's job would make them. */
export async function closeLastNight(services: ApiServices, now: Date) {
  return markForgottenTickets({ ...services, prisma: services.db.prisma, clock: () => now });
}

/** When the venue last closed (05:00 its time) at least four hours ago: last night's end. */
export async function lastClosing(services: ApiServices, timezone: string, now: Date): Promise<Date> {
  const [row] = await services.db.sql.query<{ closing: Date }>(
    `SELECT (date_trunc('day', $1::timestamptz AT TIME ZONE $2) + time '05:00') AT TIME ZONE $2 AS closing`,
    [now, timezone],
  );
  let closing = row!.closing;
  while (now.getTime() - closing.getTime() < 4 * HOUR) closing = new Date(closing.getTime() - 24 * HOUR);
  return closing;
}

export function signedInClient(services: ApiServices) {
  return createInProcessClient(services, { userAgent: "qrcoats-demo-seed" });
}
