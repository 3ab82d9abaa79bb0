import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFromServerMessage, startMessage, STOP_MESSAGE } from '../../../electron/main/server-messages';
import { newServerSecret } from '../../../electron/main/server-host';
import { APP_ORIGIN } from '../../../electron/main/trusted-url';
import { REPO_ROOT, buildElectron } from '../../../tools/build-electron';

// The real dist/electron/server.cjs, driven through the same messages main sends. Only the
// transport differs: Node IPC stands in for Electron's utility-process MessagePort.
const HARNESS = path.resolve(import.meta.dirname, 'fixtures', 'utility-harness.mjs');

let tmp: string;
let serverBundle: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'attest-handshake-'));
  const built = await buildElectron({ outDir: path.join(tmp, 'dist'), write: true });
  const server = built.find((b) => b.bundle.name === 'server');
  if (!server) throw new Error('no server bundle');
  serverBundle = server.bundle.outfile;
}, 120_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function launch(): { child: ChildProcess; messages: unknown[]; next: () => Promise<unknown> } {
  // The bundle lives in a temp dir; its external native modules still come from the repo's node_modules.
  const env = { ...process.env, NODE_PATH: path.join(REPO_ROOT, 'node_modules') };
  const child = fork(HARNESS, [serverBundle], { execArgv: [], env, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  const messages: unknown[] = [];
  const waiting: ((m: unknown) => void)[] = [];
  child.on('message', (message) => {
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else messages.push(message);
  });
  const next = (): Promise<unknown> =>
    messages.length > 0 ? Promise.resolve(messages.shift()) : new Promise((resolve) => waiting.push(resolve));
  return { child, messages, next };
}

describe('main ↔ workspace server handshake (real server bundle)', () => {
  it('starts on the secret from the start message, enforces it, and stops cleanly', async () => {
    const { child, next } = launch();
    const secret = newServerSecret();
    child.send(startMessage(secret, { dataDir: path.join(tmp, 'data'), allowedOrigins: [APP_ORIGIN] }));
    const ready = parseFromServerMessage(await next());
    expect(ready, JSON.stringify(ready)).toMatchObject({ type: 'ready' });
    if (ready?.type !== 'ready') throw new Error('server did not become ready');

    const base = `http://127.0.0.1:${ready.port}`;
    const health = (headers: Record<string, string>) => fetch(`${base}/api/session`, { headers }).then((r) => r.status);
    expect(await health({})).toBe(401);
    expect(await health({ authorization: `Bearer ${newServerSecret()}` })).toBe(401);
    expect(await health({ authorization: `Bearer ${secret}`, origin: APP_ORIGIN })).toBe(200);
    expect(await health({ authorization: `Bearer ${secret}`, origin: 'https://evil.example' })).toBe(403);

    const exited = once(child, 'exit');
    child.send(STOP_MESSAGE);
    const [code] = await exited;
    expect(code).toBe(0);
  }, 60_000);

  it('ignores a start message with a malformed secret', async () => {
    const { child, messages } = launch();
    child.send({
      type: 'start',
      secret: 'short',
      config: { dataDir: path.join(tmp, 'data2'), allowedOrigins: [APP_ORIGIN] },
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(messages).toEqual([]);
    const exited = once(child, 'exit');
    child.kill();
    await exited;
  }, 30_000);
});
