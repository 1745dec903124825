import net from "node:net";
import proxyAddr from "@fastify/proxy-addr";

const PROXY_RANGES = new Set(["loopback", "linklocal", "uniquelocal"]);

/** Whether to believe the hop `hop` (0: the connection's peer) when it forwards a request. */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * TRUST_PROXY as proxy-addr reads X-Forwarded-For: from the right, past every trusted hop,
 * to the first address not trusted — the client, as the last trusted proxy saw it. Proxies
 * append, so entries to the left of that are whatever the client sent and are never taken.
 *
 * - unset or "false": forwarded headers are ignored.
 * - "true": one hop — the peer is the proxy, the right-most entry is the client.
 * - a number N: N hops (a CDN in front of a load balancer is 2).
 * - addresses/CIDRs, comma-separated (or proxy-addr's "loopback", "linklocal",
 *   "uniquelocal"): hops from those addresses are proxies, whatever their number.
 *
 * X-Forwarded-Proto (and -Host) count only when the peer itself is trusted.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy | false {
  if (value === undefined || value === "false") return false;
  if (value === "true") return (_address, hop) => hop === 0;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  const entries = value.split(",").map((entry) => entry.trim());
  // proxy-addr reads "1.5" as the address 1.0.0.5, as inet_aton would: a typo that trusts
  // nobody in front and puts every client behind the proxy's address. Only full addresses,
  // CIDRs and proxy-addr's named ranges are taken.
  const unreadable = entries.find((entry) => !PROXY_RANGES.has(entry) && net.isIP(entry.replace(/\/\d{1,3}$/, "")) === 0);
  if (unreadable !== undefined) throw new TypeError(`invalid IP address: ${unreadable}`);
  // Throws on a range it cannot read (10.0.0.0/33), naming it.
  return proxyAddr.compile(entries);
}

/**
 * The client's address in one canonical spelling, so that per-address limits and the audit
 * log count one client once: "::ffff:1.2.3.4" is 1.2.3.4, IPv6 is lower-case and compressed.
 * A forwarded value that is no address at all (a proxy that passed the client's own words
 * through) counts as the peer that sent it, never as a fresh address of the client's choosing.
 */
export function canonicalClientAddress(forwarded: string, peer: string | undefined): string {
  const address = net.isIP(forwarded) !== 0 ? forwarded : (peer ?? "unknown");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  return net.isIPv6(address) ? new URL(`http://[${address}]`).hostname.slice(1, -1) : address;
}
