/**
 * The review desk's reads over a real encrypted database holding a generated workspace: the
 * queue's filters, search, sorts and counts, one item's view with evidence computed locally
 * (checked against the generator's oracle), and the correction form proxied from a real
 * simulator, cached, and built locally when neither is there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewItem } from '../../../../shared/amigo';
import type { QueueFilters, QueueRowView } from '../../../../shared/contract/review.views';
import { ageFactor } from '../../../../shared/review/review-risk';
import { bindWorkspace } from '../../../../electron/server/db/meta.repo';
import { sql } from '../../../../electron/server/db/sql';
import { ReviewStore } from '../../../../electron/server/modules/review/review.store';
import { RemoteClient } from '../../../../electron/server/remote/remote-client';
import type { WorkspaceDatabase } from '../../../../electron/server/db/workspace-database';
import { createRegionalBackend } from '../../../regional-backend/server';
import { RIVERBEND, smallDataset } from '../../../regional-backend/generator/test-helpers';
import { personByLogin } from '../../../regional-backend/directory';
import { ReviewDeskLoader } from '../../../support/review-desk-data';
import { openTestDatabase, tempDir, type TempDir, type TestDatabase } from '../../server-test-kit';

const ME = 'reviewer-sub';
const NOW = new Date('2026-11-01T00:00:00.000Z');
const { records } = smallDataset(7);
const open = records.review_items.filter((i) => i.status === 'pending' || i.status === 'in_progress');

let dir: TempDir;
let db: TestDatabase;
let store: ReviewStore;

const page = (filters: Partial<QueueFilters> = {}, sort: 'risk' | 'priority' | 'age' | 'confidence' = 'risk') =>
  store.queuePage({ status: 'open', ...filters }, { sort, offset: 0, limit: 200, me: ME, now: NOW });

const ids = (rows: readonly QueueRowView[]): string[] => rows.map((r) => r.id).sort();
const expectIds = (items: readonly ReviewItem[]): string[] => items.map((i) => i.id).sort();

beforeAll(() => {
  dir = tempDir();
  db = openTestDatabase(dir.file('desk.db'), { bind: false });
  bindWorkspace(db.write, { region: 'us-east-1', workspaceId: RIVERBEND.id }, NOW.toISOString());
  const loader = new ReviewDeskLoader(db.write, NOW.toISOString());
  // A few items get a claim by "me" so My queue has something to show.
  open.slice(0, 3).forEach((i) => loader.item({ ...i, status: 'in_progress', assigned_to: ME }));
  open.slice(3).forEach((i) => loader.item(i));
  records.calls.forEach((c) => loader.call(c));
  records.entities.filter((e) => e.entity_type === 'patient').forEach((e) => loader.entity(e));
  loader.flush();
  store = new ReviewStore(db as unknown as WorkspaceDatabase);
});

afterAll(() => {
  db.close();
  dir.remove();
});

describe('queue', () => {
  it('lists the open items with a total, and pages without gaps or repeats', () => {
    const all = page();
    expect(all.total).toBe(open.length);
    expect(ids(all.rows)).toEqual(expectIds(open));
    const first = store.queuePage({ status: 'open' }, { sort: 'age', offset: 0, limit: 10, me: ME, now: NOW });
    const second = store.queuePage({ status: 'open' }, { sort: 'age', offset: 10, limit: 10, me: ME, now: NOW });
    const whole = page({}, 'age');
    expect([...first.rows, ...second.rows].map((r) => r.id)).toEqual(whole.rows.slice(0, 20).map((r) => r.id));
  });

  it('sorts by priority, age, lowest confidence and risk', () => {
    const byPriority = page({}, 'priority').rows;
    expect(byPriority.map((r) => r.priority)).toEqual([...byPriority.map((r) => r.priority)].sort((a, b) => a - b));
    const byAge = page({}, 'age').rows.map((r) => r.createdAt ?? '');
    expect(byAge).toEqual([...byAge].sort());
    const byConfidence = page({}, 'confidence').rows.map((r) => r.minConfidence ?? 2);
    expect(byConfidence).toEqual([...byConfidence].sort((a, b) => a - b));
    const byRisk = page({}, 'risk').rows;
    expect(byRisk.map((r) => r.risk)).toEqual([...byRisk.map((r) => r.risk)].sort((a, b) => b - a));
    // The score is the documented product: (1 − confidence) × criticality × age factor.
    const top = byRisk[0];
    const item = open.find((i) => i.id === top?.id);
    const created = item?.created_at ? Date.parse(item.created_at) : null;
    const low = Math.min(...(item?.events ?? []).map((e) => e.confidence));
    const criticality = (top?.risk ?? 0) / ((1 - low) * ageFactor(created, NOW.getTime()));
    expect(criticality).toBeGreaterThan(0);
    expect(criticality).toBeLessThanOrEqual(1);
    // A medication or allergy item outranks an appointment at the same doubt and age.
    expect(byRisk.findIndex((r) => r.entityType === 'medication' || r.entityType === 'allergy')).toBeLessThan(
      byRisk.findIndex((r) => r.entityType === 'appointment'),
    );
  });

  it('filters by status, entity type, priority, reason, assignee and date range', () => {
    const of = (pred: (i: ReviewItem) => boolean): string[] => expectIds(open.filter(pred));
    expect(ids(page({ entityType: 'medication' }).rows)).toEqual(of((i) => i.entity_type === 'medication'));
    expect(ids(page({ priority: 1 }).rows)).toEqual(of((i) => i.priority === 1));
    expect(ids(page({ reason: 'judge_flagged' }).rows)).toEqual(of((i) => i.reason === 'judge_flagged'));
    expect(ids(page({ assignee: 'me' }).rows)).toEqual(expectIds(open.slice(0, 3)));
    expect(page({ assignee: 'me' }).rows.every((r) => r.assignedToMe)).toBe(true);
    expect(page({ status: 'in_progress' }).total).toBeGreaterThanOrEqual(3);
    const dates = open.map((i) => i.created_at ?? '').sort();
    const mid = dates[Math.floor(dates.length / 2)]?.slice(0, 10) ?? '';
    expect(ids(page({ createdFrom: mid }).rows)).toEqual(of((i) => (i.created_at ?? '') >= `${mid}T00:00:00.000Z`));
    expect(ids(page({ createdTo: mid }).rows)).toEqual(of((i) => (i.created_at ?? '').slice(0, 10) <= mid));
  });

  it('searches by patient name, MRN, phone in any punctuation, call id and call SID', () => {
    const patients = records.entities.filter((e) => e.entity_type === 'patient');
    const item = open.find((i) => i.entity_type !== 'patient' && i.entity?.state?.['patient_entity_id']);
    const patient = patients.find((p) => p.id === item?.entity?.state?.['patient_entity_id']);
    if (!item || !patient?.name || !patient.mrn || !patient.phone) throw new Error('fixture: no patient item');
    const mine = (i: ReviewItem): boolean =>
      i.entity_id === patient.id || i.entity?.state?.['patient_entity_id'] === patient.id;
    const family = patient.name.split(' ').at(-1) ?? '';
    expect(ids(page({ q: patient.name }).rows)).toEqual(expect.arrayContaining(expectIds(open.filter(mine))));
    expect(page({ q: family.toUpperCase() }).rows.map((r) => r.id)).toContain(item.id);
    expect(ids(page({ q: patient.mrn }).rows)).toEqual(expectIds(open.filter(mine)));
    const d = patient.phone.replace(/\D/g, '').slice(-10);
    expect(ids(page({ q: `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}` }).rows)).toEqual(
      expect.arrayContaining(expectIds(open.filter(mine))),
    );
    expect(page({ q: item.session_id }).rows.map((r) => r.id)).toContain(item.id);
    const sid = records.calls.find((c) => c.id === item.session_id)?.call_sid ?? '';
    expect(page({ q: sid }).rows.map((r) => r.id)).toContain(item.id);
    expect(page({ q: 'no such patient %_' }).total).toBe(0);
  });

  it('counts per facet under the other filters', () => {
    const counts = store.queueCounts({ status: 'open', entityType: 'medication' }, ME);
    expect(counts.total).toBe(open.filter((i) => i.entity_type === 'medication').length);
    // The entity-type facet ignores the entity-type filter itself.
    expect(counts.entityType.reduce((n, c) => n + c.count, 0)).toBe(open.length);
    expect(counts.reason.reduce((n, c) => n + c.count, 0)).toBe(counts.total);
    expect(counts.mine).toBe(open.slice(0, 3).filter((i) => i.entity_type === 'medication').length);
  });
});

describe('item view', () => {
  const judged = open.filter((i) => Array.isArray(i.judge_analysis?.['fields']));

  it('finds evidence locally on the judge-recorded turn, and none where the value was never said', async () => {
    let found = 0;
    let absent = 0;
    for (const item of judged.slice(0, 40)) {
      const view = await store.item(item.id, ME, null, NOW);
      expect(view.call?.origin).toBe('local');
      for (const f of item.judge_analysis?.['fields'] as {
        event_id: string;
        field: string;
        evidence_found: boolean;
        turn_index: number | null;
      }[]) {
        const field = view.fields.find((v) => v.key === `${f.event_id}:${f.field}`);
        expect(field?.stated).toBe(true);
        if (f.evidence_found) {
          found++;
          expect(field?.evidence?.turnIndex).toBe(f.turn_index);
        } else {
          absent++;
          expect(field?.evidence).toBeNull();
          expect(field?.judge?.evidenceFound).toBe(false);
        }
      }
    }
    expect(found).toBeGreaterThan(10);
    expect(absent).toBeGreaterThan(0);
  });

  it('shows the entity state, what approving would change, and the judge', async () => {
    const item = judged[0];
    if (!item) throw new Error('fixture');
    const view = await store.item(item.id, ME, null, NOW);
    expect(view.entity?.id).toBe(item.entity_id);
    expect(view.judge?.reasoning).toBe(item.judge_analysis?.['reasoning']);
    for (const f of view.fields) expect(f.changes).toBe(JSON.stringify(f.current) !== JSON.stringify(f.value));
    expect(view.fields.every((f) => ['high', 'medium', 'low', 'very_low'].includes(f.band))).toBe(true);
  });

  it('says the transcript is not synced yet when the call is not in the local copy', async () => {
    const item = judged[1];
    if (!item) throw new Error('fixture');
    db.write.transaction(() => {
      db.write.run(sql`DELETE FROM calls WHERE id = ${item.session_id}`);
    });
    const view = await store.item(item.id, ME, null, NOW);
    expect(view.call).toBeNull();
    expect(view.transcriptProblem).toBe('Transcript not synced yet.');
    expect(view.fields.every((f) => f.evidence === null)).toBe(true);
  });

  it('refuses an item the local copy does not hold', async () => {
    await expect(store.item('00000000-0000-4000-8000-000000000000', ME, null, NOW)).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe('correction form', () => {
  it('proxies the backend schema, caches it, and falls back to the cache, then to the events', async () => {
    const backendDir = tempDir('attest-sim-');
    const backend = await createRegionalBackend({
      region: 'us-east-1',
      scale: 'small',
      seed: 7,
      dataDir: backendDir.dir,
    });
    try {
      const reviewer = personByLogin('reviewer');
      if (!reviewer) throw new Error('fixture: reviewer');
      const token = await backend.issueToken(reviewer.sub, RIVERBEND.id);
      const remote = new RemoteClient({
        pin: { origin: new URL(backend.url).origin, region: 'us-east-1', workspaceId: RIVERBEND.id },
        authorizer: {
          headersFor: async () => ({ authorization: `Bearer ${token}` }),
          refreshAfterUnauthorized: async () => false,
        },
        maxRetries: 0,
      });
      const [a, b] = open.filter((i) => i.status === 'pending');
      if (!a || !b) throw new Error('fixture');
      const online = await store.correctionSchema(a.id, remote, NOW);
      expect(online.origin).toBe('backend');
      const firstEvent = a.events?.[0];
      for (const [name, value] of Object.entries(firstEvent?.data ?? {})) {
        if (name.endsWith('_id')) continue;
        expect(online.fields.find((f) => f.name === name)?.current).toEqual(value);
      }
      await backend.close();
      const cached = await store.correctionSchema(a.id, remote, NOW);
      expect(cached.origin).toBe('cache');
      expect(cached.fields).toEqual(online.fields);
      expect(cached.notice).toMatch(/cannot be reached/);
      const local = await store.correctionSchema(b.id, remote, NOW);
      expect(local.origin).toBe('local');
      expect(local.fields.map((f) => f.name).sort()).toEqual(
        Object.keys(Object.assign({}, ...(b.events ?? []).map((e) => e.data)) as object)
          .filter((k) => !k.endsWith('_id'))
          .sort(),
      );
    } finally {
      await backend.close().catch(() => undefined);
      backendDir.remove();
    }
  });
});
