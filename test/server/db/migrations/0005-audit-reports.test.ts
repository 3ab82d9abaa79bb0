/**
 * Migration 0005: the patient and Attest-event columns computed from what was pulled, the rollup
 * kept exact by triggers through inserts, re-pulls, changes and deletes, the backfill of events
 * pulled before it, and the indexes the reports rely on (checked through the query planner).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../../shared/amigo';
import { MIGRATIONS, migrate } from '../../../../electron/server/db/migrate';
import { sql, type SqlFragment } from '../../../../electron/server/db/sql';
import { applyAuditEvents } from '../../../../electron/server/sync/apply/audit-events.apply';
import { accessEventIdOf, accessEventUserAgent } from '../../../../electron/server/sync/outbox/user-agent';
import { openTestDatabase, tempDir, type TempDir, type TestDatabase } from '../../server-test-kit';

let tmp: TempDir;
let db: TestDatabase;

const event = (over: Partial<AuditEvent> & { id?: string }): AuditEvent => ({
  id: randomUUID(),
  workspace_id: db.workspaceId,
  timestamp: '2026-10-05T10:15:00.000Z',
  service: 'world',
  actor_entity_id: 'a1e0c3b2-7d4f-4a6e-8b9c-0d1e2f3a4b51',
  actor_credential_id: null,
  action: 'entity.read',
  resource_type: 'patient',
  resource_id: randomUUID(),
  resource_name: 'Pat Example',
  phi_accessed: true,
  ip_address: '10.0.0.1',
  user_agent: 'Mozilla/5.0',
  metadata: null,
  ...over,
});

const apply = (events: AuditEvent[]): void => {
  db.write.transaction(() =>
    applyAuditEvents(
      db.write,
      events.map((value) => ({ value, raw: value })),
      '2026-10-05T12:00:00.000Z',
    ),
  );
};

const rollup = () =>
  db.read.all<{
    hour: string;
    service: string;
    action: string;
    resource_type: string;
    actor: string;
    phi: number;
    n: number;
  }>(
    sql`SELECT hour, service, action, resource_type, actor, phi, n FROM audit_rollup WHERE n > 0
      ORDER BY hour, service, action, resource_type, actor, phi`,
  );

const plan = (query: SqlFragment): string =>
  db.write
    .all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${query}`)
    .map((r) => r.detail)
    .join(' | ');

beforeEach(() => {
  tmp = tempDir();
  db = openTestDatabase(tmp.file('ws.db'));
});
afterEach(() => {
  db.close();
  tmp.remove();
});

describe('0005-audit-reports', () => {
  it('is registered in order', () => {
    expect(MIGRATIONS.find((m) => m.name === '0005-audit-reports')?.version).toBe(5);
  });

  it('names the patient of an event: metadata.entity_id first, else the resource', () => {
    const patient = randomUUID();
    const call = event({ resource_type: 'call', resource_id: randomUUID(), metadata: { entity_id: patient } });
    const direct = event({ resource_id: patient });
    const none = event({ resource_id: null, resource_type: 'audit_log' });
    apply([call, direct, none]);
    const subjects = db.read.all<{ id: string; s: string | null }>(
      sql`SELECT id, subject_entity_id AS s FROM audit_events`,
    );
    expect(Object.fromEntries(subjects.map((r) => [r.id, r.s]))).toEqual({
      [call.id]: patient,
      [direct.id]: patient,
      [none.id]: null,
    });
  });

  it('reads the local access event id from the delivery User-Agent, as the push writes it', () => {
    const localId = randomUUID();
    const ua = accessEventUserAgent({ id: localId, localTime: '2026-10-05T10:00:00.000Z', online: false });
    expect(accessEventIdOf(ua)).toBe(localId);
    const delivered = event({ user_agent: ua });
    const foreign = event({ user_agent: `Mozilla/5.0 (access-event ${localId}; recorded x)` });
    const outbox = event({ user_agent: 'Attest/0.1.0 (outbox abc; attempt 1)' });
    apply([delivered, foreign, outbox]);
    const ids = db.read.all<{ id: string; e: string | null }>(sql`SELECT id, attest_event_id AS e FROM audit_events`);
    expect(Object.fromEntries(ids.map((r) => [r.id, r.e]))).toEqual({
      [delivered.id]: localId,
      [foreign.id]: null,
      [outbox.id]: null,
    });
  });

  it('keeps the rollup exact through inserts, re-pulls, changes and deletes', () => {
    const a = event({ timestamp: '2026-10-05T10:15:00.000Z' });
    const b = event({
      timestamp: '2026-10-05T10:59:59.999Z',
      phi_accessed: false,
      action: 'audit.read',
      service: 'audit',
    });
    const c = event({ timestamp: '2026-10-05T11:00:00.000Z', actor_entity_id: null });
    apply([a, b, c]);
    const actor = a.actor_entity_id ?? '';
    expect(rollup()).toEqual([
      { hour: '2026-10-05T10', service: 'audit', action: 'audit.read', resource_type: 'patient', actor, phi: 0, n: 1 },
      { hour: '2026-10-05T10', service: 'world', action: 'entity.read', resource_type: 'patient', actor, phi: 1, n: 1 },
      {
        hour: '2026-10-05T11',
        service: 'world',
        action: 'entity.read',
        resource_type: 'patient',
        actor: '',
        phi: 1,
        n: 1,
      },
    ]);
    // The same page pulled again (an upsert) changes nothing.
    apply([a, b, c]);
    expect(rollup().reduce((s, r) => s + r.n, 0)).toBe(3);
    // A corrected event moves between buckets.
    apply([{ ...a, timestamp: '2026-10-05T11:30:00.000Z' }]);
    expect(rollup()).toContainEqual({
      hour: '2026-10-05T11',
      service: 'world',
      action: 'entity.read',
      resource_type: 'patient',
      actor,
      phi: 1,
      n: 1,
    });
    expect(rollup().filter((r) => r.hour === '2026-10-05T10' && r.service === 'world')).toEqual([]);
    db.write.transaction(() => db.write.run(sql`DELETE FROM audit_events WHERE id = ${b.id}`));
    expect(rollup().reduce((s, r) => s + r.n, 0)).toBe(2);
  });

  it('backfills the rollup and computes the columns for events pulled before it', () => {
    tmp.remove();
    db.close();
    tmp = tempDir();
    db = openTestDatabase(tmp.file('old.db'), { migrate: false });
    migrate(db.write, MIGRATIONS.slice(0, 4));
    db.write.run(sql`INSERT INTO meta (key, value) VALUES ('workspace_id', ${db.workspaceId})`);
    const patient = randomUUID();
    const events = [
      event({ metadata: { entity_id: patient } }),
      event({}),
      event({ timestamp: '2026-10-06T01:00:00.000Z' }),
    ];
    apply(events);
    expect(migrate(db.write, MIGRATIONS.slice(0, 5)).applied).toEqual(['0005-audit-reports']);
    expect(rollup().reduce((s, r) => s + r.n, 0)).toBe(3);
    expect(db.read.value<number>(sql`SELECT count(*) FROM audit_events WHERE subject_entity_id = ${patient}`)).toBe(1);
  });

  it('gives the reports their indexes', () => {
    expect(
      plan(sql`SELECT id FROM audit_events WHERE subject_entity_id = ${'x'} AND phi_accessed = 1
      ORDER BY timestamp DESC, id DESC LIMIT 100`),
    ).toContain('audit_events_subject');
    expect(
      plan(sql`SELECT timestamp, subject_entity_id FROM audit_events WHERE actor_entity_id = ${'x'}
      AND phi_accessed = 1 ORDER BY timestamp`),
    ).toContain('INDEX audit_events_actor_phi_subject'); // 0006 replaced 0005's actor index
    expect(plan(sql`SELECT 1 FROM audit_events WHERE attest_event_id = ${'x'}`)).toContain('audit_events_attest');
    expect(plan(sql`SELECT id FROM audit_events ORDER BY user_agent, timestamp LIMIT 50`)).toContain(
      'audit_events_user_agent',
    );
    expect(plan(sql`SELECT sum(n) FROM audit_rollup WHERE hour >= ${'2026'} AND hour <= ${'2027'}`)).toContain(
      'PRIMARY KEY',
    );
  });
});
