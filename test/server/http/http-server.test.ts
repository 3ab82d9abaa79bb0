/**
 * The loopback server over real HTTP on 127.0.0.1 (architecture.md §4, security-bar L-01…L-08):
 * secret, Host, Origin, Fetch Metadata, JSON-only writes, body cap, static files without
 * traversal, the browser-mode cookie swap, and errors without internals.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiError, route } from '../../../shared/contract/define';
import { createHttpServer, type HttpServer } from '../../../electron/server/http/http-server';
import { ApiFailure, createRouter, type Handlers } from '../../../electron/server/http/router';
import { createSecret, type Secret } from '../../../electron/server/http/secret';
import { tempDir, type TempDir } from '../server-test-kit';
import { request, type RawResponse } from './http-test-kit';

const PHI = 'Zq7PhiMarker Jane Doe MRN 12345';

const testRoutes = {
  ping: route({
    method: 'GET',
    path: '/api/ping',
    access: 'public',
    query: z.strictObject({ n: z.coerce.number().int().min(0).max(10).optional() }),
    response: z.object({ pong: z.literal(true), n: z.number().optional() }),
  }),
  echo: route({
    method: 'POST',
    path: '/api/echo',
    access: 'public',
    body: z.strictObject({ text: z.string().max(100) }),
    response: z.object({ text: z.string() }),
  }),
  item: route({ method: 'GET', path: '/api/items/:id', access: 'session', response: z.object({ id: z.string() }) }),
  removeItem: route({
    method: 'DELETE',
    path: '/api/items/:id',
    access: 'session',
    response: z.object({ deleted: z.string() }),
  }),
  boom: route({ method: 'POST', path: '/api/boom', access: 'public', response: z.object({}) }),
  refuse: route({ method: 'POST', path: '/api/refuse', access: 'public', response: z.object({}) }),
  badShape: route({
    method: 'GET',
    path: '/api/bad-shape',
    access: 'public',
    response: z.object({ count: z.number() }),
  }),
  signOut: route({
    method: 'POST',
    path: '/api/sign-out',
    access: 'public',
    response: z.object({ ok: z.literal(true) }),
  }),
} as const;

type Session = 'open' | 'locked' | 'signed-out';

const handlers: Handlers<typeof testRoutes> = {
  ping: async ({ query }) => ({ pong: true, ...(query.n === undefined ? {} : { n: query.n }) }),
  echo: async ({ body }) => ({ text: body.text }),
  item: async ({ params }) => ({ id: params.id }),
  removeItem: async ({ params }) => ({ deleted: params.id }),
  boom: async () => {
    throw new Error(`could not render ${PHI}`);
  },
  refuse: async () => {
    throw new ApiFailure(409, 'already_claimed', 'Someone else is reviewing this item.');
  },
  // A handler bug: the wrong type for `count`.
  badShape: async () => ({ count: 'seven' }) as unknown as { count: number },
  signOut: async () => {
    rotateOnSignOut?.();
    return { ok: true };
  },
};

/** What the sign-out handler rotates (set per test). */
let rotateOnSignOut: (() => void) | undefined;

interface Running {
  server: HttpServer;
  port: number;
  url: string;
  secret: Secret;
}

const errors: string[] = [];
let session: Session = 'open';

const start = async (options: { staticDir?: string; allowedOrigins?: string[] }): Promise<Running> => {
  const secret = createSecret();
  const server = createHttpServer({
    secret,
    allowedOrigins: options.allowedOrigins ?? [],
    ...(options.staticDir === undefined ? {} : { staticDir: options.staticDir }),
    router: createRouter(testRoutes, handlers, { logError: (line) => errors.push(line) }),
    requireSession: () => {
      if (session === 'locked') throw new ApiFailure(423, 'locked', 'Attest is locked.');
      if (session === 'signed-out') throw new ApiFailure(401, 'signed_out', 'Sign in to continue.');
    },
    maxBodyBytes: 1024 * 1024,
    logError: (line) => errors.push(line),
  });
  const { port, url } = await server.listen();
  return { server, port, url, secret };
};

const bearer = (running: Running): Record<string, string> => ({ authorization: `Bearer ${running.secret.reveal()}` });
const json = { 'content-type': 'application/json' };

