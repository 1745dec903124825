// What can be said of a ticket code without its signing key, so the counter offline reads
// codes exactly as the server does. Only the server (codes.ts) can tell a genuine code.

/** Characters of a public id, and of its tag: base32 of 12 bytes. */
export const CODE_PART_LENGTH = 20;
export const CODE_SHAPE = new RegExp(`^[a-z2-7]{${CODE_PART_LENGTH * 2}}$`);

/**
 * What a scanner or a person typed, reduced to a candidate code: the last path segment
 * after /t/ of a ticket URL (whatever its host, since venues may print old links), or the
 * bare code; trimmed and lower-cased, because base32 reads the same in either case. A bare
 * code loses its spaces and dashes: paper tickets print it in groups of four
 * (docs/paper-tickets.md), and staff type it as they read it.
 */
export function candidateCode(scanned: string): string {
  const text = scanned.trim();
  const fromUrl = /\/t\/([^/?#\s]+)\/?(?:[?#].*)?$/i.exec(text)?.[1];
  return (fromUrl ?? text.replace(/[\s-]+/g, "")).toLowerCase();
}

/** The public id a well-formed code names (unverified), or null. */
export function publicIdOfCandidate(candidate: string): string | null {
  return CODE_SHAPE.test(candidate) ? candidate.slice(0, CODE_PART_LENGTH) : null;
}

/**
 * A check of a whole code that proves nothing to whoever holds it but matches only the real
 * code: the first 16 bytes of its SHA-256, base64url. A device offline compares a scanned
 * code with it, so knowing a ticket's public id is not enough to pass a made-up code.
 */
export async function codeCheckOf(code: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(code)));
  let binary = "";
  for (const byte of digest.subarray(0, 16)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
