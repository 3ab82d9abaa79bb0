/** The store on its own: the replay rule, entity-level dedup, bulk loads and the indexes pages rely on. */
import { describe, expect, it } from 'vitest';
import { projectState } from '../store/projection';
import { DEFERRABLE_INDEXES } from '../store/schema';
import { createStore, withBulkLoad } from '../store';
import { ITEM_APPROVE, PATIENT, seedFixture, uid, WS } from './fixtures';

const ev = (
  data: Record<string, unknown>,
  confidence: number,
  ingestedMs: number,
  seq: number,
  isCurrent = true,
  eventType = 'x.updated',
) => ({
  eventType,
  data,
  confidence,
  ingestedMs,
  isCurrent,
  seq,
});

describe('projection (replay rule)', () => {
  it('per field: highest confidence wins, ties go to the latest ingested_at, then log order', () => {
    const { state } = projectState({}, [
      ev({ phone: 'A', email: 'a@x' }, 0.5, 10, 1),
      ev({ phone: 'B' }, 0.95, 5, 2),
      ev({ email: 'b@x' }, 0.5, 20, 3),
      ev({ email: 'c@x' }, 0.5, 20, 4),
    ]);
    expect(state).toEqual({ phone: 'B', email: 'c@x' });
  });

  it('rejected (0.0) and superseded events take no part; untouched dataset fields stay', () => {
    const { state } = projectState({ phone: 'old', mrn: 'M-1' }, [
      ev({ phone: 'rejected' }, 0, 30, 1),
      ev({ dose: '10mg' }, 0.5, 10, 2, false),
      ev({ dose: '20mg' }, 1, 11, 3),
    ]);
    // `phone` was only ever written by a rejected event: it is gone; `mrn` no event wrote: kept.
    expect(state).toEqual({ mrn: 'M-1', dose: '20mg' });
  });

  it('entity.enriched events set the field their data names', () => {
    const { state } = projectState({}, [
      ev({ key: 'preferred_language', value: 'en', value_type: 'enum' }, 1, 1, 1, true, 'entity.enriched'),
    ]);
    expect(state).toEqual({ preferred_language: 'en' });
  });
});

describe('store sink and bulk load', () => {
  it('loads the fixture, restores every deferred index and keeps one open item per entity', () => {
    const store = createStore(':memory:');
    try {
      withBulkLoad(store.db, seedFixture, { batchSize: 7 });
      const names = new Set(
        store.db
          .prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'index'`)
          .all()
          .map((r) => r.name),
      );
      for (const ix of DEFERRABLE_INDEXES) expect(names.has(ix.name)).toBe(true);

      // A second flagged event for the same patient joins the open item instead of opening another.
      withBulkLoad(
        store.db,
        (sink) => {
          sink.review_items({
            id: uid('2', 1),
            workspace_id: WS,
            session_id: 'call',
            event_ids: [uid('e1', 1)],
            entity_id: PATIENT,
            entity_type: 'patient',
            priority: 1,
            reason: 'low_confidence',
            judge_analysis: null,
            status: 'pending',
            assigned_to: null,
            created_at: '2026-08-02T00:00:00Z',
            completed_at: null,
            completed_action: null,
          });
        },
        { deferIndexes: false },
      );
      expect(store.review.get(WS, uid('2', 1))).toBeUndefined();
      expect(store.review.eventIds(ITEM_APPROVE)).toEqual([uid('e1', 2), uid('e1', 1)]);
      expect(() =>
        store.db
          .prepare(
            `INSERT INTO review_items (id, workspace_id, session_id, entity_id, priority, reason, status, raw) VALUES ('x', ?, 's', ?, 1, 'r', 'pending', '{}')`,
          )
          .run(WS, PATIENT),
      ).toThrow(/UNIQUE/);
    } finally {
      store.close();
    }
  });

  it('rolls back the open batch of a failed load and keeps the store queryable', () => {
    const store = createStore(':memory:');
    try {
      expect(() =>
        withBulkLoad(store.db, (sink) => {
          sink.entity_events({
            id: uid('e7', 1),
            entity_id: uid('e7', 2),
            event_type: 'x',
            domain: 'clinical',
            confidence: 1,
            source: 'manual',
            is_current: true,
          });
        }),
      ).toThrow(/arrived before its entity/);
      expect(store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM entity_events').get()?.n).toBe(0);
      expect(store.audit.list(WS, {}, 10, 0).total).toBe(0);
    } finally {
      store.close();
    }
  });

  it('streams 50,000 audit events in one load and pages them through indexes', () => {
    const store = createStore(':memory:');
    try {
      const N = 50_000;
      withBulkLoad(store.db, (sink) => {
        for (let n = 0; n < N; n++) {
          sink.audit_events({
            id: uid('a1', n),
            workspace_id: WS,
            timestamp: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
            service: n % 2 === 0 ? 'world' : 'calls',
            action: 'entity.read',
            resource_type: 'entity',
            resource_id: uid('e0', n % 100),
            phi_accessed: n % 5 === 0,
          });
        }
      });
      const page = store.audit.list(WS, { phiOnly: true }, 100, 9_900);
      expect(page.total).toBe(N / 5);
      expect(page.events).toHaveLength(100);
      const plan = (sql: string): string =>
        store.db
          .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
          .all()
          .map((r) => r.detail)
          .join(' | ');
      for (const where of [
        `workspace_id = 'w'`,
        `workspace_id = 'w' AND phi = 1`,
        `workspace_id = 'w' AND service = 's'`,
        `workspace_id = 'w' AND resource_id = 'r'`,
        `workspace_id = 'w' AND action = 'a'`,
        `workspace_id = 'w' AND actor_entity_id = 'a'`,
        `workspace_id = 'w' AND resource_type = 'x'`,
      ]) {
        expect(plan(`SELECT raw FROM audit_events WHERE ${where} ORDER BY ts_ms DESC, seq DESC LIMIT 100`)).toMatch(
          /USING INDEX audit_ws_/,
        );
      }
      for (const order of ['priority DESC, seq DESC', 'created_ms ASC, seq ASC', 'confidence ASC, seq ASC']) {
        expect(plan(`SELECT * FROM review_items WHERE workspace_id = 'w' ORDER BY ${order} LIMIT 20`)).not.toMatch(
          /TEMP B-TREE/,
        );
      }
    } finally {
      store.close();
    }
  });
});
