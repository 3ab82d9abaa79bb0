/**
 * The session through the real local API (the workspace server over HTTP, signed in through the
 * simulator's oidc-provider): roles enforced by the local API even when the UI is bypassed, the
 * idle lock (activity postpones it; once locked every PHI route answers 423 and activity cannot
 * unlock), and sign-out (tokens revoked and removed, local database closed, per-launch secret
 * rotated, nothing of the tokens left in the data directory).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialAccount, CredentialVault, lastSessionAccount } from '../../../electron/server/auth/credential-vault';
import { startWorkspaceServer, type RunningWorkspaceServer } from '../../../electron/server/index';
import type { ServerOptions } from '../../../electron/server/config';
import { MemorySecretStore } from '../../../electron/server/secrets/memory-secret-store';
import { personByLogin } from '../../regional-backend/directory';
import { discover } from '../../regional-backend/identity/test-support';
import { filesContaining } from '../../support/scan-files';
import { approveInBrowser, deliver, startBackend, type TestBackend } from './session-test-kit';

let backend: TestBackend;
beforeAll(async () => {
  backend = await startBackend();
});
afterAll(() => backend.close());

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Harness {
  server: RunningWorkspaceServer;
  secrets: MemorySecretStore;
  dataDir: string;
  /** The secret the renderer currently holds (sign-out rotates it). */
  secret: string;
  call(method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  signIn(login: string): Promise<void>;
  close(): Promise<void>;
}

async function start(options: Partial<ServerOptions> = {}): Promise<Harness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-session-api-'));
  const secrets = new MemorySecretStore();
  const harness: Harness = {
    secret: randomUUID().replaceAll('-', ''),
    secrets,
    dataDir,
    server: undefined as unknown as RunningWorkspaceServer,
    async call(method, route, body) {
      const response = await fetch(`${harness.server.url}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${harness.secret}`,
          ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        },
        ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
      });
      return { status: response.status, json: await response.json() };
    },
    async signIn(login) {
      const started = await harness.call('POST', '/api/auth/sign-in');
      expect(started.status).toBe(200);
      const { authorizationUrl } = started.json as { authorizationUrl: string };
      await deliver(await approveInBrowser(backend.issuer, authorizationUrl, login));
      expect((await harness.call('GET', '/api/session')).json).toMatchObject({ status: 'signed-in' });
    },
    async close() {
      await harness.server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  harness.server = await startWorkspaceServer(
    {
      secret: harness.secret,
      dataDir,
      backendUrl: backend.url,
      issuer: backend.issuer,
      pollIntervalSeconds: 3600,
      onSecretRotated: (next) => {
        harness.secret = next;
      },
      ...options,
    },
    { secrets },
  );
  return harness;
}

const errorCode = (json: unknown): string =>
  (json as { error?: { code?: string } }).error?.code ?? `no error in ${JSON.stringify(json)}`;

describe('roles: the local API refuses what the role does not allow', () => {
  it("refuses a viewer's decisions sent straight to the local API, and lets a member decide", async () => {
    const app = await start();
    try {
      await app.signIn('auditor');
      expect((await app.call('GET', '/api/session')).json).toMatchObject({ workspace: { role: 'viewer' } });
      const item = randomUUID();
      const decisions: [string, unknown][] = [
        [`/api/review/items/${item}/decision`, { kind: 'approve' }],
        [`/api/review/items/${item}/decision`, { kind: 'reject', reasonCode: 'value_not_stated' }],
        ['/api/review/batch-decision', { kind: 'approve', itemIds: [item] }],
        [`/api/review/items/${item}/claim`, {}],
        [`/api/review/items/${item}/unclaim`, {}],
        [`/api/outbox/${randomUUID()}/withdraw`, {}],
      ];
      for (const [route, body] of decisions) {
        const answer = await app.call('POST', route, body);
        expect(answer.status, route).toBe(403);
        expect(errorCode(answer.json)).toBe('forbidden_role');
        expect(JSON.stringify(answer.json)).toMatch(/Your role \(viewer\) does not allow you to decide review items/);
      }
      expect((await app.call('GET', `/api/review/items/${item}/correction-schema`)).status).toBe(403);
      // Reading is what a viewer may do.
      expect((await app.call('GET', '/api/review/summary')).status).toBe(200);
      expect((await app.call('GET', '/api/outbox')).status).toBe(200);

      await app.call('POST', '/api/auth/sign-out');
      await app.signIn('reviewer');
      const asMember = await app.call('POST', `/api/review/items/${item}/decision`, { kind: 'approve' });
      expect(asMember.status).not.toBe(403);
    } finally {
      await app.close();
    }
  });
});

