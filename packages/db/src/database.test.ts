import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "./index";
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from "./testing";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

const knownError = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
  return (error as Prisma.PrismaClientKnownRequestError).code;
};

describe(`constraint violations on ${testDatabaseUrl() ? "PostgreSQL" : "embedded PGlite"}`, () => {
  it("come back as Prisma's known errors, inside transactions and out", async () => {
    await db.prisma.user.create({ data: { email: "once@example.com", name: "Once" } });
    expect(await knownError(db.prisma.user.create({ data: { email: "once@example.com", name: "Twice" } }))).toBe("P2002");
    expect(await knownError(db.prisma.$transaction((tx) => tx.user.create({ data: { email: "once@example.com", name: "Again" } })))).toBe(
      "P2002",
    );
    expect(
      await knownError(
        db.prisma.membership.create({
          data: { userId: crypto.randomUUID(), organizationId: crypto.randomUUID(), role: "ADMIN" },
        }),
      ),
    ).toBe("P2003");
  });

  it("roll the whole transaction back", async () => {
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { email: "first@example.com", name: "First" } });
        await tx.user.create({ data: { email: "once@example.com", name: "Clash" } });
      }),
    ).rejects.toThrow();
    expect(await db.prisma.user.findUnique({ where: { email: "first@example.com" } })).toBeNull();
  });
});

describe("statement counting", () => {
  it("counts every SQL statement Prisma sends, transactions included", async () => {
    const before = db.statementCount();
    await db.prisma.user.findMany({ take: 1 });
    expect(db.statementCount() - before).toBe(1);
    const inTransaction = db.statementCount();
    await db.prisma.$transaction(async (tx) => {
      await tx.user.count();
      await tx.organization.count();
    });
    // Two queries; BEGIN and COMMIT are bookkeeping, whichever adapter sends them.
    expect(db.statementCount() - inTransaction).toBe(2);
  });

  it("counts raw SQL too, in and out of transactions", async () => {
    const before = db.statementCount();
    await db.sql.query("SELECT 1");
    await db.transaction(async (sql) => {
      await sql.query("SELECT 1");
      await sql.query("SELECT 2");
    });
    expect(db.statementCount() - before).toBe(3);
  });
});
