/** Bounded concurrency and the rate gate, with controllable promises and clocks (no timing). */
import { describe, expect, it } from 'vitest';
import { forEachBounded, RequestPool } from '../../../electron/server/sync/request-pool';
import { RateGate } from '../../../electron/server/sync/rate-gate';

const deferred = () => {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('RequestPool', () => {
  it('never runs more than its size at once, and serves waiters in order', async () => {
    const pool = new RequestPool(2);
    const gates = [0, 1, 2, 3].map(() => deferred());
    const started: number[] = [];
    let peak = 0;
    const runs = gates.map((g, i) =>
      pool.run(async () => {
        started.push(i);
        peak = Math.max(peak, pool.inFlight);
        await g.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1]?.resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates.forEach((g) => g.resolve());
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(peak).toBeLessThanOrEqual(2);
    expect(pool.inFlight).toBe(0);
  });

  it('releases its slot when a task throws', async () => {
    const pool = new RequestPool(1);
    await expect(pool.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await pool.run(async () => 'next')).toBe('next');
  });

  it('forEachBounded visits every item once and stops taking new ones when asked', async () => {
    const seen: number[] = [];
    await forEachBounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => void seen.push(n));
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const some: number[] = [];
    await forEachBounded(
      [1, 2, 3, 4, 5, 6],
      1,
      async (n) => void some.push(n),
      () => some.length >= 2,
    );
    expect(some).toEqual([1, 2]);
  });
});

describe('RateGate', () => {
  const answer = (status: number, headers: Record<string, string> = {}) => new Response('{}', { status, headers });

  it('after a 429 holds every request until Retry-After has passed', async () => {
    let now = 1_000_000;
    const gate = new RateGate({ now: () => now });
    await gate.run(async () => answer(429, { 'retry-after': '2' }));
    expect(gate.stats.rateLimited).toBe(1);
    const sent: number[] = [];
    const next = gate.run(async () => {
      sent.push(now);
      return answer(200);
    });
    // The wait is a real timer of at most 2 s; the clock the gate reads moves with it.
    now += 2_000;
    await next;
    expect(gate.stats.held).toBe(1);
    expect(gate.stats.heldMs).toBe(2_000);
    expect(sent).toHaveLength(1);
  });

  it('waits for the window reset when the budget is spent, and caps a hostile hold', async () => {
    const now = 1_000_000;
    const gate = new RateGate({ now: () => now, maxHoldMs: 5 });
    await gate.run(async () =>
      answer(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 86_400) }),
    );
    await gate.run(async () => answer(200));
    expect(gate.stats.held).toBe(1);
    expect(gate.stats.heldMs).toBe(5);
  });
});
