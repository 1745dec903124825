import { sweepPickups, type InProcessClient } from "@qrcoats/api";
import { signedInClient, type Night } from "./night";

// Tonight's closing rush at the demo venue (docs/pickup.md), played through the API with the
// clock set to each moment, as the rest of the night is: guests' phones ask for their coats,
// Cleo fetches them to the ready rail, the scan hands them over. The host's sweep runs at the
// moments it would have, with the seed's clock, so coats left on the rail become uncollected
// the way they do in production. Every request state is there when the host starts: three
// queued (one due now, one due in ten minutes, one waiting for a place beyond the venue's cap
// of four), one being fetched, one on the rail, one collected, one called off, and one
// uncollected of each kind — hung back on its slot, and kept on the rail.

const MINUTE = 60_000;

/** The demo venue's pickup settings: a small cap, so the last guest to ask waits for a place. */
export const DEMO_PICKUP = { pickupEnabled: true, pickupQueueCap: 5, pickupHoldMinutes: 15, pickupUncollected: "RACK" } as const;

type Api = InProcessClient["api"];

/**
 * Plays the rush on tonight's checked-in coats (their codes, in order of arrival). Coats
 * handed back another way by now are passed over. `admin` switches the venue to keeping
 * uncollected coats on the rail midway, so the demo has one uncollected coat of each kind.
 */
export async function playClosingRush({ clock, venueId, attendants }: Night, admin: Api, codes: string[], now: Date) {
  const [, cleo] = attendants as [Api, Api];
  const at = (minutesAgo: number) => clock.at(new Date(now.getTime() - minutesAgo * MINUTE));
  // A guest's phone is signed in to nothing: the ticket's code is all it holds.
  const phone = signedInClient(clock.services).api;

  const coats: string[] = [];
  for (const code of codes) {
    if ((await phone.qr.view({ code })).state === "CHECKED_IN") coats.push(code);
  }
  if (coats.length < 9) throw new Error(`The demo's closing rush needs nine coats checked in tonight, not ${coats.length}`);
  const [toRack, collected, calledOff, toRail, ready, fetching, dueNow, dueLater, waiting] = coats as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];

  const ask = (code: string, delayMinutes: 0 | 5 | 10 = 0) => phone.pickup.request({ code, requestId: crypto.randomUUID(), delayMinutes });
  /** Cleo sets off for the rack and is back with the coat this many seconds later: tonight's fetch times. */
  const fetchToRail = async (requestId: string, startedMinutesAgo: number, seconds: number) => {
    at(startedMinutesAgo);
    await cleo.pickup.start({ venueId, requestId });
    clock.at(new Date(now.getTime() - startedMinutesAgo * MINUTE + seconds * 1000));
    return cleo.pickup.fetched({ venueId, requestId });
  };
  /** The host's sweep, as its job would have run it at that moment. */
  const sweep = (minutesAgo: number) => {
    at(minutesAgo);
    return sweepPickups(clock.services);
  };

  // Nobody came for this one within the hold: the sweep sends it back, and Cleo hangs it on its slot.
  at(50);
  const forgotten = await ask(toRack);
  await fetchToRail(forgotten.id, 49.5, 65);
  await sweep(33);
  at(32);
  await cleo.pickup.putBack({ venueId, requestId: forgotten.id });

  // Asked, fetched, and handed over with one scan of the ticket at the counter.
  at(45);
  const handed = await ask(collected);
  await fetchToRail(handed.id, 44.5, 80);
  at(41);
  await cleo.qr.scan({ venueId, code: collected });

  // "In ten minutes", then one more song after all.
  at(40);
  await ask(calledOff, 10);
  at(38);
  await phone.pickup.cancel({ code: calledOff });

  // Ada saves Cleo the walks back to the rack: from now on a coat nobody collects stays on the rail, ready at once if its guest asks again.
  at(30);
  await admin.venue.update({ venueId, pickupUncollected: "RAIL" });
  at(29);
  const kept = await ask(toRail);
  await fetchToRail(kept.id, 28.5, 70);
  await sweep(12);

  at(8);
  const onRail = await ask(ready);
  await fetchToRail(onRail.id, 7.5, 95);

  // A walk-in with only a paper ticket asks at the counter; Cleo is on her way for it.
  at(3);
  const { number } = await phone.qr.view({ code: fetching });
  const atCounter = await cleo.pickup.requestAtCounter({ venueId, ticketNumber: number, requestId: crypto.randomUUID() });
  at(2);
  await cleo.pickup.start({ venueId, requestId: atCounter.id });

  at(1);
  await ask(dueNow);
  at(0);
  await ask(dueLater, 10);
  // Asked after the cap of five was reached (one being fetched, one ready on the rail, one kept on
  // the rail after its hold, two queued): it waits for a place.
  await ask(waiting, 10);
}