const expectHygiene = (res: RawResponse): void => {
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['access-control-allow-origin']).not.toBe('*');
  expect(res.headers['access-control-allow-credentials']).toBeUndefined();
};

const expectError = (res: RawResponse, status: number, code: string): void => {
  expect(res.status, res.body).toBe(status);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  const body = apiError.parse(res.json());
  expect(body.error.code).toBe(code);
  expect(res.body).not.toMatch(/at .*\.ts:\d+|Error:|Zq7PhiMarker/);
  expectHygiene(res);
};

let tmp: TempDir;
let desktop: Running;
let browser: Running;

beforeAll(async () => {
  tmp = tempDir();
  const site = tmp.file('site');
  mkdirSync(path.join(site, 'assets'), { recursive: true });
  writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>Attest</title><div id="root"></div>');
  writeFileSync(path.join(site, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(path.join(site, 'assets', 'style.css'), 'body{}');
  writeFileSync(path.join(site, '.env'), 'DOTFILE-CONTENT');
  writeFileSync(tmp.file('secret.txt'), 'TOP-SECRET-OUTSIDE-ROOT');
  writeFileSync(tmp.file('package.json'), '{"name":"OUTSIDE-PACKAGE"}');
  symlinkSync(tmp.file('secret.txt'), path.join(site, 'assets', 'link.txt'));
  desktop = await start({ allowedOrigins: ['app://attest'] });
  browser = await start({ staticDir: site });
});

afterAll(async () => {
  await desktop.server.close();
  await browser.server.close();
  tmp.remove();
});

beforeEach(() => {
  session = 'open';
  errors.length = 0;
});

describe('binding (L-01)', () => {
  it('listens on 127.0.0.1 only, on an ephemeral port', async () => {
    expect(desktop.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(desktop.port).toBeGreaterThan(1023);
    const lan = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (lan) {
      const reached = await new Promise<boolean>((resolve) => {
        const socket = net.connect({ host: lan.address, port: desktop.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      expect(reached).toBe(false);
    }
  });

  it('stops listening on close', async () => {
    const running = await start({});
    await running.server.close();
    await expect(request(running.port, { path: '/api/ping', headers: bearer(running) })).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });
});

describe('the per-launch secret (L-03)', () => {
  it('answers with the secret, and refuses without it or with a wrong one, in one constant shape', async () => {
    const ok = await request(desktop.port, { path: '/api/ping', headers: bearer(desktop) });
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ pong: true });
    expectHygiene(ok);

    const missing = await request(desktop.port, { path: '/api/ping' });
    const wrong = await request(desktop.port, {
      path: '/api/ping',
      headers: { authorization: 'Bearer not-the-secret' },
    });
    const malformed = await request(desktop.port, {
      path: '/api/ping',
      headers: { authorization: `Basic ${desktop.secret.reveal()}` },
    });
    for (const res of [missing, wrong, malformed]) expectError(res, 401, 'unauthorized');
    expect(wrong.body).toBe(missing.body);
    expect(malformed.body).toBe(missing.body);
  });

  it('is at least 128 bits of base64url and compared in constant time', () => {
    const secret = createSecret();
    expect(secret.reveal()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secret.matches(secret.reveal())).toBe(true);
    expect(secret.matches(`${secret.reveal()}x`)).toBe(false);
    expect(secret.matches(undefined)).toBe(false);
    expect(() => createSecret('short')).toThrow();
    expect(createSecret('A'.repeat(22)).matches('A'.repeat(22))).toBe(true);
  });

  it('refuses a secret in the query string on the API, even beside a good header', async () => {
    const res = await request(desktop.port, {
      path: `/api/ping?token=${desktop.secret.reveal()}`,
      headers: bearer(desktop),
    });
    expectError(res, 401, 'unauthorized');
  });

  it('stops accepting the old secret after rotate()', async () => {
    const running = await start({ staticDir: tmp.file('site') });
    try {
      const old = running.secret.reveal();
      const launch = await request(running.port, { path: `/?token=${old}` });
      const cookie = (launch.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
      expect((await request(running.port, { path: '/api/ping', headers: { cookie } })).status).toBe(200);
      const fresh = running.secret.rotate();
      expect(fresh).not.toBe(old);
      expectError(
        await request(running.port, { path: '/api/ping', headers: { authorization: `Bearer ${old}` } }),
        401,
        'unauthorized',
      );
      expectError(await request(running.port, { path: '/api/ping', headers: { cookie } }), 401, 'unauthorized');
      expectError(await request(running.port, { path: `/?token=${old}` }), 401, 'unauthorized');
      expect(
        (await request(running.port, { path: '/api/ping', headers: { authorization: `Bearer ${fresh}` } })).status,
      ).toBe(200);
    } finally {
      await running.server.close();
    }
  });

  it('hands the new secret to the browser tab whose request rotated it (sign-out), and only to it', async () => {
    const running = await start({ staticDir: tmp.file('site') });
    rotateOnSignOut = () => running.secret.rotate();
    try {
      const launch = await request(running.port, { path: `/?token=${running.secret.reveal()}` });
      const oldCookie = (launch.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
      const out = await request(running.port, {
        method: 'POST',
        path: '/api/sign-out',
        headers: { ...json, cookie: oldCookie },
        body: '{}',
      });
      expect(out.status).toBe(200);
      const newCookie = out.headers['set-cookie']?.[0] ?? '';
      expect(newCookie).toMatch(/; HttpOnly; SameSite=Strict; Path=\/$/);
      expect(newCookie.split(';')[0]).toBe(`attest_session=${running.secret.reveal()}`);
      expectError(
        await request(running.port, { path: '/api/ping', headers: { cookie: oldCookie } }),
        401,
        'unauthorized',
      );
      expect(
        (await request(running.port, { path: '/api/ping', headers: { cookie: newCookie.split(';')[0] ?? '' } })).status,
      ).toBe(200);

      // A Bearer caller (the desktop) gets no cookie: its new secret comes through the preload.
      const viaBearer = await request(running.port, {
        method: 'POST',
        path: '/api/sign-out',
        headers: { ...json, ...bearer(running) },
        body: '{}',
      });
      expect(viaBearer.status).toBe(200);
      expect(viaBearer.headers['set-cookie']).toBeUndefined();
    } finally {
      rotateOnSignOut = undefined;
      await running.server.close();
    }
  });
});

describe('Host and Origin (L-02, L-04)', () => {
  it('refuses a foreign Host before routing, even with the secret', async () => {
    for (const host of [
      `evil.example:${desktop.port}`,
      '127.0.0.1',
      `127.0.0.1:${desktop.port + 1}`,
      `[::1]:${desktop.port}`,
      `127.0.0.1.evil.example:${desktop.port}`,
    ]) {
      const res = await request(desktop.port, { path: '/api/ping', headers: { ...bearer(desktop), host } });
      expectError(res, 403, 'forbidden_host');
      expect(res.body).not.toMatch(/pong/);
    }
    // Unknown routes answer the same: nothing is learned about what exists.
    expectError(
      await request(desktop.port, { path: '/api/nope', headers: { host: 'evil.example' } }),
      403,
      'forbidden_host',
    );
  });

  it('accepts 127.0.0.1 and localhost with the port, case-insensitively', async () => {
    for (const host of [`127.0.0.1:${desktop.port}`, `localhost:${desktop.port}`, `LocalHost:${desktop.port}`]) {
      expect((await request(desktop.port, { path: '/api/ping', headers: { ...bearer(desktop), host } })).status).toBe(
        200,
      );
    }
  });

  it('refuses a foreign Origin; allows the app and its own origin with an exact ACAO', async () => {
    for (const origin of [
      'https://evil.example',
      'null',
      `http://127.0.0.1:${desktop.port + 1}`,
      'app://attest.evil',
    ]) {
      const res = await request(desktop.port, { path: '/api/ping', headers: { ...bearer(desktop), origin } });
      expectError(res, 403, 'forbidden_origin');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    const app = await request(desktop.port, {
      path: '/api/ping',
      headers: { ...bearer(desktop), origin: 'app://attest' },
    });
    expect(app.status).toBe(200);
    expect(app.headers['access-control-allow-origin']).toBe('app://attest');
    expect(app.headers.vary).toBe('Origin');
    expectHygiene(app);
    const self = await request(browser.port, {
      path: '/api/ping',
      headers: { ...bearer(browser), origin: browser.url },
    });
    expect(self.status).toBe(200);
  });

  it('answers preflights for the app origin only, without wildcards or credentials', async () => {
    const preflight = (origin: string): Promise<RawResponse> =>
      request(desktop.port, {
        method: 'OPTIONS',
        path: '/api/echo',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
          'access-control-request-private-network': 'true',
        },
      });
    const evil = await preflight('https://evil.example');
    expect(evil.status).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    expect(evil.headers['access-control-allow-methods']).toBeUndefined();
    expect(evil.headers['access-control-allow-private-network']).toBeUndefined();

    const app = await preflight('app://attest');
    expect(app.status).toBe(204);
    expect(app.headers['access-control-allow-origin']).toBe('app://attest');
    expect(app.headers['access-control-allow-headers']).toBe('authorization, content-type');
    expect(app.headers['access-control-allow-credentials']).toBeUndefined();
    expect(app.headers['access-control-allow-private-network']).toBe('true');
    expectHygiene(app);
  });

  it('refuses navigations and no-cors loads of API routes (Fetch Metadata)', async () => {
    for (const mode of ['navigate', 'no-cors']) {
      const res = await request(desktop.port, {
        path: '/api/ping',
        headers: { ...bearer(desktop), 'sec-fetch-mode': mode },
      });
      expectError(res, 403, 'forbidden_fetch');
    }
    const cors = await request(desktop.port, {
      path: '/api/ping',
      headers: { ...bearer(desktop), 'sec-fetch-mode': 'cors' },
    });
    expect(cors.status).toBe(200);
  });

  it('refuses WebSocket upgrades', async () => {
    const res = await request(desktop.port, {
      path: '/api/ping',
      headers: { ...bearer(desktop), connection: 'Upgrade', upgrade: 'websocket', origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(res.body).not.toMatch(/pong/);
  });
});

describe('writes and bodies (L-05, L-08)', () => {
  it('closes a connection whose headers never finish (slowloris)', async () => {
    const secret = createSecret();
    const server = createHttpServer({
      secret,
      allowedOrigins: [],
      router: createRouter(testRoutes, handlers),
      requireSession: () => undefined,
      headersTimeoutMs: 300,
      requestTimeoutMs: 600,
    });
    const { port } = await server.listen();
    try {
      const started = Date.now();
      const closed = await new Promise<string>((resolve) => {
        const socket = net.connect({ host: '127.0.0.1', port }, () => {
          socket.write(`GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: 1`);
        });
        let answer = '';
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
        socket.on('close', () => resolve(answer));
        socket.on('error', () => undefined);
      });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(closed).toMatch(/^HTTP\/1\.1 408|^$/);
    } finally {
      await server.close();
    }
  });

  it('takes state changes as JSON only', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      undefined,
    ]) {
      const res = await request(desktop.port, {
        method: 'POST',
        path: '/api/echo',
        headers: { ...bearer(desktop), 'content-type': type },
        body: '{"text":"hi"}',
      });
      expectError(res, 415, 'unsupported_media_type');
    }
    const ok = await request(desktop.port, {
      method: 'POST',
      path: '/api/echo',
      headers: { ...bearer(desktop), 'content-type': 'application/json; charset=utf-8' },
      body: '{"text":"hi"}',
    });
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ text: 'hi' });
  });

  it('refuses a 2 MB body with 413, declared or streamed', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) });
    const declared = await request(desktop.port, {
      method: 'POST',
      path: '/api/echo',
      headers: { ...bearer(desktop), ...json },
      body: big,
    });
    expectError(declared, 413, 'payload_too_large');
    const streamed = await request(desktop.port, {
      method: 'POST',
      path: '/api/echo',
      headers: { ...bearer(desktop), ...json },
      body: big,
      chunked: true,
    });
    expectError(streamed, 413, 'payload_too_large');
    // The server is still fine afterwards.
    expect((await request(desktop.port, { path: '/api/ping', headers: bearer(desktop) })).status).toBe(200);
  });

  it('refuses malformed, mis-encoded or deeply nested JSON with 400', async () => {
    const post = (body: string | Buffer): Promise<RawResponse> =>
      request(desktop.port, { method: 'POST', path: '/api/echo', headers: { ...bearer(desktop), ...json }, body });
    expectError(await post('{"text":'), 400, 'invalid_json');
    expectError(await post(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])), 400, 'bad_request');
    expectError(await post(`${'['.repeat(5000)}${']'.repeat(5000)}`), 400, 'bad_request');
  });
});

