import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { route, sessionView } from '../../../shared/contract';
import {
  ApiCallError,
  ServerUnreachableError,
  createApiClient,
  createClientFor,
  describeApiFailure,
} from '../../../renderer/api/client';
import {
  closedPortUrl,
  json,
  reviewSummary,
  sendJson,
  signedInSession,
  signedOutSession,
  startFixtureServer,
  syncStatus,
  type FixtureServer,
} from './fixture-server';

const SECRET = 'per-launch-secret-0123456789abcdef';

let server: FixtureServer;
beforeEach(async () => {
  server = await startFixtureServer();
});
afterEach(async () => {
  await server.close();
});

const bridgeClient = (options?: Parameters<typeof createApiClient>[1]) =>
  createApiClient({ baseUrl: server.baseUrl, secret: SECRET }, options);

/** Rejection of a promise, for asserting on the error object itself. */
const failure = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
};

describe('api client: responses', () => {
  it('parses a GET answer with the route schema and sends the secret as a Bearer token', async () => {
    server.on('GET /api/session', json(signedInSession));
    const session = await bridgeClient().call('session');
    expect(session).toEqual(signedInSession);
    expect(sessionView.safeParse(session).success).toBe(true);

    const [request] = server.requests;
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe('/api/session');
    expect(request?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(request?.headers.accept).toBe('application/json');
    // Bridge mode never relies on cookies.
    expect(request?.headers.cookie).toBeUndefined();
    expect(request?.body).toBe('');
  });

  it('parses every contract route used by the shell', async () => {
    server.on('GET /api/sync/status', json(syncStatus()));
    server.on('GET /api/review/summary', json(reviewSummary));
    const api = bridgeClient();
    expect(await api.call('syncStatus')).toEqual(syncStatus());
    expect(await api.call('reviewSummary')).toEqual(reviewSummary);
  });

  it('strips fields the schema does not know rather than passing them on', async () => {
    server.on('GET /api/review/summary', json({ ...reviewSummary, extra: '<script>' }));
    expect(await bridgeClient().call('reviewSummary')).toEqual(reviewSummary);
  });

  it('sends POST bodies as JSON, even for routes that take no fields', async () => {
    server.on('POST /api/auth/sign-in', json({ authorizationUrl: 'https://idp.example/authorize?x=1' }));
    server.on('POST /api/auth/sign-out', json(signedOutSession));
    const api = bridgeClient();
    expect(await api.call('signInStart')).toEqual({ authorizationUrl: 'https://idp.example/authorize?x=1' });
    expect(await api.call('signOut')).toEqual(signedOutSession);

    for (const request of server.requests) {
      expect(request.method).toBe('POST');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers.authorization).toBe(`Bearer ${SECRET}`);
      expect(JSON.parse(request.body)).toEqual({});
    }
  });
});

describe('api client: errors', () => {
  it('maps the contract error body to ApiCallError with status, code and message', async () => {
    server.on(
      'GET /api/review/summary',
      json({ error: { code: 'unauthorized', message: 'Sign in to continue.' } }, 401),
    );
    const error = await failure(bridgeClient().call('reviewSummary'));
    expect(error).toBeInstanceOf(ApiCallError);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized', message: 'Sign in to continue.' });
    expect(describeApiFailure(error)).toBe('Sign in to continue.');
  });

  it('keeps field-level issues of validation errors', async () => {
    const issues = [{ path: 'reason', message: 'A reason is required.' }];
    server.on('POST /api/sync/now', json({ error: { code: 'validation', message: 'Check the form.', issues } }, 400));
    const error = await failure(bridgeClient().call('syncNow'));
    expect(error).toMatchObject({ status: 400, code: 'validation', issues });
  });

  it('gives an error answer without the contract body a clear generic error', async () => {
    server.on('GET /api/session', (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>Bad gateway</body></html>');
    });
    const error = await failure(bridgeClient().call('session'));
    expect(error).toBeInstanceOf(ApiCallError);
    expect(error).toMatchObject({ status: 502, code: 'unexpected_response' });
    expect((error as Error).message).toContain('HTTP 502');
  });

  it('rejects a 200 answer that does not match the route schema, naming the field', async () => {
    server.on('GET /api/review/summary', json({ pending: -1, inProgress: 'three', asOf: null }));
    const error = await failure(bridgeClient().call('reviewSummary'));
    expect(error).toMatchObject({ status: 200, code: 'invalid_response' });
    const paths = (error as ApiCallError).issues?.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['pending', 'inProgress']));
  });

  it('rejects a 200 HTML page (captive portal, wrong server) as not JSON', async () => {
    server.on('GET /api/session', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Login to Wi-Fi</title>');
    });
    const error = await failure(bridgeClient().call('session'));
    expect(error).toMatchObject({ status: 200, code: 'invalid_response' });
  });

  it('rejects truncated JSON', async () => {
    server.on('GET /api/session', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"signed-in",');
    });
    expect(await failure(bridgeClient().call('session'))).toMatchObject({ code: 'invalid_response' });
  });

  it('does not follow redirects (they could carry the secret elsewhere)', async () => {
    server.on('GET /api/session', (_req, res) => {
      res.writeHead(302, { location: '/elsewhere' });
      res.end();
    });
    server.on('GET /elsewhere', json(signedInSession));
    const error = await failure(bridgeClient().call('session'));
    expect(error).toMatchObject({ status: 302, code: 'unexpected_redirect' });
    expect(server.requests.map((r) => r.url)).toEqual(['/api/session']);
  });

  it('stops reading an answer larger than the cap', async () => {
    server.on('GET /api/session', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...signedInSession, padding: 'x'.repeat(64 * 1024) }));
    });
    const error = await failure(bridgeClient({ maxResponseBytes: 16 * 1024 }).call('session'));
    expect(error).toMatchObject({ code: 'response_too_large' });
  });
});

