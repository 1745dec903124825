import { useSession } from "@qrcoats/ui";
import { onlineManager } from "@tanstack/react-query";
import { useEffect, useState, useSyncExternalStore } from "react";
import type { CounterVenue } from "../use-counter-venue";
import { deviceStore, openDevice, resumeDevice, type DeviceState } from "./device-store";
import { startSyncing, syncStatus } from "./sync-engine";

export const OPEN_ELSEWHERE = "The counter is open in another tab or window of this browser: work there, or close it and reload this one.";

let counterLock: Promise<boolean> | null = null;

/**
 * One tab of a browser works as its counter: two would hand out the same operation numbers
 * and slots from copies that do not see each other. The lock is held until the tab closes.
 */
function holdCounterLock(): Promise<boolean> {
  counterLock ??= new Promise((resolve) => {
    void navigator.locks.request("qrcoats-counter-device", { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      return lock ? new Promise<void>(() => {}) : undefined;
    });
  });
  return counterLock;
}

/**
 * The counter's device: opened for the signed-in attendant at their venue when the network
 * can say who and where, else resumed as this browser last held it. Syncing starts with it.
 */
export function useDevice(venue: CounterVenue | undefined, networkKnowsVenue: boolean) {
  const { me } = useSession();
  const device = useSyncExternalStore(deviceStore.subscribe, deviceStore.get);
  const [opened, setOpened] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  const [elsewhere, setElsewhere] = useState(false);
  const userId = me?.user.id;
  const venueId = venue?.id;

  useEffect(() => {
    let current = true;
    const opening = holdCounterLock().then((held) => {
      if (!held) {
        if (current) setElsewhere(true);
        return null;
      }
      return me?.membership && venue
        ? openDevice(me, {
            id: venue.id,
            name: venue.name,
            timezone: venue.timezone,
            priceCents: venue.priceCents,
            currency: venue.currency,
            paymentTiming: venue.paymentTiming,
            inOutAllowance: "inOutAllowance" in venue ? venue.inOutAllowance : 0,
          })
        : networkKnowsVenue
          ? Promise.resolve(null)
          : resumeDevice();
    });
    opening
      .then((state: DeviceState | null) => {
        if (!current) return;
        setOpened(true);
        if (state) startSyncing(state.record.venue.currency);
      })
      .catch((error: unknown) => current && setProblem(error));
    return () => {
      current = false;
    };
    // The device follows who is signed in and where, not each render's objects.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [userId, venueId, networkKnowsVenue]);

  // Until the stored device is checked against who signed in, another person's is never shown.
  const theirs = device && (!me || device.record.me.user.id === me.user.id) ? device : null;
  return { device: opened ? theirs : null, opened, problem, elsewhere };
}

/** Whether the browser says it is online, as TanStack Query's onlineManager hears it. */
export function useOnline() {
  return useSyncExternalStore(
    (listener) => onlineManager.subscribe(listener),
    () => onlineManager.isOnline(),
  );
}

export function useSyncStatus() {
  return useSyncExternalStore(syncStatus.subscribe, syncStatus.get);
}
