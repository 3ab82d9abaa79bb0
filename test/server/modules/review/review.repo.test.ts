/** Review items from the backend into typed columns + raw JSON, idempotently, one workspace only. */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reviewItem, type ReviewItem } from '../../../../shared/amigo/review';
import { WorkspaceMismatchError } from '../../../../electron/server/db/meta.repo';
import { sql } from '../../../../electron/server/db/sql';
import {
  countReviewItems,
  reviewSummary,
  upsertReviewItems,
} from '../../../../electron/server/modules/review/review.repo';
import { settleOpenItems } from '../../../../electron/server/sync/apply/review-items.apply';
import { openTestDatabase, tempDir, type TempDir, type TestDatabase } from '../../server-test-kit';

const makeItem = (workspaceId: string, patch: Partial<ReviewItem> = {}): ReviewItem => {
  const eventA = randomUUID();
  const eventB = randomUUID();
  return reviewItem.parse({
    id: randomUUID(),
    workspace_id: workspaceId,
    session_id: `call-${randomUUID()}`,
    event_ids: [eventA, eventB],
    entity_id: randomUUID(),
    entity_type: 'patient',
    entity: { id: randomUUID(), entity_type: 'patient', display_name: 'Zq7PhiMarker Jane', state: { city: 'X' } },
    events: [
      {
        id: eventA,
        event_type: 'pharmacy.address',
        data: { street: '1 Main St' },
        confidence: 0.62,
        review_status: 'pending',
        fhir_resource_type: 'Patient',
        fhir_resource_id: null,
        created_at: '2025-03-01T10:00:00',
      },
      {
        id: eventB,
        event_type: 'callback.phone',
        data: { phone: '555' },
        confidence: 0.41,
        review_status: 'flagged',
        fhir_resource_type: null,
        fhir_resource_id: null,
      },
    ],
    priority: 2,
    reason: 'low_confidence',
    judge_analysis: { reasoning: 'not stated' },
    status: 'pending',
    assigned_to: null,
    created_at: '2025-03-01T10:00:00+02:00',
    completed_at: null,
    completed_action: null,
    ...patch,
  });
};

