/**
 * Browser sign-in against the simulator's real oidc-provider: the happy path (PKCE, state, nonce,
 * DPoP-bound tokens, the workspace pinned), the picker for a person with two workspaces, and the
 * refusals of security-bar O-60: wrong state, replayed code, wrong PKCE verifier, wrong issuer
 * (a discovery document for another issuer, and a callback naming another issuer). Each refusal
 * leaves no session and says what happened in a sentence.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { credentialAccount } from '../../../electron/server/auth/credential-vault';
import { ApiFailure } from '../../../electron/server/http/api-failure';
import { DEMO_WORKSPACES, personByLogin } from '../../regional-backend/directory';
import { expectCallback, TestBrowser } from '../../regional-backend/identity/test-support';
import {
  approveInBrowser,
  browserSignIn,
  createSession,
  deliver,
  startBackend,
  tokenRequests,
  type TestBackend,
  type TestSession,
} from './session-test-kit';

const riverbend = DEMO_WORKSPACES[0];
const lindenhof = DEMO_WORKSPACES[1];
if (!riverbend || !lindenhof) throw new Error('demo directory changed');

let backend: TestBackend;
let current: TestSession | null = null;

beforeAll(async () => {
  backend = await startBackend();
});
afterAll(() => backend.close());
afterEach(async () => {
  await current?.close();
  current = null;
});

const session = (options: Parameters<typeof createSession>[1] = {}): TestSession => {
  current = createSession(backend, options);
  return current;
};

describe('browser sign-in (authorization code + PKCE S256, state, nonce, loopback redirect)', () => {
  it('signs the reviewer in: person, role, workspace and region; DPoP-bound; refresh token only in the keychain', async () => {
    const { session: s, secrets } = session();
    const url = new URL(await s.startBrowserSignIn());
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.get('nonce')).toBeTruthy();
    expect(url.searchParams.get('dpop_jkt')).toBeTruthy();
    const redirect = new URL(url.searchParams.get('redirect_uri') ?? '');
    expect(redirect.hostname).toBe('127.0.0.1');
    expect(s.view()).toMatchObject({ status: 'signing-in', pending: { kind: 'browser' } });

    await deliver(await approveInBrowser(backend.issuer, url.href, 'reviewer'));
    const view = s.view();
    const reviewer = personByLogin('reviewer');
    expect(view).toMatchObject({
      status: 'signed-in',
      user: { sub: reviewer?.sub, name: reviewer?.name },
      workspace: { id: riverbend.id, name: riverbend.name, region: 'us-east-1', role: 'member' },
      tokenBinding: 'dpop',
      lastError: null,
      pending: null,
    });
    const account = { issuer: backend.issuer, sub: reviewer?.sub ?? '', workspaceId: riverbend.id };
    const refreshToken = await secrets.get(credentialAccount('refresh-token', account));
    expect(refreshToken).toBeTruthy();
    expect(await secrets.get(credentialAccount('dpop-key', account))).toContain('"d"');
    // Nothing of the tokens reaches what the renderer sees.
    expect(JSON.stringify(view)).not.toContain(refreshToken ?? '∅');
    // The loopback listener took its one request and closed.
    await expect(fetch(redirect.origin)).rejects.toThrow();
  });

  it('shows the picker to a person with two workspaces; choosing one pins its region and switches the grant', async () => {
    const { session: s } = session();
    const view = await browserSignIn(s, backend.issuer, 'dana');
    expect(view.status).toBe('choosing-workspace');
    expect(view.workspace).toBeNull();
    expect(view.workspaces.map((w) => [w.name, w.region, w.role])).toEqual([
      [riverbend.name, 'us-east-1', 'member'],
      [lindenhof.name, 'eu-central-1', 'admin'],
    ]);
    // Not a PHI screen yet: the local API refuses until a workspace is open.
    expect(() => s.requireWorkspace()).toThrow(ApiFailure);

    await s.chooseWorkspace(riverbend.id);
    expect(s.view()).toMatchObject({ status: 'signed-in', workspace: { id: riverbend.id, role: 'member' } });
    await expect(s.chooseWorkspace('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      status: 404,
      code: 'not_a_member',
    });
  });
});

describe('unlocking after the idle lock', () => {
  it('asks silently first; the provider wants a person (RFC 8252 §8.6), so a fresh login follows (O-21)', async () => {
    const { session: s, secrets } = session();
    // One browser for both visits: its cookies are the provider session a real browser would keep.
    const browser = new TestBrowser(backend.issuer);
    await deliver(await approveInBrowser(backend.issuer, await s.startBrowserSignIn(), 'reviewer', browser));
    expect(s.view()).toMatchObject({ status: 'signed-in', workspace: { id: riverbend.id } });
    const reviewer = personByLogin('reviewer');
    const account = { issuer: backend.issuer, sub: reviewer?.sub ?? '', workspaceId: riverbend.id };
    const keyBefore = await secrets.get(credentialAccount('dpop-key', account));

    s.lock('idle');
    expect(s.view()).toMatchObject({ status: 'locked', lockReason: 'idle' });
    const silent = new URL(await s.startBrowserSignIn());
    expect(silent.searchParams.get('prompt')).toBe('none');
    // The simulator's provider, like a careful IdP, never grants a native client without a person
    // (security-bar O-07) even while its browser session lasts.
    const refused = expectCallback(await browser.open(silent.href));
    expect(refused.searchParams.get('error')).toBe('interaction_required');
    // The app sends the browser straight on to an interactive sign-in demanding a fresh login.
    const answer = await deliver(refused);
    expect(answer.status).toBe(302);
    const interactive = new URL(answer.headers.get('location') ?? '');
    expect(interactive.origin).toBe(new URL(backend.issuer).origin);
    expect(interactive.searchParams.get('prompt')?.split(' ')).toContain('login');
    expect(s.view().status).not.toBe('signed-in');

    await deliver(await approveInBrowser(backend.issuer, interactive.href, 'reviewer', browser));
    expect(s.view()).toMatchObject({
      status: 'signed-in',
      user: { sub: reviewer?.sub },
      workspace: { id: riverbend.id },
    });
    expect(s.requireWorkspace().workspace.id).toBe(riverbend.id);
    // Same device key: the bound refresh token and the local copy carry on.
    expect(await secrets.get(credentialAccount('dpop-key', account))).toBe(keyBefore);
  });
});

describe('refusals: no session, a clear sentence', () => {
  it('refuses an answer whose state was tampered with, before any token request', async () => {
    const { session: s } = session();
    const callback = await approveInBrowser(backend.issuer, await s.startBrowserSignIn(), 'reviewer');
    callback.searchParams.set('state', 'forged-state-value');
    const before = tokenRequests(backend);
    await deliver(callback);
    expect(tokenRequests(backend)).toBe(before);
    expect(s.view()).toMatchObject({ status: 'signed-out', user: null, workspace: null, tokenBinding: null });
    expect(s.view().lastError).toMatch(/does not belong to this sign-in attempt/);
    expect(() => s.requireWorkspace()).toThrow(ApiFailure);
  });

  it('refuses a replayed authorization code', async () => {
    const { session: s } = session();
    const first = await approveInBrowser(backend.issuer, await s.startBrowserSignIn(), 'reviewer');
    await deliver(first);
    expect(s.view().status).toBe('signed-in');
    await s.signOut();

    // A new attempt receives the old code (with the new attempt's state, so only the code is stale).
    const next = new URL(await s.startBrowserSignIn());
    const replay = new URL(next.searchParams.get('redirect_uri') ?? '');
    replay.search = first.search;
    replay.searchParams.set('state', next.searchParams.get('state') ?? '');
    await deliver(replay);
    expect(s.view()).toMatchObject({ status: 'signed-out', user: null, workspace: null });
    expect(s.view().lastError).toMatch(/already used, expired, or does not belong to this attempt/);
  });

  it('refuses a code exchanged with the wrong PKCE verifier', async () => {
    const { session: s } = session();
    // Attempt A gets a code for its challenge; attempt B (another verifier) presents it.
    const codeForA = await approveInBrowser(backend.issuer, await s.startBrowserSignIn(), 'reviewer');
    const b = new URL(await s.startBrowserSignIn());
    const toB = new URL(b.searchParams.get('redirect_uri') ?? '');
    toB.search = codeForA.search;
    toB.searchParams.set('state', b.searchParams.get('state') ?? '');
    const before = tokenRequests(backend);
    await deliver(toB);
    // The fresh, unused code went to the provider, which refused it: oidc-provider checks the
    // verifier against the code's challenge first (it does not say which check failed).
    expect(tokenRequests(backend)).toBe(before + 1);
    expect(s.view()).toMatchObject({ status: 'signed-out', user: null, workspace: null });
    expect(s.view().lastError).toMatch(/does not belong to this attempt \(grant request is invalid\)/);
  });

  it('refuses a callback that names another issuer (RFC 9207 mix-up defence)', async () => {
    const { session: s } = session();
    const callback = await approveInBrowser(backend.issuer, await s.startBrowserSignIn(), 'reviewer');
    expect(callback.searchParams.get('iss')).toBe(backend.issuer);
    callback.searchParams.set('iss', 'https://idp.attacker.example');
    const before = tokenRequests(backend);
    await deliver(callback);
    expect(tokenRequests(backend)).toBe(before);
    expect(s.view()).toMatchObject({ status: 'signed-out', user: null });
    expect(s.view().lastError).toMatch(/different identity provider/);
  });

  it('refuses a server whose discovery document names another issuer', async () => {
    // A server that hands out the simulator's real metadata as if it were its own.
    const metadata = await (await fetch(`${backend.issuer}/.well-known/openid-configuration`)).text();
    const impostor = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(metadata);
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
    try {
      const { session: s } = session({ issuer: origin, backendUrl: origin });
      const failure = await s.startBrowserSignIn().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ApiFailure);
      expect((failure as ApiFailure).message).toMatch(/says it is a different identity provider/);
      expect(s.view()).toMatchObject({ status: 'signed-out', user: null });
      expect(s.view().lastError).toMatch(/refuses to sign in there/);
    } finally {
      impostor.closeAllConnections();
      await new Promise((resolve) => impostor.close(resolve));
    }
  });
});
