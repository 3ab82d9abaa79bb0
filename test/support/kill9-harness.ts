/**
 * kill -9 harness (security-bar §4.3 D-20). The real workspace server runs as its own process
 * (`attest serve`, node with the tsx loader: the child IS the server, so SIGKILL hits it and not
 * a wrapper), against the regional backend simulator in this process. A seeded run of trials:
 *
 * - push trial: decisions (single and batch) through the local API, then SIGKILL at a random
 *   moment: before a commit, between commit and send, mid-request, after the backend applied a
 *   verdict (faults drop the connection AFTER applying some verdicts), or after the answer;
 * - pull trial: SIGKILL at a random moment of the first pass after a restart (push of what was
 *   left, then the pulls).
 *
 * Each trial restarts the server on the same data (its database key is in a real Secret Service,
 * so the local copy survives), which resumes its session or signs in again through the identity
 * provider's pages. At the end the outbox is drained and the simulator is checked: every decision
 * whose local commit was answered is applied exactly once (state and audit log), nothing is
 * applied twice, nothing is on the backend that was not committed locally, nothing is refused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { ApiCallError } from '../../renderer/api/client';
import type { RejectReasonCode } from '../../shared/contract';
import { DEMO_PEOPLE, DEMO_WORKSPACES } from '../regional-backend/directory';
import { createRegionalBackend, type RegionalBackend } from '../regional-backend/server';
import { localAppFromLaunchUrl, signInOverHttp, type LocalApp } from './sign-in-over-http';

const root = path.resolve(import.meta.dirname, '..', '..');
const WORKSPACE = DEMO_WORKSPACES[0]?.id ?? '';
const REVIEWER = DEMO_PEOPLE.find((p) => p.login === 'reviewer')?.sub ?? '';

export interface Kill9Options {
  trials: number;
  seed: number;
  log?: (line: string) => void;
}

export interface TrialRecord {
  index: number;
  mode: 'push' | 'pull';
  killAfterMs: number;
  /** Decisions whose local commit was answered before the kill. */
  accepted: number;
  /** Requests cut by the kill: committed or not, the harness cannot know. */
  cut: number;
  /** Sync streams running just before the kill (`outbox` is the push). */
  runningAtKill: string[];
  /** Outbox entries not yet sent just before the kill. */
  inFlightAtKill: number;
  /** From the first request of the trial to signed in again after the restart. */
  ms: number;
}

export interface Kill9Result {
  seed: number;
  trials: TrialRecord[];
  acceptedDecisions: number;
  acceptedItems: number;
  /** Verdict requests the simulator applied and then dropped the connection of (unknown outcomes). */
  droppedAfterApply: number;
  /** Verdict POSTs the backend refused with 409 (a re-send found the item decided). */
  refusedResends: number;
  drainMs: number;
  totalMs: number;
  violations: string[];
}

/** mulberry32: the trial plan repeats for a seed. */
const seeded = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

// ---------------------------------------------------------------- a Secret Service for the children

interface Keychain {
  env: Record<string, string>;
  stop(): void;
}

