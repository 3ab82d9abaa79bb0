/**
 * Issue 4 "done when": under injected 429s, 5xx, dropped connections and malformed, oversized and
 * schema-violating pages, the local data is never partial or wrong, a failing page leaves what
 * was stored as it was (with a clear error on its stream), and the sync completes once the
 * faults stop. Real simulator (small scale), real encrypted database.
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EncryptedDatabase } from '../../../electron/server/db/connection';
import { sql, sqlIdentifier } from '../../../electron/server/db/sql';
import { RateGate } from '../../../electron/server/sync/rate-gate';
import type { SyncEngine } from '../../../electron/server/sync/sync-engine';
import { inconsistencies, localFigures, simFigures } from './mirror-checks';
import { clientFor, engineFor, openLocal, startSimulator, subOf, type SimHarness } from './sync-test-kit';

const DATA_TABLES = [
  'review_items',
  'review_item_events',
  'review_history',
  'entities',
  'entity_events',
  'enrichment_history',
  'entity_merges',
  'entity_lineage',
  'entity_provenance',
  'calls',
  'call_turns',
  'sinks',
  'sync_events',
  'audit_events',
  'retention_policy',
  'compliance_reports',
  'pull_marks',
] as const;

/** A digest of every pulled table, row by row in key order: "the stored data as it was". */
const digest = (db: EncryptedDatabase): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const table of DATA_TABLES) {
    const hash = createHash('sha256');
    for (const row of db.read.iterate<Record<string, unknown>>(
      sql`SELECT * FROM ${sqlIdentifier(table, DATA_TABLES)} ORDER BY 1, 2, 3`,
    )) {
      hash.update(JSON.stringify(row));
    }
    out[table] = hash.digest('hex');
  }
  return out;
};

/** Something to pull again: a full listing of the queue, every entity and call wanted again. */
const wantEverythingAgain = (db: EncryptedDatabase): void =>
  db.write.transaction(() => {
    db.write.run(sql`UPDATE pull_marks SET wanted_at = '9999-01-01T00:00:00.000Z'`);
    db.write.run(sql`UPDATE sync_cursors SET cursor = NULL WHERE stream = 'review-queue'`);
  });

const errorsOf = (engine: SyncEngine): string[] =>
  engine
    .status()
    .streams.map((s) => s.lastError)
    .filter((e): e is string => e !== null);

