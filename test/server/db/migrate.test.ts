/** Numbered migrations: each in one transaction with its user_version, and a newer file refused. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseOpenError } from '../../../electron/server/db/db-errors';
import {
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  migrate,
  schemaVersion,
  type Migration,
} from '../../../electron/server/db/migrate';
import { sql } from '../../../electron/server/db/sql';
import { openTestDatabase, tempDir, type TempDir } from '../server-test-kit';

describe('migrate', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.remove());

  it('numbers migrations 1…N after their file names', () => {
    MIGRATIONS.forEach((m, i) => {
      expect(m.version).toBe(i + 1);
      expect(m.name).toMatch(new RegExp(`^${String(i + 1).padStart(4, '0')}-[a-z0-9-]+$`));
    });
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('brings a fresh file to the latest version, and a second run changes nothing', () => {
    const db = openTestDatabase(tmp.file('m.db'), { migrate: false });
    try {
      expect(migrate(db.write)).toEqual({ from: 0, to: LATEST_SCHEMA_VERSION, applied: MIGRATIONS.map((m) => m.name) });
      expect(migrate(db.write)).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION, applied: [] });
    } finally {
      db.close();
    }
  });

  it('refuses a database written by a newer Attest, untouched', () => {
    const db = openTestDatabase(tmp.file('future.db'), { migrate: false });
    try {
      migrate(db.write);
      db.write.setPragma('user_version', LATEST_SCHEMA_VERSION + 5);
      let error: unknown;
      try {
        migrate(db.write);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DatabaseOpenError);
      const failure = error as DatabaseOpenError;
      expect(failure.code).toBe('schema-too-new');
      expect(failure.message).toContain(
        `This data was written by a newer version of Attest (schema ${LATEST_SCHEMA_VERSION + 5}); this version understands up to ${LATEST_SCHEMA_VERSION}.`,
      );
      expect(failure.message).toMatch(/Update Attest/);
      expect(schemaVersion(db.write)).toBe(LATEST_SCHEMA_VERSION + 5);
    } finally {
      db.close();
    }
  });

  it('rolls a failing migration back whole, user_version included', () => {
    const db = openTestDatabase(tmp.file('fail.db'), { migrate: false });
    const broken: Migration[] = [
      { version: 1, name: '0001-one', up: (w) => w.exec('CREATE TABLE one (x INTEGER) STRICT') },
      {
        version: 2,
        name: '0002-two',
        up: (w) => {
          w.exec('CREATE TABLE two (x INTEGER) STRICT');
          throw new Error('migration bug');
        },
      },
    ];
    try {
      expect(() => migrate(db.write, broken)).toThrow('migration bug');
      expect(schemaVersion(db.write)).toBe(1);
      const tables = db.read.all<{ name: string }>(
        sql`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`,
      );
      expect(tables.map((t) => t.name)).toEqual(['one']);
    } finally {
      db.close();
    }
  });

  it('refuses a migration list with a gap', () => {
    const db = openTestDatabase(tmp.file('gap.db'), { migrate: false });
    try {
      const gap: Migration[] = [{ version: 2, name: '0002-x', up: () => undefined }];
      expect(() => migrate(db.write, gap)).toThrow(/broken/);
      expect(schemaVersion(db.write)).toBe(0);
    } finally {
      db.close();
    }
  });
});
