import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, importJWK, SignJWT } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WORKSPACES, personByLogin } from '../directory';
import { API_AUDIENCE, createRemoteVerifier, IdentityError } from './index';
import { codeFlow, discover, startIdentityServer, type TestIdentityServer } from './test-support';

const RIVERBEND = DEMO_WORKSPACES[0]?.id ?? '';
const LINDENHOF = DEMO_WORKSPACES[1]?.id ?? '';
const DANA = personByLogin('dana')?.sub ?? '';

async function refusal(promise: Promise<unknown>): Promise<IdentityError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof IdentityError) return error;
    throw error;
  }
  throw new Error('expected an IdentityError');
}

describe('verifyRequest', () => {
  let server: TestIdentityServer;
  let url: string;

  beforeAll(async () => {
    server = await startIdentityServer();
    url = `${server.issuer}/v1/${RIVERBEND}/review-queue`;
  });
  afterAll(() => server.close());

  it('maps a Bearer token minted for tests to AccessClaims', async () => {
    const token = await server.idp.issueAccessTokenForTests(DANA, LINDENHOF);
    const claims = await server.idp.verifyRequest({ authorization: `Bearer ${token}`, method: 'GET', url });
    expect(claims).toMatchObject({ sub: DANA, workspaceId: LINDENHOF, role: 'admin', clientId: 'attest-desktop' });
    expect(claims.jkt).toBeUndefined();
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
    await expect(server.idp.issueAccessTokenForTests(personByLogin('reviewer')?.sub ?? '', LINDENHOF)).rejects.toThrow(
      /membership/,
    );
  });

  it('refuses missing, malformed, forged and wrongly scoped tokens with 401 and a challenge', async () => {
    const missing = await refusal(server.idp.verifyRequest({ method: 'GET', url }));
    expect([missing.status, missing.message, missing.headers['WWW-Authenticate']]).toEqual([
      401,
      'Not authenticated',
      'Bearer',
    ]);

    const garbage = await refusal(server.idp.verifyRequest({ authorization: 'Bearer not-a-jwt', method: 'GET', url }));
    expect([garbage.status, garbage.message]).toEqual([401, 'Invalid or expired token']);
    expect(garbage.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');

    const basic = await refusal(server.idp.verifyRequest({ authorization: 'Basic dXNlcjpwYXNz', method: 'GET', url }));
    expect(basic.status).toBe(401);

    // Signed with the provider's real key (read from its data directory) but without workspace_id:
    // a bootstrap token, not good enough for the API.
    const file = path.join(server.dataDir, 'jwks.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const jwks: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const jwk = (jwks as { keys: Array<Record<string, string>> }).keys[0] ?? {};
    const key = await importJWK(jwk, 'RS256');
    const sign = (claims: Record<string, unknown>, audience = API_AUDIENCE, exp = '5m'): Promise<string> =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: jwk.kid ?? '' })
        .setIssuer(server.issuer)
        .setAudience(audience)
        .setSubject(DANA)
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(key);
    const bootstrap = await refusal(
      server.idp.verifyRequest({
        authorization: `Bearer ${await sign({ client_id: 'attest-desktop' })}`,
        method: 'GET',
        url,
      }),
    );
    expect(bootstrap.message).toMatch(/not scoped to a workspace/);

    const otherAudience = await refusal(
      server.idp.verifyRequest({
        authorization: `Bearer ${await sign({ workspace_id: RIVERBEND, role: 'member' }, 'https://elsewhere.invalid')}`,
        method: 'GET',
        url,
      }),
    );
    expect(otherAudience.message).toBe('Invalid or expired token');

    const expired = await refusal(
      server.idp.verifyRequest({
        authorization: `Bearer ${await sign({ workspace_id: RIVERBEND, role: 'member' }, API_AUDIENCE, '-1m')}`,
        method: 'GET',
        url,
      }),
    );
    expect(expired.message).toBe('Token has expired');
  });

  describe('DPoP-bound tokens', () => {
    let token: string;
    let keyPair: CryptoKeyPair;

    beforeAll(async () => {
      const config = await discover(server.issuer);
      keyPair = await client.randomDPoPKeyPair();
      ({
        tokens: { access_token: token },
      } = await codeFlow(config, server.issuer, 'dana', { dpop: client.getDPoPHandle(config, keyPair) }));
    });

    const proof = async (
      claims: Partial<{ htm: string; htu: string; ath: string; iat: number; jti: string }> = {},
      pair: CryptoKeyPair = keyPair,
    ): Promise<string> =>
      new SignJWT({
        htm: 'GET',
        htu: url,
        ath: createHash('sha256').update(token).digest('base64url'),
        iat: Math.floor(Date.now() / 1000),
        jti: randomUUID(),
        ...claims,
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(pair.publicKey) })
        .sign(pair.privateKey);

    const verify = (dpop: string | undefined, scheme = 'DPoP', method = 'GET', target = url) =>
      server.idp.verifyRequest({ authorization: `${scheme} ${token}`, ...(dpop ? { dpop } : {}), method, url: target });

    it('accepts a correct proof (query string ignored) and reports the binding', async () => {
      const claims = await verify(await proof(), 'DPoP', 'GET', `${url}?limit=5`);
      expect(claims.jkt).toBeTypeOf('string');
      expect(claims).toMatchObject({ sub: DANA, workspaceId: RIVERBEND, role: 'member' });
      // A path-only URL resolves against the provider's origin.
      await expect(verify(await proof(), 'DPoP', 'GET', new URL(url).pathname)).resolves.toMatchObject({ sub: DANA });
    });

    it('refuses: no proof, Bearer scheme, replayed jti, other key, wrong htm/htu/ath, stale iat', async () => {
      expect((await refusal(verify(undefined))).message).toBe('DPoP proof required');
      expect((await refusal(verify(await proof(), 'Bearer'))).message).toMatch(/DPoP authorization scheme/);

      const once = await proof();
      await verify(once);
      expect((await refusal(verify(once))).message).toBe('Invalid DPoP proof: jti was already used');

      const other = await client.randomDPoPKeyPair();
      expect((await refusal(verify(await proof({}, other)))).message).toBe(
        'Invalid DPoP proof: key does not match the token binding',
      );
      expect((await refusal(verify(await proof({ htm: 'POST' })))).message).toBe('Invalid DPoP proof: htm mismatch');
      expect((await refusal(verify(await proof({ htu: `${server.issuer}/v1/other` })))).message).toBe(
        'Invalid DPoP proof: htu mismatch',
      );
      expect((await refusal(verify(await proof({ ath: 'x' })))).message).toBe('Invalid DPoP proof: ath mismatch');
      expect((await refusal(verify(await proof({ iat: Math.floor(Date.now() / 1000) - 600 })))).message).toBe(
        'Invalid DPoP proof: iat is not recent',
      );
      const invalid = await refusal(verify(`${await proof()}x`));
      expect(invalid.headers['WWW-Authenticate']).toMatch(/^DPoP error="invalid_dpop_proof"/);
    });
  });

  it('createRemoteVerifier trusts the issuer over HTTP (JWKS from discovery) and checks the audience', async () => {
    const token = await server.idp.issueAccessTokenForTests(DANA, RIVERBEND);
    const remote = createRemoteVerifier(server.issuer, API_AUDIENCE, { origin: 'http://127.0.0.1:9' });
    await expect(
      remote.verifyRequest({ authorization: `Bearer ${token}`, method: 'GET', url: '/v1/me' }),
    ).resolves.toMatchObject({
      sub: DANA,
      workspaceId: RIVERBEND,
    });
    const elsewhere = createRemoteVerifier(server.issuer, 'https://api-eu-central-1.platform.amigo.ai');
    expect(
      (await refusal(elsewhere.verifyRequest({ authorization: `Bearer ${token}`, method: 'GET', url: '/v1/me' })))
        .status,
    ).toBe(401);
  });
});
