/**
 * The regional-backend client against a real HTTP server on loopback that misbehaves on demand:
 * contract violations, non-JSON, oversized bodies, redirects, 429 with Retry-After, 5xx, 401
 * with one refresh, and the region pin.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RemoteClient, type RequestAuthorizer } from '../../../electron/server/remote/remote-client';
import { RemoteError } from '../../../electron/server/remote/remote-error';

type Reply = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const WS = '6f1c2a4e-8b0d-4c57-9e21-3a5b7c9d1e01';
let server: http.Server;
let origin: string;
let replies: Reply[] = [];
let hits: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    const reply = replies.shift();
    if (reply) reply(req, res);
    else json(res, 200, { ok: true });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  replies = [];
  hits = [];
});

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req-1', ...headers });
  res.end(JSON.stringify(body));
}

function authorizer(tokens: string[] = ['t1']): RequestAuthorizer & { refreshes: number } {
  const state = {
    refreshes: 0,
    headersFor: async () => ({ authorization: `Bearer ${tokens[Math.min(state.refreshes, tokens.length - 1)]}` }),
    refreshAfterUnauthorized: async () => {
      state.refreshes++;
      return state.refreshes < tokens.length;
    },
  };
  return state;
}

const client = (overrides: Partial<ConstructorParameters<typeof RemoteClient>[0]> = {}) =>
  new RemoteClient({
    pin: { origin, region: 'us-east-1', workspaceId: WS },
    authorizer: authorizer(),
    sleepImpl: async () => undefined,
    ...overrides,
  });

const okSchema = z.object({ ok: z.boolean() });

async function failure(promise: Promise<unknown>): Promise<RemoteError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RemoteError) return error;
    throw error;
  }
  throw new Error('expected a RemoteError');
}

describe('RemoteClient', () => {
  it('validates a good answer and keeps the raw JSON', async () => {
    replies.push((_req, res) => json(res, 200, { ok: true, extra: 'kept in raw' }));
    const result = await client().get('/v1/workspaces', okSchema);
    expect(result.data).toEqual({ ok: true });
    expect(result.raw).toEqual({ ok: true, extra: 'kept in raw' });
    expect(result.requestId).toBe('req-1');
  });

  it('refuses an answer that breaks the contract, naming the field', async () => {
    replies.push((_req, res) => json(res, 200, { ok: 'yes' }));
    const error = await failure(client().get('/v1/workspaces', okSchema));
    expect(error.kind).toBe('invalid-response');
    expect(error.message).toContain('ok');
  });

  it('refuses HTML served with 200 (captive portal)', async () => {
    replies.push((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>Sign in to the hotel Wi-Fi</html>');
    });
    expect((await failure(client().get('/v1/workspaces', okSchema))).kind).toBe('invalid-response');
  });

  it('refuses truncated JSON', async () => {
    replies.push((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok": tr');
    });
    expect((await failure(client().get('/v1/workspaces', okSchema))).kind).toBe('invalid-response');
  });

  it('stops reading an oversized body', async () => {
    replies.push((_req, res) => json(res, 200, { ok: true, pad: 'x'.repeat(50_000) }));
    const error = await failure(client({ maxResponseBytes: 10_000 }).get('/v1/workspaces', okSchema));
    expect(error.kind).toBe('too-large');
  });

  it('does not follow redirects', async () => {
    replies.push((_req, res) => {
      res.writeHead(302, { location: 'http://example.invalid/steal' });
      res.end();
    });
    expect((await failure(client().get('/v1/workspaces', okSchema))).kind).toBe('invalid-response');
    expect(hits).toHaveLength(1);
  });

  it('retries a GET after 429, honouring Retry-After', async () => {
    const waits: number[] = [];
    replies.push((_req, res) => json(res, 429, { detail: 'Too many requests' }, { 'retry-after': '2' }));
    const result = await client({ sleepImpl: async (ms) => void waits.push(ms) }).get('/v1/workspaces', okSchema);
    expect(result.data.ok).toBe(true);
    expect(waits).toEqual([2000]);
  });

  it('retries a GET after 5xx with backoff, then gives up with a transient error', async () => {
    for (let i = 0; i < 4; i++) replies.push((_req, res) => json(res, 503, { detail: 'unavailable' }));
    const error = await failure(client({ maxRetries: 3 }).get('/v1/workspaces', okSchema));
    expect(error.kind).toBe('server');
    expect(error.transient).toBe(true);
    expect(hits).toHaveLength(4);
  });

  it('never retries a POST after 5xx (its outcome is unknown)', async () => {
    replies.push((_req, res) => json(res, 500, { detail: 'boom' }));
    const error = await failure(client().post(`/v1/${WS}/review-queue/x/approve`, okSchema, {}));
    expect(error.kind).toBe('server');
    expect(hits).toHaveLength(1);
  });

  it('maps FastAPI 422 detail lists into the message', async () => {
    replies.push((_req, res) =>
      json(res, 422, {
        detail: [{ loc: ['query', 'limit'], msg: 'Input should be less than or equal to 20', type: 'less_than_equal' }],
      }),
    );
    const error = await failure(client().get('/v1/workspaces', okSchema));
    expect(error.kind).toBe('rejected');
    expect(error.message).toContain('query.limit: Input should be less than or equal to 20');
  });

  it('refreshes once after 401 and retries with the new token', async () => {
    const auth = authorizer(['old', 'new']);
    replies.push((_req, res) => json(res, 401, { detail: 'expired' }));
    const result = await client({ authorizer: auth }).get('/v1/workspaces', okSchema);
    expect(result.data.ok).toBe(true);
    expect(hits.map((h) => h.split(' ').at(-1))).toEqual(['old', 'new']);
  });

  it('reports a network failure as offline, not as an auth failure', async () => {
    const dead = new RemoteClient({
      pin: { origin: 'http://127.0.0.1:1', region: 'us-east-1', workspaceId: WS },
      authorizer: authorizer(),
      maxRetries: 0,
    });
    expect((await failure(dead.get('/v1/workspaces', okSchema))).kind).toBe('network');
  });

  it('refuses to send anything to another origin or another workspace (region pin)', async () => {
    const c = client();
    const other = '0b9e7d5c-3a1f-4e2d-8c6b-5f4e3d2c1b02';
    expect((await failure(c.get(`/v1/${other}/review-queue`, okSchema))).kind).toBe('region-violation');
    expect((await failure(c.get('https://api-eu-central-1.platform.amigo.ai/v1/workspaces', okSchema))).kind).toBe(
      'region-violation',
    );
    expect(hits).toHaveLength(0);
  });
});
