import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import type { ApiKeys } from "../config";

// Sensitive personal data (phone numbers, walk-in guests' contacts) at rest:
// AES-256-GCM with a random nonce, stored as "v1:<key id>:<nonce>:<ciphertext+tag>" so keys
// can rotate (new data uses the first key, old data still decrypts by its id). The purpose
// is authenticated data: a ciphertext copied into another column does not decrypt there.
// What must be searched gets a keyed hash beside it; a database dump reveals neither.

export type FieldPurpose =
  | "employee.phone"
  | "ticket.contactName"
  | "ticket.contactEmail"
  | "ticket.contactPhone"
  | "message.recipient"
  | "message.params"
  | "invitation.token";

const VERSION = "v1";

export function encryptField(keys: ApiKeys, purpose: FieldPurpose, plaintext: string): string {
  const { id, key } = keys.fieldEncryption[0]!;
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(purpose));
  const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return [VERSION, id, nonce.toString("base64url"), sealed.toString("base64url")].join(":");
}

export class FieldDecryptionError extends Error {
  override name = "FieldDecryptionError";
}

export function decryptField(keys: ApiKeys, purpose: FieldPurpose, stored: string): string {
  const [version, keyId, nonce, sealed] = stored.split(":");
  const key = keys.fieldEncryption.find((candidate) => candidate.id === keyId)?.key;
  if (version !== VERSION || !key || !nonce || !sealed) {
    throw new FieldDecryptionError(`Cannot decrypt ${purpose}: unknown format or key ${keyId ?? "?"}`);
  }
  const bytes = Buffer.from(sealed, "base64url");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64url"));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString("utf8");
  } catch {
    throw new FieldDecryptionError(`Cannot decrypt ${purpose}: it was altered or belongs elsewhere`);
  }
}

/** Whether a stored value was sealed with an older key and should be re-encrypted. */
export function sealedWithOldKey(keys: ApiKeys, stored: string): boolean {
  return stored.split(":")[1] !== keys.fieldEncryption[0]!.id;
}

export type LookupPurpose =
  | "employee.phoneLastDigits"
  | "ticket.contactName"
  | "ticket.contactEmail"
  | "ticket.contactPhoneLastDigits"
  | "scan.unknownCode"
  | "message.recipient";

/** A keyed hash to find a sensitive value by, without storing it: HMAC-SHA256, hex. */
export function lookupHash(keys: ApiKeys, purpose: LookupPurpose, normalized: string): string {
  return createHmac("sha256", keys.lookup).update(`${purpose}\u0000${normalized}`).digest("hex");
}

/** How names, emails and phones are compared: case, spacing and punctuation do not matter. */
export const normalize = {
  name: (name: string) => name.normalize("NFKC").trim().toLowerCase().replace(/\s+/g, " "),
  email: (email: string) => email.trim().toLowerCase(),
  phoneDigits: (phone: string) => phone.replace(/\D/g, ""),
};

/** Phones are searched by their last four digits, as staff ask for them at the counter. */
export const PHONE_LOOKUP_DIGITS = 4;

export function phoneLastDigits(phone: string): string | null {
  const digits = normalize.phoneDigits(phone);
  return digits.length >= PHONE_LOOKUP_DIGITS ? digits.slice(-PHONE_LOOKUP_DIGITS) : null;
}
