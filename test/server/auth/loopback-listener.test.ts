/** The RFC 8252 loopback receiver: one request, one path, Host checked, timeout, then closed. */
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { startLoopbackListener } from '../../../electron/server/auth/loopback-listener';

function get(url: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, host ? { headers: { host } } : {}, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

describe('loopback listener', () => {
  it('binds 127.0.0.1 on an ephemeral port and hands the one callback to the handler', async () => {
    const seen: string[] = [];
    const listener = await startLoopbackListener({
      onCallback: async (url) => {
        seen.push(url.search);
        return { status: 200, body: 'done' };
      },
    });
    expect(listener.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const port = new URL(listener.redirectUri).port;
    expect(Number(port)).toBeGreaterThan(0);

    expect((await get(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    const posted = await fetch(listener.redirectUri, { method: 'POST', body: 'code=a' });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET');
    expect((await get(`${listener.redirectUri}?code=a&state=b`, `evil.example:${port}`)).status).toBe(400);
    const ok = await get(`${listener.redirectUri}?code=a&state=b`);
    expect(ok).toEqual({ status: 200, body: 'done' });
    await listener.done;
    expect(seen).toEqual(['?code=a&state=b']);
    // Closed after the one callback: a second attempt cannot connect.
    await new Promise((r) => setTimeout(r, 50));
    await expect(get(`${listener.redirectUri}?code=c`)).rejects.toThrow();
  });

  it('times out and closes when the browser never comes back', async () => {
    const listener = await startLoopbackListener({ timeoutMs: 100, onCallback: async () => ({ status: 200 }) });
    await expect(listener.done).rejects.toThrow(/timed out/);
    await expect(get(listener.redirectUri)).rejects.toThrow();
  });
});
