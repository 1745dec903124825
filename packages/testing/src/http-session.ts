import { generateKeys } from "@qrcoats/api";
import superjson from "superjson";
import { openEventStream } from "./event-stream";

/**
 * The server keys as the host reads them from its environment, for several processes that
 * must agree (hosts sharing a database, the bench's baseline); `ticketSigning` mints codes.
 */
export function sharedKeys() {
  const { jwtSecret, fieldEncryption, lookup, ticketSigning } = generateKeys();
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
  return {
    ticketSigning,
    env: {
      JWT_SECRET: b64(jwtSecret),
      FIELD_ENCRYPTION_KEYS: fieldEncryption.map(({ id, key }) => `${id}:${b64(key)}`).join(","),
      LOOKUP_KEY: b64(lookup),
      TICKET_SIGNING_KEY: b64(ticketSigning),
    },
  };
}

/** How one HTTP call ended: answered (with data or a tRPC error code), or not answered at all. */
export type Answer =
  | { answered: true; status: number; data?: Record<string, unknown>; code?: string }
  | { answered: false; /** The request never reached a host (connection refused), so it cannot have done anything. */ neverSent: boolean };

type TrpcAnswer = { result?: { data: Parameters<typeof superjson.deserialize>[0] }; error?: { json: { data: { code: string } } } };

/**
 * A browser's session against a host over plain HTTP: the session cookie kept, Origin sent
 * on mutations, tRPC's wire format spelled out. Any host of a group can be addressed.
 */
export function browserSession(base: string) {
  let cookie = "";

  /**
   * The call's outcome, typed refusals and unreachable hosts included, as data. A `signal`
   * cuts the call as a dropped network would: an answer cut off, even half read, is no answer.
   */
  async function answer(
    procedure: string,
    input: unknown,
    host = base,
    type: "query" | "mutation" = "mutation",
    signal?: AbortSignal,
  ): Promise<Answer> {
    const serialized = JSON.stringify(superjson.serialize(input));
    let response: Response;
    let body: TrpcAnswer;
    try {
      response =
        type === "query"
          ? await fetch(`${host}/trpc/${procedure}?input=${encodeURIComponent(serialized)}`, { headers: { cookie }, signal })
          : await fetch(`${host}/trpc/${procedure}`, {
              method: "POST",
              headers: { "content-type": "application/json", origin: host, cookie },
              body: serialized,
              signal,
            });
    } catch (error) {
      return { answered: false, neverSent: !signal?.aborted && (error as { cause?: { code?: string } }).cause?.code === "ECONNREFUSED" };
    }
    const setCookie = response.headers.getSetCookie()[0];
    if (setCookie) cookie = setCookie.split(";")[0]!;
    try {
      body = (await response.json()) as TrpcAnswer;
    } catch (error) {
      if (signal?.aborted) return { answered: false, neverSent: false };
      throw error;
    }
    if (body.result)
      return { answered: true, status: response.status, data: superjson.deserialize<Record<string, unknown>>(body.result.data) };
    return { answered: true, status: response.status, code: body.error?.json.data.code ?? "UNREADABLE" };
  }

  /** The call's data; anything else throws, saying what came back. */
  async function call<T>(procedure: string, input: unknown, host: string | undefined, type: "query" | "mutation"): Promise<T> {
    const reply = await answer(procedure, input, host, type);
    if (!reply.answered || reply.code !== undefined) throw new Error(`${procedure}: ${JSON.stringify(reply)}`);
    return reply.data as T;
  }

  return {
    cookie: () => cookie,
    answer,
    query: <T = Record<string, unknown>>(procedure: string, input: unknown, host?: string) => call<T>(procedure, input, host, "query"),
    mutate: <T = Record<string, unknown>>(procedure: string, input: unknown, host?: string) => call<T>(procedure, input, host, "mutation"),
    subscribe: (procedure: string, input: unknown, host = base) =>
      openEventStream(`${host}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`, { cookie }),
  };
}

export type BrowserSession = ReturnType<typeof browserSession>;
