/**
 * Benchmark (not a test): keypress-to-next-item on the review desk with the LARGE dataset
 * (100k review items, their calls and patients) in the app's encrypted local copy, measured in
 * Chromium from the keydown event to the next item's content painted (User Timing entries the
 * desk records: see renderer/features/review/keypress-timing.ts), over 200 presses of `j`.
 *
 *   npx tsx test/bench/review-keypress.bench.ts [--items 100000] [--presses 200]
 *
 * How the local copy is made: the app signs in once against the simulator (creating its
 * encrypted database with a key in the OS keychain), stops, and the large generator output is
 * written into that database through the review writer (upsertReviewItems) and the call and
 * entity tables; the app then starts again on it. The simulator's review-queue listing is
 * failed on purpose during the run, so the pull cannot settle the 100k local items away (the
 * simulator itself holds the small dataset). Needs a Secret Service: the script re-runs itself
 * in a private D-Bus session with a throwaway, unlocked gnome-keyring (as tools/test.sh does).
 * Writes test/bench/results/review-keypress.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { openEncryptedDatabase } from '../../electron/server/db/connection';
import { loadKeytar, DEFAULT_SERVICE } from '../../electron/server/secrets/keytar-secret-store';
import { databaseKeyAccount } from '../../electron/server/secrets/database-key';
import type { DatasetSink } from '../regional-backend/dataset';
import { DEMO_WORKSPACES } from '../regional-backend/directory';
import { generateWorkspace } from '../regional-backend/generator';
import { createRegionalBackend } from '../regional-backend/server';
import { signInThroughIdentityProvider } from '../e2e/pages/sign-in.page';
import { spawnApp } from '../support/spawn-app';
import { ReviewDeskLoader } from '../support/review-desk-data';

const MEASURE = 'review:keypress-to-next-item';
const FRAME_MS = 1000 / 60;

if (!process.env.ATTEST_BENCH_KEYRING) {
  // A private session bus and an unlocked throwaway keyring, then run this script again inside.
  const keyringHome = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-bench-keyring-'));
  const tsxCli = path.resolve(import.meta.dirname, '../../node_modules/tsx/dist/cli.mjs');
  const command = [process.execPath, tsxCli, ...process.argv.slice(1)].map((a) => JSON.stringify(a)).join(' ');
  const inner = [
    `echo -n attest-bench | XDG_DATA_HOME=${keyringHome} gnome-keyring-daemon --unlock --components=secrets >/dev/null`,
    `exec env ATTEST_BENCH_KEYRING=1 XDG_DATA_HOME=${keyringHome} ${command}`,
  ].join(' && ');
  const result = spawnSync('dbus-run-session', ['--', 'bash', '-c', inner], { stdio: 'inherit' });
  fs.rmSync(keyringHome, { recursive: true, force: true });
  process.exit(result.status ?? 1);
}

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    presses: { type: 'string', default: '200' },
    // Writes a Chrome DevTools CPU profile of the measured presses beside the results.
    profile: { type: 'boolean', default: false },
  },
});
const presses = Number(values.presses);
const itemLimit = Number(values.items);
const found = DEMO_WORKSPACES.find((w) => w.slug === 'riverbend-clinic');
if (!found) throw new Error('no Riverbend workspace');
const workspace = found;
const root = path.resolve(import.meta.dirname, '..', '..');
if (!fs.existsSync(path.join(root, 'dist/renderer/index.html'))) execFileSync('npx', ['vite', 'build'], { cwd: root });

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

async function signIn(page: Page, launchUrl: string): Promise<void> {
  await page.goto(launchUrl);
  // On the second start the app may resume the session from the keychain: sign in only if asked.
  const first = await Promise.race([
    page
      .getByTestId('sign-in-button')
      .waitFor({ timeout: 60_000 })
      .then(() => 'sign-in' as const),
    page
      .getByTestId('review-desk')
      .waitFor({ timeout: 60_000 })
      .then(() => 'desk' as const),
  ]);
  if (first === 'sign-in') await signInThroughIdentityProvider(page, launchUrl, 'reviewer');
  await page.getByTestId('item-view').waitFor({ timeout: 120_000 });
}

async function main(): Promise<void> {
  const backendDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-bench-sim-'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-bench-data-'));
  const backend = await createRegionalBackend({ region: 'us-east-1', scale: 'small', seed: 7, dataDir: backendDir });
  const browser = await chromium.launch({
    executablePath: process.env.ATTEST_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    // 1. First run: the app creates its encrypted copy (key in the keychain) and pulls the small queue.
    let app = await spawnApp({ backendUrl: backend.url, issuer: backend.issuer, dataDir, demo: true });
    let page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await signIn(page, app.launchUrl);
    await page.close();
    await app.stop();

    // 2. The large dataset into that copy, through the writers sync uses.
    const keytar = await loadKeytar();
    const keyText = await keytar.getPassword(DEFAULT_SERVICE, databaseKeyAccount('us-east-1', workspace.id));
    if (keyText === null) throw new Error('The app left no database key in the keychain.');
    const file = path.join(dataDir, 'workspaces', 'us-east-1', `${workspace.id}.db`);
    const db = openEncryptedDatabase({ file, key: Buffer.from(keyText, 'base64url') });
    const loadStarted = performance.now();
    const loader = new ReviewDeskLoader(db.write);
    let items = 0;
    const ignore = (): void => undefined;
    const sink: DatasetSink = {
      workspaces: ignore,
      retention: ignore,
      sinks: ignore,
      entities: (e) => {
        if (e.entity_type === 'patient') loader.entity(e);
      },
      entity_events: ignore,
      enrichment: ignore,
      merges: ignore,
      calls: (c) => loader.call(c),
      review_items: (i) => {
        if (items++ < itemLimit) loader.item(i);
      },
      sync_events: ignore,
      audit_events: ignore,
    };
    generateWorkspace({ seed: 1, scale: 'large', workspace }, sink);
    loader.flush();
    const loadMs = performance.now() - loadStarted;
    db.close();
    console.error(`loaded ${JSON.stringify(loader.counts)} in ${(loadMs / 1000).toFixed(1)} s`);

    // 3. The pull must not settle the local items away: the queue listing fails during the run.
    await fetch(`${backend.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'status',
        status: 503,
        method: 'GET',
        path: '^/v1/[^/]+/review-queue(\\?.*)?$',
        rate: 1,
      }),
    });

    // 4. Second run on the large copy: press j and read the desk's own timing entries.
    app = await spawnApp({ backendUrl: backend.url, issuer: backend.issuer, dataDir, demo: true });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await signIn(page, app.launchUrl);
    const total = Number(await page.getByTestId('queue-total').getAttribute('data-total'));
    await page.getByTestId('queue-list').focus();
    // Warm-up: the first presses fetch windows and code paths once.
    for (let i = 0; i < 5; i++) await pressAndWait(page);
    await page.evaluate((name) => performance.clearMeasures(name), MEASURE);
    const cdp = values.profile ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    for (let i = 0; i < presses; i++) await pressAndWait(page);
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      fs.mkdirSync(path.join(root, 'test/bench/results'), { recursive: true });
      fs.writeFileSync(path.join(root, 'test/bench/results/review-keypress.cpuprofile'), JSON.stringify(profile));
      console.error(`profile: ${summarizeProfile(profile)}`);
    }
    const samples = await page.evaluate(
      (name) => performance.getEntriesByName(name, 'measure').map((m) => m.duration),
      MEASURE,
    );
    const emptyFrame = await measureEmptyFrame(page, presses);
    await page.close();
    await app.stop();

    const sorted = [...samples].sort((a, b) => a - b);
    const median = percentile(sorted, 50);
    const p95 = percentile(sorted, 95);
    const result = {
      name: 'review-keypress',
      what: 'keydown of j to the next item content painted (rAF + message), Chromium, large dataset',
      median_ms: Math.round(median * 100) / 100,
      p95_ms: Math.round(p95 * 100) / 100,
      max_ms: Math.round((sorted.at(-1) ?? Number.NaN) * 100) / 100,
      n: samples.length,
      frame_ms: Math.round(FRAME_MS * 100) / 100,
      median_frame_ratio: Math.round((median / FRAME_MS) * 1000) / 1000,
      p95_frame_ratio: Math.round((p95 / FRAME_MS) * 1000) / 1000,
      baseline: {
        what: 'a key the desk ignores, timed the same way (keydown to the next frame painted): the floor',
        median_ms: Math.round(percentile(emptyFrame, 50) * 100) / 100,
        p95_ms: Math.round(percentile(emptyFrame, 95) * 100) / 100,
        n: emptyFrame.length,
      },
      median_ratio_to_baseline: Math.round((median / percentile(emptyFrame, 50)) * 100) / 100,
      queue_total: total,
      loaded: loader.counts,
      load_seconds: Math.round(loadMs / 100) / 10,
      at: new Date().toISOString(),
    };
    fs.mkdirSync(path.join(root, 'test/bench/results'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'test/bench/results/review-keypress.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    console.log(JSON.stringify(result));
  } finally {
    await browser.close();
    await backend.close();
    fs.rmSync(backendDir, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The floor of the measurement: the same clock (keydown's timestamp to rAF, then a message after
 * paint) around a key the desk ignores, so nothing renders. Sorted durations.
 */
