import { describe, expect, it } from "vitest";
import { generateKeys, type ApiKeys } from "../config";
import { decryptField, encryptField, FieldDecryptionError, lookupHash, phoneLastDigits, sealedWithOldKey } from "./field-crypto";

const keys = generateKeys();

describe("field encryption", () => {
  it("round-trips, and never stores the plaintext or repeats a ciphertext", () => {
    const first = encryptField(keys, "employee.phone", "+49 170 1234567");
    const second = encryptField(keys, "employee.phone", "+49 170 1234567");
    expect(first).toMatch(/^v1:k1:[\w-]{16}:[\w-]+$/);
    expect(first).not.toContain("1234567");
    expect(first).not.toBe(second);
    expect(decryptField(keys, "employee.phone", first)).toBe("+49 170 1234567");
  });

  it("refuses altered ciphertexts and ones moved to another field", () => {
    const sealed = encryptField(keys, "ticket.contactEmail", "guest@example.com");
    const [v, id, nonce, body] = sealed.split(":") as [string, string, string, string];
    const flipped = `${v}:${id}:${nonce}:${body.slice(0, -2)}${body.at(-2) === "A" ? "B" : "A"}${body.at(-1)}`;
    expect(() => decryptField(keys, "ticket.contactEmail", flipped)).toThrow(FieldDecryptionError);
    expect(() => decryptField(keys, "ticket.contactName", sealed)).toThrow(FieldDecryptionError);
  });

  it("keeps old data readable after a new key takes over", () => {
    const old = encryptField(keys, "employee.phone", "0151 99887766");
    const rotated: ApiKeys = {
      ...keys,
      fieldEncryption: [{ id: "k2", key: crypto.getRandomValues(new Uint8Array(32)) }, ...keys.fieldEncryption],
    };
    expect(decryptField(rotated, "employee.phone", old)).toBe("0151 99887766");
    expect(sealedWithOldKey(rotated, old)).toBe(true);
    const fresh = encryptField(rotated, "employee.phone", "0151 99887766");
    expect(fresh.startsWith("v1:k2:")).toBe(true);
    expect(sealedWithOldKey(rotated, fresh)).toBe(false);
    expect(() => decryptField(keys, "employee.phone", fresh)).toThrow(/unknown format or key k2/);
  });
});

describe("lookup hashes", () => {
  it("are stable per key and purpose, and differ across keys and purposes", () => {
    const a = lookupHash(keys, "employee.phoneLastDigits", "4567");
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(lookupHash(keys, "employee.phoneLastDigits", "4567")).toBe(a);
    expect(lookupHash(keys, "ticket.contactPhoneLastDigits", "4567")).not.toBe(a);
    expect(lookupHash(generateKeys(), "employee.phoneLastDigits", "4567")).not.toBe(a);
  });

  it("take the last four digits of a phone however it is written", () => {
    expect(phoneLastDigits("+49 (170) 123-4567")).toBe("4567");
    expect(phoneLastDigits("12")).toBeNull();
  });
});
