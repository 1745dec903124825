/**
 * Why a string cannot be stored as PostgreSQL text, or null when it can. PostgreSQL text
 * holds no U+0000, and the database driver refuses a lone UTF-16 surrogate (half of a
 * character, which no real text contains): either would fail in the database as an
 * internal error, after part of the work was done.
 */
export function unstorableText(value: string): string | null {
  if (value.includes("\u0000")) return "Remove the NUL character (U+0000): it cannot be stored.";
  // With the u flag, a well-formed pair is one code point; only a lone half is of category Cs.
  if (/\p{Cs}/u.test(value)) return "Remove the broken character (half of a UTF-16 surrogate pair): it cannot be stored.";
  return null;
}
