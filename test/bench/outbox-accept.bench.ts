/**
 * Benchmark (not a test): accepting a decision locally, the work behind every approve keypress
 * on the desk (one IMMEDIATE transaction with synchronous=FULL: the checks, the outbox entry and
 * its items, and a hash-chained access event), on an encrypted database that already holds a
 * long history (--history entries sent before, as many access events). Baseline: the same
 * transaction shape holding a single bare INSERT into the outbox, so the ratio says what the
 * checks, the items and the access log's chain cost on top of one durable commit. Also timed:
 * the desk's lookup of a page of 50 items' local state (view `review_item_local`), against a bare
 * index lookup of the same items in outbox_items.
 *
 *   npx tsx test/bench/outbox-accept.bench.ts [--history 20000] [--runs 300]
 *
 * Writes test/bench/results/outbox-accept.json.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openEncryptedDatabase } from '../../electron/server/db/connection';
import { bindWorkspace } from '../../electron/server/db/meta.repo';
import { migrate } from '../../electron/server/db/migrate';
import { sql, sqlIn } from '../../electron/server/db/sql';
import { appendAccessEvent } from '../../electron/server/modules/access/access-log.repo';
import { acceptDecision, type DecisionContext } from '../../electron/server/modules/decisions/decisions.service';
import { upsertReviewItems } from '../../electron/server/modules/review/review.repo';
import { enqueueEntry, itemLocalStates, markSending, markSent } from '../../electron/server/sync/outbox/outbox.repo';
import { smallDataset } from '../regional-backend/generator/test-helpers';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const HISTORY = arg('history', 20_000);
const RUNS = arg('runs', 300);

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const stats = (values: readonly number[]) => ({
  median_ms: Number(percentile(values, 50).toFixed(3)),
  p95_ms: Number(percentile(values, 95).toFixed(3)),
  n: values.length,
});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-bench-outbox-'));
const db = openEncryptedDatabase({ file: path.join(dir, 'bench.db'), key: randomBytes(32) });
try {
  migrate(db.write);
  const items = smallDataset(7).records.review_items.filter((i) => i.status === 'pending');
  const workspaceId = items[0]?.workspace_id ?? '';
  bindWorkspace(db.write, { region: 'us-east-1', workspaceId }, new Date().toISOString());
  // Open items to decide (the generator's, re-keyed so there are enough of them).
  const open = Array.from({ length: RUNS + 50 }, (_, n) => {
    const base = items[n % items.length];
    if (!base) throw new Error('no items');
    return { ...base, id: randomUUID(), entity_id: randomUUID() };
  });
  upsertReviewItems(db.write, open, new Date().toISOString());

  // History: earlier decisions, sent, each with its access event (one transaction: setup only).
  const now = new Date().toISOString();
  db.write.transaction(() => {
    for (let n = 0; n < HISTORY; n++) {
      const entry = enqueueEntry(db.write, {
        id: randomUUID(),
        kind: 'approve',
        itemIds: [randomUUID()],
        payload: {},
        decision: { kind: 'approve' },
        notBefore: null,
        createdBySub: 'sub-1',
        now,
      });
      markSending(db.write, entry.id, now);
      markSent(db.write, entry.id, now, {});
      appendAccessEvent(db.write, {
        actorSub: 'sub-1',
        actorName: 'Bench',
        action: 'review_item.approve',
        resourceType: 'review_item',
        resourceId: entry.items[0]?.itemId ?? null,
        entityId: null,
        details: null,
        online: true,
        localTime: now,
        tzOffsetMinutes: 0,
        outboxEntryId: entry.id,
      });
    }
  });

  const ctx = (): DecisionContext => ({
    write: db.write,
    read: db.read,
    user: { sub: 'sub-1', name: 'Bench' },
    online: true,
    now: new Date(),
    undoWindowMs: 10_000,
  });
  const accept: number[] = [];
  const baseline: number[] = [];
  for (let n = 0; n < RUNS; n++) {
    const item = open[n]?.id ?? '';
    const t0 = performance.now();
    acceptDecision(ctx(), item, { kind: 'reject', reasonCode: 'value_not_stated', reasonText: 'never said' });
    accept.push(performance.now() - t0);
    const id = randomUUID();
    const t1 = performance.now();
    db.write.transaction(() => {
      db.write
        .run(sql`INSERT INTO outbox (id, idempotency_key, kind, payload_json, created_by_sub, created_at, updated_at)
        VALUES (${id}, ${id}, 'approve', '{}', 'sub-1', ${now}, ${now})`);
    });
    baseline.push(performance.now() - t1);
  }

  const page = open.slice(0, 50).map((i) => i.id);
  const lookup: number[] = [];
  const lookupBaseline: number[] = [];
  for (let n = 0; n < RUNS; n++) {
    const t0 = performance.now();
    itemLocalStates(db.read, page);
    lookup.push(performance.now() - t0);
    const t1 = performance.now();
    db.read.all(sql`SELECT entry_seq, item_id FROM outbox_items WHERE item_id IN ${sqlIn(page)}`);
    lookupBaseline.push(performance.now() - t1);
  }

  const acceptStats = stats(accept);
  const baselineStats = stats(baseline);
  const result = {
    name: 'outbox-accept',
    history: HISTORY,
    accept: acceptStats,
    baseline_single_insert: baselineStats,
    ratio_median: Number((acceptStats.median_ms / baselineStats.median_ms).toFixed(2)),
    page_local_state_50_items: stats(lookup),
    page_lookup_baseline_items_only: stats(lookupBaseline),
    median_ms: acceptStats.median_ms,
    p95_ms: acceptStats.p95_ms,
    n: acceptStats.n,
    measured_at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, load1: Number(os.loadavg()[0]?.toFixed(2)) },
  };
  const out = path.resolve(import.meta.dirname, 'results', 'outbox-accept.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
