/**
 * The session against a REAL Secret Service (gnome-keyring under dbus-run-session, as `npm test`
 * sets up with ATTEST_TEST_KEYCHAIN=1): the refresh token and the DPoP key live in the keyring,
 * carry the session across a restart (a new process = a new store instance), and sign-out revokes
 * the refresh token and removes both from the keyring.
 */
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialAccount, CredentialVault, lastSessionAccount } from '../../../electron/server/auth/credential-vault';
import { SessionManager } from '../../../electron/server/auth/session-manager';
import { openSecretStore } from '../../../electron/server/secrets/open-secret-store';
import type { SecretStore } from '../../../electron/server/secrets/secret-store';
import { DEMO_WORKSPACES, personByLogin } from '../../regional-backend/directory';
import { discover } from '../../regional-backend/identity/test-support';
import { browserSignIn, createSession, startBackend, waitFor, type TestBackend } from './session-test-kit';

const realKeychain = process.env.ATTEST_TEST_KEYCHAIN === '1';
if (!realKeychain) {
  console.info(
    '[keychain-session.test] skipped: ATTEST_TEST_KEYCHAIN is not 1. `npm test` runs it inside dbus-run-session with ' +
      "an unlocked gnome-keyring; by hand: dbus-run-session -- bash -c 'echo -n test | gnome-keyring-daemon --unlock " +
      "--components=secrets >/dev/null; ATTEST_TEST_KEYCHAIN=1 npx vitest run test/server/auth/keychain-session.test.ts'",
  );
}

describe.skipIf(!realKeychain)('sign-in secrets in the real Secret Service', () => {
  // A service of its own: a developer's real 'Attest' entries are never touched.
  const service = `Attest-test-${randomBytes(6).toString('hex')}`;
  const openStore = async (): Promise<SecretStore> => {
    const store = await openSecretStore({ service });
    expect(store.kind).toBe('os');
    return store;
  };
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await startBackend();
  });
  afterAll(() => backend.close());

  it('keeps the bound refresh token across a restart; sign-out revokes it and removes it from the keyring', async () => {
    const reviewer = personByLogin('reviewer');
    const account = { issuer: backend.issuer, sub: reviewer?.sub ?? '', workspaceId: DEMO_WORKSPACES[0]?.id ?? '' };
    const first = createSession(backend, { secrets: await openStore() });
    expect((await browserSignIn(first.session, backend.issuer, 'reviewer')).status).toBe('signed-in');
    await first.session.close();

    // What is in the keyring, read by a store that shares nothing with the app's.
    const outside = await openStore();
    const refreshToken = await outside.get(credentialAccount('refresh-token', account));
    const key = await new CredentialVault(outside, first.dataDir).dpopKey(account);
    // The note that resumes the session belongs to this data folder, not to every copy of the app.
    expect(await outside.get(lastSessionAccount(first.dataDir))).toContain(account.workspaceId);
    expect(await outside.get(lastSessionAccount(`${first.dataDir}-other-profile`))).toBeNull();
    expect(refreshToken).toBeTruthy();
    expect(key).not.toBeNull();

    // "Restart": a new session manager over a new store instance carries on without signing in.
    const restarted = new SessionManager({
      options: {
        secret: 'test-secret-test-secret-test-secret',
        dataDir: first.dataDir,
        backendUrl: backend.url,
        issuer: backend.issuer,
        pollIntervalSeconds: 3600,
      },
      secrets: await openStore(),
    });
    try {
      await restarted.resume();
      await waitFor(() => restarted.view().status === 'signed-in', 'the resumed session');
      expect(restarted.view()).toMatchObject({ tokenBinding: 'dpop', keychain: 'os' });
      const current = await outside.get(credentialAccount('refresh-token', account));

      await restarted.signOut();
      expect(await outside.get(credentialAccount('refresh-token', account))).toBeNull();
      expect(await outside.get(credentialAccount('dpop-key', account))).toBeNull();
      expect(await outside.get(lastSessionAccount(first.dataDir))).toBeNull();

      // And the provider refuses the refresh token it was revoked for, key or not.
      const config = await discover(backend.issuer);
      if (!key) throw new Error('no key');
      const refused = await oidc
        .refreshTokenGrant(config, current ?? '', undefined, { DPoP: oidc.getDPoPHandle(config, key) })
        .catch((error: unknown) => error);
      expect((refused as oidc.ResponseBodyError).error).toBe('invalid_grant');
    } finally {
      await restarted.close();
      await first.close();
      for (const kind of ['refresh-token', 'dpop-key'] as const) {
        await outside.delete(credentialAccount(kind, account)).catch(() => false);
      }
      await outside.delete(lastSessionAccount(first.dataDir)).catch(() => false);
    }
  });
});
