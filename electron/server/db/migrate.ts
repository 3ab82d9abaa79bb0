/**
 * Numbered schema migrations (architecture.md §3, §6.7; after Signal's
 * `ts/sql/migrations/index.node.ts`). `PRAGMA user_version` holds the number of the last one
 * applied. Each migration runs in its own IMMEDIATE transaction together with the bump of
 * user_version, so a crash leaves the schema at one version or the next, never between. A file
 * written by a newer Attest is refused untouched: an older app must not "repair" a schema it
 * does not understand.
 */
import { DatabaseOpenError } from './db-errors';
import type { WriteDb } from './db-types';
import { migration0001Initial } from './migrations/0001-initial';
import { migration0002PullMarks } from './migrations/0002-pull-marks';
import { migration0003OutboxPush } from './migrations/0003-outbox-push';
import { migration0004ReviewDesk } from './migrations/0004-review-desk';
import { migration0005AuditReports } from './migrations/0005-audit-reports';
import { migration0006AuditPersonIndex } from './migrations/0006-audit-person-index';
import { sql } from './sql';

export interface Migration {
  /** 1, 2, 3…: equal to the file's number; no gaps. */
  version: number;
  /** kebab-case, as in the file name: `0001-initial`. */
  name: string;
  /** Synchronous DDL and data moves. Runs inside the migration's transaction. */
  up(db: WriteDb): void;
}

export const MIGRATIONS: readonly Migration[] = [
  migration0001Initial,
  migration0002PullMarks,
  migration0003OutboxPush,
  migration0004ReviewDesk,
  migration0005AuditReports,
  migration0006AuditPersonIndex,
];

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.at(-1)?.version ?? 0;

export interface MigrateResult {
  from: number;
  to: number;
  applied: string[];
}

export const schemaVersion = (db: WriteDb): number => {
  const version = db.readPragma('user_version');
  return typeof version === 'number' ? version : 0;
};

const assertWellFormed = (migrations: readonly Migration[]): void => {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`Migration list is broken: position ${i + 1} holds version ${m.version} (${m.name})`);
    }
  });
};

export const migrate = (db: WriteDb, migrations: readonly Migration[] = MIGRATIONS): MigrateResult => {
  assertWellFormed(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  const from = schemaVersion(db);
  if (from > latest) {
    throw new DatabaseOpenError(
      'schema-too-new',
      db.file,
      `This data was written by a newer version of Attest (schema ${from}); this version understands up to ` +
        `${latest}. Update Attest, or remove this workspace's local data from the sign-in screen to pull it ` +
        'again with this version.',
    );
  }
  const applied: string[] = [];
  for (const migration of migrations.slice(from)) {
    db.transaction(() => {
      // Re-read inside the write lock: never apply a migration twice.
      if (schemaVersion(db) !== migration.version - 1) return;
      migration.up(db);
      const broken = db.all<{ table: string }>(sql`SELECT "table" FROM pragma_foreign_key_check LIMIT 1`);
      if (broken.length > 0) {
        throw new Error(`Migration ${migration.name} left rows breaking a foreign key in ${broken[0]?.table ?? '?'}`);
      }
      db.setPragma('user_version', migration.version);
    });
    applied.push(migration.name);
  }
  return { from, to: schemaVersion(db), applied };
};
