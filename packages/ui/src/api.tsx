import type { AppRouter } from "@qrcoats/api";
// A constant from the typed client, which carries no server code (its bundle test says so).
import { MAX_BATCH_SIZE } from "@qrcoats/api/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import type { ReactNode } from "react";
import superjson from "superjson";

// One client per page load: a Vite SPA has no server rendering to keep requests apart.
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // A refusal (no access, not found, bad input) will not change on a retry.
      retry: (failureCount, error) => failureCount < 2 && !isRefusal(error),
    },
  },
});

export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (operation) => operation.type === "subscription",
      // Live updates arrive as server-sent events, resuming from the last event id after a drop.
      true: httpSubscriptionLink({ url: "/trpc", transformer: superjson }),
      // The batch link, not the streaming one: sign-in procedures set cookies, which need
      // the response headers before the body starts.
      false: httpBatchLink({ url: "/trpc", transformer: superjson, maxItems: MAX_BATCH_SIZE }),
    }),
  ],
});

/** `useQuery(trpc.health.queryOptions())`, with input and output types from the router. */
export const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });

export function ApiProvider({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}

function isRefusal(error: unknown): boolean {
  const status = (error as { data?: { httpStatus?: number } } | null)?.data?.httpStatus;
  return status !== undefined && status >= 400 && status < 500;
}
