import { createTRPCClient, httpBatchLink, httpSubscriptionLink, isTRPCClientError, splitLink, type TRPCClient } from "@trpc/client";
import superjson from "superjson";
// Types only: nothing of the server (Prisma, argon2, pg) reaches a consumer's bundle.
import type { AppRouter } from "../root";

export type { AppRouter };
export type { RouterInputs, RouterOutputs } from "../types";
/** A ticket's QR, drawn here from its code: the same SVG the API sends, with no request. */
/** The ticket lifecycle the server decides by, so a counter offline decides the same way. */
export {
  allowedActions,
  decide,
  decideScan,
  paymentDue,
  type CounterAction,
  type PaymentTiming,
  type TicketFacts,
} from "../qr/state-machine";
export { candidateCode, codeCheckOf, publicIdOfCandidate } from "../qr/codes-shape";
export type {
  OfflineSlot,
  OfflineTicket,
  Operation,
  OperationAction,
  OperationOutcome,
  PoolTicket,
  Preparation,
  SyncResult,
} from "../offline/contract";
export { MAX_SYNC_BATCH } from "../offline/contract";
/** The closing rush's rules (docs/pickup.md): places, estimates, walks and the board, as the server derives them. */
export {
  boardOf,
  fetchingEstimateMinutes,
  planWalks,
  queuedPlaces,
  OPEN_PICKUP_STATES,
  PICKUP_DELAYS_MINUTES,
  type GuestPickup,
  type PickupBoardView,
  type PickupDelay,
  type PickupEntry,
  type PickupState,
  type PickupWalk,
  type VenueQueue,
} from "../pickup/rules";
/** A walk-in's contact as the server checks it: checked before it is queued, so a sync is never refused for it. */
export { walkInContactFields } from "../lib/inputs";
export { QR_OPTIONS, ticketQrPng, ticketQrSvg, ticketUrl } from "../qr/ticket-qr";

export type QRcoatsClientOptions = {
  /** The API's address, e.g. "https://coats.example.com/trpc". */
  url: string;
  /** The account the program acts as. */
  email: string;
  password: string;
  /** Refresh this long before the access token expires (default 60 s). */
  refreshMarginSeconds?: number;
  /** What time it is, in milliseconds since the epoch (default `Date.now`); tests move it. */
  now?: () => number;
  /** For runtimes without a global fetch, or to add tracing. */
  fetch?: typeof fetch;
  /**
   * For live updates (subscriptions): an EventSource class that takes a `fetch` option, so
   * the token can ride in a header — the `eventsource` package's, in Node and browsers. The
   * browsers' own cannot send headers; without one, subscribing fails and nothing else does.
   */
  EventSource?: SubscriptionLinkOptions["EventSource"];
};

type SubscriptionLinkOptions = Parameters<typeof httpSubscriptionLink>[0];

/**
 * The most calls one HTTP request may carry: the host refuses larger batches, since each
 * call is work for the database and one request must not be a thousand. Batch links
 * split at this size, so callers never notice.
 */
export const MAX_BATCH_SIZE = 20;

type Tokens = { accessToken: string; accessTokenExpiresAt: Date; refreshToken: string };

export type QRcoatsClient = {
  /** Every procedure of the API, typed from the router. */
  api: TRPCClient<AppRouter>;
  /** Ends the program's session on the server; the client can sign in again afterwards. */
  signOut(): Promise<void>;
  /** When the current access token expires, for monitoring; null before the first call. */
  accessTokenExpiresAt(): Date | null;
};

/**
 * A typed QRcoats client for Node and browsers: signs in with `auth.issueToken` on first use,
 * sends the JWT with every batch, and swaps the refresh token for a new pair shortly before
 * the access token expires, so callers never see an expiry. If the refresh token is refused
 * (revoked, reused elsewhere) it signs in again with the credentials.
 */
export function createQRcoatsClient(options: QRcoatsClientOptions): QRcoatsClient {
  const margin = (options.refreshMarginSeconds ?? 60) * 1000;
  const now = options.now ?? Date.now;
  const transport = { url: options.url, transformer: superjson, fetch: options.fetch, maxItems: MAX_BATCH_SIZE };
  // Signing in and refreshing go through a client that sends no token.
  const auth = createTRPCClient<AppRouter>({ links: [httpBatchLink(transport)] });

  let tokens: Tokens | null = null;
  let pending: Promise<Tokens> | null = null;

  const signIn = () => auth.auth.issueToken.mutate({ email: options.email, password: options.password });
  async function refresh(current: Tokens): Promise<Tokens> {
    try {
      return await auth.auth.refreshToken.mutate({ refreshToken: current.refreshToken });
    } catch (error) {
      if (isTRPCClientError<AppRouter>(error) && error.data?.code === "UNAUTHORIZED") return signIn();
      throw error;
    }
  }

  /** One sign-in or refresh at a time, however many calls are waiting for it. */
  function freshTokens(): Promise<Tokens> {
    if (tokens && tokens.accessTokenExpiresAt.getTime() - now() > margin) return Promise.resolve(tokens);
    pending ??= (tokens ? refresh(tokens) : signIn()).then((next) => (tokens = next)).finally(() => (pending = null));
    return pending;
  }

  const authorization = async () => `Bearer ${(await freshTokens()).accessToken}`;
  const api = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        // Each (re)connection asks for the token then, so a stream resumed after its
        // token expired carries a fresh one.
        true: httpSubscriptionLink({
          url: options.url,
          transformer: superjson,
          EventSource: options.EventSource,
          eventSourceOptions: async () => {
            const header = await authorization();
            const send = options.fetch ?? fetch;
            return {
              fetch: (input: string | URL | Request, init?: RequestInit) =>
                send(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), authorization: header } }),
            };
          },
        }),
        false: httpBatchLink({
          ...transport,
          async headers() {
            return { authorization: await authorization() };
          },
        }),
      }),
    ],
  });

  return {
    api,
    async signOut() {
      if (!tokens) return;
      await api.auth.logout.mutate();
      tokens = null;
    },
    accessTokenExpiresAt: () => tokens?.accessTokenExpiresAt ?? null,
  };
}