describe('router through the server', () => {
  it('validates query and body with the route schemas (422 with issues)', async () => {
    const good = await request(desktop.port, { path: '/api/ping?n=3', headers: bearer(desktop) });
    expect(good.json()).toEqual({ pong: true, n: 3 });

    const badQuery = await request(desktop.port, { path: '/api/ping?n=eleven', headers: bearer(desktop) });
    expectError(badQuery, 422, 'validation');
    expect(apiError.parse(badQuery.json()).error.issues?.[0]?.path).toBe('n');
    expectError(
      await request(desktop.port, { path: '/api/ping?debug=1', headers: bearer(desktop) }),
      422,
      'validation',
    );

    const extraKey = await request(desktop.port, {
      method: 'POST',
      path: '/api/echo',
      headers: { ...bearer(desktop), ...json },
      body: JSON.stringify({ text: 'hi', __proto__: { admin: true }, role: 'owner' }),
    });
    expectError(extraKey, 422, 'validation');
    const wrongType = await request(desktop.port, {
      method: 'POST',
      path: '/api/echo',
      headers: { ...bearer(desktop), ...json },
      body: JSON.stringify({ text: 42 }),
    });
    expectError(wrongType, 422, 'validation');
    expect(apiError.parse(wrongType.json()).error.issues).toEqual([{ path: 'text', message: expect.any(String) }]);
  });

  it('passes typed path parameters, and enforces the session on session routes', async () => {
    const res = await request(desktop.port, { path: '/api/items/abc-123', headers: bearer(desktop) });
    expect(res.json()).toEqual({ id: 'abc-123' });
    const removed = await request(desktop.port, {
      method: 'DELETE',
      path: '/api/items/x%20y',
      headers: { ...bearer(desktop), ...json },
    });
    expect(removed.json()).toEqual({ deleted: 'x y' });
    expectError(
      await request(desktop.port, { path: '/api/items/a%2Fb', headers: bearer(desktop) }),
      400,
      'bad_request',
    );

    session = 'locked';
    expectError(await request(desktop.port, { path: '/api/items/abc', headers: bearer(desktop) }), 423, 'locked');
    session = 'signed-out';
    expectError(await request(desktop.port, { path: '/api/items/abc', headers: bearer(desktop) }), 401, 'signed_out');
    // Public routes do not need a session.
    expect((await request(desktop.port, { path: '/api/ping', headers: bearer(desktop) })).status).toBe(200);
  });

  it('maps handler failures: ApiFailure as declared, anything else as a generic 500 without details', async () => {
    expectError(
      await request(desktop.port, {
        method: 'POST',
        path: '/api/refuse',
        headers: { ...bearer(desktop), ...json },
        body: '{}',
      }),
      409,
      'already_claimed',
    );

    const boom = await request(desktop.port, {
      method: 'POST',
      path: '/api/boom',
      headers: { ...bearer(desktop), ...json },
      body: '{}',
    });
    expectError(boom, 500, 'internal');
    expect(errors.join('\n')).toMatch(/boom: unexpected error\nError\n/);
    expect(errors.join('\n')).not.toMatch(/Zq7PhiMarker/);

    errors.length = 0;
    const shape = await request(desktop.port, { path: '/api/bad-shape', headers: bearer(desktop) });
    expectError(shape, 500, 'internal');
    expect(shape.body).not.toMatch(/seven/);
    expect(errors.join('\n')).toMatch(/badShape: response does not match its schema at count/);
  });

  it('answers 404 for unknown API paths and 405 with Allow for a wrong method', async () => {
    expectError(await request(desktop.port, { path: '/api/nothing', headers: bearer(desktop) }), 404, 'not_found');
    const wrong = await request(desktop.port, {
      method: 'PUT',
      path: '/api/ping',
      headers: { ...bearer(desktop), ...json },
      body: '{}',
    });
    expectError(wrong, 405, 'method_not_allowed');
    expect(wrong.headers.allow).toBe('GET');
  });
});

