/**
 * Tokens against the simulator's real oidc-provider, with refresh-token rotation and reuse
 * detection on (its default) and, in the DPoP suite, a nonce demanded on every proof:
 *
 * - concurrent API calls with an expiring access token send exactly one token request (O-31);
 * - presenting an old (rotated) refresh token ends in "sign in again": the provider revokes the
 *   whole family, the session locks, and the outbox and local copy are intact after signing in
 *   again (O-32);
 * - tokens are DPoP-bound (cnf.jkt), nonce challenges are answered, and a refresh token without
 *   its key (or with another key) is refused (O-40…O-44);
 * - the key kept in the keychain carries the session across a restart.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialAccount, CredentialVault, type CredentialKey } from '../../../electron/server/auth/credential-vault';
import { SessionManager } from '../../../electron/server/auth/session-manager';
import { enqueueEntry, getEntry } from '../../../electron/server/sync/outbox/outbox.repo';
import { reviewStats } from '../../../shared/amigo';
import { DEMO_WORKSPACES, personByLogin } from '../../regional-backend/directory';
import { discover, jwtClaims } from '../../regional-backend/identity/test-support';
import {
  browserSignIn,
  createSession,
  startBackend,
  tokenRequests,
  unlockInBrowser,
  waitFor,
  type TestBackend,
} from './session-test-kit';

const riverbend = DEMO_WORKSPACES[0]?.id ?? '';
const reviewer = personByLogin('reviewer');
if (!reviewer || !riverbend) throw new Error('demo directory changed');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Signed in as the reviewer, background sync stopped so only the test's own calls run. */
async function signedInReviewer(backend: TestBackend, options: Parameters<typeof createSession>[1] = {}) {
  const test = createSession(backend, options);
  expect((await browserSignIn(test.session, backend.issuer, 'reviewer')).status).toBe('signed-in');
  const active = test.session.requireWorkspace();
  active.sync.stop();
  await active.sync.settled();
  const account: CredentialKey = { issuer: backend.issuer, sub: reviewer?.sub ?? '', workspaceId: riverbend };
  const stats = () => active.remote.get(active.remote.workspacePath('review-queue/stats'), reviewStats);
  return { ...test, active, account, stats };
}

describe('refresh: single flight, rotation, reuse detection', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    // A 2 s access token: refreshed 1 s before it ends, so the tests wait instead of faking time.
    backend = await startBackend({ identity: { accessTokenTTL: 2, rotateRefreshToken: true } });
  });
  afterAll(() => backend.close());

  it('sends exactly one token request for many concurrent calls with an expiring token', async () => {
    const { stats, close } = await signedInReviewer(backend);
    try {
      await sleep(1_200);
      const before = tokenRequests(backend);
      const answers = await Promise.all([stats(), stats(), stats(), stats(), stats()]);
      expect(answers).toHaveLength(5);
      expect(tokenRequests(backend) - before).toBe(1);
    } finally {
      await close();
    }
  });

  it('treats an unreachable identity provider as offline, not as signed out', async () => {
    const { session, secrets, account, stats, close } = await signedInReviewer(backend);
    try {
      const rtAccount = credentialAccount('refresh-token', account);
      const kept = await secrets.get(rtAccount);
      await sleep(1_200);
      const rule = backend.faults.add({ kind: 'drop', path: '/token', method: 'POST', count: 10 });
      const failure = await stats().catch((error: unknown) => error);
      expect(failure).toMatchObject({ kind: 'network' });
      // Still signed in on the local copy, the refresh token kept for when the network is back.
      expect(session.view()).toMatchObject({ status: 'signed-in', lastError: null });
      expect(session.requireWorkspace().store.review).toBeDefined();
      expect(await secrets.get(rtAccount)).toBe(kept);
      backend.faults.remove(rule.id);
      expect((await stats()).data).toBeDefined();
    } finally {
      await close();
    }
  });

  it('ends in "sign in again" when an old refresh token is presented, keeping the outbox', async () => {
    const { session, secrets, dataDir, active, account, stats, close } = await signedInReviewer(backend);
    try {
      const rtAccount = credentialAccount('refresh-token', account);
      const first = await secrets.get(rtAccount);
      await sleep(1_200);
      await stats(); // refresh → rotated
      const second = await secrets.get(rtAccount);
      expect(second).toBeTruthy();
      expect(second).not.toBe(first);

      // A decision waiting in the outbox (its undo window keeps it from being sent meanwhile).
      const entryId = randomUUID();
      const now = new Date().toISOString();
      enqueueEntry(active.store.db.write, {
        id: entryId,
        kind: 'approve',
        itemIds: [randomUUID()],
        payload: { notes: 'kept across the lock' },
        decision: { kind: 'approve' },
        notBefore: new Date(Date.now() + 3_600_000).toISOString(),
        createdBySub: reviewer?.sub ?? '',
        now,
      });

      // A stale copy of the old refresh token is all the keychain has: the provider sees reuse.
      await secrets.set(rtAccount, first ?? '');
      await sleep(1_200);
      await expect(stats()).rejects.toThrow(/Sign in again/);
      expect(session.view()).toMatchObject({ status: 'locked', lockReason: 'session-ended', workspace: null });
      expect(session.view().lastError).toMatch(/Sign in again; your pending decisions and the local copy are kept/);
      expect(await secrets.get(rtAccount)).toBeNull();
      expect(() => session.requireWorkspace()).toThrow(/locked/);

      // Reuse detection revoked the whole family: the newest token is dead too.
      const config = await discover(backend.issuer);
      const key = await new CredentialVault(secrets, dataDir).dpopKey(account);
      if (!key) throw new Error('the device key is gone');
      const refused = await oidc
        .refreshTokenGrant(config, second ?? '', undefined, { DPoP: oidc.getDPoPHandle(config, key) })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(oidc.ResponseBodyError);
      expect((refused as oidc.ResponseBodyError).error).toBe('invalid_grant');

      // Signing in again as the same person reopens the workspace; the decision is still queued.
      expect((await unlockInBrowser(session, backend.issuer, 'reviewer')).status).toBe('signed-in');
      const reopened = session.requireWorkspace();
      expect(reopened.workspace.id).toBe(riverbend);
      expect(getEntry(reopened.store.db.read, entryId)).toMatchObject({ id: entryId, state: 'pending' });
    } finally {
      await close();
    }
  }, 60_000);
});