const lineFrom = (child: ChildProcess, what: string, timeoutMs: number): Promise<string> =>
  new Promise((resolve, reject) => {
    if (!child.stdout) return reject(new Error(`${what}: no stdout`));
    const timer = setTimeout(() => reject(new Error(`${what} did not start in time`)), timeoutMs);
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${what}: ${error.message}`));
    });
  });

const withoutKeyringControl = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(env).filter(([key]) => key !== 'GNOME_KEYRING_CONTROL'));

const keytarWorks = (env: Record<string, string>): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = spawn(
      process.execPath,
      [
        '-e',
        "const k=require('keytar');k.setPassword('attest-kill9','probe','ok').then(()=>k.getPassword('attest-kill9','probe')).then(v=>process.exit(v==='ok'?0:1),()=>process.exit(1))",
      ],
      { cwd: root, env: { ...process.env, ...env }, stdio: 'ignore' },
    );
    const timer = setTimeout(() => probe.kill('SIGKILL'), 5_000);
    probe.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });

/**
 * The database key must outlive the process (without a keychain it lives in memory and a killed
 * run's copy is unreadable by design). The harness starts its own D-Bus session bus and
 * gnome-keyring daemon in a temporary folder (and stops them after), even inside `npm test`'s
 * session: keys are kept per (region, workspace), and other tests' servers for the same demo
 * workspace must not race this run's first key into the same keyring.
 */
async function provideKeychain(dir: string): Promise<Keychain> {
  const started: ChildProcess[] = [];
  const stop = (): void => {
    for (const child of started.reverse()) if (child.exitCode === null) child.kill('SIGTERM');
  };
  try {
    const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1', `--address=unix:path=${dir}/bus`], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    started.push(bus);
    const address = (await lineFrom(bus, 'dbus-daemon', 10_000)).trim();
    const env = { DBUS_SESSION_BUS_ADDRESS: address };
    const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
      // Its own daemon, never one an outer session started (GNOME_KEYRING_CONTROL would point there).
      env: { ...withoutKeyringControl(process.env), ...env, XDG_DATA_HOME: dir },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    started.push(keyring);
    keyring.stdin?.end('attest-kill9');
    for (let i = 0; i < 20; i++) {
      if (await keytarWorks(env)) return { env, stop };
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error('the keyring did not answer');
  } catch (error) {
    stop();
    throw new Error(
      `The kill -9 harness needs a Secret Service so the database key outlives the server (dbus-daemon and ` +
        `gnome-keyring, as npm test installs): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

// ---------------------------------------------------------------- the server process

interface ServerProcess {
  app: LocalApp;
  child: ChildProcess;
  stderr(): string;
}

async function startServer(
  backend: RegionalBackend,
  dataDir: string,
  env: Record<string, string>,
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(root, 'electron/cli.ts'),
      'serve',
      '--backend',
      backend.url,
      '--issuer',
      backend.issuer,
      '--data-dir',
      dataDir,
      // Decisions go out at once: the kill lands on sends, not on the undo window.
      '--undo-window-ms',
      '0',
    ],
    { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`attest serve did not start in time.\n${stderr}`)), 60_000);
    if (!child.stdout) return reject(new Error('no stdout'));
    readline.createInterface({ input: child.stdout }).on('line', (l) => {
      if (l.startsWith('Attest: ')) {
        clearTimeout(timer);
        resolve(l.slice('Attest: '.length));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`attest serve exited (${code ?? signal ?? '?'}) before announcing.\n${stderr}`));
    });
  });
  return { app: localAppFromLaunchUrl(line), child, stderr: () => stderr };
}

async function killNine(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGKILL');
  await exited;
}

