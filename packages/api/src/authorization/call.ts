import { TRPCError } from "@trpc/server";
import { appRouter } from "../root";
import type { TestApi, TestClient } from "../testing";

/** Every procedure of the app router by its dotted path, with its kind. */
export function routerProcedures(): Map<string, "query" | "mutation" | "subscription"> {
  // At run time `procedures` is flat, keyed by dotted path; its declared type is the nested record.
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: "query" | "mutation" | "subscription" } }>;
  return new Map(Object.entries(procedures).map(([path, procedure]) => [path, procedure._def.type]));
}

/** What a subscription answers that is open and fine but has sent nothing yet (a live feed with nothing new). */
export const WAITING = "WAITING (open, no item yet)";

/**
 * Calls a procedure by path as `caller` and says how it ended: "OK", a tRPC error code (with
 * its message), or
 * a description of anything else thrown, with what it answered. A subscription is judged by its first item, which
 * is where a stream refuses (the tenant checks run when it starts); the connection is then
 * closed.
 */
export async function callAs(
  t: TestApi,
  caller: TestClient,
  path: string,
  input: unknown,
  options: { firstItemTimeoutMs?: number } = {},
): Promise<{ outcome: string; result?: unknown; message?: string }> {
  const connection = new AbortController();
  const client = t.client({ signal: connection.signal });
  for (const [name, value] of caller.cookies) client.cookies.set(name, value);
  const procedure = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], client.api) as (
    input: unknown,
  ) => Promise<unknown>;
  try {
    const result = await procedure(input);
    if (routerProcedures().get(path) === "subscription") {
      const iterator = (result as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      let timer: NodeJS.Timeout | undefined;
      const waiting = new Promise<typeof WAITING>(
        (resolve) => (timer = setTimeout(() => resolve(WAITING), options.firstItemTimeoutMs ?? 5_000)),
      );
      const first = await Promise.race([iterator.next(), waiting]).finally(() => clearTimeout(timer));
      if (first === WAITING) return { outcome: WAITING };
      return { outcome: "OK", result: first.value };
    }
    return { outcome: "OK", result };
  } catch (error) {
    if (error instanceof TRPCError) return { outcome: error.code, message: error.message };
    return { outcome: `THREW ${String(error)}` };
  } finally {
    connection.abort();
  }
}