describe('DPoP (RFC 9449), with the provider demanding nonces', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await startBackend({ identity: { requireDPoPNonce: true } });
  });
  afterAll(() => backend.close());

  it('answers the nonce challenge and binds the tokens to the device key', async () => {
    const { session, secrets, dataDir, account, stats, close } = await signedInReviewer(backend);
    try {
      expect(session.view().tokenBinding).toBe('dpop');
      // The provider demanded a nonce (400 use_dpop_nonce) and the retry with it succeeded.
      expect(backend.requests.count({ method: 'POST', pathPrefix: '/token', status: 400 })).toBeGreaterThan(0);
      expect(backend.requests.count({ method: 'POST', pathPrefix: '/token', status: 200 })).toBeGreaterThan(0);
      expect((await stats()).data).toBeDefined();

      const config = await discover(backend.issuer);
      const refreshToken = (await secrets.get(credentialAccount('refresh-token', account))) ?? '';
      // Without the key, or with another one, the refresh token is worthless.
      for (const options of [undefined, { DPoP: oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair()) }]) {
        const refused = await oidc.refreshTokenGrant(config, refreshToken, undefined, options).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(oidc.ResponseBodyError);
        expect((refused as oidc.ResponseBodyError).error).toMatch(/invalid_grant|invalid_dpop_proof/);
      }
      // With the key from the keychain it works, and the access token names that key (cnf.jkt).
      const key = await new CredentialVault(secrets, dataDir).dpopKey(account);
      if (!key) throw new Error('no device key in the keychain');
      const handle = oidc.getDPoPHandle(config, key);
      const tokens = await oidc.refreshTokenGrant(config, refreshToken, undefined, { DPoP: handle });
      expect(tokens.token_type).toBe('dpop');
      expect(jwtClaims(tokens.access_token)).toMatchObject({ cnf: { jkt: await handle.calculateThumbprint() } });
      // A bound access token presented as a plain Bearer token is refused by the API.
      const asBearer = await fetch(`${backend.url}/v1/${riverbend}/review-queue/stats`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(asBearer.status).toBe(401);
    } finally {
      await close();
    }
  });

  it('carries the session across a restart with the key kept in the keychain', async () => {
    const first = await signedInReviewer(backend);
    await first.session.close();
    const before = tokenRequests(backend);
    // A new server process over the same keychain and data directory.
    const restarted = new SessionManager({
      options: {
        secret: 'test-secret-test-secret-test-secret',
        dataDir: first.dataDir,
        backendUrl: backend.url,
        issuer: backend.issuer,
        pollIntervalSeconds: 3600,
      },
      secrets: first.secrets,
    });
    try {
      await restarted.resume();
      await waitFor(() => restarted.view().status === 'signed-in', 'the resumed session');
      expect(restarted.view()).toMatchObject({
        user: { sub: reviewer?.sub },
        workspace: { id: riverbend, role: 'member' },
        tokenBinding: 'dpop',
      });
      // The refresh with the stored key worked (nonce challenge included); no new sign-in.
      expect(tokenRequests(backend)).toBeGreaterThan(before);
    } finally {
      await restarted.close();
      await first.close();
    }
  });

  it('does not carry the session into another data folder sharing the keychain', async () => {
    const first = await signedInReviewer(backend);
    await first.session.close();
    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-other-profile-'));
    // Another profile of the app (or another test run) on the same machine and keychain.
    const other = new SessionManager({
      options: {
        secret: 'test-secret-test-secret-test-secret',
        dataDir: otherDir,
        backendUrl: backend.url,
        issuer: backend.issuer,
        pollIntervalSeconds: 3600,
      },
      secrets: first.secrets,
    });
    try {
      await other.resume();
      expect(other.view()).toMatchObject({ status: 'signed-out', user: null, workspace: null });
      expect(fs.readdirSync(otherDir)).toEqual([]);
    } finally {
      await other.close();
      await first.close();
      fs.rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
