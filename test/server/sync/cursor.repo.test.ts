/** A page and the cursor after it commit together; a failed page moves nothing. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from '../../../electron/server/db/sql';
import {
  applyPage,
  getCursor,
  listCursors,
  recordStreamError,
  resetCursor,
} from '../../../electron/server/sync/cursor.repo';
import { openTestDatabase, tempDir, type TempDir, type TestDatabase } from '../server-test-kit';

const insertMeta = (db: TestDatabase, key: string): void => {
  db.write.run(sql`INSERT INTO compliance_reports (kind, params, raw_json, pulled_at) VALUES (${key}, '', '{}', 't')`);
};
const countRows = (db: TestDatabase): number =>
  db.read.value<number>(sql`SELECT count(*) FROM compliance_reports`) ?? -1;

describe('cursor.repo', () => {
  let tmp: TempDir;
  let db: TestDatabase;
  beforeEach(() => {
    tmp = tempDir();
    db = openTestDatabase(tmp.file('cursor.db'));
  });
  afterEach(() => {
    db.close();
    tmp.remove();
  });

  it('stores a page and advances the cursor in one transaction', () => {
    expect(getCursor(db.read, 'reports')).toBeNull();
    const answer = applyPage(
      db.write,
      'reports',
      () => {
        insertMeta(db, 'a');
        insertMeta(db, 'b');
        return 2;
      },
      {
        cursor: '20',
        at: 't1',
        complete: false,
        total: 40,
        storedCount: (tx) => tx.value<number>(sql`SELECT count(*) FROM compliance_reports`) ?? 0,
      },
    );
    expect(answer).toBe(2);
    expect(getCursor(db.read, 'reports')).toEqual({
      stream: 'reports',
      cursor: '20',
      lastPageAt: 't1',
      lastSuccessAt: null,
      lastError: null,
      lastErrorAt: null,
      storedCount: 2,
      total: 40,
    });

    applyPage(db.write, 'reports', () => insertMeta(db, 'c'), { cursor: null, at: 't2', complete: true });
    expect(getCursor(db.read, 'reports')).toMatchObject({
      cursor: null,
      lastPageAt: 't2',
      lastSuccessAt: 't2',
      storedCount: 2,
      total: 40,
    });
  });

  it('leaves records and cursor untouched when the page fails', () => {
    applyPage(db.write, 'reports', () => insertMeta(db, 'a'), { cursor: '20', at: 't1', complete: false });
    expect(() =>
      applyPage(
        db.write,
        'reports',
        () => {
          insertMeta(db, 'b');
          throw new Error('invalid record');
        },
        { cursor: '40', at: 't2', complete: false },
      ),
    ).toThrow('invalid record');
    expect(countRows(db)).toBe(1);
    expect(getCursor(db.read, 'reports')?.cursor).toBe('20');
  });

  it('records errors without moving the cursor, and clears them on the next good page', () => {
    applyPage(db.write, 'audit', () => undefined, { cursor: '100', at: 't1', complete: false });
    recordStreamError(db.write, 'audit', `The backend answered 503. ${'x'.repeat(1000)}`, 't2');
    const failed = getCursor(db.read, 'audit');
    expect(failed).toMatchObject({ cursor: '100', lastErrorAt: 't2' });
    expect(failed?.lastError?.length).toBeLessThanOrEqual(500);
    recordStreamError(db.write, 'fresh', 'offline', 't2');
    expect(getCursor(db.read, 'fresh')).toMatchObject({ cursor: null, storedCount: 0, lastError: 'offline' });

    applyPage(db.write, 'audit', () => undefined, { cursor: '200', at: 't3', complete: false });
    expect(getCursor(db.read, 'audit')).toMatchObject({ cursor: '200', lastError: null, lastErrorAt: null });
    resetCursor(db.write, 'audit', 't4');
    expect(getCursor(db.read, 'audit')?.cursor).toBeNull();
    expect(listCursors(db.read).map((c) => c.stream)).toEqual(['audit', 'fresh']);
  });

  it('refuses odd stream names and async page bodies', () => {
    expect(() => applyPage(db.write, 'Bad Name', () => undefined, { cursor: null, at: 't', complete: true })).toThrow(
      /stream name/,
    );
    const outcome = { cursor: '1', at: 't', complete: false };
    // @ts-expect-error an async apply is refused by type…
    const run = () => applyPage(db.write, 'reports', async () => insertMeta(db, 'z'), outcome);
    // …and at run time, rolled back (the insert ran before the promise was returned).
    expect(run).toThrow(/synchronous/);
    expect(countRows(db)).toBe(0);
    expect(getCursor(db.read, 'reports')).toBeNull();
  });
});
