/**
 * Migration 0004 on a database at schema 3 that already holds review items: the new columns are
 * backfilled from each item's raw JSON with the writer's own rules, the correction-form cache
 * exists, and the patient search uses its index (checked through the query planner).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../../../electron/server/db/migrate';
import { bindWorkspace } from '../../../../electron/server/db/meta.repo';
import { sql } from '../../../../electron/server/db/sql';
import { itemCriticality, itemPatientEntityId } from '../../../../electron/server/modules/review/review-derived';
import { RIVERBEND, smallDataset } from '../../../regional-backend/generator/test-helpers';
import { openTestDatabase, tempDir, type TempDir, type TestDatabase } from '../../server-test-kit';

let dir: TempDir;
let db: TestDatabase;
const items = smallDataset(7).records.review_items.slice(0, 30);

beforeAll(() => {
  dir = tempDir();
  db = openTestDatabase(dir.file('m4.db'), { migrate: false });
  migrate(db.write, MIGRATIONS.slice(0, 3));
  bindWorkspace(db.write, { region: 'us-east-1', workspaceId: RIVERBEND.id }, new Date().toISOString());
  db.write.transaction(() => {
    for (const item of items) {
      // Rows as schema 3 stored them: no criticality, no patient link.
      db.write.run(sql`INSERT INTO review_items (id, workspace_id, session_id, status, entity_id, entity_type,
        priority, reason, event_count, raw_json, pulled_at)
        VALUES (${item.id}, ${item.workspace_id}, ${item.session_id}, ${item.status}, ${item.entity_id},
          ${item.entity_type}, ${item.priority}, ${item.reason}, ${item.event_ids.length}, ${JSON.stringify(item)},
          '2026-11-01T00:00:00.000Z')`);
    }
  });
  migrate(db.write);
});

afterAll(() => {
  db.close();
  dir.remove();
});

describe('0004-review-desk', () => {
  it('backfills criticality and the patient link from the raw JSON', () => {
    const rows = db.read.all<{ id: string; criticality: number; patient_entity_id: string | null }>(
      sql`SELECT id, criticality, patient_entity_id FROM review_items`,
    );
    expect(rows).toHaveLength(items.length);
    for (const item of items) {
      const row = rows.find((r) => r.id === item.id);
      expect(row?.criticality).toBe(itemCriticality(item));
      expect(row?.patient_entity_id).toBe(itemPatientEntityId(item));
    }
    expect(rows.some((r) => r.patient_entity_id !== null)).toBe(true);
    expect(new Set(rows.map((r) => r.criticality)).size).toBeGreaterThan(1);
  });

  it('adds the correction-form cache and indexes the patient and caller lookups', () => {
    db.write.transaction(() => {
      db.write.run(sql`INSERT INTO review_correction_schemas (item_id, raw_json, fetched_at) VALUES ('x', '{}', 't')`);
    });
    expect(() =>
      db.write.transaction(() => {
        db.write.run(
          sql`INSERT INTO review_correction_schemas (item_id, raw_json, fetched_at) VALUES ('y', 'nope', 't')`,
        );
      }),
    ).toThrow();
    const plan = (q: ReturnType<typeof sql>): string =>
      db.write
        .all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${q}`)
        .map((r) => r.detail)
        .join(' | ');
    expect(plan(sql`SELECT id FROM review_items WHERE patient_entity_id = ${'p'}`)).toContain('review_items_patient');
    expect(plan(sql`SELECT id FROM calls WHERE caller_id = ${'+1'}`)).toContain('calls_caller');
  });
});
