import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../renderer/api/client';
import {
  AuthorizationUrlError,
  checkAuthorizationUrl,
  createAuthorizationOpener,
} from '../../../renderer/bridge/open-authorization-url';
import { createAppStores, type AppStores } from '../../../renderer/stores/app-stores';
import { createSessionStore, type AuthorizationOpener } from '../../../renderer/stores/session-store';
import type { AttestBridge } from '../../../shared/ipc';
import {
  closedPortUrl,
  json,
  lockedSession,
  reviewSummary,
  signedInSession,
  signedOutSession,
  startFixtureServer,
  syncStatus,
  type FixtureServer,
} from './fixture-server';

let server: FixtureServer;
let stores: AppStores | undefined;
beforeEach(async () => {
  server = await startFixtureServer();
});
afterEach(async () => {
  stores?.dispose();
  stores = undefined;
  await server.close();
});

const opened: string[] = [];
const externalOpener: AuthorizationOpener = async (url) => {
  opened.push(url);
  return 'external';
};

const makeStores = (opener: AuthorizationOpener = externalOpener): AppStores => {
  stores = createAppStores(createApiClient({ baseUrl: server.baseUrl, secret: 's' }), opener);
  return stores;
};

/** Lets the fire-and-forget refreshes triggered by subscriptions finish. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('session store', () => {
  it('starts loading, then mirrors the server status', async () => {
    server.on('GET /api/session', json(signedOutSession));
    const { session } = makeStores();
    expect(session.getState()).toMatchObject({ load: 'loading', status: null });
    await session.getState().refresh();
    expect(session.getState()).toMatchObject({ load: 'ready', status: 'signed-out', problem: null });
  });

  it('says the server is unreachable when nothing answers', async () => {
    const s = createAppStores(createApiClient({ baseUrl: await closedPortUrl(), secret: 's' }), externalOpener);
    stores = s;
    await s.session.getState().refresh();
    expect(s.session.getState().load).toBe('unreachable');
    expect(s.session.getState().problem).toMatch(/not reachable/);
  });

  it('desktop sign-in: opens the browser, waits, and stops waiting once signed in', async () => {
    server.on('GET /api/session', json(signedOutSession));
    server.on('POST /api/auth/sign-in', json({ authorizationUrl: 'https://idp.example/authorize?state=abc' }));
    const { session } = makeStores();
    await session.getState().refresh();

    server.on('GET /api/session', json({ ...signedOutSession, status: 'signing-in', pending: { kind: 'browser' } }));
    await session.getState().signIn();
    expect(opened.at(-1)).toBe('https://idp.example/authorize?state=abc');
    expect(session.getState()).toMatchObject({ awaitingBrowser: true, signInPending: false, signInError: null });

    server.on('GET /api/session', json(signedInSession));
    await session.getState().refresh();
    expect(session.getState()).toMatchObject({ awaitingBrowser: false, status: 'signed-in' });
  });

  it('stops waiting when the server reports a sign-in failure', async () => {
    server.on('POST /api/auth/sign-in', json({ authorizationUrl: 'https://idp.example/authorize' }));
    server.on('GET /api/session', json({ ...signedOutSession, status: 'signing-in', pending: { kind: 'browser' } }));
    const { session } = makeStores();
    await session.getState().signIn();
    expect(session.getState().awaitingBrowser).toBe(true);

    server.on('GET /api/session', json({ ...signedOutSession, lastError: 'The identity provider refused.' }));
    await session.getState().refresh();
    expect(session.getState().awaitingBrowser).toBe(false);
    expect(session.getState().session?.lastError).toBe('The identity provider refused.');
  });

  it('sends the chosen target or server address with the sign-in', async () => {
    server.on('GET /api/session', json(signedOutSession));
    server.on('POST /api/auth/sign-in', json({ authorizationUrl: 'https://idp.example/authorize' }));
    const { session } = makeStores();
    session.getState().choose({ kind: 'target', id: 'eu-central-1' });
    await session.getState().signIn();
    session.getState().choose({ kind: 'server', address: 'https://attest.clinic.example' });
    await session.getState().signIn();
    const bodies = server.requests
      .filter((r) => r.url === '/api/auth/sign-in')
      .map((r) => JSON.parse(r.body) as unknown);
    expect(bodies).toEqual([{ targetId: 'eu-central-1' }, { server: 'https://attest.clinic.example' }]);
  });

  it('device sign-in: shows the code the server hands out', async () => {
    const device = {
      kind: 'device' as const,
      userCode: 'WDJB-MJHT',
      verificationUri: 'https://idp.example/device',
      verificationUriComplete: 'https://idp.example/device?user_code=WDJB-MJHT',
      expiresAt: '2030-01-01T00:10:00.000Z',
    };
    server.on('POST /api/auth/device', json({ ...signedOutSession, status: 'signing-in', pending: device }));
    server.on('GET /api/session', json({ ...signedOutSession, status: 'signing-in', pending: device }));
    const { session } = makeStores();
    await session.getState().startDeviceSignIn();
    expect(session.getState().session?.pending).toEqual(device);
    expect(session.getState()).toMatchObject({ signInPending: false, signInError: null, status: 'signing-in' });
  });

  it('opens a workspace from the picker, and says why when it cannot', async () => {
    const choosing = { ...signedInSession, status: 'choosing-workspace' as const, workspace: null };
    server.on('GET /api/session', json(choosing));
    server.on('POST /api/session/workspace', json(signedInSession));
    const { session } = makeStores();
    await session.getState().refresh();
    await session.getState().chooseWorkspace('6f1c2a4e-8b0d-4c57-9e21-3a5b7c9d1e01');
    const sent = server.requests.filter((r) => r.url === '/api/session/workspace');
    expect(JSON.parse(sent.at(-1)?.body ?? '{}')).toEqual({ workspaceId: '6f1c2a4e-8b0d-4c57-9e21-3a5b7c9d1e01' });
    expect(session.getState()).toMatchObject({ status: 'signed-in', openingWorkspace: null, workspaceError: null });

    server.on(
      'POST /api/session/workspace',
      json({ error: { code: 'not_a_member', message: 'That is not one of your workspaces.' } }, 404),
    );
    await session.getState().chooseWorkspace('0b9e7d5c-3a1f-4e2d-8c6b-5f4e3d2c1b02');
    expect(session.getState().workspaceError).toBe('That is not one of your workspaces.');
  });

  it('reports activity to the server at most once per throttle interval', async () => {
    let clock = 1_000_000;
    server.on('GET /api/session', json({ ...signedInSession, idleLockSeconds: 60 }));
    server.on('POST /api/session/activity', json({ idleLockAt: '2030-01-01T00:00:00.000Z' }));
    const api = createApiClient({ baseUrl: server.baseUrl, secret: 's' });
    const session = createSessionStore(api, externalOpener, () => clock);
    await session.getState().refresh();
    const sent = (): number => server.requests.filter((r) => r.url === '/api/session/activity').length;
    session.getState().reportActivity();
    session.getState().reportActivity();
    clock += 14_000;
    session.getState().reportActivity();
    await settle();
    expect(sent()).toBe(1);
    clock += 1_000; // 15 s = a quarter of the 60 s idle lock
    session.getState().reportActivity();
    await settle();
    expect(sent()).toBe(2);
  });

  it('never navigates to an unsafe authorization URL', async () => {
    server.on('POST /api/auth/sign-in', json({ authorizationUrl: 'javascript:alert(1)' }));
    const assigned: string[] = [];
    const { session } = makeStores(createAuthorizationOpener(null, (url) => assigned.push(url)));
    await session.getState().signIn();
    expect(assigned).toEqual([]);
    expect(session.getState().signInPending).toBe(false);
    expect(session.getState().signInError).toMatch(/not one Attest will open/);
  });

  it('reports a failure to start sign-in as a sentence', async () => {
    server.on(
      'POST /api/auth/sign-in',
      json({ error: { code: 'idp_unreachable', message: 'The identity provider is not reachable.' } }, 503),
    );
    const { session } = makeStores();
    await session.getState().signIn();
    expect(session.getState().signInError).toBe('Signing in could not start. The identity provider is not reachable.');
  });
});

describe('authorization opener', () => {
  it('accepts https anywhere and http only on loopback', () => {
    expect(checkAuthorizationUrl('https://login.example/authorize')).toBe('https://login.example/authorize');
    expect(checkAuthorizationUrl('http://127.0.0.1:5555/auth')).toBe('http://127.0.0.1:5555/auth');
    for (const bad of [
      'http://login.example/authorize',
      'javascript:alert(1)',
      'data:text/html,x',
      'file:///etc/passwd',
      '',
    ]) {
      expect(() => checkAuthorizationUrl(bad), bad).toThrow(AuthorizationUrlError);
    }
  });

  it('desktop: goes through the bridge, and says so when the browser could not be opened', async () => {
    const calls: string[] = [];
    const bridge = (result: boolean): AttestBridge => ({
      serverConnection: async () => ({ baseUrl: 'http://127.0.0.1:1', secret: 's' }),
      openExternal: async (url) => {
        calls.push(url);
        return result;
      },
    });
    const neverAssign = (): void => {
      throw new Error('desktop must not navigate the window');
    };
    expect(await createAuthorizationOpener(bridge(true), neverAssign)('https://idp.example/a')).toBe('external');
    await expect(createAuthorizationOpener(bridge(false), neverAssign)('https://idp.example/a')).rejects.toThrow(
      AuthorizationUrlError,
    );
    expect(calls).toEqual(['https://idp.example/a', 'https://idp.example/a']);
  });
});

describe('sync and review summary stores', () => {
  it('syncNow stores the answer and a new complete sync refreshes the review counts', async () => {
    server.on('GET /api/review/summary', json(reviewSummary));
    server.on('POST /api/sync/now', json(syncStatus({ lastCompleteSyncAt: '2025-11-21T09:00:00.000Z' })));
    const { sync, reviewSummary: review } = makeStores();
    await sync.getState().syncNow();
    expect(sync.getState()).toMatchObject({ syncing: false, problem: null });
    expect(sync.getState().status?.lastCompleteSyncAt).toBe('2025-11-21T09:00:00.000Z');
    await settle();
    expect(review.getState().summary).toEqual(reviewSummary);
  });

  it('a 401 from a session route makes the session store re-read the session', async () => {
    server.on('GET /api/sync/status', json({ error: { code: 'unauthorized', message: 'Sign in again.' } }, 401));
    server.on('GET /api/session', json(lockedSession));
    const { sync, session } = makeStores();
    await sync.getState().refresh();
    expect(sync.getState().problem).toBe('Sign in again.');
    await settle();
    expect(session.getState().status).toBe('locked');
  });

  it('leaving signed-in drops everything read under the session', async () => {
    server.on('GET /api/session', json(signedInSession));
    server.on('GET /api/sync/status', json(syncStatus()));
    server.on('GET /api/review/summary', json(reviewSummary));
    server.on('POST /api/auth/sign-out', json(signedOutSession));
    const { session, sync, reviewSummary: review } = makeStores();
    await session.getState().refresh();
    await sync.getState().refresh();
    await review.getState().refresh();
    expect(sync.getState().status).not.toBeNull();

    await session.getState().signOut();
    expect(session.getState().status).toBe('signed-out');
    expect(sync.getState().status).toBeNull();
    expect(review.getState().summary).toBeNull();
  });
});
