import { useSession } from "@qrcoats/ui";
import { useQuery } from "@tanstack/react-query";

/**
 * Who is signed in, as the staff pages see it: the server's answer, or — when the network
 * cannot say (offline, server unreachable) — the attendant this browser's counter device was
 * prepared for, so a reload in a basement keeps them at work. A real "signed out" from the
 * server is never overridden.
 */
export function useStaffSession() {
  const session = useSession();
  const device = useQuery({
    queryKey: ["counter-device-me"],
    // Loaded only when needed: the first download stays the guest's ticket page.
    queryFn: async () => (await (await import("./counter/offline/device-store")).readDevice())?.me ?? null,
    enabled: session.unreachable,
    networkMode: "always",
    staleTime: Infinity,
  });
  return {
    ...session,
    me: session.me ?? (session.unreachable ? (device.data ?? null) : null),
    isPending: session.isPending || (session.unreachable && device.isPending),
  };
}
