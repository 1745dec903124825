import { createHmac, timingSafeEqual } from "node:crypto";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import { LRUCache } from "lru-cache";
import QRCode from "qrcode";

// A ticket's code is its random public id followed by a truncated HMAC of it under the
// ticket-signing key. Only the public id is stored, so a database dump cannot mint codes,
// and a guessed or altered code fails here, before any database lookup.

const PUBLIC_ID_BYTES = 12;
const TAG_BYTES = 12;
/** Base32 characters of 12 bytes (96 bits, 5 bits a character). */
const PART_LENGTH = Math.ceil((PUBLIC_ID_BYTES * 8) / 5);
const CODE_SHAPE = new RegExp(`^[a-z2-7]{${PART_LENGTH * 2}}$`);

export const MAX_SCANNED_INPUT = 512;

export function generatePublicId(): string {
  return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(PUBLIC_ID_BYTES)));
}

function tagOf(signingKey: Uint8Array, publicId: string): string {
  const mac = createHmac("sha256", signingKey).update(publicId).digest();
  return encodeBase32LowerCaseNoPadding(mac.subarray(0, TAG_BYTES));
}

export function codeFor(signingKey: Uint8Array, publicId: string): string {
  return publicId + tagOf(signingKey, publicId);
}

export function ticketUrl(publicUrl: string, code: string): string {
  return `${publicUrl}/t/${code}`;
}

/**
 * What a scanner or a person typed, reduced to a candidate code: the last path segment
 * after /t/ of a ticket URL (whatever its host, since venues may print old links), or the
 * bare code; trimmed and lower-cased, because base32 reads the same in either case.
 */
export function candidateCode(scanned: string): string {
  const text = scanned.trim();
  const fromUrl = /\/t\/([^/?#\s]+)\/?(?:[?#].*)?$/i.exec(text)?.[1];
  return (fromUrl ?? text).toLowerCase();
}

/** The public id a code vouches for, or null when the code was not made with this key. */
export function verifyCode(signingKey: Uint8Array, candidate: string): string | null {
  if (!CODE_SHAPE.test(candidate)) return null;
  const publicId = candidate.slice(0, PART_LENGTH);
  const expected = Buffer.from(tagOf(signingKey, publicId));
  const given = Buffer.from(candidate.slice(PART_LENGTH));
  return timingSafeEqual(expected, given) ? publicId : null;
}

// Level Q restores a quarter of the symbol: phones in dim light, cracked screens and a
// thumb over the corner still scan, while the code stays coarse enough for small screens.
const qrOptions = { errorCorrectionLevel: "Q", margin: 4 } as const;

// A ticket's code never changes, and guests in a queue reopen their ticket again and again:
// each image is drawn once (a 600 px PNG costs about 20 ms of CPU) and kept, up to a
// bounded number of bytes, least recently shown first out.
const rendered = new LRUCache<string, string>({ maxSize: 32 * 1024 * 1024, sizeCalculation: (image) => image.length });

async function cachedRender(key: string, render: () => Promise<string>): Promise<string> {
  const cached = rendered.get(key);
  if (cached !== undefined) return cached;
  const image = await render();
  rendered.set(key, image);
  return image;
}

export function renderSvg(url: string): Promise<string> {
  return cachedRender(`svg ${url}`, () => QRCode.toString(url, { ...qrOptions, type: "svg" }));
}

/** A PNG for download and print, as a data: URL, large enough for a 5 cm print at 300 dpi. */
export function renderPngDataUrl(url: string): Promise<string> {
  return cachedRender(`png ${url}`, () => QRCode.toDataURL(url, { ...qrOptions, type: "image/png", width: 600 }));
}
