import type { RequestInfo } from "@qrcoats/api";
import type { FastifyRequest } from "fastify";
import { canonicalClientAddress } from "./trust-proxy";

/** What the API needs to know of a request, for tRPC and the plain routes alike. */
export function requestInfo(req: FastifyRequest): RequestInfo {
  return {
    headers: { get: (name) => headerValue(req.headers[name]) },
    clientAddress: canonicalClientAddress(req.ip, req.socket.remoteAddress),
    // Fastify derives the protocol from the socket, or from X-Forwarded-Proto when the peer
    // is a trusted proxy.
    secure: req.protocol === "https",
    responseHeaders: new Headers(),
  };
}

/** A header as Fetch's Headers.get gives it: repeated values joined, absent as null. */
function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(", ") : value;
}
