import type { Database } from "@qrcoats/db";

/** What the API needs from its host, made once at start-up. */
export type ApiServices = {
  db: Database;
  /** The release being served, shown by `health`. */
  version: string;
};

/**
 * The context that needs no HTTP request: what tests build directly and pass to
 * `createCallerFactory(appRouter)`.
 */
export function createInnerContext(services: ApiServices) {
  return { ...services };
}

/** What a host knows about one HTTP request, whatever framework it runs on. */
export type RequestInfo = {
  headers: Headers;
  /** The client's address, as the host determined it (after any trusted proxy). */
  clientAddress: string;
  /** Headers the procedures want on the response (cookies); the host sends them. */
  responseHeaders: Headers;
};

export function createContext(services: ApiServices, request: RequestInfo) {
  return { ...createInnerContext(services), request };
}

export type Context = ReturnType<typeof createInnerContext> & { request?: RequestInfo };
