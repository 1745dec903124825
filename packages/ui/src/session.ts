import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { trpc } from "./api";
import { errorCode, isUnauthorized } from "./errors";

/**
 * Who is signed in, from `auth.me`; UNAUTHORIZED simply means nobody. Every screen reads
 * the same cached answer.
 */
export function useSession() {
  const me = useQuery({
    ...trpc.auth.me.queryOptions(),
    retry: (count, error) => !isUnauthorized(error) && count < 2,
    // Asked again when the network returns, not each time a screen mounts: a refetch with
    // no answer yet would turn "unreachable" back into "loading" and unmount the page.
    retryOnMount: false,
  });
  const signedOut = me.isError && isUnauthorized(me.error);
  // No network (the browser says so and the query waits, or the server cannot be reached):
  // who is signed in is unknown, which is not the same as nobody.
  const unreachable = !me.data && ((me.isPending && me.fetchStatus === "paused") || (me.isError && !signedOut && !errorCode(me.error)));
  return {
    me: me.data ?? null,
    isPending: me.isPending && !signedOut && !unreachable,
    signedOut,
    unreachable,
    error: signedOut ? null : me.error,
  };
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
