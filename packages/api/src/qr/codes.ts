import { createHmac, timingSafeEqual } from "node:crypto";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import { LRUCache } from "lru-cache";
import QRCode from "qrcode";
import { CODE_PART_LENGTH, publicIdOfCandidate } from "./codes-shape";
import { QR_OPTIONS, ticketQrSvg } from "./ticket-qr";

export { candidateCode } from "./codes-shape";

export { ticketUrl } from "./ticket-qr";

// A ticket's code is its random public id followed by a truncated HMAC of it under the
// ticket-signing key. Only the public id is stored, so a database dump cannot mint codes,
// and a guessed or altered code fails here, before any database lookup.

const PUBLIC_ID_BYTES = 12;
const TAG_BYTES = 12;

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

/** The public id a code vouches for, or null when the code was not made with this key. */
export function verifyCode(signingKey: Uint8Array, candidate: string): string | null {
  const publicId = publicIdOfCandidate(candidate);
  if (!publicId) return null;
  const expected = Buffer.from(tagOf(signingKey, publicId));
  const given = Buffer.from(candidate.slice(CODE_PART_LENGTH));
  return timingSafeEqual(expected, given) ? publicId : null;
}

// A ticket's code never changes, and guests in a queue reopen their ticket again and again:
// each image is drawn once (a 600 px PNG costs about 20 ms of CPU) and kept, up to a
// bounded number of bytes, least recently shown first out.
const rendered = new LRUCache<string, string | Buffer>({ maxSize: 32 * 1024 * 1024, sizeCalculation: (image) => image.length });

export function renderSvg(url: string): string {
  const key = `svg ${url}`;
  let svg = rendered.get(key) as string | undefined;
  if (svg === undefined) rendered.set(key, (svg = ticketQrSvg(url)));
  return svg;
}

/** A PNG for download and print, large enough for a 5 cm print at 300 dpi. */
export async function renderPng(url: string): Promise<Buffer> {
  const key = `png ${url}`;
  let png = rendered.get(key) as Buffer | undefined;
  if (png === undefined) rendered.set(key, (png = await QRCode.toBuffer(url, { ...QR_OPTIONS, type: "png", width: 600 })));
  return png;
}

/** The same PNG as a data: URL, as `qr.image` has always answered. */
export async function renderPngDataUrl(url: string): Promise<string> {
  return `data:image/png;base64,${(await renderPng(url)).toString("base64")}`;
}
