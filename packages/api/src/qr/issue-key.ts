import { createHash } from "node:crypto";
import { isUniqueViolation } from "../lib/errors";

/**
 * One tap, one ticket (docs/guests.md): the phone or counter names each tap with a request
 * id and sends it again on every retry. The ticket keeps a hash of who asked and that id,
 * under a unique index, so a retry, a double tap or two requests racing find the ticket
 * the first one made instead of making another.
 */
export function issueKeyOf(scope: "link" | "guest" | "walk-in", requester: string, venueId: string, requestId: string): string {
  // The venue is part of the key: the same request id sent for another venue asks for another ticket.
  return createHash("sha256").update(`${scope}\n${requester}\n${venueId}\n${requestId}`).digest("base64url");
}

/**
 * The ticket made for `issueKey` before, or a new one from `issue` (which must store the
 * key). When two requests race, the loser's insert breaks the unique index and it answers
 * with the winner's ticket. With no key (older clients) every call issues.
 */
export async function issueOnce<T>(
  issueKey: string | null,
  find: (issueKey: string) => Promise<T | null>,
  issue: () => Promise<T>,
): Promise<{ ticket: T; made: boolean }> {
  if (issueKey === null) return { ticket: await issue(), made: true };
  const before = await find(issueKey);
  if (before) return { ticket: before, made: false };
  try {
    return { ticket: await issue(), made: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await find(issueKey);
    if (!winner) throw error;
    return { ticket: winner, made: false };
  }
}
