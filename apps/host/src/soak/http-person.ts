import superjson from "superjson";

/** How one HTTP call ended: answered (with data or a tRPC error code), or not answered at all. */
export type Answer =
  | { answered: true; status: number; data?: Record<string, unknown>; code?: string }
  | { answered: false; /** The request never reached a host (connection refused), so it cannot have done anything. */ neverSent: boolean };

/**
 * A person at the counter talking plain HTTP to any host, as the browser app does: the
 * session cookie kept, Origin sent with mutations. Typed refusals are answers, not throws.
 */
export function httpPerson() {
  let cookie = "";
  async function call(base: string, path: string, input: unknown, type: "query" | "mutation" = "mutation"): Promise<Answer> {
    const serialized = JSON.stringify(superjson.serialize(input));
    let response: Response;
    try {
      response =
        type === "query"
          ? await fetch(`${base}/trpc/${path}?input=${encodeURIComponent(serialized)}`, { headers: { cookie } })
          : await fetch(`${base}/trpc/${path}`, {
              method: "POST",
              headers: { "content-type": "application/json", origin: base, cookie },
              body: serialized,
            });
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      return { answered: false, neverSent: code === "ECONNREFUSED" };
    }
    const setCookie = response.headers.getSetCookie()[0];
    if (setCookie) cookie = setCookie.split(";")[0]!;
    const body = (await response.json()) as {
      result?: { data: Parameters<typeof superjson.deserialize>[0] };
      error?: { json: { data: { code: string } } };
    };
    if (body.result) return { answered: true, status: response.status, data: superjson.deserialize(body.result.data) };
    return { answered: true, status: response.status, code: body.error?.json.data.code ?? "UNREADABLE" };
  }
  /** The call's data; anything else is a failed set-up step. */
  async function must(base: string, path: string, input: unknown, type?: "query" | "mutation") {
    const answer = await call(base, path, input, type);
    if (!answer.answered || !answer.data) throw new Error(`${path} failed during set-up: ${JSON.stringify(answer)}`);
    return answer.data;
  }
  return { call, must };
}

export type HttpPerson = ReturnType<typeof httpPerson>;
