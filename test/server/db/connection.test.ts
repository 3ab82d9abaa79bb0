/**
 * The encrypted connection: settings read back (D-01), encryption on disk (C-01, H-05 canary),
 * clear refusals for a wrong key, foreign or damaged file (D-04, C-05), and the read/write split
 * (architecture.md §6.5).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectedPragmas, openEncryptedDatabase } from '../../../electron/server/db/connection';
import { DatabaseOpenError } from '../../../electron/server/db/db-errors';
import type { ReadDb, WriteDb } from '../../../electron/server/db/db-types';
import { classifyDatabasePath } from '../../../electron/server/db/db-location';
import { migrate } from '../../../electron/server/db/migrate';
import { sql } from '../../../electron/server/db/sql';
import { openTestDatabase, tempDir, type TempDir } from '../server-test-kit';

const MARKER = 'Zq7PhiMarker-connection-canary';

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

const openError = (run: () => unknown): DatabaseOpenError => {
  try {
    run();
  } catch (error) {
    if (error instanceof DatabaseOpenError) return error;
    throw error;
  }
  throw new Error('expected a DatabaseOpenError');
};

describe('openEncryptedDatabase', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.remove());

  it('applies every required pragma on both connections and reads them back', () => {
    const db = openTestDatabase(tmp.file('w.db'), { migrate: false });
    try {
      for (const [handle, role] of [
        [db.write, 'write'],
        [db.read, 'read'],
      ] as const) {
        const expected = expectedPragmas(role);
        for (const [name, value] of Object.entries(expected)) {
          expect(String(handle.readPragma(name)), `${role}: ${name}`).toBe(String(value));
        }
        expect(handle.readPragma('cipher')).toBe('sqlcipher');
        expect(String(handle.readPragma('legacy'))).toBe('4');
      }
      expect(expectedPragmas('write')).toMatchObject({
        journal_mode: 'wal',
        synchronous: 2,
        secure_delete: 1,
        temp_store: 2,
      });
      expect(expectedPragmas('write', 'darwin')).toMatchObject({ fullfsync: 1, checkpoint_fullfsync: 1 });
      expect(expectedPragmas('read')).toMatchObject({ query_only: 1 });
    } finally {
      db.close();
    }
  });

  it('zeroes the key buffer it was given, on success and on failure', () => {
    const key = randomBytes(32);
    const db = openEncryptedDatabase({ file: tmp.file('z.db'), key });
    db.close();
    expect(key.every((b) => b === 0)).toBe(true);

    const wrong = randomBytes(32);
    expect(() => openEncryptedDatabase({ file: tmp.file('z.db'), key: wrong })).toThrow(DatabaseOpenError);
    expect(wrong.every((b) => b === 0)).toBe(true);
  });

  it('keeps the database, its WAL and shared-memory files encrypted on disk', () => {
    const file = tmp.file('enc.db');
    const db = openTestDatabase(file);
    try {
      db.write.transaction(() => {
        for (let i = 0; i < 50; i++) {
          db.write.run(sql`INSERT INTO local_access_log (id, actor_sub, resource_type, action, device_id, online,
            local_time, details_json, prev_hash, hash)
            VALUES (${`id-${i}`}, 'sub', 'entity', 'view', 'device', 1, '2025-01-01T00:00:00.000Z',
            ${JSON.stringify({ note: `${MARKER} ${i}` })}, ${`p${i}`}, ${`h${i}`})`);
        }
      });
      // While open: the data sits in the WAL (not yet checkpointed).
      expect(existsSync(`${file}-wal`)).toBe(true);
      expect(existsSync(`${file}-shm`)).toBe(true);
      for (const suffix of ['', '-wal', '-shm']) {
        const bytes = readFileSync(file + suffix);
        expect(bytes.includes(Buffer.from(MARKER)), `marker in ${suffix || 'db'}`).toBe(false);
        expect(bytes.includes(Buffer.from('SQLite format 3')), `header in ${suffix || 'db'}`).toBe(false);
      }
      // The data is there when read through the key.
      expect(db.read.value<number>(sql`SELECT count(*) FROM local_access_log`)).toBe(50);
    } finally {
      db.close();
    }
    // After close the WAL is checkpointed into the main file, still encrypted.
    const bytes = readFileSync(file);
    expect(bytes.includes(Buffer.from(MARKER))).toBe(false);
    expect(bytes.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\u0000');
    expect(existsSync(`${file}-open`)).toBe(false);
  });

  it('refuses a wrong key with a clear error and leaves the file untouched', () => {
    const file = tmp.file('k.db');
    openTestDatabase(file).close();
    const before = sha256(file);
    const error = openError(() => openEncryptedDatabase({ file, key: randomBytes(32) }));
    expect(error.code).toBe('cannot-decrypt');
    expect(error.message).toMatch(/could not be unlocked/);
    expect(error.file).toBe(file);
    expect(sha256(file)).toBe(before);
  });

  it('refuses a plain SQLite file and a file that is not a database', () => {
    const plain = tmp.file('plain.db');
    const raw = new Database(plain);
    raw.exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('hello')");
    raw.close();
    expect(openError(() => openEncryptedDatabase({ file: plain, key: randomBytes(32) })).code).toBe('cannot-decrypt');

    const text = tmp.file('notes.db');
    writeFileSync(text, 'these are not the pages you are looking for'.repeat(200));
    expect(openError(() => openEncryptedDatabase({ file: text, key: randomBytes(32) })).code).toBe('cannot-decrypt');
    expect(readFileSync(text, 'utf8')).toMatch(/^these are not/);
  });

  it('cannot be opened by stock SQLite without the key', () => {
    const file = tmp.file('stock.db');
    openTestDatabase(file).close();
    const raw = new Database(file);
    try {
      expect(() => raw.prepare('SELECT count(*) FROM sqlite_schema').get()).toThrow(/not a database/);
    } finally {
      raw.close();
    }
  });

  it('detects a damaged page at open (quick_check) and keeps the file', () => {
    const file = tmp.file('flip.db');
    const db = openTestDatabase(file);
    const key = Buffer.from(db.key);
    db.close();
    const bytes = readFileSync(file);
    expect(bytes.length).toBeGreaterThan(4096 * 4);
    // Flip one byte inside page 3: its HMAC no longer matches.
    const offset = 4096 * 2 + 1000;
    bytes[offset] = (bytes[offset] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const error = openError(() => openEncryptedDatabase({ file, key }));
    expect(['corrupt', 'cannot-decrypt']).toContain(error.code);
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/damaged|integrity/);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('refuses a key that is not 256 bits', () => {
    expect(openError(() => openEncryptedDatabase({ file: tmp.file('s.db'), key: randomBytes(16) })).code).toBe(
      'bad-key',
    );
    expect(existsSync(tmp.file('s.db'))).toBe(false);
  });

  it('marks the file open while in use and clears the mark on a clean close', () => {
    const file = tmp.file('m.db');
    const db = openTestDatabase(file, { migrate: false });
    expect(existsSync(`${file}-open`)).toBe(true);
    db.close();
    db.close(); // twice is harmless
    expect(existsSync(`${file}-open`)).toBe(false);
  });
});

describe('ReadDb and WriteDb', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.remove());

  it('gives the reader no way to write, by type and at run time', () => {
    const db = openTestDatabase(tmp.file('rw.db'));
    try {
      const read: ReadDb = db.read;
      // @ts-expect-error a ReadDb has no run()
      expect(() => read.run(sql`DELETE FROM meta`)).toThrow(TypeError);
      // @ts-expect-error a ReadDb has no transaction()
      expect(() => read.transaction(() => 1)).toThrow(TypeError);
      // @ts-expect-error a ReadDb is not a WriteDb
      const asWriter: WriteDb = read;
      void asWriter;
      const stmt = read.prepare('SELECT key FROM meta');
      // @ts-expect-error a reading statement has no run()
      void stmt.run;

      expect(() => read.prepare("INSERT INTO meta (key, value) VALUES ('a', 'b')")).toThrow(/would write/);
      expect(() => read.all(sql`DELETE FROM meta`)).toThrow(/would write/);
      expect(() => read.all(sql`UPDATE meta SET value = 'x'`)).toThrow(/would write/);
      expect(() => read.prepare('BEGIN IMMEDIATE')).toThrow(/would write/);
      // SQLite runs some pragmas while compiling them: these must be refused before prepare.
      expect(() => read.prepare('PRAGMA query_only = OFF')).toThrow(/would write/);
      expect(() => read.prepare('/* hidden */ -- twice\n PRAGMA query_only = OFF')).toThrow(/would write/);
      expect(() => read.all(sql`WITH doomed AS (SELECT key FROM meta) DELETE FROM meta WHERE key IN doomed`)).toThrow(
        /would write/,
      );
      expect(() => read.readPragma('query_only = OFF')).toThrow(TypeError);
      // Even a statement that slipped past the check meets a query_only connection.
      expect(read.readPragma('query_only')).toBe(1);
      expect(read.all<{ key: string }>(sql`SELECT key FROM meta ORDER BY key`).map((r) => r.key)).toEqual([
        'created_at',
        'region',
        'workspace_id',
      ]);
    } finally {
      db.close();
    }
  });

  it('accepts a WriteDb where a ReadDb is expected (reads inside a transaction)', () => {
    const db = openTestDatabase(tmp.file('w.db'));
    try {
      const countMeta = (read: ReadDb): number => read.value<number>(sql`SELECT count(*) FROM meta`) ?? -1;
      const inside = db.write.transaction(() => {
        db.write.run(sql`INSERT INTO meta (key, value) VALUES ('extra', 'x')`);
        return countMeta(db.write);
      });
      expect(inside).toBe(4);
      expect(countMeta(db.read)).toBe(4);
    } finally {
      db.close();
    }
  });

  it('rolls a transaction back when its body throws, and refuses async bodies', async () => {
    const db = openTestDatabase(tmp.file('t.db'));
    try {
      expect(() =>
        db.write.transaction(() => {
          db.write.run(sql`INSERT INTO meta (key, value) VALUES ('gone', 'x')`);
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(db.read.value(sql`SELECT value FROM meta WHERE key = 'gone'`)).toBeUndefined();

      // @ts-expect-error an async body is refused by type
      const typed = () => db.write.transaction(async () => 1);
      expect(typed).toThrow(/synchronous/);
      const sneaky = (() => Promise.resolve(1)) as unknown as () => number;
      expect(() =>
        db.write.transaction(() => {
          db.write.run(sql`INSERT INTO meta (key, value) VALUES ('half', 'x')`);
          return sneaky();
        }),
      ).toThrow(/synchronous/);
      expect(db.read.value(sql`SELECT value FROM meta WHERE key = 'half'`)).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('prepares each statement once per connection', () => {
    const db = openTestDatabase(tmp.file('c.db'));
    try {
      const a = db.read.prepare('SELECT value FROM meta WHERE key = ?');
      const b = db.read.prepare('SELECT value FROM meta WHERE key = ?');
      expect(a).toBe(b);
      expect(db.write.prepare('SELECT 1')).toBe(db.write.prepare('SELECT 1'));
    } finally {
      db.close();
    }
  });

  it('lets only a few code-controlled pragmas be set', () => {
    const db = openTestDatabase(tmp.file('p.db'), { migrate: false });
    try {
      expect(() => db.write.setPragma('journal_mode', 1)).toThrow(/not settable/);
      expect(() => db.write.setPragma('user_version', 1.5)).toThrow(/integer/);
      migrate(db.write);
      db.write.setPragma('wal_checkpoint', 'TRUNCATE');
    } finally {
      db.close();
    }
  });
});

describe('database location (D-02)', () => {
  it('refuses network shares and synced folders by path shape', () => {
    expect(classifyDatabasePath('\\\\fileserver\\share\\attest\\w.db', 'win32').kind).toBe('network');
    expect(classifyDatabasePath('//fileserver/share/w.db', 'win32').kind).toBe('network');
    expect(classifyDatabasePath('\\\\?\\UNC\\server\\share\\w.db', 'win32').kind).toBe('network');
    expect(classifyDatabasePath('\\\\?\\C:\\Users\\a\\AppData\\Local\\Attest\\w.db', 'win32').kind).toBe('local');
    expect(classifyDatabasePath('C:\\Users\\a\\AppData\\Local\\Attest\\w.db', 'win32').kind).toBe('local');
    expect(classifyDatabasePath('C:\\Users\\a\\OneDrive - Clinic\\Attest\\w.db', 'win32').kind).toBe('synced');
    expect(classifyDatabasePath('/Users/a/Library/Mobile Documents/com~apple~CloudDocs/w.db', 'darwin').kind).toBe(
      'synced',
    );
    expect(classifyDatabasePath('/Users/a/Library/CloudStorage/GoogleDrive-a/w.db', 'darwin').kind).toBe('synced');
    expect(classifyDatabasePath('/home/a/Dropbox/w.db', 'linux').kind).toBe('synced');
    expect(classifyDatabasePath('/home/a/.local/share/attest/w.db', 'linux').kind).toBe('local');
  });

  it('refuses to open in such a place', () => {
    const tmp = tempDir();
    try {
      const error = openError(() => openEncryptedDatabase({ file: tmp.file('Dropbox/w.db'), key: randomBytes(32) }));
      expect(error.code).toBe('unsafe-location');
      expect(existsSync(tmp.file('Dropbox/w.db'))).toBe(false);
    } finally {
      tmp.remove();
    }
  });
});
