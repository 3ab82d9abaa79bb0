import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler } from '../../../electron/main/app-protocol';
import { contentSecurityPolicy } from '../../../electron/main/security';

let base: string;
let root: string;
let serverOrigin: string | null = 'http://127.0.0.1:43127';
let handler: (request: Request) => Promise<Response>;

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'attest-app-protocol-'));
  root = path.join(base, 'renderer');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<!doctype html><title>Attest</title>');
  await writeFile(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(path.join(root, 'assets', 'blob.bin'), 'x');
  await writeFile(path.join(base, 'secret.txt'), 'outside the root');
  await symlink(path.join(base, 'secret.txt'), path.join(root, 'assets', 'link.js'));
  await symlink(base, path.join(root, 'up'));
  handler = createAppProtocolHandler({
    rootDir: root,
    contentSecurityPolicy: () => contentSecurityPolicy(serverOrigin),
  });
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const get = (url: string, method = 'GET'): Promise<Response> => handler(new Request(url, { method }));

describe('app:// protocol handler', () => {
  it('serves index.html and assets with the right type and the security headers', async () => {
    const index = await get('app://attest/index.html');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>Attest</title>');
    expect(index.headers.get('content-security-policy')).toBe(contentSecurityPolicy('http://127.0.0.1:43127'));
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(index.headers.get('cache-control')).toBe('no-store');
    expect(index.headers.get('cross-origin-opener-policy')).toBe('same-origin');

    const script = await get('app://attest/assets/index-abc.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');

    const unknown = await get('app://attest/assets/blob.bin');
    expect(unknown.headers.get('content-type')).toBe('application/octet-stream');
  });

  it('serves index.html for / and for client-side routes', async () => {
    expect(await (await get('app://attest/')).text()).toContain('<title>Attest</title>');
    expect(await (await get('app://attest/review/42')).text()).toContain('<title>Attest</title>');
  });

  it.each([
    'app://attest/assets/missing.js',
    'app://attest/%2e%2e%2fsecret.txt',
    'app://attest/..%5csecret.txt',
    'app://attest/assets/link.js',
    'app://attest/up/secret.txt',
    'app://other/index.html',
  ])('answers 404 for %s, with the CSP still attached', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('Not found');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await get('app://attest/index.html', 'POST');
    expect(response.status).toBe(405);
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const head = await get('app://attest/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('computes the CSP per response (the server port changes on restart)', async () => {
    serverOrigin = 'http://127.0.0.1:50000';
    expect((await get('app://attest/')).headers.get('content-security-policy')).toContain(
      "connect-src 'self' http://127.0.0.1:50000;",
    );
    serverOrigin = null;
    expect((await get('app://attest/')).headers.get('content-security-policy')).toContain("connect-src 'self';");
    serverOrigin = 'http://127.0.0.1:43127';
  });
});
