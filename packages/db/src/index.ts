export { openDatabase, DEFAULT_DATA_DIR, type Database, type DatabaseOptions, type PoolUse } from "./database";
export { BackupError, listBackups, restoreBackup, takeBackup, takeNightlyBackup, type BackupKind, type RestoreReport } from "./backup";
export {
  applyMigrations,
  migrationLevel,
  readLocalMigrations,
  MigrationError,
  type MigrationLevel,
  type MigrationReport,
} from "./migrations/applier";
export { connectPostgres, DataDirInUseError, isUniqueViolation, keepToOwner, openPGlite, pgliteSession, prismaRunner, type SqlRunner, type SqlSession } from "./sql";
export { Prisma, PrismaClient } from "./generated/prisma/client";
export type * from "./generated/prisma/client";
