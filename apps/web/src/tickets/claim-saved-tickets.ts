import { queryClient, trpc, trpcClient } from "@qrcoats/ui";
import { savedTicketCodes } from "./saved-tickets";

/**
 * After sign-in or sign-up: the tickets this phone got without an account become the
 * account's, so they show in "Your tickets" on any device (docs/guests.md). Quiet: a
 * failure leaves them on the phone as they were, and the next sign-in tries again.
 */
export async function claimSavedTickets() {
  const codes = savedTicketCodes();
  if (codes.length === 0) return;
  try {
    const { claimed } = await trpcClient.qr.claim.mutate({ codes: codes.slice(0, 50) });
    if (claimed > 0) await queryClient.invalidateQueries({ queryKey: trpc.qr.mine.queryKey() });
  } catch (error) {
    console.warn("Could not move this phone's tickets to the account:", error);
  }
}