describe('browser mode: launch URL, cookie and static files', () => {
  const launch = (token: string): Promise<RawResponse> =>
    request(browser.port, { path: `/?token=${encodeURIComponent(token)}` });

  it('swaps the launch token for an HttpOnly SameSite=Strict session cookie and a clean URL', async () => {
    const res = await launch(browser.secret.reveal());
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
    expectHygiene(res);
    const cookie = res.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/^attest_session=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Max-Age|Expires|Domain/i);

    const pair = cookie.split(';')[0] ?? '';
    const page = await request(browser.port, { path: '/', headers: { cookie: `other=1; ${pair}` } });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(page.body).toContain('<div id="root">');
    expectHygiene(page);
    const api = await request(browser.port, { path: '/api/ping', headers: { cookie: pair } });
    expect(api.status).toBe(200);
  });

  it('refuses a wrong launch token, and a token anywhere but the launch URL', async () => {
    const bad = await launch('x'.repeat(43));
    expectError(bad, 401, 'unauthorized');
    expect(bad.headers['set-cookie']).toBeUndefined();
    expectError(
      await request(browser.port, { path: `/index.html?token=${browser.secret.reveal()}` }),
      401,
      'unauthorized',
    );
    expectError(
      await request(browser.port, { path: `/api/ping?token=${browser.secret.reveal()}` }),
      401,
      'unauthorized',
    );
    expectError(
      await request(browser.port, {
        method: 'POST',
        path: `/?token=${browser.secret.reveal()}`,
        headers: json,
        body: '{}',
      }),
      401,
      'unauthorized',
    );
  });

  it('does not serve pages without the secret', async () => {
    expectError(await request(browser.port, { path: '/' }), 401, 'unauthorized');
    expectError(await request(browser.port, { path: '/assets/app.js' }), 401, 'unauthorized');
  });

  it('has no launch URL and no cookie on the desktop', async () => {
    expectError(await request(desktop.port, { path: `/?token=${desktop.secret.reveal()}` }), 401, 'unauthorized');
    expectError(
      await request(desktop.port, {
        path: '/api/ping',
        headers: { cookie: `attest_session=${desktop.secret.reveal()}` },
      }),
      401,
      'unauthorized',
    );
    expectError(await request(desktop.port, { path: '/', headers: bearer(desktop) }), 404, 'not_found');
  });

  it('serves assets with their content types, and index.html for client routes', async () => {
    const js = await request(browser.port, { path: '/assets/app.js', headers: bearer(browser) });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(
      (await request(browser.port, { path: '/assets/style.css', headers: bearer(browser) })).headers['content-type'],
    ).toBe('text/css; charset=utf-8');
    const route = await request(browser.port, { path: '/review/items/123?tab=transcript', headers: bearer(browser) });
    expect(route.status).toBe(200);
    expect(route.body).toContain('<div id="root">');
    expectError(
      await request(browser.port, { path: '/assets/missing.js', headers: bearer(browser) }),
      404,
      'not_found',
    );
    const post = await request(browser.port, {
      method: 'POST',
      path: '/',
      headers: { ...bearer(browser), ...json },
      body: '{}',
    });
    expectError(post, 405, 'method_not_allowed');
  });

  it('never serves a file outside the root: traversal, encoded traversal, NUL, dotfiles, symlinks', async () => {
    const attempts = [
      '/../package.json',
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e%2fpackage.json',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/index.html%00.js',
      '/.env',
      '/assets/link.txt',
      '//etc/passwd',
      '/%252e%252e%252fsecret.txt',
    ];
    for (const attempt of attempts) {
      const res = await request(browser.port, { path: attempt, headers: bearer(browser) });
      expect([400, 404], `${attempt} → ${res.status}`).toContain(res.status);
      expect(res.body).not.toMatch(/OUTSIDE|TOP-SECRET|DOTFILE|root:/);
      expectHygiene(res);
    }
  });
});
