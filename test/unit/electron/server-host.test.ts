import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decideRestart, type RestartPolicy } from '../../../electron/main/restart-policy';
import { createServerHost, type ServerChild, type ServerHostEvent } from '../../../electron/main/server-host';
import type { ToServerMessage } from '../../../electron/main/server-messages';

class FakeChild implements ServerChild {
  readonly received: ToServerMessage[] = [];
  killed = false;
  private spawn: (() => void) | null = null;
  private message: ((m: unknown) => void) | null = null;
  private exit: ((code: number) => void) | null = null;
  postMessage(message: ToServerMessage): void {
    this.received.push(message);
  }
  kill(): void {
    this.killed = true;
  }
  onSpawn(listener: () => void): void {
    this.spawn = listener;
  }
  onMessage(listener: (m: unknown) => void): void {
    this.message = listener;
  }
  onExit(listener: (code: number) => void): void {
    this.exit = listener;
  }
  spawned(): void {
    this.spawn?.();
  }
  say(message: unknown): void {
    this.message?.(message);
  }
  exited(code: number): void {
    this.exit?.(code);
  }
  get secret(): string {
    const start = this.received.find((m) => m.type === 'start');
    if (!start || start.type !== 'start') throw new Error('no start message');
    return start.secret;
  }
}

const policy: RestartPolicy = { baseDelayMs: 100, maxDelayMs: 1000, maxCrashesInWindow: 3, windowMs: 60_000 };
const config = { dataDir: '/tmp/attest', allowedOrigins: ['app://attest'] };

let children: FakeChild[];
let events: ServerHostEvent[];
let secrets: number;

function makeHost(overrides: Partial<Parameters<typeof createServerHost>[0]> = {}) {
  const host = createServerHost({
    fork: () => {
      const child = new FakeChild();
      children.push(child);
      return child;
    },
    config,
    policy,
    readyTimeoutMs: 5_000,
    stopTimeoutMs: 1_000,
    connectionTimeoutMs: 10_000,
    newSecret: () => `secret-${++secrets}`.padEnd(43, 'x'),
    now: () => Date.now(),
    log: () => undefined,
    ...overrides,
  });
  host.onEvent((event) => events.push(event));
  return host;
}

const latest = (): FakeChild => {
  const child = children.at(-1);
  if (!child) throw new Error('no child');
  return child;
};

