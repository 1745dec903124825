import { onlineManager, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { queryClient as sharedQueryClient, trpc, trpcClient } from "./api";
import { errorCode, isUnauthorized } from "./errors";

/**
 * Who is signed in, from `auth.me`; UNAUTHORIZED simply means nobody. Every screen reads
 * the same cached answer.
 */
export function useSession() {
  const pendingSignOut = signOutPending();
  const me = useQuery({
    ...trpc.auth.me.queryOptions(),
    enabled: !pendingSignOut,
    retry: (count, error) => !isUnauthorized(error) && count < 2,
    // Asked again when the network returns, not each time a screen mounts: a refetch with
    // no answer yet would turn "unreachable" back into "loading" and unmount the page.
    retryOnMount: false,
  });
  const signedOut = me.isError && isUnauthorized(me.error);
  // No network (the browser says so and the query waits, or the server cannot be reached):
  // who is signed in is unknown, which is not the same as nobody.
  const unreachable = !me.data && ((me.isPending && me.fetchStatus === "paused") || (me.isError && !signedOut && !errorCode(me.error)));
  // Signed out with no network: nobody is signed in here, whatever the cookie still says.
  if (pendingSignOut) return { me: null, isPending: false, signedOut: true, unreachable: false, error: null };
  return {
    me: me.data ?? null,
    isPending: me.isPending && !signedOut && !unreachable,
    signedOut,
    unreachable,
    error: signedOut ? null : me.error,
  };
}

// A sign-out with no network cannot reach the server, and the tab may close before it can:
// the device remembers it, shows nobody signed in meanwhile, and ends the session on the
// server as soon as it can, so the next person to pick the phone up is not let in.
const SIGN_OUT_PENDING = "qrcoats.signOutPending";

function signOutPending(): boolean {
  try {
    return localStorage.getItem(SIGN_OUT_PENDING) === "1";
  } catch {
    return false;
  }
}

/** Remembers a sign-out made offline until `finishPendingSignOut` gets it to the server. */
export function rememberSignOut() {
  localStorage.setItem(SIGN_OUT_PENDING, "1");
}

/** Someone signed in here anew: nothing is left to end. */
export function forgetPendingSignOut() {
  localStorage.removeItem(SIGN_OUT_PENDING);
}

/**
 * Ends a sign-out made offline, now and whenever the network returns, until the server has
 * it; `first` runs before, while the session still works (the counter gives its slots back).
 */
export function finishPendingSignOut(first: () => Promise<void> = async () => {}) {
  const attempt = () => {
    if (!signOutPending() || !onlineManager.isOnline()) return;
    first()
      .then(() => trpcClient.auth.logout.mutate())
      .then(
        () => {
          forgetPendingSignOut();
          sharedQueryClient.clear();
        },
        () => {},
      );
  };
  attempt();
  onlineManager.subscribe((online) => online && attempt());
}

/** Signs out and forgets everything cached for the previous person. */
export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: async () => {
        queryClient.clear();
        await queryClient.invalidateQueries();
      },
    }),
  );
}