describe('idle lock', () => {
  it('postpones on reported activity, then locks: PHI routes answer 423 and activity cannot unlock', async () => {
    const app = await start({ idleLockSeconds: 2 });
    try {
      await app.signIn('reviewer');
      const first = await app.call('POST', '/api/session/activity');
      expect(first.status).toBe(200);
      await sleep(1_200);
      const later = await app.call('POST', '/api/session/activity');
      expect(Date.parse((later.json as { idleLockAt: string }).idleLockAt)).toBeGreaterThan(
        Date.parse((first.json as { idleLockAt: string }).idleLockAt),
      );
      await sleep(1_200);
      // 2.4 s after sign-in, but only 1.2 s after the last activity: still open.
      expect((await app.call('GET', '/api/review/summary')).status).toBe(200);
      // The app's own polling is not activity: the session poll does not keep it open.
      for (let i = 0; i < 6; i += 1) {
        await app.call('GET', '/api/session');
        await sleep(500);
      }
      expect((await app.call('GET', '/api/session')).json).toMatchObject({
        status: 'locked',
        lockReason: 'idle',
        workspace: null,
      });
      for (const route of ['/api/review/summary', '/api/review/items', '/api/sync/status', '/api/outbox']) {
        const answer = await app.call('GET', route);
        expect(answer.status, route).toBe(423);
        expect(errorCode(answer.json)).toBe('locked');
      }
      expect((await app.call('POST', '/api/session/activity')).status).toBe(423);
      expect((await app.call('GET', '/api/session')).json).toMatchObject({ status: 'locked' });
    } finally {
      await app.close();
    }
  });

  it('locks at once when the person asks', async () => {
    const app = await start();
    try {
      await app.signIn('reviewer');
      expect((await app.call('POST', '/api/session/lock')).json).toMatchObject({
        status: 'locked',
        lockReason: 'manual',
      });
      expect((await app.call('GET', '/api/review/summary')).status).toBe(423);
    } finally {
      await app.close();
    }
  });
});

describe('sign-out', () => {
  it('revokes, removes the tokens and the device key, closes the database and rotates the secret', async () => {
    const app = await start();
    try {
      await app.signIn('reviewer');
      const reviewer = personByLogin('reviewer');
      const view = (await app.call('GET', '/api/session')).json as { workspace: { id: string } };
      const account = { issuer: backend.issuer, sub: reviewer?.sub ?? '', workspaceId: view.workspace.id };
      const refreshToken = await app.secrets.get(credentialAccount('refresh-token', account));
      const key = await new CredentialVault(app.secrets, app.dataDir).dpopKey(account);
      expect(await app.secrets.get(lastSessionAccount(app.dataDir))).not.toBeNull();
      if (!refreshToken || !key) throw new Error('signed in without a refresh token and key in the keychain');
      const storedKey = (await app.secrets.get(credentialAccount('dpop-key', account))) ?? '';
      const privatePart = (JSON.parse(storedKey) as { d: string }).d;

      const oldSecret = app.secret;
      const out = await app.call('POST', '/api/auth/sign-out');
      expect(out.status).toBe(200);
      expect(out.json).toMatchObject({ status: 'signed-out', user: null, workspace: null, tokenBinding: null });
      expect(app.secret).not.toBe(oldSecret);

      // Gone from the keychain: refresh token, device key, the note that would resume the session.
      expect(await app.secrets.get(credentialAccount('refresh-token', account))).toBeNull();
      expect(await app.secrets.get(credentialAccount('dpop-key', account))).toBeNull();
      expect(await app.secrets.get(lastSessionAccount(app.dataDir))).toBeNull();
      // Revoked at the provider: even with its key the refresh token is refused now.
      const config = await discover(backend.issuer);
      const refused = await oidc
        .refreshTokenGrant(config, refreshToken, undefined, { DPoP: oidc.getDPoPHandle(config, key) })
        .catch((error: unknown) => error);
      expect((refused as oidc.ResponseBodyError).error).toBe('invalid_grant');

      // The old secret opens nothing; with the new one the database is closed (signed out).
      const withOld = await fetch(`${app.server.url}/api/session`, {
        headers: { authorization: `Bearer ${oldSecret}` },
      });
      expect(withOld.status).toBe(401);
      expect((await app.call('GET', '/api/review/summary')).status).toBe(401);

      // Neither the refresh token nor the private key was ever written to the data directory.
      expect(filesContaining(app.dataDir, refreshToken)).toEqual([]);
      expect(filesContaining(app.dataDir, privatePart)).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
