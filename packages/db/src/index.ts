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
export {
  connectPostgres,
  DataDirInUseError,
  isUniqueViolation,
  keepToOwner,
  oneRow,
  openPGlite,
  pgliteSession,
  prismaRunner,
  type SqlRunner,
  type SqlSession,
} from "./sql";
export { Prisma, PrismaClient } from "./generated/prisma/client";
/** The database's enums as values, for input schemas that must accept exactly what a column holds. */
export {
  MembershipStatus,
  PaymentStatus,
  Role,
  SessionKind,
  SlotKind,
  TaskPriority,
  TaskStatus,
  TicketState,
} from "./generated/prisma/enums";
export type * from "./generated/prisma/client";
