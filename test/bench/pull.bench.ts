/**
 * Benchmark (not a test): the pull against the simulator, in process, on a fresh encrypted
 * database, as an admin (every stream). Per run, on a freshly generated workspace:
 * - first sync: everything (the workspace at `--scale`);
 * - second sync: after one decision and one newly flagged item on the backend;
 * - third sync: nothing changed;
 * - baseline: the first sync's very requests replayed with plain fetch (same concurrency, bodies
 *   read and dropped: no validation, no storage), so the ratio says what validating and storing
 *   costs on top of moving the bytes.
 *
 *   npx tsx test/bench/pull.bench.ts [--scale small|medium] [--runs 3]
 *
 * Writes test/bench/results/pull-<scale>.json. Generation time is not counted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { reviewItem, reviewItemPage } from '../../shared/amigo';
import { RequestPool } from '../../electron/server/sync/request-pool';
import { addOpenItem } from '../server/sync/mirror-checks';
import { clientFor, engineFor, openLocal, startSimulator, subOf } from '../server/sync/sync-test-kit';

const argOf = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SCALE = argOf('scale') === 'medium' ? 'medium' : 'small';
const RUNS = Number(argOf('runs') ?? (SCALE === 'medium' ? 1 : 3));
if (!Number.isInteger(RUNS) || RUNS <= 0) throw new Error('--runs must be a positive integer');
const CONCURRENCY = 4;

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const summary = (values: number[]) => ({
  median_ms: Math.round(percentile(values, 50)),
  p95_ms: Math.round(percentile(values, 95)),
});

interface Run {
  first: number;
  firstRequests: number;
  second: number;
  secondRequests: number;
  third: number;
  thirdRequests: number;
  baseline: number;
  loopLag: { p99_ms: number; max_ms: number };
}

async function once(seed: number): Promise<Run> {
  const sim = await startSimulator({ scale: SCALE, seed });
  const token = await sim.backend.issueToken(subOf('compliance'), sim.workspaceId);
  const client = await clientFor(sim, 'compliance');
  const db = openLocal(sim.tmp.file('bench.db'), sim.workspaceId);
  const engine = engineFor(client, db, 'admin', { concurrency: CONCURRENCY });
  try {
    sim.backend.requests.reset();
    // How long the event loop (which the workspace server's HTTP handlers share) waits at worst
    // during the first pull: "the app stays usable".
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    let t = performance.now();
    await engine.syncNow({ manual: false });
    const first = performance.now() - t;
    lag.disable();
    const loopLag = { p99_ms: Math.round(lag.percentile(99) / 1e6), max_ms: Math.round(lag.max / 1e6) };
    const firstLog = sim.backend.requests.entries();

    const open = await client.remote.get(client.remote.workspacePath('review-queue'), reviewItemPage, {
      status: 'pending',
      limit: 1,
    });
    const decided = open.data.items[0];
    if (decided)
      await client.remote.post(client.remote.workspacePath(`review-queue/${decided.id}/approve`), reviewItem, {});
    addOpenItem(sim);
    sim.backend.requests.reset();
    t = performance.now();
    await engine.syncNow({ manual: false });
    const second = performance.now() - t;
    const secondRequests = sim.backend.requests.count();

    sim.backend.requests.reset();
    t = performance.now();
    await engine.syncNow({ manual: false });
    const third = performance.now() - t;
    const thirdRequests = sim.backend.requests.count();

    // Baseline: the same GETs, plain fetch, same concurrency, bodies drained and dropped.
    const pool = new RequestPool(CONCURRENCY);
    t = performance.now();
    await Promise.all(
      firstLog.map((r) =>
        pool.run(async () => {
          const res = await fetch(`${sim.backend.url}${r.path}${r.query ? `?${r.query.replace(/^\?/, '')}` : ''}`, {
            headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          });
          await res.arrayBuffer();
        }),
      ),
    );
    const baseline = performance.now() - t;
    return { first, firstRequests: firstLog.length, second, secondRequests, third, thirdRequests, baseline, loopLag };
  } finally {
    await engine.stop();
    db.close();
    await sim.close();
  }
}

const runs: Run[] = [];
for (let i = 0; i < RUNS; i++) {
  runs.push(await once(1 + i));
  const r = runs.at(-1);
  if (r) console.error(`run ${i + 1}/${RUNS}: first ${Math.round(r.first)} ms (${r.firstRequests} requests)`);
}
const first = runs.map((r) => r.first);
const baseline = runs.map((r) => r.baseline);
const result = {
  name: 'pull',
  scale: SCALE,
  n: RUNS,
  concurrency: CONCURRENCY,
  ...summary(first),
  first_sync: { ...summary(first), requests: runs.map((r) => r.firstRequests) },
  second_sync: { ...summary(runs.map((r) => r.second)), requests: runs.map((r) => r.secondRequests) },
  third_sync: { ...summary(runs.map((r) => r.third)), requests: runs.map((r) => r.thirdRequests) },
  baseline_transfer: summary(baseline),
  /** Event-loop delay during the first sync (simulator in the same process: an upper bound). */
  event_loop_lag: runs.map((r) => r.loopLag),
  /** First sync time over the time to merely fetch the same responses (≥ 1). */
  ratio_to_transfer: Math.round((percentile(first, 50) / percentile(baseline, 50)) * 100) / 100,
  load_average: (await import('node:os')).loadavg().map((l) => Math.round(l * 100) / 100),
  at: new Date().toISOString(),
};
const out = path.join(import.meta.dirname, 'results', `pull-${SCALE}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
