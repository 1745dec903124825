// Times as a person reads them on a clock at 2 a.m.: 24-hour, in the phone's own zone.
const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const dayAndClock = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

export function clockTime(at: Date | number): string {
  return clock.format(at);
}

/** A time on the venue's clock (where the ticket was printed), whatever the phone's zone. */
export function venueClockTime(at: Date | number, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(at);
}

export function dayTime(at: Date | number): string {
  return dayAndClock.format(at);
}

export function money(cents: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(cents / 100);
}