beforeEach(() => {
  vi.useFakeTimers();
  children = [];
  events = [];
  secrets = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('server host', () => {
  it('hands the secret over the port (after spawn) and resolves with the loopback URL', async () => {
    const host = makeHost();
    const started = host.start();
    expect(latest().received).toEqual([]);
    latest().spawned();
    expect(latest().received).toEqual([{ type: 'start', secret: 'secret-1'.padEnd(43, 'x'), config }]);
    latest().say({ type: 'ready', port: 43127 });
    await expect(started).resolves.toEqual({ baseUrl: 'http://127.0.0.1:43127', secret: 'secret-1'.padEnd(43, 'x') });
    expect(host.status).toBe('ready');
    expect(events).toEqual([
      {
        type: 'ready',
        connection: { baseUrl: 'http://127.0.0.1:43127', secret: 'secret-1'.padEnd(43, 'x') },
        restarted: false,
      },
    ]);
    await expect(host.connection()).resolves.toMatchObject({ baseUrl: 'http://127.0.0.1:43127' });
  });

  it('takes the rotated secret of a running server (sign-out) and hands it out from then on', async () => {
    const host = makeHost();
    const started = host.start();
    latest().spawned();
    latest().say({ type: 'ready', port: 43127 });
    await started;
    const rotated = 'rotated-after-sign-out'.padEnd(43, 'y');
    latest().say({ type: 'secret-rotated', secret: rotated });
    await expect(host.connection()).resolves.toEqual({ baseUrl: 'http://127.0.0.1:43127', secret: rotated });
    // A malformed rotation is ignored: the last good secret stays.
    latest().say({ type: 'secret-rotated', secret: 'short' });
    await expect(host.connection()).resolves.toMatchObject({ secret: rotated });
  });

  it('ignores malformed or unexpected messages', async () => {
    const host = makeHost();
    host.start().catch(() => undefined);
    latest().spawned();
    latest().say({ type: 'ready', port: 'nope' });
    latest().say({ type: 'ready', port: 43127, secret: 'x' });
    latest().say('ready');
    expect(host.status).toBe('starting');
  });

  it('restarts a crashed server with a new secret and capped exponential backoff, then reports the restart', async () => {
    const host = makeHost();
    host.start().catch(() => undefined);
    latest().spawned();
    latest().say({ type: 'ready', port: 1000 });
    const firstSecret = latest().secret;

    latest().exited(1);
    expect(host.status).toBe('backoff');
    expect(events.at(-1)).toEqual({ type: 'crashed', code: 1, restartInMs: 100 });
    const waiting = host.connection();

    await vi.advanceTimersByTimeAsync(99);
    expect(children).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(children).toHaveLength(2);
    latest().spawned();
    expect(latest().secret).not.toBe(firstSecret);
    latest().say({ type: 'ready', port: 2000 });
    await expect(waiting).resolves.toEqual({ baseUrl: 'http://127.0.0.1:2000', secret: latest().secret });
    expect(events.at(-1)).toMatchObject({ type: 'ready', restarted: true });

    latest().exited(1);
    expect(events.at(-1)).toEqual({ type: 'crashed', code: 1, restartInMs: 200 });
  });

  it('gives up after too many crashes in the window, rejects waiters, and can retry', async () => {
    const host = makeHost();
    const started = host.start();
    started.catch(() => undefined);
    for (let i = 0; i < 3; i += 1) {
      latest().exited(1);
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(children).toHaveLength(4);
    latest().exited(1);
    expect(host.status).toBe('failed');
    expect(events.at(-1)).toEqual({ type: 'gave-up', recentCrashes: 4 });
    await expect(started).rejects.toThrow(/keeps stopping/);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(children).toHaveLength(4);
    await expect(host.connection()).rejects.toThrow();

    host.retry();
    expect(children).toHaveLength(5);
    latest().spawned();
    latest().say({ type: 'ready', port: 3000 });
    expect(host.status).toBe('ready');
  });

  it('kills a server that never says ready and treats it as a crash', async () => {
    const host = makeHost();
    host.start().catch(() => undefined);
    latest().spawned();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(latest().killed).toBe(true);
    latest().exited(-1);
    expect(events.at(-1)).toMatchObject({ type: 'crashed' });
  });

  it('kills a server that reports a start error', () => {
    const host = makeHost();
    host.start().catch(() => undefined);
    latest().spawned();
    latest().say({ type: 'error', message: 'Error: database is locked' });
    expect(latest().killed).toBe(true);
  });

  it('survives a fork that throws', async () => {
    let calls = 0;
    const host = makeHost({
      fork: () => {
        calls += 1;
        if (calls === 1) throw new Error('ENOENT server.cjs');
        const child = new FakeChild();
        children.push(child);
        return child;
      },
    });
    host.start().catch(() => undefined);
    expect(host.status).toBe('backoff');
    await vi.advanceTimersByTimeAsync(100);
    expect(children).toHaveLength(1);
  });

  it('stops gracefully, and does not restart what it stopped', async () => {
    const host = makeHost();
    host.start().catch(() => undefined);
    latest().spawned();
    latest().say({ type: 'ready', port: 1000 });
    const stopped = host.stop();
    expect(latest().received.at(-1)).toEqual({ type: 'stop' });
    latest().exited(0);
    await stopped;
    expect(host.status).toBe('stopped');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(children).toHaveLength(1);
    expect(latest().killed).toBe(false);
    await expect(host.connection()).rejects.toThrow();
  });

  it('kills a server that does not stop in time', async () => {
    const host = makeHost();
    host.start().catch(() => undefined);
    latest().spawned();
    const stopped = host.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(latest().killed).toBe(true);
    latest().exited(-9);
    await stopped;
    expect(host.status).toBe('stopped');
  });

  it('does not hang quitting on a process that ignores kill', async () => {
    const host = makeHost();
    host.start().catch(() => undefined);
    const stopped = host.stop();
    await vi.advanceTimersByTimeAsync(2_000);
    await expect(stopped).resolves.toBeUndefined();
  });

  it('times out a connection request', async () => {
    const host = makeHost();
    host.start().catch(() => undefined);
    const waiting = host.connection();
    const assertion = expect(waiting).rejects.toThrow(/Timed out/);
    await vi.advanceTimersByTimeAsync(10_000);
    await assertion;
  });
});

describe('decideRestart', () => {
  it('doubles the delay per recent crash up to the cap', () => {
    const at = 1_000_000;
    expect(decideRestart([at], at, policy)).toEqual({ action: 'restart', delayMs: 100, recentCrashes: 1 });
    expect(decideRestart([at - 2, at - 1, at], at, policy)).toEqual({
      action: 'restart',
      delayMs: 400,
      recentCrashes: 3,
    });
    expect(decideRestart([at], at, { ...policy, maxCrashesInWindow: 100 })).toMatchObject({ delayMs: 100 });
    const many = Array.from({ length: 20 }, (_, i) => at - i);
    expect(decideRestart(many, at, { ...policy, maxCrashesInWindow: 100 })).toMatchObject({ delayMs: 1000 });
  });

  it('forgets crashes outside the window', () => {
    const at = 1_000_000;
    expect(decideRestart([at - 120_000, at - 90_000, at - 61_000, at - 60_500, at], at, policy)).toEqual({
      action: 'restart',
      delayMs: 100,
      recentCrashes: 1,
    });
  });

  it('gives up past the limit', () => {
    const at = 1_000_000;
    expect(decideRestart([at - 3, at - 2, at - 1, at], at, policy)).toEqual({ action: 'give-up', recentCrashes: 4 });
  });
});