/** The restarted server resumes its session from the keychain, or signs in again through the IdP. */
async function ensureSignedIn(server: ServerProcess, issuer: string): Promise<void> {
  const started = Date.now();
  for (;;) {
    const view = await server.app.api.call('session');
    if (view.status === 'signed-in') return;
    const settled = view.status === 'locked' || (view.status === 'signed-out' && view.pending === null);
    if (settled && Date.now() - started > 2_500) {
      await signInOverHttp(server.app, issuer, 'reviewer');
      return;
    }
    if (Date.now() - started > 30_000)
      throw new Error(`no session after restart: ${view.status} ${view.lastError ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitForQueue(server: ServerProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await server.app.api.call('syncStatus');
    if (status.streams.some((s) => s.stream === 'review-queue' && s.lastSuccessAt !== null)) return;
    if (Date.now() > deadline) throw new Error('the review queue was never pulled');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// ---------------------------------------------------------------- decisions

type Expected = 'approved' | 'rejected' | 'corrected';

interface Accepted {
  entryIds: string[];
  itemIds: string[];
  expected: Expected;
}

const REASONS: readonly RejectReasonCode[] = [
  'transcription_error',
  'wrong_speaker',
  'value_not_stated',
  'out_of_scope',
];

async function decide(
  server: ServerProcess,
  random: () => number,
  take: (n: number) => string[],
  accepted: Accepted[],
  cut: Set<string>,
  refusals: string[],
  stop: () => boolean,
): Promise<void> {
  const count = 2 + Math.floor(random() * 3);
  for (let i = 0; i < count && !stop(); i++) {
    const roll = random();
    const ids = take(roll < 0.2 ? 2 + Math.floor(random() * 2) : 1);
    const first = ids[0] ?? '';
    const reasonCode = REASONS[Math.floor(random() * REASONS.length)] ?? 'out_of_scope';
    try {
      if (roll < 0.1) {
        const { entries } = await server.app.api.call('batchDecide', { body: { kind: 'approve', itemIds: ids } });
        accepted.push({ entryIds: entries.map((e) => e.id), itemIds: ids, expected: 'approved' });
      } else if (roll < 0.2) {
        const { entries } = await server.app.api.call('batchDecide', {
          body: { kind: 'reject', itemIds: ids, reasonCode },
        });
        accepted.push({ entryIds: entries.map((e) => e.id), itemIds: ids, expected: 'rejected' });
      } else if (roll < 0.6) {
        const entry = await server.app.api.call('decide', { params: { id: first }, body: { kind: 'approve' } });
        accepted.push({ entryIds: [entry.id], itemIds: ids, expected: 'approved' });
      } else if (roll < 0.85) {
        const entry = await server.app.api.call('decide', {
          params: { id: first },
          body: { kind: 'reject', reasonCode, reasonText: 'kill -9 trial' },
        });
        accepted.push({ entryIds: [entry.id], itemIds: ids, expected: 'rejected' });
      } else {
        const entry = await server.app.api.call('decide', {
          params: { id: first },
          body: { kind: 'correct', correctedData: { reviewer_note: 'corrected in a kill -9 trial' } },
        });
        accepted.push({ entryIds: [entry.id], itemIds: ids, expected: 'corrected' });
      }
    } catch (error) {
      // The local API answering "no" is a finding; a request the kill cut may or may not have committed.
      if (error instanceof ApiCallError) refusals.push(`local API refused a decision on ${first}: ${error.message}`);
      else for (const id of ids) cut.add(id);
      return;
    }
  }
}

// ---------------------------------------------------------------- the run

const VERDICT_ACTIONS = ['review.approve', 'review.reject', 'review.correct'];
export const MAX_TRIALS_PER_SEED = 60;

export async function runKill9(options: Kill9Options): Promise<Kill9Result> {
  const log = options.log ?? (() => undefined);
  // The small workspace has ~130 open items; a push trial uses about three.
  if (options.trials > MAX_TRIALS_PER_SEED) {
    throw new Error(
      `At most ${MAX_TRIALS_PER_SEED} trials per seed (fresh items run out); run more seeds for more kills.`,
    );
  }
  const random = seeded(options.seed);
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-kill9-'));
  const keychain = await provideKeychain(dir);
  const backend = await createRegionalBackend({
    region: 'us-east-1',
    dataDir: path.join(dir, 'backend'),
    seed: options.seed,
    scale: 'small',
  });
  const dataDir = path.join(dir, 'app');
  let server: ServerProcess | null = null;
  try {
    // Some verdicts are applied and then the connection is dropped: the client cannot know.
    backend.faults.add({ kind: 'drop', when: 'after', method: 'POST', path: '^/v1/[^/]+/review-queue/', rate: 0.25 });
    backend.faults.add({ kind: 'latency', ms: 40, method: 'POST', path: '^/v1/[^/]+/review-queue/', rate: 1 });

    const pool = backend.store.db
      .prepare<[string], { id: string }>(
        `SELECT id FROM review_items WHERE workspace_id = ? AND status = 'pending' AND assigned_to IS NULL ORDER BY id`,
      )
      .all(WORKSPACE)
      .map((r) => r.id)
      .sort(() => random() - 0.5);
    let next = 0;
    const take = (n: number): string[] => {
      const ids = pool.slice(next, next + n);
      if (ids.length < n) throw new Error('kill -9 harness: the item pool is exhausted; use fewer trials');
      next += n;
      return ids;
    };

    server = await startServer(backend, dataDir, keychain.env);
    await signInOverHttp(server.app, backend.issuer, 'reviewer');
    await waitForQueue(server);

    const trials: TrialRecord[] = [];
    const accepted: Accepted[] = [];
    const cut = new Set<string>();
    const refusals: string[] = [];
    for (let index = 0; index < options.trials; index++) {
      const t0 = Date.now();
      const mode: 'push' | 'pull' = random() < 0.6 ? 'push' : 'pull';
      const killAfterMs = Math.floor(random() * (mode === 'push' ? 900 : 1_500));
      const before = accepted.length;
      const cutBefore = cut.size;
      let killed = false;
      const current: ServerProcess = server;
      const atKill: { running: string[]; inFlight: number } = { running: [], inFlight: 0 };
      const kill = new Promise<void>((resolve) => {
        setTimeout(() => {
          killed = true;
          // What was under way at the kill (a snapshot a few milliseconds before it), for the report.
          void Promise.all([current.app.api.call('syncStatus'), current.app.api.call('outbox')])
            .then(([status, outbox]) => {
              atKill.running = status.streams.filter((st) => st.running).map((st) => st.stream);
              atKill.inFlight = outbox.entries.filter((e) => e.state === 'pending' || e.state === 'sending').length;
            })
            .catch(() => undefined)
            .finally(() => void killNine(current).then(resolve));
        }, killAfterMs);
      });
      if (mode === 'push') await decide(current, random, take, accepted, cut, refusals, () => killed);
      await kill;
      server = await startServer(backend, dataDir, keychain.env);
      await ensureSignedIn(server, backend.issuer);
      const record: TrialRecord = {
        index,
        mode,
        killAfterMs,
        accepted: accepted.length - before,
        cut: cut.size - cutBefore,
        runningAtKill: atKill.running,
        inFlightAtKill: atKill.inFlight,
        ms: Date.now() - t0,
      };
      trials.push(record);
      log(
        `trial ${index + 1}/${options.trials}: ${mode}, kill after ${killAfterMs} ms (running: ` +
          `${record.runningAtKill.join(', ') || 'nothing'}; ${record.inFlightAtKill} unsent), ` +
          `${record.accepted} accepted, ${record.cut} cut, ${record.ms} ms`,
      );
    }

    // Drain: the last server sends what is left (faults off, so the drain is bounded).
    const drainStart = Date.now();
    backend.faults.clear();
    const live: ServerProcess = server;
    let lastKick = 0;
    for (;;) {
      const { entries } = await live.app.api.call('outbox');
      if (!entries.some((e) => e.state === 'pending' || e.state === 'sending')) break;
      if (Date.now() - drainStart > 120_000)
        throw new Error(`the outbox did not drain: ${JSON.stringify(entries.slice(0, 3))}`);
      if (Date.now() - lastKick > 3_000) {
        lastKick = Date.now();
        void live.app.api.call('syncNow').catch(() => undefined);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const drainMs = Date.now() - drainStart;

    const violations = [
      ...refusals,
      ...check(backend, started, accepted, cut, await live.app.api.call('outbox'), await sentEntries(live)),
    ];
    const requests = backend.requests.entries({ method: 'POST' }).filter((r) => r.path.includes('/review-queue/'));
    return {
      seed: options.seed,
      trials,
      acceptedDecisions: accepted.length,
      acceptedItems: accepted.reduce((n, a) => n + a.itemIds.length, 0),
      droppedAfterApply: requests.filter((r) => r.status === 0).length,
      refusedResends: requests.filter((r) => r.status === 409).length,
      drainMs,
      totalMs: Date.now() - started,
      violations,
    };
  } finally {
    if (server) await killNine(server);
    await backend.close();
    keychain.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function sentEntries(server: ServerProcess): Promise<Map<string, string[]>> {
  const { entries } = await server.app.api.call('outbox', { query: { state: 'sent' } });
  return new Map(entries.map((e) => [e.id, e.itemIds]));
}

function check(
  backend: RegionalBackend,
  /** Only verdicts of this run count (the generated history has older ones). */
  since: number,
  accepted: readonly Accepted[],
  cut: ReadonlySet<string>,
  open: { entries: { id: string; state: string; serverReason: string | null }[] },
  sent: ReadonlyMap<string, string[]>,
): string[] {
  const violations: string[] = [];
  for (const e of open.entries) violations.push(`outbox entry ${e.id} ended ${e.state}: ${e.serverReason ?? ''}`);

  const verdicts = new Map<string, number>();
  for (const row of backend.store.db
    .prepare<(string | number)[], { resource_id: string; n: number }>(
      `SELECT resource_id, count(*) AS n FROM audit_events
        WHERE workspace_id = ? AND actor_entity_id = ? AND ts_ms >= ? AND action IN (${VERDICT_ACTIONS.map(() => '?').join(', ')})
        GROUP BY resource_id`,
    )
    .all(WORKSPACE, REVIEWER, since, ...VERDICT_ACTIONS)) {
    verdicts.set(row.resource_id, row.n);
  }

  const committed = new Set<string>();
  for (const decision of accepted) {
    for (const id of decision.entryIds) {
      if (!sent.has(id)) violations.push(`accepted entry ${id} is not sent`);
    }
    for (const itemId of decision.itemIds) {
      committed.add(itemId);
      const item = backend.store.review.get(WORKSPACE, itemId);
      const times = verdicts.get(itemId) ?? 0;
      if (times !== 1) violations.push(`item ${itemId}: applied ${times} times (expected exactly once)`);
      if (item?.completed_action !== decision.expected || item.completed_by !== REVIEWER) {
        violations.push(
          `item ${itemId}: backend has ${item?.completed_action ?? 'nothing'} by ${item?.completed_by ?? '-'}, expected ${decision.expected}`,
        );
      }
    }
  }
  for (const items of sent.values()) for (const itemId of items) committed.add(itemId);
  for (const [itemId, times] of verdicts) {
    if (times > 1) violations.push(`item ${itemId}: applied ${times} times`);
    // Nothing on the backend that was not committed locally (a request cut by the kill may
    // have committed: it then shows in the sent entries).
    if (!committed.has(itemId) && !cut.has(itemId))
      violations.push(`item ${itemId}: decided on the backend, never committed locally`);
    if (!committed.has(itemId) && cut.has(itemId))
      violations.push(`item ${itemId}: applied but no sent entry holds it`);
  }
  return [...new Set(violations)];
}
