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

type TrpcAnswer = { result?: { data: Parameters<typeof superjson.deserialize>[0] }; error?: unknown };

/**
 * A browser's session against a host over plain HTTP: the session cookie kept, Origin sent
 * on mutations, tRPC's wire format spelled out. Any host of a group can be addressed.
 */
export function browserSession(base: string) {
  let cookie = "";
  const call = async <T>(procedure: string, input: unknown, type: "query" | "mutation", host = base): Promise<T> => {
    const encoded = encodeURIComponent(JSON.stringify(superjson.serialize(input)));
    const response =
      type === "query"
        ? await fetch(`${host}/trpc/${procedure}?input=${encoded}`, { headers: { cookie } })
        : await fetch(`${host}/trpc/${procedure}`, {
            method: "POST",
            headers: { "content-type": "application/json", origin: host, cookie },
            body: JSON.stringify(superjson.serialize(input)),
          });
    const setCookie = response.headers.getSetCookie()[0];
    if (setCookie) cookie = setCookie.split(";")[0]!;
    const body = (await response.json()) as TrpcAnswer;
    if (!body.result) throw new Error(`${procedure}: ${JSON.stringify(body.error)}`);
    return superjson.deserialize<T>(body.result.data);
  };
  return {
    cookie: () => cookie,
    query: <T = Record<string, unknown>>(procedure: string, input: unknown, host?: string) => call<T>(procedure, input, "query", host),
    mutate: <T = Record<string, unknown>>(procedure: string, input: unknown, host?: string) => call<T>(procedure, input, "mutation", host),
    subscribe: (procedure: string, input: unknown, host = base) =>
      openEventStream(`${host}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`, { cookie }),
  };
}

export type BrowserSession = ReturnType<typeof browserSession>;
