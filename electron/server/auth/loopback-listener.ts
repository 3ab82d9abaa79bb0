/**
 * The RFC 8252 loopback redirect receiver: binds 127.0.0.1 on an ephemeral port, accepts ONE
 * request on ONE path, checks the Host header, times out, and closes (architecture.md §6.9).
 * The callback handler runs before the browser gets its answer, so the page can say (or
 * redirect to) whether sign-in worked.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallbackAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoopbackListener {
  /** e.g. `http://127.0.0.1:53124/callback` */
  redirectUri: string;
  /** Settles when the one callback has been handled, or with the timeout. */
  done: Promise<void>;
  close(): void;
}

export interface LoopbackOptions {
  path?: string;
  timeoutMs?: number;
  onCallback(url: URL): Promise<CallbackAnswer>;
}

export async function startLoopbackListener(options: LoopbackOptions): Promise<LoopbackListener> {
  const path = options.path ?? '/callback';
  const server = http.createServer();
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const expectedHost = `127.0.0.1:${port}`;
  let handled = false;

  let settle!: (error?: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  const close = (): void => {
    server.close();
    server.closeAllConnections();
  };
  const timer = setTimeout(
    () => {
      close();
      settle(new Error('Sign-in timed out: the browser did not come back in time. Try again.'));
    },
    options.timeoutMs ?? 5 * 60_000,
  );
  timer.unref();

  server.on('request', (req, res) => {
    const plain = (status: number, text: string): void => {
      res.writeHead(status, {
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      res.end(text);
    };
    if ((req.headers.host ?? '').toLowerCase() !== expectedHost) return plain(400, 'Bad host.');
    const url = new URL(req.url ?? '/', `http://${expectedHost}`);
    if (url.pathname !== path) return plain(404, 'Not found.');
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      return plain(405, 'Method not allowed.');
    }
    if (handled) return plain(409, 'This sign-in was already completed.');
    handled = true;
    clearTimeout(timer);
    options
      .onCallback(url)
      .then((answer) => {
        res.writeHead(answer.status, { 'cache-control': 'no-store', ...answer.headers });
        res.end(answer.body ?? '');
        settle();
      })
      .catch((error: unknown) => {
        plain(500, 'Sign-in failed. Return to Attest for details.');
        settle(error instanceof Error ? error : new Error(String(error)));
      })
      .finally(() => setImmediate(close));
  });

  return { redirectUri: `http://${expectedHost}${path}`, done, close };
}
