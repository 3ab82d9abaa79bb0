/**
 * Closing the simulator with requests still being handled (a test takes the backend down while
 * the app is mid-sync): the handlers finish before the store closes, so none of them reads a
 * closed database and logs an unhandled error.
 */
import net from 'node:net';
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

it('close() is not held up by a client that died halfway through sending a body', async () => {
  const t = await startFixtureBackend();
  const token = await t.token('reviewer');
  const { hostname: host, port } = new URL(t.backend.url);
  const socket = net.connect(Number(port), host);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(
    `POST /v1/${WS}/review-queue/batch-approve HTTP/1.1\r\nhost: ${host}:${port}\r\n` +
      `authorization: Bearer ${token}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"item_ids": [`,
  );
  // The handler is reading the body when the client is killed.
  await expect.poll(() => t.backend.requests.entries().length === 0 && socket.bytesWritten > 0).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 200));
  socket.destroy();
  const closed = await Promise.race([
    t.close().then(() => 'closed' as const),
    new Promise<'stuck'>((resolve) => setTimeout(() => resolve('stuck'), 3_000)),
  ]);
  expect(closed).toBe('closed');
});
