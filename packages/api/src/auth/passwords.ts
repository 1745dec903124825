import { hash, verify, type Algorithm } from "@node-rs/argon2";
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as zxcvbnCommon from "@zxcvbn-ts/language-common";
import * as zxcvbnEnglish from "@zxcvbn-ts/language-en";
import { z } from "zod";

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): about 20-40 ms a hash on these
// machines, slow for a guessing attacker, quick enough for a queue of staff signing in.
// (`Algorithm` is a const enum, which isolated modules cannot read: 2 is its Argon2id.)
const ARGON2_OPTIONS = { algorithm: 2 as Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;

/** Shape only; how guessable it is needs the person's other details (`passwordWeakness`). */
export const passwordShape = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(MAX_PASSWORD_LENGTH, `Use at most ${MAX_PASSWORD_LENGTH} characters.`);

const strength = new ZxcvbnFactory({
  dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEnglish.dictionary },
  graphs: zxcvbnCommon.adjacencyGraphs,
  translations: zxcvbnEnglish.translations,
});

/**
 * Why a password is too easy to guess, in words for the person choosing it, or null.
 * Catches leaked-password lists, keyboard walks, repeats, dates, and the person's own name
 * or email in it.
 */
export function passwordWeakness(password: string, personal: string[] = []): string | null {
  const letters = (value: string) => value.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
  const ownNames = personal.map((value) => letters(value.split("@")[0]!)).filter((name) => name.length >= 4);
  if (ownNames.some((name) => letters(password).includes(name))) {
    return "Don't build the password from your name or email address.";
  }
  const words = personal.flatMap((value) => value.toLowerCase().split(/[^\p{L}\p{N}]+/u)).filter((w) => w.length >= 3);
  const result = strength.check(password, words);
  if (result.score >= 3) return null;
  const { warning, suggestions } = result.feedback;
  const reason = warning ? `${warning.replace(/\.$/, "")}.` : "This password is too easy to guess.";
  return [reason, ...suggestions].join(" ");
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. Without one (unknown email, invitation not yet
 * accepted) it still does the work of a real check, so the answer takes as long either way.
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword("a password nobody has, for equal timing");
    await verify(await dummyHash, password);
    return false;
  }
  return verify(storedHash, password);
}