describe('pull under faults', () => {
  let sim: SimHarness;
  beforeAll(async () => {
    sim = await startSimulator({ scale: 'small', seed: 3 });
  }, 120_000);
  afterAll(async () => sim.close());
  afterEach(() => sim.backend.faults.clear());

  it('is never partial or wrong under faults, and completes once they stop', async () => {
    const client = await clientFor(sim, 'compliance');
    const db = openLocal(sim.tmp.file('faults.db'), sim.workspaceId);
    const engine = engineFor(client, db, 'admin');
    const faults = sim.backend.faults;

    // A first pull through transient trouble: 5xx often enough that some requests fail even after
    // RemoteClient's retries (whole streams fail and are retried later), 429s, dropped connections.
    faults.add({ kind: 'status', status: 503, rate: 0.35, path: '/v1/**' });
    faults.add({ kind: 'status', status: 429, retry_after: 1, count: 3, path: '/v1/*/review-queue' });
    faults.add({ kind: 'drop', rate: 0.2, path: '/v1/*/world/entities/*/timeline' });
    // Errors seen after any pass: which fault a stream met last is random (a drop can follow a
    // 503), so the 503 is looked for across all passes, not only in the final status.
    const seen: string[] = [];
    for (let pass = 0; pass < 4; pass++) {
      await engine.syncNow({ manual: true });
      seen.push(...errorsOf(engine));
      // At every step: nothing half stored, nothing the simulator did not say.
      expect(inconsistencies(sim, db)).toEqual([]);
    }
    expect(seen.join('\n')).toMatch(/The backend had a problem \(503\)/);
    expect(sim.backend.requests.count({ status: 429 })).toBeGreaterThan(0);
    expect(sim.backend.requests.count({ status: 0 })).toBeGreaterThan(0);
    faults.clear();
    await engine.syncNow({ manual: true });
    expect(errorsOf(engine)).toEqual([]);
    expect(engine.status().lastCompleteSyncAt).not.toBeNull();
    expect(localFigures(db)).toEqual(simFigures(sim, { audit: true }));
    expect(inconsistencies(sim, db)).toEqual([]);

    // A refresh through bad pages: each fails its stream (or its one record) with a clear error
    // and stores nothing; the next pass without faults completes.
    wantEverythingAgain(db);
    faults.add({ kind: 'malformed', count: 2, path: '/v1/*/audit' });
    faults.add({ kind: 'malformed', count: 1, path: '/v1/*/review-queue' });
    faults.add({ kind: 'schema', count: 3, path: '/v1/*/world/entities/*' });
    faults.add({ kind: 'schema', count: 1, path: '/v1/*/review-queue/history' });
    faults.add({ kind: 'oversized', count: 1, bytes: 17 * 1024 * 1024, path: '/v1/*/calls/*' });
    await engine.syncNow({ manual: true });
    const messages = errorsOf(engine).join('\n');
    expect(messages).toMatch(/review-queue was not valid JSON; nothing was stored/);
    expect(messages).toMatch(/history did not match the API contract .*; nothing was stored/);
    expect(messages).toMatch(/3 entity record\(s\) could not be stored and will be tried again/);
    expect(messages).toMatch(/call record\(s\) could not be stored.*larger than \d+ bytes; nothing was stored/);
    expect(inconsistencies(sim, db)).toEqual([]);
    faults.clear();
    await engine.syncNow({ manual: true });
    expect(errorsOf(engine)).toEqual([]);
    expect(localFigures(db)).toEqual(simFigures(sim, { audit: true }));
    expect(inconsistencies(sim, db)).toEqual([]);
    await engine.stop();
    db.close();
  }, 300_000);

  it('leaves the stored data exactly as it was when every page is malformed, and says why', async () => {
    const client = await clientFor(sim, 'compliance');
    const db = openLocal(sim.tmp.file('malformed.db'), sim.workspaceId);
    const engine = engineFor(client, db, 'admin', { reportMaxAgeMs: 0 });
    await engine.syncNow({ manual: true });
    expect(errorsOf(engine)).toEqual([]);
    wantEverythingAgain(db);
    const before = digest(db);

    for (const kind of ['malformed', 'schema'] as const) {
      sim.backend.faults.add({ kind, rate: 1, path: '/v1/**' });
      await engine.syncNow({ manual: true });
      sim.backend.faults.clear();
      expect(digest(db)).toEqual(before);
      const errors = errorsOf(engine);
      expect(errors.length).toBeGreaterThan(5);
      for (const e of errors) expect(e).toMatch(/nothing was stored|could not be stored/);
    }

    await engine.syncNow({ manual: true });
    expect(errorsOf(engine)).toEqual([]);
    expect(localFigures(db)).toEqual(simFigures(sim, { audit: true }));
    await engine.stop();
    db.close();
  }, 300_000);

  it('keeps within the rate limit: after a 429 every stream waits out Retry-After, and sync completes', async () => {
    const gate = new RateGate();
    const client = await clientFor(sim, 'reviewer', { gate });
    const db = openLocal(sim.tmp.file('rate.db'), sim.workspaceId);
    const engine = engineFor(client, db, 'member');
    sim.backend.rateLimiter.configure({ limit: 60, windowMs: 1_000 });
    sim.backend.requests.reset();
    try {
      await engine.syncNow({ manual: false });
      for (let i = 0; i < 5 && errorsOf(engine).length > 0; i++) await engine.syncNow({ manual: true });
    } finally {
      sim.backend.rateLimiter.configure({ limit: 20_000, windowMs: 60_000 });
    }
    expect(errorsOf(engine)).toEqual([]);
    expect(localFigures(db)).toEqual(simFigures(sim, { audit: false }));
    // The gate held requests instead of sending them into a spent budget.
    expect(gate.stats.held).toBeGreaterThan(0);
    const refused = sim.backend.requests.count({ status: 429 });
    const served = sim.backend.requests.count({ status: 200 });
    expect(refused).toBeLessThan(served / 10);
    await engine.stop();
    db.close();
  }, 300_000);

  it('a 401 no refresh cures asks for a sign-in once, keeps the local copy, and resumes after it', async () => {
    const client = await clientFor(sim, 'reviewer');
    const db = openLocal(sim.tmp.file('session.db'), sim.workspaceId);
    const asked: string[] = [];
    const engine = engineFor(client, db, 'member', { onSignInRequired: (m) => void asked.push(m) });
    await engine.syncNow({ manual: true });
    const before = digest(db);
    const good = await sim.backend.issueToken(subOf('reviewer'), sim.workspaceId);

    client.setToken('not-a-valid-token');
    await engine.syncNow({ manual: false });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/Sign in again/);
    expect(digest(db)).toEqual(before);
    // Locked out: the poll sends nothing more until a person signs in again.
    sim.backend.requests.reset();
    await engine.syncNow({ manual: false });
    expect(sim.backend.requests.count()).toBe(0);
    expect(asked).toHaveLength(1);

    client.setToken(good);
    await engine.syncNow();
    expect(errorsOf(engine)).toEqual([]);
    await engine.stop();
    db.close();
  }, 120_000);
});
