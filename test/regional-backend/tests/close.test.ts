/**
 * Closing the simulator with requests still being handled (a test takes the backend down while
 * the app is mid-sync): the handlers finish before the store closes, so none of them reads a
 * closed database and logs an unhandled error.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { startFixtureBackend, WS } from './fixtures';

afterEach(() => {
  vi.restoreAllMocks();
});

it('close() waits for requests in flight before closing the store', async () => {
  const t = await startFixtureBackend();
  const token = await t.token('reviewer');
  // Held for 400 ms before the handler reaches the store.
  t.backend.faults.add({ kind: 'latency', ms: 400, count: 3 });
  const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const inFlight = [1, 2, 3].map(() =>
    fetch(`${t.backend.url}/v1/${WS}/review-queue/stats`, { headers: { authorization: `Bearer ${token}` } }).catch(
      (error: unknown) => error,
    ),
  );
  // All three are being handled once the rule is used up.
  await expect.poll(() => t.backend.faults.list().length, { timeout: 5_000 }).toBe(0);
  await t.close();
  await Promise.all(inFlight);
  // Past the held time: a handler that outlived close() would have hit the closed store by now.
  await new Promise((resolve) => setTimeout(resolve, 600));
  expect(errors.mock.calls.map((args) => args.map(String).join(' '))).toEqual([]);
});
