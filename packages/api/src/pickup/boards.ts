import { createHash, randomBytes } from "node:crypto";
import { TRPCError } from "@trpc/server";
import type { Deps } from "../context";
import { assertVenuesOfOrganization, type Member } from "../venue/access";

// Pickup boards: a screen by the counter shows "getting your coat" and "ready" numbers. It
// signs in with nothing but its link, which an admin makes and can revoke; the link's secret
// is shown once and only its SHA-256 is kept, so the database cannot give a board away.

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

export type BoardSummary = { id: string; venueId: string; label: string; createdAt: Date; revokedAt: Date | null };

const boardSelect = { id: true, venueId: true, label: true, createdAt: true, revokedAt: true } as const;

/** A new board link for a venue; the link (with its secret) is in this answer only. */
export async function createBoard(
  { prisma, clock, config }: Pick<Deps, "prisma" | "clock" | "config">,
  member: Member,
  input: { venueId: string; label: string },
): Promise<BoardSummary & { link: string }> {
  await assertVenuesOfOrganization(prisma, member.organizationId, [input.venueId]);
  const token = randomBytes(32).toString("base64url");
  const board = await prisma.pickupBoard.create({
    data: { venueId: input.venueId, label: input.label, tokenHash: hashOf(token), createdById: member.employeeId, createdAt: clock() },
    select: boardSelect,
  });
  // After "#": the secret stays in the browser and out of every server's request log.
  return { ...board, link: `${config.publicUrl}/board#${token}` };
}

export async function listBoards({ prisma }: Pick<Deps, "prisma">, member: Member, input: { venueId?: string }): Promise<BoardSummary[]> {
  if (input.venueId) await assertVenuesOfOrganization(prisma, member.organizationId, [input.venueId]);
  return prisma.pickupBoard.findMany({
    where: { venue: { organizationId: member.organizationId }, ...(input.venueId ? { venueId: input.venueId } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    select: boardSelect,
  });
}

/** Revoked boards go dark within seconds (their streams re-check the link). Revoking twice is fine. */
export async function revokeBoard({ prisma, clock }: Pick<Deps, "prisma" | "clock">, member: Member, input: { boardId: string }) {
  const board = await prisma.pickupBoard.findFirst({
    where: { id: input.boardId, venue: { organizationId: member.organizationId } },
    select: boardSelect,
  });
  if (!board) throw new TRPCError({ code: "NOT_FOUND", message: "There is no such pickup board." });
  if (board.revokedAt) return board;
  return prisma.pickupBoard.update({ where: { id: board.id }, data: { revokedAt: clock() }, select: boardSelect });
}

const notABoard = () =>
  new TRPCError({ code: "UNAUTHORIZED", message: "This board link is not valid (any more). Ask an admin for a new one." });

/** The venue a board link shows, or UNAUTHORIZED for a link that is unknown or revoked. */
export async function boardVenue({ db }: Pick<Deps, "db">, token: string): Promise<{ boardId: string; venueId: string }> {
  const [board] = await db.sql.query<{ boardId: string; venueId: string }>(
    `SELECT id AS "boardId", venue_id AS "venueId" FROM qr.pickup_boards WHERE token_hash = $1 AND revoked_at IS NULL`,
    [hashOf(token)],
  );
  if (!board) throw notABoard();
  return board;
}
