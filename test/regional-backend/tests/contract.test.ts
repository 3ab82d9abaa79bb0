/** The API's documented error contract: FastAPI shapes, auth, roles, regions, rate limits, request ids. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpError, httpValidationError, reviewItemPage } from '../../../shared/amigo';
import type { TestBackend } from './fixtures';
import { arr, call, EU_WS, obj, startFixtureBackend, WS } from './fixtures';

let t: TestBackend;
let url: string;

beforeAll(async () => {
  t = await startFixtureBackend();
  url = t.backend.url;
});
afterAll(async () => {
  // Optional: beforeAll may have failed before t was set.
  await t?.close();
});

describe('validation (422, FastAPI HTTPValidationError)', () => {
  it('limit 21 on the review queue → 422 with a detail list', async () => {
    const r = await call(url, 'GET', `/v1/${WS}/review-queue?limit=21`, await t.token('reviewer'));
    expect(r.status).toBe(422);
    const body = httpValidationError.parse(r.body);
    expect(body.detail).toEqual([
      {
        type: 'less_than_equal',
        loc: ['query', 'limit'],
        msg: 'Input should be less than or equal to 20',
        input: '21',
        ctx: { le: 20 },
      },
    ]);
  });

  it('limit 0, a non-integer and a bad enum are each reported, all at once', async () => {
    const r = await call(
      url,
      'GET',
      `/v1/${WS}/review-queue?limit=0&continuation_token=x&sort_by=name`,
      await t.token('reviewer'),
    );
    expect(r.status).toBe(422);
    const types = httpValidationError.parse(r.body).detail.map((d) => `${d.loc.join('.')}:${d.type}`);
    expect(types).toEqual(['query.sort_by:enum', 'query.limit:greater_than', 'query.continuation_token:int_parsing']);
  });

  it('a bad uuid in the path → 422 uuid_parsing', async () => {
    const r = await call(url, 'GET', `/v1/${WS}/review-queue/not-a-uuid`, await t.token('reviewer'));
    expect(r.status).toBe(422);
    expect(httpValidationError.parse(r.body).detail[0]).toMatchObject({
      type: 'uuid_parsing',
      loc: ['path', 'item_id'],
    });
  });

  it('audit limit 101 and world limit 0 are out of range', async () => {
    const admin = await t.token('compliance');
    expect((await call(url, 'GET', `/v1/${WS}/audit?limit=101`, admin)).status).toBe(422);
    expect((await call(url, 'GET', `/v1/${WS}/world/entities?limit=0`, admin)).status).toBe(422);
    expect((await call(url, 'GET', `/v1/${WS}/world/sync/events`, admin)).status).toBe(422);
  });

  it('a missing body and malformed JSON are 422 too', async () => {
    const token = await t.token('reviewer');
    const missing = await fetch(`${url}/v1/${WS}/review-queue/${'0'.repeat(8)}-0000-4000-8000-000000000001/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(missing.status).toBe(422);
    expect(httpValidationError.parse(await missing.json()).detail[0]).toMatchObject({ type: 'missing', loc: ['body'] });
    const broken = await fetch(`${url}/v1/${WS}/review-queue/batch-approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"item_ids": [',
    });
    expect(broken.status).toBe(422);
    expect(httpValidationError.parse(await broken.json()).detail[0]).toMatchObject({ type: 'json_invalid' });
  });
});

describe('authentication and authorisation', () => {
  it('no token → 401 {detail} with a Bearer challenge', async () => {
    const r = await call(url, 'GET', `/v1/${WS}/review-queue`);
    expect(r.status).toBe(401);
    expect(typeof httpError.parse(r.body).detail).toBe('string');
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('a forged token → 401', async () => {
    const r = await call(url, 'GET', `/v1/${WS}/review-queue`, 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln');
    expect(r.status).toBe(401);
    expect(typeof obj(r.body)['detail']).toBe('string');
  });

  it('a token for another workspace → 403 {detail}', async () => {
    // Dana's token for Lindenhof (eu-central-1) is valid here, but not for Riverbend's data.
    const r = await call(url, 'GET', `/v1/${WS}/review-queue`, await t.token('dana', EU_WS));
    expect(r.status).toBe(403);
    expect(httpError.parse(r.body).detail).toBe('Token is not valid for this workspace');
  });

  it('a workspace of another region → 404', async () => {
    const r = await call(url, 'GET', `/v1/${EU_WS}/review-queue`, await t.token('dana', EU_WS));
    expect(r.status).toBe(404);
    expect(obj(r.body)['detail']).toBe('Workspace not found');
  });

  it('a viewer asking for audit → 403 {detail}; an admin → 200', async () => {
    const viewer = await call(url, 'GET', `/v1/${WS}/audit`, await t.token('auditor'));
    expect(viewer.status).toBe(403);
    expect(httpError.parse(viewer.body).detail).toMatch(/admin or owner/);
    expect((await call(url, 'GET', `/v1/${WS}/compliance/dashboard`, await t.token('reviewer'))).status).toBe(403);
    expect((await call(url, 'GET', `/v1/${WS}/audit`, await t.token('compliance'))).status).toBe(200);
  });

  it('a viewer reads the queue but may not decide', async () => {
    const viewer = await t.token('auditor');
    const list = await call(url, 'GET', `/v1/${WS}/review-queue`, viewer);
    expect(list.status).toBe(200);
    const first = reviewItemPage.parse(list.body).items[0];
    const r = await call(url, 'POST', `/v1/${WS}/review-queue/${first?.id ?? ''}/approve`, viewer, {});
    expect(r.status).toBe(403);
    expect((await call(url, 'GET', `/v1/${WS}/settings/retention`, viewer)).status).toBe(200);
    expect((await call(url, 'PUT', `/v1/${WS}/settings/retention`, viewer, { legal_hold: false })).status).toBe(403);
  });

  it('/self/profile lists every membership in every region; /self falls back to it', async () => {
    const token = await t.token('dana');
    for (const p of ['/self/profile', '/self']) {
      const r = await call(url, 'GET', p, token);
      expect(r.status).toBe(200);
      const workspaces = arr(obj(r.body)['workspaces']).map(obj);
      expect(workspaces.map((w) => [w['role'], w['region']])).toEqual([
        ['member', 'us-east-1'],
        ['admin', 'eu-central-1'],
      ]);
    }
  });

  it('/v1/auth/me and /v1/workspaces describe the caller', async () => {
    const token = await t.token('reviewer');
    const me = obj((await call(url, 'GET', '/v1/auth/me', token)).body);
    expect(me['workspace_id']).toBe(WS);
    expect(me['expires_in_seconds']).toBeGreaterThan(0);
    const page = obj((await call(url, 'GET', '/v1/workspaces', token)).body);
    expect(arr(page['items']).map((w) => obj(w)['id'])).toEqual([WS]);
    expect((await call(url, 'GET', '/v1/workspaces?limit=21', token)).status).toBe(422);
    expect((await call(url, 'GET', `/v1/workspaces/${EU_WS}`, token)).status).toBe(404);
  });
});

describe('headers, rate limits and faults', () => {
  it('x-request-id is on every response (API, errors, identity), and echoed when sane', async () => {
    const api = await call(url, 'GET', `/v1/${WS}/review-queue`, await t.token('reviewer'));
    const denied = await call(url, 'GET', `/v1/${WS}/review-queue`);
    const idp = await fetch(`${url}/.well-known/openid-configuration`);
    const unknown = await call(url, 'GET', '/v1/nope');
    for (const h of [api.headers, denied.headers, idp.headers, unknown.headers])
      expect(h.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
    const echoed = await fetch(`${url}/v1/${WS}/review-queue`, { headers: { 'x-request-id': 'trace-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-123');
    expect(api.headers.get('x-ratelimit-limit')).toBe('20000');
  });

  it('a 429 fault carries Retry-After and the rate-limit headers, then clears', async () => {
    const token = await t.token('reviewer');
    t.backend.faults.add({ kind: 'status', status: 429, count: 2, retry_after: 7, path: '/v1/*/review-queue' });
    for (let i = 0; i < 2; i++) {
      const r = await call(url, 'GET', `/v1/${WS}/review-queue`, token);
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBe('7');
      expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(obj(r.body)['detail']).toBe('Rate limit exceeded');
    }
    expect((await call(url, 'GET', `/v1/${WS}/review-queue`, token)).status).toBe(200);
  });

  it('the per-endpoint limiter answers 429 with Retry-After when its budget is spent', async () => {
    const token = await t.token('reviewer');
    t.backend.rateLimiter.configure({
      limit: 1000,
      windowMs: 60_000,
      routes: { 'GET /v1/{workspace_id}/review-queue/stats': { limit: 2, windowMs: 60_000 } },
    });
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof call>> | undefined;
      for (let i = 0; i < 3; i++) {
        last = await call(url, 'GET', `/v1/${WS}/review-queue/stats`, token);
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(Number(last?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await call(url, 'GET', `/v1/${WS}/review-queue`, token)).status).toBe(200);
    } finally {
      t.backend.rateLimiter.configure({ limit: 20_000, windowMs: 60_000 });
    }
  });

  it('body faults: malformed, schema-violating and oversized responses', async () => {
    const token = await t.token('reviewer');
    const p = `/v1/${WS}/review-queue/stats`;
    t.backend.faults.add({ kind: 'malformed', path: p });
    const malformed = await call(url, 'GET', p, token);
    expect(typeof malformed.body).toBe('string');
    t.backend.faults.add({ kind: 'schema', path: p });
    const violating = obj((await call(url, 'GET', p, token)).body);
    expect(typeof violating['pending']).toBe('string');
    t.backend.faults.add({ kind: 'oversized', path: p, bytes: 3_000_000 });
    const big = await fetch(`${url}${p}`, { headers: { authorization: `Bearer ${token}` } });
    expect(Number(big.headers.get('content-length'))).toBeGreaterThan(3_000_000);
    await big.arrayBuffer();
  });

  it('5xx and dropped connections, scoped by path; the request log counts them', async () => {
    const token = await t.token('reviewer');
    t.backend.requests.reset();
    t.backend.faults.add({ kind: 'status', status: 502, path: '/v1/**/stats' });
    expect((await call(url, 'GET', `/v1/${WS}/review-queue/stats`, token)).status).toBe(502);
    t.backend.faults.add({ kind: 'drop', path: '/v1/**/stats' });
    await expect(call(url, 'GET', `/v1/${WS}/review-queue/stats`, token)).rejects.toThrow();
    expect((await call(url, 'GET', `/v1/${WS}/review-queue/stats`, token)).status).toBe(200);
    const log = obj((await call(url, 'GET', '/__sim/requests?path_prefix=/v1/')).body);
    expect(arr(log['requests']).map((e) => obj(e)['status'])).toEqual([502, 0, 200]);
  });
});
