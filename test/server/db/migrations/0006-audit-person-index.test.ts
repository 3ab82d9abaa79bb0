/**
 * Migration 0006 on a database at schema 5 that already holds audit events: the person-centred
 * report's answer is the same before and after, and afterwards it is one range scan of the new
 * (actor, time, patient) index of PHI events (checked through the query planner) instead of the
 * 0005 index, which is gone.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../../shared/amigo';
import { MIGRATIONS, migrate } from '../../../../electron/server/db/migrate';
import { sql } from '../../../../electron/server/db/sql';
import { personPatients } from '../../../../electron/server/modules/audit/phi-reports.repo';
import { applyAuditEvents } from '../../../../electron/server/sync/apply/audit-events.apply';
import { openTestDatabase, tempDir, type TempDir, type TestDatabase } from '../../server-test-kit';

let dir: TempDir;
let db: TestDatabase;
const actor = 'a1e0c3b2-7d4f-4a6e-8b9c-0d1e2f3a4b51';
const patients = [randomUUID(), randomUUID(), randomUUID()];
const range = { from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' };
let before: ReturnType<typeof personPatients>;

const event = (n: number): AuditEvent => ({
  id: randomUUID(),
  workspace_id: db.workspaceId,
  timestamp: `2026-10-${String(1 + (n % 28)).padStart(2, '0')}T10:${String(n % 60).padStart(2, '0')}:00.000Z`,
  service: 'world',
  actor_entity_id: n % 5 === 0 ? 'b2f1d4c3-0000-4000-8000-000000000002' : actor,
  actor_credential_id: null,
  action: 'entity.read',
  resource_type: n % 2 === 0 ? 'patient' : 'call',
  // Half name the patient as the resource, half in the metadata (a call of theirs).
  resource_id: n % 2 === 0 ? (patients[n % 3] ?? '') : randomUUID(),
  resource_name: null,
  phi_accessed: n % 7 !== 0,
  ip_address: '10.0.0.1',
  user_agent: 'Mozilla/5.0',
  metadata: n % 2 === 0 ? null : { entity_id: patients[n % 3] },
});

beforeAll(() => {
  dir = tempDir();
  db = openTestDatabase(dir.file('m6.db'), { migrate: false });
  migrate(db.write, MIGRATIONS.slice(0, 5));
  db.write.run(sql`INSERT INTO meta (key, value) VALUES ('workspace_id', ${db.workspaceId})`);
  const events = Array.from({ length: 300 }, (_, n) => event(n));
  db.write.transaction(() =>
    applyAuditEvents(
      db.write,
      events.map((value) => ({ value, raw: value })),
      '2026-11-01T12:00:00.000Z',
    ),
  );
  // At schema 5 the repo's query (which names the 0006 index) cannot run: the same query, unhinted.
  before = db.read.all(
    sql`SELECT a.subject_entity_id AS subject, count(*) AS n, min(a.timestamp) AS first_at,
        max(a.timestamp) AS last_at FROM audit_events a
      WHERE a.actor_entity_id = ${actor} AND a.phi_accessed = 1 AND a.timestamp >= ${range.from}
        AND a.timestamp <= ${range.to} AND a.subject_entity_id IS NOT NULL
      GROUP BY 1 ORDER BY last_at DESC`,
  );
  expect(migrate(db.write).applied).toEqual(['0006-audit-person-index']);
});

afterAll(() => {
  db.close();
  dir.remove();
});

const indexes = (): string[] =>
  db.read
    .all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_events'`)
    .map((r) => r.name);

describe('0006-audit-person-index', () => {
  it('is registered in order', () => {
    expect(MIGRATIONS.find((m) => m.name === '0006-audit-person-index')?.version).toBe(6);
  });

  it('answers the person-centred report exactly as before', () => {
    expect(before.map((p) => p.subject).sort()).toEqual([...patients].sort());
    expect(personPatients(db.read, actor, range)).toEqual(before);
  });

  it('replaces the actor index with one that carries the patient', () => {
    expect(indexes()).toContain('audit_events_actor_phi_subject');
    expect(indexes()).not.toContain('audit_events_actor_phi');
    const plan = db.write
      .all<{ detail: string }>(
        sql`EXPLAIN QUERY PLAN SELECT a.subject_entity_id, count(*), min(a.timestamp), max(a.timestamp)
          FROM audit_events a INDEXED BY audit_events_actor_phi_subject WHERE a.actor_entity_id = ${actor} AND a.phi_accessed = 1
          AND a.timestamp >= ${range.from} AND a.subject_entity_id IS NOT NULL GROUP BY 1`,
      )
      .map((r) => r.detail)
      .join(' | ');
    expect(plan).toMatch(
      /USING (COVERING )?INDEX audit_events_actor_phi_subject \(actor_entity_id=\? AND timestamp>\?\)/,
    );
  });
});
