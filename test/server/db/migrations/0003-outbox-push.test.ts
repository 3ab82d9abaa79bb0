/**
 * Migration 0003 on a database at schema 2 that already holds an outbox intent and an access
 * event: the outbox is rebuilt with its rows and their order kept, the new states and guards
 * hold (conflict allowed, payload frozen, unsent never deleted), the per-item view answers the
 * latest live intent, and the access log keeps its append-only triggers with the new columns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../../../electron/server/db/migrate';
import { sql } from '../../../../electron/server/db/sql';
import { openTestDatabase, tempDir, type TempDir, type TestDatabase } from '../../server-test-kit';

let dir: TempDir;
let db: TestDatabase;

beforeAll(() => {
  dir = tempDir();
  db = openTestDatabase(dir.file('m3.db'), { migrate: false });
  migrate(db.write, MIGRATIONS.slice(0, 2));
  db.write.transaction(() => {
    db.write.run(sql`INSERT INTO outbox (id, idempotency_key, kind, item_id, payload_json, state, created_by_sub,
        created_at, updated_at)
      VALUES ('old-1', 'k1', 'approve', 'item-1', '{"notes":"ok"}', 'pending', 'sub-1', 't1', 't1'),
             ('old-2', 'k2', 'reject', 'item-2', '{"reason":"r"}', 'sent', 'sub-1', 't2', 't2')`);
    db.write.run(sql`INSERT INTO local_access_log (id, actor_sub, resource_type, action, device_id, online, local_time,
        prev_hash, hash) VALUES ('a1', 'sub-1', 'review_item', 'review_item.open', 'dev', 1, 't', ${'0'.repeat(64)},
        ${'1'.repeat(64)})`);
  });
  expect(migrate(db.write).applied).toContain('0003-outbox-push');
});

afterAll(() => {
  db.close();
  dir.remove();
});

const insertEntry = (id: string, itemIds: string[], state = 'pending'): number => {
  const seq = Number(
    db.write.run(sql`INSERT INTO outbox (id, idempotency_key, kind, item_id, item_count, payload_json, state,
        created_by_sub, created_at, updated_at)
      VALUES (${id}, ${id}, 'approve', ${itemIds[0] ?? null}, ${itemIds.length}, '{}', ${state}, 'sub-1', 't', 't')`)
      .lastInsertRowid,
  );
  itemIds.forEach((item, position) =>
    db.write.run(sql`INSERT INTO outbox_items (entry_seq, item_id, position) VALUES (${seq}, ${item}, ${position})`),
  );
  return seq;
};

describe('0003-outbox-push', () => {
  it('keeps the earlier intents, their order and their items', () => {
    expect(
      db.read.all(sql`SELECT seq, id, kind, item_id, item_count, state, payload_json FROM outbox ORDER BY seq`),
    ).toEqual([
      {
        seq: 1,
        id: 'old-1',
        kind: 'approve',
        item_id: 'item-1',
        item_count: 1,
        state: 'pending',
        payload_json: '{"notes":"ok"}',
      },
      {
        seq: 2,
        id: 'old-2',
        kind: 'reject',
        item_id: 'item-2',
        item_count: 1,
        state: 'sent',
        payload_json: '{"reason":"r"}',
      },
    ]);
    expect(db.read.all(sql`SELECT entry_seq, item_id, outcome FROM outbox_items ORDER BY entry_seq`)).toEqual([
      { entry_seq: 1, item_id: 'item-1', outcome: 'pending' },
      { entry_seq: 2, item_id: 'item-2', outcome: 'applied' },
    ]);
  });

  it('allows conflict, refuses unknown states and kinds, and freezes an intent once queued', () => {
    db.write.run(
      sql`UPDATE outbox SET state = 'conflict', server_reason = 'approved by someone else' WHERE id = 'old-1'`,
    );
    expect(() => db.write.run(sql`UPDATE outbox SET state = 'lost' WHERE id = 'old-1'`)).toThrow(/CHECK constraint/);
    expect(() =>
      db.write.run(sql`INSERT INTO outbox (id, idempotency_key, kind, payload_json, created_by_sub, created_at,
        updated_at) VALUES ('k', 'k', 'erase', '{}', 's', 't', 't')`),
    ).toThrow(/CHECK constraint/);
    expect(() => db.write.run(sql`UPDATE outbox SET payload_json = '{"notes":"changed"}' WHERE id = 'old-1'`)).toThrow(
      /frozen once queued/,
    );
    expect(() => db.write.run(sql`DELETE FROM outbox WHERE id = 'old-1'`)).toThrow(/only sent intents/);
  });

  it('answers the latest live intent per item, leaving withdrawn and superseded ones out', () => {
    insertEntry('e1', ['i-a', 'i-b']);
    const second = insertEntry('e2', ['i-a']);
    expect(
      db.read.all(
        sql`SELECT item_id, entry_id FROM review_item_local WHERE item_id IN ('i-a', 'i-b') ORDER BY item_id`,
      ),
    ).toEqual([
      { item_id: 'i-a', entry_id: 'e2' },
      { item_id: 'i-b', entry_id: 'e1' },
    ]);
    db.write.run(sql`UPDATE outbox SET state = 'withdrawn' WHERE seq = ${second}`);
    expect(db.read.value(sql`SELECT entry_id FROM review_item_local WHERE item_id = 'i-a'`)).toBe('e1');
    db.write.run(sql`UPDATE outbox SET state = 'quarantined', superseded_by = 'e9' WHERE id = 'e1'`);
    expect(db.read.all(sql`SELECT item_id FROM review_item_local WHERE item_id IN ('i-a', 'i-b')`)).toEqual([]);
  });

  it('adds delivery bookkeeping to the access log without loosening it', () => {
    const columns = db.read
      .all<{ name: string }>(sql`SELECT name FROM pragma_table_xinfo('local_access_log')`)
      .map((c) => c.name);
    expect(columns).toEqual(
      expect.arrayContaining([
        'delivery_path',
        'delivery_attempts',
        'delivery_error',
        'undeliverable',
        'outbox_entry_id',
      ]),
    );
    db.write.run(sql`UPDATE local_access_log SET delivery_attempts = 1, delivery_error = 'offline' WHERE id = 'a1'`);
    expect(() => db.write.run(sql`UPDATE local_access_log SET action = 'nothing'`)).toThrow(/cannot be edited/);
    expect(() => db.write.run(sql`DELETE FROM local_access_log`)).toThrow(/append-only/);
    expect(() => db.write.run(sql`UPDATE local_access_log SET undeliverable = 2`)).toThrow(/CHECK constraint/);
  });

  it('keeps one device identity row', () => {
    db.write.run(sql`INSERT INTO device_identity (id, device_id, created_at) VALUES (1, 'dev-1', 't')`);
    expect(() =>
      db.write.run(sql`INSERT INTO device_identity (id, device_id, created_at) VALUES (2, 'dev-2', 't')`),
    ).toThrow(/CHECK constraint/);
  });
});
