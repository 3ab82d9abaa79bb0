/**
 * Migration 0001 on a fresh file: every table (STRICT) with the columns the product needs, the
 * indexes the desk and audit queries rely on (checked through the query planner, not timed), and
 * the local tables' guarantees (outbox never drops unsent intents, access log append-only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../../../electron/server/db/migrate';
import { sql, type SqlFragment } from '../../../../electron/server/db/sql';
import { openTestDatabase, tempDir, type TempDir, type TestDatabase } from '../../server-test-kit';

// prettier-ignore
const TABLES: Record<string, string[]> = {
  meta: ['key', 'value'],
  review_items: [
    'id', 'workspace_id', 'session_id', 'status', 'entity_id', 'entity_type', 'entity_display_name', 'priority',
    'reason', 'assigned_to', 'created_at', 'completed_at', 'completed_action', 'min_confidence', 'event_count',
    'raw_json', 'pulled_at',
  ],
  review_item_events: [
    'review_item_id', 'event_id', 'position', 'event_type', 'confidence', 'review_status', 'fhir_resource_type',
    'fhir_resource_id', 'created_at', 'raw_json',
  ],
  review_history: [
    'id', 'session_id', 'entity_id', 'entity_type', 'status', 'completed_action', 'reviewed_by', 'created_at',
    'completed_at', 'raw_json', 'pulled_at',
  ],
  entities: [
    'id', 'entity_type', 'display_name', 'canonical_id', 'name', 'email', 'phone', 'phone_digits', 'birth_date',
    'gender', 'mrn', 'status', 'confidence', 'has_projection', 'event_count', 'source', 'first_seen_at',
    'last_event_at', 'created_at', 'updated_at', 'raw_json', 'pulled_at',
  ],
  entity_events: [
    'id', 'entity_id', 'event_type', 'event_subtype', 'domain', 'entity_type', 'confidence', 'source',
    'source_system', 'produced_by_agent', 'effective_at', 'ingested_at', 'created_at', 'supersedes', 'is_current',
    'fhir_resource_type', 'fhir_resource_id', 'sync_status', 'sync_error', 'synced_at', 'raw_json', 'pulled_at',
  ],
  enrichment_history: [
    'entity_id', 'key', 'event_id', 'value_json', 'value_type', 'confidence', 'source', 'source_system',
    'effective_at', 'ingested_at', 'supersedes', 'is_current', 'raw_json', 'pulled_at',
  ],
  entity_merges: ['entity_id', 'linked_entity_id', 'confidence', 'raw_json', 'pulled_at'],
  entity_lineage: ['entity_id', 'raw_json', 'pulled_at'],
  entity_provenance: ['entity_id', 'raw_json', 'pulled_at'],
  calls: [
    'id', 'call_sid', 'direction', 'status', 'call_start_time', 'call_end_time', 'duration_seconds', 'caller_id',
    'phone_number', 'completion_reason', 'turn_count', 'raw_json', 'pulled_at',
  ],
  call_turns: [
    'call_id', 'position', 'turn_id', 'timestamp', 'speaker_id', 'speaker_role', 'agent_transcript',
    'user_transcript', 'agent_speech_start_ms', 'agent_speech_end_ms', 'user_speech_start_ms', 'user_speech_end_ms',
    'stt_confidence', 'interrupted', 'state', 'raw_json',
  ],
  sinks: ['data_source_id', 'name', 'source_type', 'total', 'synced', 'failed', 'pending', 'raw_json', 'pulled_at'],
  sync_events: [
    'event_id', 'data_source_id', 'event_type', 'entity_id', 'entity_type', 'display_name', 'source', 'source_system',
    'fhir_resource_type', 'fhir_resource_id', 'sync_status', 'sync_error', 'synced_at', 'created_at', 'raw_json',
    'pulled_at',
  ],
  audit_events: [
    'id', 'timestamp', 'service', 'actor_entity_id', 'actor_credential_id', 'action', 'resource_type', 'resource_id',
    'resource_name', 'phi_accessed', 'ip_address', 'user_agent', 'raw_json', 'pulled_at',
  ],
  retention_policy: [
    'id', 'call_recordings_days', 'call_transcripts_days', 'audit_log_days', 'world_events_days', 'phi_data_days',
    'legal_hold', 'legal_hold_reason', 'raw_json', 'pulled_at',
  ],
  compliance_reports: ['kind', 'params', 'generated_at', 'raw_json', 'pulled_at'],
  sync_cursors: [
    'stream', 'cursor', 'last_page_at', 'last_success_at', 'last_error', 'last_error_at', 'stored_count', 'total',
    'updated_at',
  ],
  outbox: [
    'seq', 'id', 'idempotency_key', 'kind', 'item_id', 'payload_json', 'state', 'attempts', 'last_error',
    'server_reason', 'next_attempt_at', 'created_by_sub', 'created_at', 'updated_at',
  ],
  local_access_log: [
    'seq', 'id', 'actor_sub', 'actor_name', 'entity_id', 'resource_type', 'resource_id', 'action', 'device_id',
    'online', 'local_time', 'tz_offset_minutes', 'details_json', 'prev_hash', 'hash', 'delivered', 'delivered_at',
    'server_time',
  ],
};

describe('0001-initial', () => {
  let tmp: TempDir;
  let db: TestDatabase;

  beforeAll(() => {
    tmp = tempDir();
    db = openTestDatabase(tmp.file('initial.db'), { migrate: false });
    // Schema 1 alone: later migrations change some of these tables and have their own tests.
    expect(migrate(db.write, MIGRATIONS.slice(0, 1)).applied).toEqual(['0001-initial']);
    expect(db.read.readPragma('user_version')).toBe(1);
  });
  afterAll(() => {
    db.close();
    tmp.remove();
  });

  it('creates every table, STRICT, with its columns', () => {
    const tables = db.read.all<{ name: string; strict: number }>(
      sql`SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'`,
    );
    expect(tables.map((t) => t.name).sort()).toEqual(Object.keys(TABLES).sort());
    for (const table of tables) expect(table.strict, `${table.name} is STRICT`).toBe(1);
    for (const [table, columns] of Object.entries(TABLES)) {
      const actual = db.read
        .all<{ name: string }>(sql`SELECT name FROM pragma_table_xinfo(${table})`)
        .map((c) => c.name);
      expect(actual, table).toEqual(columns);
    }
  });

  it('enforces column types and local states', () => {
    expect(() =>
      db.write.run(sql`INSERT INTO review_items (id, workspace_id, session_id, status, priority, reason, event_count,
        raw_json, pulled_at) VALUES ('x', 'w', 's', 'pending', 'high', 'r', 0, '{}', 't')`),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(() =>
      db.write.run(sql`INSERT INTO review_items (id, workspace_id, session_id, status, priority, reason, event_count,
        raw_json, pulled_at) VALUES ('x', 'w', 's', 'pending', 1, 'r', 0, 'not json', 't')`),
    ).toThrow(/CHECK constraint/);
    expect(() =>
      db.write
        .run(sql`INSERT INTO outbox (id, idempotency_key, kind, payload_json, state, created_by_sub, created_at, updated_at)
        VALUES ('o', 'k', 'approve', '{}', 'lost', 'sub', 't', 't')`),
    ).toThrow(/CHECK constraint/);
  });

  it('never deletes an unsent outbox intent', () => {
    db.write
      .run(sql`INSERT INTO outbox (id, idempotency_key, kind, item_id, payload_json, created_by_sub, created_at, updated_at)
      VALUES ('o1', 'k1', 'approve', 'i1', '{}', 'sub', 't', 't'), ('o2', 'k2', 'reject', 'i2', '{}', 'sub', 't', 't')`);
    expect(() => db.write.run(sql`DELETE FROM outbox WHERE id = 'o1'`)).toThrow(/only sent intents/);
    db.write.run(sql`UPDATE outbox SET state = 'quarantined', server_reason = 'already completed' WHERE id = 'o1'`);
    expect(() => db.write.run(sql`DELETE FROM outbox WHERE id = 'o1'`)).toThrow(/only sent intents/);
    db.write.run(sql`UPDATE outbox SET state = 'sent' WHERE id = 'o2'`);
    db.write.run(sql`DELETE FROM outbox WHERE id = 'o2'`);
    expect(db.read.all(sql`SELECT id FROM outbox ORDER BY seq`)).toEqual([{ id: 'o1' }]);
  });

  it('keeps the local access log append-only; only delivery may be recorded', () => {
    db.write.run(sql`INSERT INTO local_access_log (id, actor_sub, entity_id, resource_type, action, device_id, online,
      local_time, prev_hash, hash) VALUES ('a1', 'sub', 'e1', 'entity', 'view_transcript', 'dev', 0,
      '2025-01-01T00:00:00.000Z', ${'0'.repeat(64)}, ${'1'.repeat(64)})`);
    expect(() => db.write.run(sql`DELETE FROM local_access_log`)).toThrow(/append-only/);
    expect(() => db.write.run(sql`UPDATE local_access_log SET action = 'nothing'`)).toThrow(/cannot be edited/);
    expect(() => db.write.run(sql`UPDATE local_access_log SET entity_id = 'e2'`)).toThrow(/cannot be edited/);
    db.write.run(sql`UPDATE local_access_log SET delivered = 1, delivered_at = 't', server_time = 't' WHERE id = 'a1'`);
    expect(() => db.write.run(sql`UPDATE local_access_log SET delivered = 0`)).toThrow(/stays delivered/);
  });

  it('cascades an item’s events and a call’s turns', () => {
    db.write.run(sql`INSERT INTO calls (id, status, duration_seconds, turn_count, raw_json, pulled_at)
      VALUES ('c1', 'completed', 10, 1, '{}', 't')`);
    db.write.run(
      sql`INSERT INTO call_turns (call_id, position, interrupted, state, raw_json) VALUES ('c1', 0, 0, '', '{}')`,
    );
    expect(() =>
      db.write.run(
        sql`INSERT INTO call_turns (call_id, position, interrupted, state, raw_json) VALUES ('nope', 0, 0, '', '{}')`,
      ),
    ).toThrow(/FOREIGN KEY/);
    db.write.run(sql`DELETE FROM calls WHERE id = 'c1'`);
    expect(db.read.value(sql`SELECT count(*) FROM call_turns`)).toBe(0);
  });

  describe('query plans (no full scan, no sort step) for the desk and audit queries', () => {
    const plan = (query: SqlFragment): string =>
      db.write
        .all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${query}`)
        .map((r) => r.detail)
        .join(' | ');

    const expectIndexed = (query: SqlFragment, index: string): void => {
      const text = plan(query);
      expect(text, text).toContain(index);
      expect(text, text).not.toMatch(/TEMP B-TREE/);
      expect(text, text).not.toMatch(/SCAN \w+$|SCAN \w+ \|/);
    };

    it('review desk', () => {
      expectIndexed(
        sql`SELECT id FROM review_items WHERE status = ${'pending'} ORDER BY priority DESC, created_at DESC, id DESC LIMIT 50`,
        'review_items_status_priority',
      );
      expectIndexed(
        sql`SELECT id FROM review_items WHERE status = ${'pending'} ORDER BY created_at, id LIMIT 50`,
        'review_items_status_created',
      );
      expectIndexed(
        sql`SELECT id FROM review_items WHERE status = ${'pending'} ORDER BY min_confidence, id LIMIT 50`,
        'review_items_status_confidence',
      );
      expectIndexed(
        sql`SELECT id FROM review_items WHERE entity_type = ${'patient'} AND status = ${'pending'} ORDER BY created_at LIMIT 50`,
        'review_items_entity_type',
      );
      expectIndexed(
        sql`SELECT id FROM review_items WHERE assigned_to = ${'me'} AND status = ${'in_progress'} ORDER BY created_at LIMIT 50`,
        'review_items_assigned',
      );
      expectIndexed(sql`SELECT count(*) FROM review_items WHERE status = ${'pending'}`, 'review_items_status');
      expectIndexed(
        sql`SELECT event_id FROM review_item_events WHERE review_item_id = ${'i'} ORDER BY review_item_id, event_id`,
        'review_item_events',
      );
    });

    it('audit reports', () => {
      const from = '2025-01-01T00:00:00.000Z';
      const to = '2025-02-01T00:00:00.000Z';
      expectIndexed(
        sql`SELECT id FROM audit_events WHERE timestamp >= ${from} AND timestamp < ${to} ORDER BY timestamp DESC, id DESC LIMIT 100`,
        'audit_events_time',
      );
      // PHI only: the literal 1 (not a parameter) lets SQLite use the partial index.
      expectIndexed(
        sql`SELECT id FROM audit_events WHERE phi_accessed = 1 AND timestamp >= ${from} ORDER BY timestamp DESC, id DESC LIMIT 100`,
        'audit_events_phi_time',
      );
      for (const [column, index] of [
        ['actor_entity_id', 'audit_events_actor'],
        ['resource_id', 'audit_events_resource'],
        ['service', 'audit_events_service'],
        ['action', 'audit_events_action'],
        ['resource_type', 'audit_events_resource_type'],
      ] as const) {
        const filter = {
          actor_entity_id: sql`actor_entity_id`,
          resource_id: sql`resource_id`,
          service: sql`service`,
          action: sql`action`,
          resource_type: sql`resource_type`,
        }[column];
        expectIndexed(
          sql`SELECT id FROM audit_events WHERE ${filter} = ${'x'} AND timestamp BETWEEN ${from} AND ${to} ORDER BY timestamp DESC LIMIT 100`,
          index,
        );
      }
    });

    it('lineage lookups', () => {
      expectIndexed(
        sql`SELECT id FROM entity_events WHERE entity_id = ${'e'} ORDER BY effective_at`,
        'entity_events_entity_effective',
      );
      expectIndexed(
        sql`SELECT id FROM entity_events WHERE entity_id = ${'e'} AND ingested_at <= ${'t'} ORDER BY ingested_at`,
        'entity_events_entity_ingested',
      );
      expectIndexed(sql`SELECT id FROM entity_events WHERE supersedes = ${'x'}`, 'entity_events_supersedes');
      expectIndexed(sql`SELECT id FROM entities WHERE mrn = ${'123'}`, 'entities_mrn');
      expectIndexed(
        sql`SELECT id FROM entities WHERE phone IS NOT NULL AND phone_digits = ${'5550102030'}`,
        'entities_phone',
      );
      expectIndexed(
        sql`SELECT event_id FROM enrichment_history WHERE entity_id = ${'e'} AND key = ${'k'} ORDER BY ingested_at DESC`,
        'enrichment_history_timeline',
      );
      expectIndexed(
        sql`SELECT id FROM local_access_log WHERE delivered = 0 ORDER BY seq`,
        'local_access_log_undelivered',
      );
      expectIndexed(sql`SELECT seq FROM outbox WHERE state = ${'pending'} ORDER BY seq`, 'outbox_state_seq');
    });
  });
});
