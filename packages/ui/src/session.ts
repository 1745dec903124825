import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { trpc } from "./api";
import { isUnauthorized } from "./errors";

/**
 * Who is signed in, from `auth.me`; UNAUTHORIZED simply means nobody. Every screen reads
 * the same cached answer.
 */
export function useSession() {
  const me = useQuery({ ...trpc.auth.me.queryOptions(), retry: (count, error) => !isUnauthorized(error) && count < 2 });
  const signedOut = me.isError && isUnauthorized(me.error);
  return {
    me: me.data ?? null,
    isPending: me.isPending && !signedOut,
    signedOut,
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