describe('api client: network failures', () => {
  it('reports a refused connection as the server being unreachable', async () => {
    const api = createApiClient({ baseUrl: await closedPortUrl(), secret: SECRET });
    const error = await failure(api.call('session'));
    expect(error).toBeInstanceOf(ServerUnreachableError);
    expect(error).not.toBeInstanceOf(ApiCallError);
    expect((error as ServerUnreachableError).reason).toBe('network');
    expect((error as Error).message).toMatch(/^The local workspace server is not reachable/);
  });

  it('reports a connection dropped mid-request the same way', async () => {
    server.on('GET /api/session', (req) => req.socket.destroy());
    const error = await failure(bridgeClient().call('session'));
    expect(error).toBeInstanceOf(ServerUnreachableError);
    expect((error as Error).message).toMatch(/^The local workspace server is not reachable/);
  });

  it('gives up on a server that never answers, as a timeout', async () => {
    server.on('GET /api/session', () => undefined);
    const error = await failure(bridgeClient({ timeoutMs: 200 }).call('session'));
    expect(error).toBeInstanceOf(ServerUnreachableError);
    expect((error as ServerUnreachableError).reason).toBe('timeout');
  });

  it("passes the caller's own abort through instead of calling it a network failure", async () => {
    server.on('GET /api/session', () => undefined);
    const controller = new AbortController();
    const pending = bridgeClient().call('session', { signal: controller.signal });
    controller.abort(new Error('navigated away'));
    const error = await failure(pending);
    expect(error).not.toBeInstanceOf(ServerUnreachableError);
    expect((error as Error).message).toBe('navigated away');
  });
});

describe('api client: connection modes', () => {
  it('refuses to send the secret anywhere but loopback http', () => {
    for (const baseUrl of [
      'https://127.0.0.1:4000',
      'http://evil.example:4000',
      'http://127.0.0.1.evil.example',
      'http://user:pw@127.0.0.1:4000',
      'not a url',
    ]) {
      expect(() => createApiClient({ baseUrl, secret: SECRET }), baseUrl).toThrow(TypeError);
    }
    expect(() => createApiClient({ baseUrl: 'http://127.0.0.1:4000/', secret: SECRET })).not.toThrow();
  });

  it('browser mode: same-origin relative URLs, cookie credentials, no Authorization header', async () => {
    server.on('GET /api/session', json(signedOutSession));
    const seen: { input: string; init: RequestInit }[] = [];
    // The page's origin does not exist in Node: resolve the relative URL against the fixture
    // server, as the browser would against its own origin, and let the real fetch do the rest.
    const api = createApiClient(null, {
      fetch: (input, init) => {
        seen.push({ input, init });
        return fetch(new URL(input, server.baseUrl), init);
      },
    });
    expect(await api.call('session')).toEqual(signedOutSession);
    expect(seen[0]?.input).toBe('/api/session');
    expect(seen[0]?.init.credentials).toBe('same-origin');
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });
});

