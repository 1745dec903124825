import { reauthenticate } from "../auth/credentials";
import type { Deps, Principal } from "../context";
import { adminOf, memberOf, signedIn } from "../trpc";
import type { Member } from "../venue/access";
import type { LiveChannel, LiveNotices, NoticeStream } from "./hub";

/** What opening a stream and re-checking its caller's access use. */
export type StreamDeps = Pick<Deps, "db" | "clock" | "live" | "config" | "request">;

/** Throws the refusal a new request would get, once the stream's caller has lost access. */
export type AccessCheck = () => Promise<void>;

export type LiveStream<C extends LiveChannel> = {
  /** The channel's notices until the client leaves, access is lost, or the hub closes. */
  notices: NoticeStream<LiveNotices[C]>;
  /** Throws the refusal once access is lost: call it before each yield, and after the loop. */
  assertAllowed(): void;
  /** Another channel's notices for the same stream (one place in the host's limits), ending with it. */
  also<D extends LiveChannel>(channel: D): Promise<NoticeStream<LiveNotices[D]>>;
  /** Unsubscribes and gives the stream's place back; call it in a finally. */
  close(): void;
};

/**
 * One live stream of a procedure: counted against the host's limits (TOO_MANY_REQUESTS
 * beyond them), subscribed to its channel, and, for staff, re-checked every
 * `accessCheckIntervalMs`, so a session signed out, a person deactivated, demoted or taken
 * off the venue stops receiving within seconds rather than at the stream's 10-minute end.
 * Open it only after the caller's input and access are checked, and close it in a finally.
 */
export async function openLiveStream<C extends LiveChannel>(
  deps: Pick<Deps, "live" | "config" | "request">,
  caller: Principal | null,
  channel: C,
  requestSignal: AbortSignal | undefined,
  checkAccess?: AccessCheck,
): Promise<LiveStream<C>> {
  const release = deps.live.streams.admit(deps.config.live, {
    address: deps.request?.clientAddress ?? "in-process",
    userId: caller?.userId ?? null,
  });
  const ending = new AbortController();
  const end = () => ending.abort();
  requestSignal?.addEventListener("abort", end, { once: true });
  if (requestSignal?.aborted) end();
  const notices = deps.live.stream(channel, ending.signal);
  let refusal: { reason: unknown } | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const recheck = async () => {
    try {
      await checkAccess!();
    } catch (error) {
      refusal = { reason: error };
      end();
    }
    if (!ending.signal.aborted) timer = setTimeout(() => void recheck(), deps.config.live.accessCheckIntervalMs);
  };
  const stream: LiveStream<C> = {
    notices,
    assertAllowed() {
      if (refusal) throw refusal.reason;
    },
    async also(channel) {
      const more = deps.live.stream(channel, ending.signal);
      await deps.live.ready(channel);
      return more;
    },
    close() {
      clearTimeout(timer);
      requestSignal?.removeEventListener("abort", end);
      end();
      release();
    },
  };
  if (checkAccess) timer = setTimeout(() => void recheck(), deps.config.live.accessCheckIntervalMs);
  try {
    await deps.live.ready(channel);
  } catch (error) {
    stream.close();
    throw error;
  }
  return stream;
}

/**
 * A staff stream's access check: the caller's session, membership and role as their next
 * request would find them, then the stream's own venue check with that membership.
 */
export function staffAccess(
  deps: Pick<Deps, "db" | "clock">,
  caller: Principal,
  role: "ADMIN" | "MEMBER",
  venueCheck: (member: Member) => Promise<void>,
): AccessCheck {
  return async () => {
    const now = signedIn(await reauthenticate(deps, caller));
    await venueCheck(role === "ADMIN" ? adminOf(now) : memberOf(now));
  };
}
