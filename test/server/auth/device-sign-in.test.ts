/**
 * Sign-in with a device code (RFC 8628) against the simulator's real oidc-provider: the app shows
 * the code and the link, a person approves through the provider's /device pages, the app polls,
 * honours `slow_down`, and ends signed in with DPoP-bound tokens. The provider runs on its own
 * origin with a backend trusting it (a second instance's setup), so this test can put one
 * `slow_down` answer in front of the token endpoint: oidc-provider never sends one itself.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WORKSPACES, personByLogin } from '../../regional-backend/directory';
import { API_AUDIENCE, createIdentityProvider, type IdentityProviderHandle } from '../../regional-backend/identity';
import { expectPage, formWith, parseForms, TestBrowser } from '../../regional-backend/identity/test-support';
import { approveDeviceCode, createSession, startBackend, waitFor, type TestBackend } from './session-test-kit';

let idp: IdentityProviderHandle;
let idpServer: http.Server;
let idpDir: string;
let issuer: string;
let backend: TestBackend;
/** Times of the device-code polls that reached the token endpoint, and how many to slow down. */
const polls: number[] = [];
let slowDowns = 0;

beforeAll(async () => {
  idpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-device-idp-'));
  idpServer = http.createServer();
  await new Promise<void>((resolve) => idpServer.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(idpServer.address() as AddressInfo).port}`;
  idp = await createIdentityProvider({
    issuer,
    dataDir: idpDir,
    audience: API_AUDIENCE,
    config: { devicePollIntervalSeconds: 1 },
  });
  idpServer.on('request', (req, res) => {
    const deviceGrant = req.method === 'POST' && req.url === '/token' && polls.push(Date.now()) > 0;
    if (deviceGrant && slowDowns > 0) {
      slowDowns -= 1;
      req.resume();
      res
        .writeHead(400, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify({ error: 'slow_down', error_description: 'polling too fast' }));
      return;
    }
    idp.handle(req, res);
  });
  backend = await startBackend({ issuer });
});

afterAll(async () => {
  await backend.close();
  await idp.close();
  idpServer.closeAllConnections();
  await new Promise((resolve) => idpServer.close(resolve));
  fs.rmSync(idpDir, { recursive: true, force: true });
});

describe('device authorization grant', () => {
  it('shows a code and link, waits through slow_down, and signs in once approved', async () => {
    const test = createSession({ url: backend.url, issuer });
    try {
      const { session } = test;
      polls.length = 0;
      slowDowns = 1;
      await session.startDeviceSignIn();
      const pending = session.view().pending;
      if (pending?.kind !== 'device') throw new Error(`expected a device code, got ${JSON.stringify(pending)}`);
      expect(pending.userCode).toMatch(/\S{4,}/);
      expect(pending.verificationUri).toBe(`${issuer}/device`);
      expect(pending.verificationUriComplete).toContain(encodeURIComponent(pending.userCode).slice(0, 4));
      expect(session.view().status).toBe('signing-in');

      const html = await approveDeviceCode(issuer, pending.verificationUriComplete ?? '', 'reviewer');
      expect(html).toContain('Device connected');
      await waitFor(() => session.view().status === 'signed-in', 'the device sign-in', 30_000);

      expect(session.view()).toMatchObject({
        user: { name: personByLogin('reviewer')?.name },
        workspace: { id: DEMO_WORKSPACES[0]?.id, region: 'us-east-1', role: 'member' },
        tokenBinding: 'dpop',
        pending: null,
      });
      // The first poll was told to slow down; the next one came at least 5 s later (RFC 8628 §3.5).
      const [slowed, next] = polls;
      expect(slowed).toBeDefined();
      expect(next).toBeDefined();
      expect((next ?? 0) - (slowed ?? 0)).toBeGreaterThanOrEqual(5_000);
    } finally {
      await test.close();
    }
  }, 45_000);

  it('says so when the person refuses at the provider, and leaves no session', async () => {
    const test = createSession({ url: backend.url, issuer });
    try {
      const { session } = test;
      await session.startDeviceSignIn();
      const pending = session.view().pending;
      if (pending?.kind !== 'device' || !pending.verificationUriComplete) throw new Error('no device code');
      // The person aborts on the provider's confirmation page.
      const browser = new TestBrowser(issuer);
      const autoSubmit = expectPage(await browser.open(pending.verificationUriComplete));
      const [codeForm] = parseForms(autoSubmit.html);
      if (!codeForm) throw new Error('no code form');
      const confirm = expectPage(await browser.submit(autoSubmit, codeForm));
      await browser.submit(confirm, formWith(confirm, 'confirm'), { abort: 'yes' });
      await waitFor(() => session.view().lastError, 'the refusal', 30_000);
      expect(session.view()).toMatchObject({ status: 'signed-out', user: null, pending: null });
      expect(session.view().lastError).toMatch(/refused/);
    } finally {
      await test.close();
    }
  }, 45_000);
});