describe('review.repo', () => {
  let tmp: TempDir;
  let db: TestDatabase;
  beforeEach(() => {
    tmp = tempDir();
    db = openTestDatabase(tmp.file('review.db'));
  });
  afterEach(() => {
    db.close();
    tmp.remove();
  });

  it('stores typed columns, raw JSON and the item’s events', () => {
    const item = makeItem(db.workspaceId);
    upsertReviewItems(db.write, [item], '2025-03-02T00:00:00.000Z');
    const row = db.read.get<Record<string, unknown>>(sql`SELECT * FROM review_items WHERE id = ${item.id}`);
    expect(row).toMatchObject({
      status: 'pending',
      session_id: item.session_id,
      entity_id: item.entity_id,
      entity_type: 'patient',
      entity_display_name: 'Zq7PhiMarker Jane',
      priority: 2,
      reason: 'low_confidence',
      created_at: '2025-03-01T08:00:00.000Z',
      min_confidence: 0.41,
      event_count: 2,
      pulled_at: '2025-03-02T00:00:00.000Z',
    });
    expect(JSON.parse(String(row?.raw_json))).toEqual(item);
    const events = db.read.all<{ event_id: string; position: number; confidence: number; created_at: string | null }>(
      sql`SELECT event_id, position, confidence, created_at FROM review_item_events WHERE review_item_id = ${item.id} ORDER BY position`,
    );
    expect(events).toEqual([
      { event_id: item.event_ids[0], position: 0, confidence: 0.62, created_at: '2025-03-01T10:00:00.000Z' },
      { event_id: item.event_ids[1], position: 1, confidence: 0.41, created_at: null },
    ]);
  });

  it('is idempotent, and a later pull replaces the item and its event list', () => {
    const item = makeItem(db.workspaceId);
    upsertReviewItems(db.write, [item], 't1');
    upsertReviewItems(db.write, [item], 't1');
    expect(countReviewItems(db.read)).toBe(1);
    expect(db.read.value(sql`SELECT count(*) FROM review_item_events`)).toBe(2);

    const claimed: ReviewItem = {
      ...item,
      status: 'in_progress',
      assigned_to: 'key-1',
      event_ids: [item.event_ids[0] ?? ''],
      events: item.events?.slice(0, 1) ?? null,
    };
    upsertReviewItems(db.write, [claimed], 't2');
    expect(
      db.read.get(sql`SELECT status, assigned_to, event_count, min_confidence, pulled_at FROM review_items`),
    ).toEqual({
      status: 'in_progress',
      assigned_to: 'key-1',
      event_count: 1,
      min_confidence: 0.62,
      pulled_at: 't2',
    });
    expect(db.read.value(sql`SELECT count(*) FROM review_item_events`)).toBe(1);
  });

  it('keeps ids listed without inline data, and inline events not listed', () => {
    const item = makeItem(db.workspaceId);
    const extra = randomUUID();
    const withGaps: ReviewItem = { ...item, event_ids: [extra, ...item.event_ids, extra], events: item.events ?? null };
    upsertReviewItems(db.write, [withGaps], 't');
    const rows = db.read.all<{ event_id: string; raw_json: string | null }>(
      sql`SELECT event_id, raw_json FROM review_item_events ORDER BY position`,
    );
    expect(rows.map((r) => r.event_id)).toEqual([extra, ...item.event_ids]);
    expect(rows[0]?.raw_json).toBeNull();
    expect(rows[1]?.raw_json).not.toBeNull();
  });

  it('refuses a page holding another workspace’s item and stores none of it', () => {
    const mine = makeItem(db.workspaceId);
    const foreign = makeItem(randomUUID());
    expect(() => upsertReviewItems(db.write, [mine, foreign], 't')).toThrow(WorkspaceMismatchError);
    expect(countReviewItems(db.read)).toBe(0);
  });

  it('refuses to store anything in a database not bound to a workspace', () => {
    const unbound = openTestDatabase(tmp.file('unbound.db'), { bind: false });
    try {
      expect(() => upsertReviewItems(unbound.write, [makeItem(unbound.workspaceId)], 't')).toThrow(/not bound/);
    } finally {
      unbound.close();
    }
  });

  it('counts pending and in-progress items', () => {
    expect(reviewSummary(db.read)).toEqual({ pending: 0, inProgress: 0 });
    upsertReviewItems(
      db.write,
      [
        makeItem(db.workspaceId),
        makeItem(db.workspaceId),
        makeItem(db.workspaceId, { status: 'in_progress', assigned_to: 'k' }),
        makeItem(db.workspaceId, {
          status: 'completed',
          completed_action: 'approved',
          completed_at: '2025-03-02T00:00:00Z',
        }),
      ],
      't',
    );
    expect(reviewSummary(db.read)).toEqual({ pending: 2, inProgress: 1 });
  });

  it('settles a complete listing: open items not refreshed since it started are removed, closed ones kept', () => {
    const stale = makeItem(db.workspaceId);
    const done = makeItem(db.workspaceId, {
      status: 'completed',
      completed_action: 'approved',
      completed_at: '2025-03-02T00:00:00Z',
    });
    upsertReviewItems(db.write, [stale, done], '2026-11-21T10:00:00.000Z');
    const fresh = makeItem(db.workspaceId);
    upsertReviewItems(db.write, [fresh], '2026-11-21T10:05:00.000Z');
    expect(settleOpenItems(db.write, '2026-11-21T10:04:00.000Z')).toBe(1);
    expect(
      db.read
        .all<{ id: string }>(sql`SELECT id FROM review_items ORDER BY id`)
        .map((r) => r.id)
        .sort(),
    ).toEqual([fresh.id, done.id].sort());
    expect(db.read.value(sql`SELECT count(*) FROM review_item_events WHERE review_item_id = ${stale.id}`)).toBe(0);
  });
});
