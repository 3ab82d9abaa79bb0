import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WORKSPACES } from '../directory';
import { codeFlow, discover, jwtClaims, startIdentityServer, type TestIdentityServer } from './test-support';

const id = (slug: string): string => DEMO_WORKSPACES.find((w) => w.slug === slug)?.id ?? '';
const RIVERBEND = id('riverbend-clinic');
const LINDENHOF = id('lindenhof-praxis');
const MAPLE = id('maple-harbour');

describe('identity provider: refresh tokens and revocation', () => {
  let server: TestIdentityServer;
  let config: client.Configuration;

  beforeAll(async () => {
    server = await startIdentityServer({ rotateRefreshToken: true });
    config = await discover(server.issuer);
  });
  afterAll(() => server.close());

  it('rotates on every refresh; presenting a used refresh token revokes the whole grant', async () => {
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair());
    const { tokens } = await codeFlow(config, server.issuer, 'reviewer', { dpop });
    const first = tokens.refresh_token ?? '';

    const second = await client.refreshTokenGrant(config, first, undefined, { DPoP: dpop });
    expect(second.refresh_token).toBeTypeOf('string');
    expect(second.refresh_token).not.toBe(first);
    expect(second.token_type).toBe('dpop');
    expect(jwtClaims(second.access_token)).toMatchObject({ workspace_id: RIVERBEND, role: 'member' });

    // Reuse of the consumed token: refused, and the family is gone.
    await expect(client.refreshTokenGrant(config, first, undefined, { DPoP: dpop })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(
      client.refreshTokenGrant(config, second.refresh_token ?? '', undefined, { DPoP: dpop }),
    ).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('keeps the refresh token DPoP-bound: another key cannot use it', async () => {
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair());
    const { tokens } = await codeFlow(config, server.issuer, 'reviewer', { dpop });
    const thief = client.getDPoPHandle(config, await client.randomDPoPKeyPair());
    await expect(
      client.refreshTokenGrant(config, tokens.refresh_token ?? '', undefined, { DPoP: thief }),
    ).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('switches workspace on refresh with workspace_id (Amigo), sticks to it, and refuses foreign workspaces', async () => {
    const { tokens } = await codeFlow(config, server.issuer, 'dana');
    expect(jwtClaims(tokens.access_token)).toMatchObject({ workspace_id: RIVERBEND, role: 'member' });

    // Not one of dana's workspaces: invalid_request, and the refresh token was not consumed.
    await expect(
      client.refreshTokenGrant(config, tokens.refresh_token ?? '', { workspace_id: MAPLE }),
    ).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: `dana is not a member of workspace maple-harbour (${MAPLE})`,
    });

    const switched = await client.refreshTokenGrant(config, tokens.refresh_token ?? '', { workspace_id: LINDENHOF });
    expect(jwtClaims(switched.access_token)).toMatchObject({ workspace_id: LINDENHOF, role: 'admin' });
    const later = await client.refreshTokenGrant(config, switched.refresh_token ?? '');
    expect(jwtClaims(later.access_token)).toMatchObject({ workspace_id: LINDENHOF, role: 'admin' });
  });

  it('revokes a refresh token (RFC 7009): it no longer refreshes', async () => {
    const { tokens } = await codeFlow(config, server.issuer, 'auditor');
    await client.tokenRevocation(config, tokens.refresh_token ?? '');
    await expect(client.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('keeps signing keys and refresh tokens across a restart on the same data directory', async () => {
    const { tokens } = await codeFlow(config, server.issuer, 'compliance');
    await server.restart();
    const claims = await server.idp.verifyRequest({
      authorization: `Bearer ${tokens.access_token}`,
      method: 'GET',
      url: '/v1/me',
    });
    expect(claims.role).toBe('admin');
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(jwtClaims(refreshed.access_token)).toMatchObject({ workspace_id: RIVERBEND, role: 'admin' });
  });
});

describe('identity provider: stable refresh tokens when rotation is off', () => {
  let server: TestIdentityServer;
  let config: client.Configuration;

  beforeAll(async () => {
    server = await startIdentityServer({ rotateRefreshToken: false });
    config = await discover(server.issuer);
  });
  afterAll(() => server.close());

  it('returns the same refresh token, which keeps working', async () => {
    const { tokens } = await codeFlow(config, server.issuer, 'reviewer');
    const a = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
    const b = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(a.refresh_token).toBe(tokens.refresh_token);
    expect(b.access_token).toBeTypeOf('string');
  });
});

describe('identity provider: DPoP nonces required', () => {
  let server: TestIdentityServer;

  beforeAll(async () => {
    server = await startIdentityServer({ requireDPoPNonce: true });
  });
  afterAll(() => server.close());

  it('answers use_dpop_nonce at /token and at the API; openid-client retries with the nonce', async () => {
    const challenges: string[] = [];
    const config = await discover(server.issuer, {
      onResponse: (url, response) => {
        const nonce = response.headers.get('dpop-nonce');
        if ((response.status === 400 || response.status === 401) && nonce) challenges.push(new URL(url).pathname);
      },
    });
    const keyPair = await client.randomDPoPKeyPair();
    const dpop = client.getDPoPHandle(config, keyPair);
    const { tokens } = await codeFlow(config, server.issuer, 'reviewer', { dpop });
    expect(challenges).toEqual(['/token']);
    expect(tokens.token_type).toBe('dpop');

    // The API shares the provider's nonce (same origin), so the nonce learnt at /token works there.
    const api = new URL(`${server.issuer}/v1/me`);
    const ok = await client.fetchProtectedResource(config, tokens.access_token, api, 'GET', undefined, undefined, {
      DPoP: dpop,
    });
    expect(ok.status).toBe(200);
    expect(challenges).toEqual(['/token']);

    // Same key, new handle (no nonce cached): the API challenges, the client retries once.
    const fresh = client.getDPoPHandle(config, keyPair);
    const retried = await client.fetchProtectedResource(config, tokens.access_token, api, 'GET', undefined, undefined, {
      DPoP: fresh,
    });
    expect(retried.status).toBe(200);
    expect(challenges).toEqual(['/token', '/v1/me']);
  });
});