describe('typed client over any route table', () => {
  const table = {
    item: route({
      method: 'GET',
      path: '/api/things/:id/notes/:noteId',
      access: 'session',
      query: z.strictObject({ q: z.string().optional(), tag: z.array(z.string()).optional() }),
      response: z.object({ ok: z.literal(true) }),
    }),
    decide: route({
      method: 'POST',
      path: '/api/things/:id/decide',
      access: 'session',
      body: z.strictObject({ verdict: z.enum(['approve', 'reject']), reason: z.string().min(1).optional() }),
      response: z.object({ ok: z.literal(true) }),
    }),
  } as const;

  it('encodes path parameters and serialises the query', async () => {
    server.on('GET /api/things/a%2Fb%20c/notes/7', json({ ok: true }));
    const api = createClientFor(table, { baseUrl: server.baseUrl, secret: SECRET });
    await api.call('item', { params: { id: 'a/b c', noteId: '7' }, query: { q: 'x&y', tag: ['1', '2'] } });
    expect(server.requests[0]?.url).toBe('/api/things/a%2Fb%20c/notes/7?q=x%26y&tag=1&tag=2');
  });

  it('sends the validated body as JSON', async () => {
    server.on('POST /api/things/42/decide', json({ ok: true }));
    const api = createClientFor(table, { baseUrl: server.baseUrl, secret: SECRET });
    await api.call('decide', { params: { id: '42' }, body: { verdict: 'approve' } });
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ verdict: 'approve' });
  });

  it('refuses an invalid request before sending it', async () => {
    const api = createClientFor(table, { baseUrl: server.baseUrl, secret: SECRET });
    // Cast: the point is a caller that got past the types (e.g. data from a form).
    const bad = { verdict: 'maybe' } as unknown as { verdict: 'approve' };
    const error = await failure(api.call('decide', { params: { id: '42' }, body: bad }));
    expect(error).toMatchObject({ status: 0, code: 'invalid_request' });
    expect((error as ApiCallError).issues?.[0]?.path).toBe('verdict');

    // Cast: params from a caller that got past the types (e.g. an id read from a URL).
    const noId = {} as unknown as { id: string };
    const missing = await failure(api.call('decide', { params: noId, body: { verdict: 'reject' } }));
    expect(missing).toMatchObject({ status: 0, code: 'invalid_request' });
    expect(server.requests).toHaveLength(0);
  });

  it('error answers of other routes are parsed with apiError too', async () => {
    server.on('POST /api/things/1/decide', (_req, res) =>
      sendJson(res, 409, { error: { code: 'conflict', message: 'Someone else decided this item.' } }),
    );
    const api = createClientFor(table, { baseUrl: server.baseUrl, secret: SECRET });
    const error = await failure(api.call('decide', { params: { id: '1' }, body: { verdict: 'reject', reason: 'x' } }));
    expect(error).toMatchObject({ status: 409, code: 'conflict', message: 'Someone else decided this item.' });
  });
});

describe('desktop secret rotation', () => {
  it('after a 401 asks the bridge for the connection once and repeats the request with the new secret', async () => {
    const NEW_SECRET = 'rotated-secret-after-sign-out-0123456789';
    server.on('GET /api/session', (req, res) => {
      if (req.headers.authorization === `Bearer ${NEW_SECRET}`) sendJson(res, 200, signedInSession);
      else
        sendJson(res, 401, { error: { code: 'unauthorized', message: 'The per-launch secret is missing or wrong.' } });
    });
    let asked = 0;
    const client = bridgeClient({
      reconnect: async () => {
        asked++;
        return { baseUrl: server.baseUrl, secret: NEW_SECRET };
      },
    });
    await expect(client.call('session')).resolves.toEqual(signedInSession);
    expect(asked).toBe(1);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${SECRET}`, `Bearer ${NEW_SECRET}`]);
  });

  it('gives up with the 401 when the bridge has nothing newer', async () => {
    server.on('GET /api/session', (_req, res) =>
      sendJson(res, 401, { error: { code: 'unauthorized', message: 'The per-launch secret is missing or wrong.' } }),
    );
    const client = bridgeClient({ reconnect: async () => ({ baseUrl: server.baseUrl, secret: SECRET }) });
    const error = await failure(client.call('session'));
    expect(error).toBeInstanceOf(ApiCallError);
    expect(server.requests).toHaveLength(1);
  });
});
