import { useEffect } from "react";

/**
 * Keeps the screen on while a ticket waits to be scanned: a phone that dims in the queue
 * makes the attendant wait while its owner unlocks it. Browsers without the API just dim.
 */
export function useWakeLock(active: boolean) {
  useEffect(() => {
    if (!active || !("wakeLock" in navigator)) return;
    let lock: WakeLockSentinel | null = null;
    let released = false;
    const acquire = () => {
      if (document.visibilityState !== "visible") return;
      navigator.wakeLock
        .request("screen")
        .then((sentinel) => {
          if (released) void sentinel.release();
          else lock = sentinel;
        })
        .catch(() => {});
    };
    // The lock ends whenever the page is hidden; take it again on return.
    document.addEventListener("visibilitychange", acquire);
    acquire();
    return () => {
      released = true;
      document.removeEventListener("visibilitychange", acquire);
      void lock?.release();
    };
  }, [active]);
}
