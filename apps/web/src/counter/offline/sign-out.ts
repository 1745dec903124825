import { readDevice, eraseDevice, waitingCount } from "./device-store";
import { stopSyncing } from "./sync-engine";

/** Actions this browser's counter has not yet sent: signing out would lose them. */
export async function unsentActions(): Promise<number> {
  return (await readDevice()) ? waitingCount() : 0;
}

/**
 * Sign-out ends the counter device: its lease and walk-in pool go back to the venue (if the
 * network lets us say so) and everything it stored is erased from this browser.
 */
export async function endDevice(): Promise<void> {
  const device = await readDevice();
  if (device) await stopSyncing(device.deviceId);
  await eraseDevice();
}
