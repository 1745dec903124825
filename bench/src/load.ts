import autocannon from "autocannon";
import superjson from "superjson";

export type LoadResult = {
  connections: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
};

/** Hands out each pre-issued ticket code once, across every connection. */
export class CodePool {
  private next = 0;
  constructor(private readonly codes: string[]) {}
  take(): string {
    const code = this.codes[this.next++];
    if (!code) throw new Error("The benchmark ran out of tickets; issue more.");
    return code;
  }
  get used() {
    return this.next;
  }
}

type Step = { path: string; body: (code: string) => string };

/** The counter's cycle for one coat: scan, check in, scan, check out. */
export function qrcoatsCycle(venueId: string): Step[] {
  const trpc = (procedure: string) => ({
    path: `/trpc/${procedure}`,
    body: (code: string) => JSON.stringify(superjson.serialize({ venueId, code })),
  });
  return [trpc("qr.scan"), trpc("qr.checkIn"), trpc("qr.scan"), trpc("qr.checkOut")];
}

export function baselineCycle(venueId: string): Step[] {
  const step = (path: string) => ({ path, body: (code: string) => JSON.stringify({ venueId, code }) });
  return [step("/scan"), step("/check-in"), step("/scan"), step("/check-out")];
}

/** Drives full cycles over fresh tickets at a given concurrency for a while. */
export async function runCycles(options: {
  url: string;
  steps: Step[];
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  codes: CodePool;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    requests: options.steps.map((step, index) => ({
      method: "POST",
      path: step.path,
      headers: { "content-type": "application/json", ...options.headers },
      // Each connection takes a new ticket at the start of its cycle and keeps it to the end.
      setupRequest: (request: autocannon.Request, context: object) => {
        const cycle = context as { code?: string };
        if (index === 0) cycle.code = options.codes.take();
        return { ...request, body: step.body(cycle.code!) };
      },
    })),
  });
  return summarize(options.connections, result);
}

/** A plain GET at a concurrency for a while (QR images). */
export async function runGets(options: {
  url: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    headers: options.headers,
    connections: options.connections,
    duration: options.seconds,
  });
  return summarize(options.connections, result);
}

function summarize(connections: number, result: autocannon.Result): LoadResult {
  return {
    connections,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}