async function measureEmptyFrame(page: Page, n: number): Promise<number[]> {
  await page.evaluate(() => {
    document.addEventListener('keydown', (e) => {
      if (e.key !== 'F9') return;
      const start = e.timeStamp;
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          channel.port1.close();
          performance.measure('bench:empty-frame', { start, end: performance.now() });
        };
        channel.port2.postMessage(null);
      });
    });
  });
  for (let i = 0; i < n; i++) {
    await page.keyboard.press('F9');
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
  }
  const durations = await page.evaluate(() =>
    performance.getEntriesByName('bench:empty-frame', 'measure').map((m) => m.duration),
  );
  return durations.sort((a, b) => a - b);
}

/** The functions with the most self time in a CPU profile, for a first look without DevTools. */
function summarizeProfile(profile: {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}): string {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, i) => {
    const frame = byNode.get(id)?.callFrame;
    if (!frame) return;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop() ?? ''}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([k, ms]) => `\n  ${ms.toFixed(0).padStart(7)} ms  ${k}`)
    .join('');
}

/** One `j`, then wait until the item view shows another item (the timing entry is the desk's). */
async function pressAndWait(page: Page): Promise<void> {
  const before = await page.getByTestId('item-view').getAttribute('data-item-id');
  await page.keyboard.press('j');
  await page.waitForFunction(
    (id) => document.querySelector('[data-testid="item-view"]')?.getAttribute('data-item-id') !== id,
    before,
  );
  // Let the paint-side measure land before the next press.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
}

await main();
