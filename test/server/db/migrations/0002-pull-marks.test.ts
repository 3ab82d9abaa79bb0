/**
 * Migration 0002 on a database at schema 1 that already holds a review item: the pull-marks table
 * (its checks, and the "due" index the entities stream reads through, checked with the query
 * planner) and the gone columns on review items, existing rows untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../../../electron/server/db/migrate';
import { sql } from '../../../../electron/server/db/sql';
import {
  duePulls,
  getPullMark,
  markGone,
  markPulled,
  wantPull,
} from '../../../../electron/server/sync/pull-marks.repo';
import { openTestDatabase, tempDir, type TempDir, type TestDatabase } from '../../server-test-kit';

let dir: TempDir;
let db: TestDatabase;

beforeAll(() => {
  dir = tempDir();
  db = openTestDatabase(dir.file('m2.db'), { migrate: false });
  migrate(db.write, MIGRATIONS.slice(0, 1));
  db.write.transaction(() => {
    db.write.run(sql`INSERT INTO review_items (id, workspace_id, session_id, status, priority, reason, event_count,
      raw_json, pulled_at) VALUES ('item-1', 'ws', 'call-1', 'pending', 1, 'r', 0, '{}', '2026-11-01T00:00:00.000Z')`);
  });
  migrate(db.write, MIGRATIONS.slice(0, 2));
});

afterAll(() => {
  db.close();
  dir.remove();
});

describe('0002-pull-marks', () => {
  it('adds the gone columns to review items, leaving existing rows as they were', () => {
    expect(db.read.get(sql`SELECT id, status, gone_reason, gone_at FROM review_items WHERE id = 'item-1'`)).toEqual({
      id: 'item-1',
      status: 'pending',
      gone_reason: null,
      gone_at: null,
    });
  });

  it('keeps a record due until a pull that started after its last want', () => {
    db.write.transaction(() => wantPull(db.write, 'entity', ['e1', 'e2'], '2026-11-01T00:00:01.000Z'));
    expect(duePulls(db.read, 'entity').map((d) => d.id)).toEqual(['e1', 'e2']);
    db.write.transaction(() => markPulled(db.write, 'entity', 'e1', '2026-11-01T00:00:02.000Z'));
    expect(duePulls(db.read, 'entity').map((d) => d.id)).toEqual(['e2']);
    // Wanted again after that pull started: due again. An older want does not move it back.
    db.write.transaction(() => wantPull(db.write, 'entity', ['e1'], '2026-11-01T00:00:03.000Z'));
    db.write.transaction(() => wantPull(db.write, 'entity', ['e1'], '2026-11-01T00:00:00.500Z'));
    expect(getPullMark(db.read, 'entity', 'e1')?.wantedAt).toBe('2026-11-01T00:00:03.000Z');
    expect(duePulls(db.read, 'entity').map((d) => d.id)).toEqual(['e2', 'e1']);
  });

  it('wants an immutable record once only, and marks a gone one with its reason', () => {
    db.write.transaction(() => wantPull(db.write, 'call', ['c1'], '2026-11-01T00:00:01.000Z', { onlyOnce: true }));
    db.write.transaction(() =>
      markGone(db.write, 'call', 'c1', { status: 404, reason: 'Call not found' }, '2026-11-01T00:00:02.000Z'),
    );
    db.write.transaction(() => wantPull(db.write, 'call', ['c1'], '2026-11-01T00:00:05.000Z', { onlyOnce: true }));
    expect(duePulls(db.read, 'call')).toEqual([]);
    expect(getPullMark(db.read, 'call', 'c1')).toMatchObject({ goneStatus: 404, goneReason: 'Call not found' });
  });

  it('refuses kinds and statuses it does not know', () => {
    expect(() => db.write.run(sql`INSERT INTO pull_marks (kind, id, wanted_at) VALUES ('audit', 'x', 't')`)).toThrow(
      /CHECK/,
    );
    expect(() =>
      db.write.run(sql`INSERT INTO pull_marks (kind, id, wanted_at, gone_status) VALUES ('entity', 'x', 't', 500)`),
    ).toThrow(/CHECK/);
  });

  it('finds due records through the partial index', () => {
    // EXPLAIN is refused by the read handle's keyword check; the write handle reads it.
    const plan = db.write
      .all<{ detail: string }>(
        sql`EXPLAIN QUERY PLAN SELECT id, wanted_at FROM pull_marks
          WHERE kind = 'entity' AND (pulled_at IS NULL OR wanted_at > pulled_at) ORDER BY wanted_at, id`,
      )
      .map((r) => r.detail)
      .join('\n');
    expect(plan).toMatch(/pull_marks_due/);
  });
});
