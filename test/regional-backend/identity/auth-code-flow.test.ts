import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WORKSPACES, personByLogin } from '../directory';
import { API_AUDIENCE, ATTEST_CLIENT_ID } from './index';
import {
  codeFlow,
  discover,
  expectCallback,
  expectPage,
  formWith,
  jwtClaims,
  signIn,
  startIdentityServer,
  TestBrowser,
  type TestIdentityServer,
} from './test-support';

const workspaceId = (slug: string): string => {
  const w = DEMO_WORKSPACES.find((x) => x.slug === slug);
  if (!w) throw new Error(slug);
  return w.id;
};
const RIVERBEND = workspaceId('riverbend-clinic');
const LINDENHOF = workspaceId('lindenhof-praxis');

describe('identity provider: authorization code + PKCE', () => {
  let server: TestIdentityServer;
  let config: client.Configuration;

  beforeAll(async () => {
    server = await startIdentityServer();
    config = await discover(server.issuer);
  });
  afterAll(() => server.close());

  it('advertises Amigo-shaped endpoints on the backend origin', () => {
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(server.issuer);
    expect(meta.token_endpoint).toBe(`${server.issuer}/token`);
    expect(meta.device_authorization_endpoint).toBe(`${server.issuer}/device/code`);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.response_types_supported).toEqual(['code']);
    expect(meta.authorization_response_iss_parameter_supported).toBe(true);
  });

  it('signs in with DPoP: JWT access token with sub, workspace_id, role and cnf.jkt; API accepts it only with a proof', async () => {
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair());
    const { tokens } = await codeFlow(config, server.issuer, 'dana', { dpop });
    const dana = personByLogin('dana');

    expect(tokens.token_type).toBe('dpop');
    expect(tokens.refresh_token).toBeTypeOf('string');
    expect(tokens.claims()?.sub).toBe(dana?.sub);
    const at = jwtClaims(tokens.access_token);
    expect(at).toMatchObject({
      sub: dana?.sub,
      workspace_id: RIVERBEND, // first membership by default
      role: 'member',
      aud: API_AUDIENCE,
      iss: server.issuer,
      client_id: ATTEST_CLIENT_ID,
      cnf: { jkt: await dpop.calculateThumbprint() },
    });
    expect(Number(at.exp) - Number(at.iat)).toBe(15 * 60);

    // The real client path: fetchProtectedResource adds a fresh proof with ath.
    const ok = await client.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(`${server.issuer}/v1/me`),
      'GET',
      undefined,
      undefined,
      { DPoP: dpop },
    );
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      sub: dana?.sub,
      workspaceId: RIVERBEND,
      role: 'member',
      clientId: ATTEST_CLIENT_ID,
    });

    // Without a proof, and with the Bearer scheme: refused.
    const noProof = await fetch(`${server.issuer}/v1/me`, {
      headers: { authorization: `DPoP ${tokens.access_token}` },
    });
    expect(noProof.status).toBe(401);
    expect(await noProof.json()).toEqual({ detail: 'DPoP proof required' });
    const asBearer = await fetch(`${server.issuer}/v1/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token"/);
  });

  it('issues a token for the workspace the request names, with the role there', async () => {
    const { tokens } = await codeFlow(config, server.issuer, 'dana', { workspaceId: LINDENHOF });
    expect(tokens.token_type).toBe('bearer');
    expect(jwtClaims(tokens.access_token)).toMatchObject({ workspace_id: LINDENHOF, role: 'admin' });
    const claims = await server.idp.verifyRequest({
      authorization: `Bearer ${tokens.access_token}`,
      method: 'GET',
      url: '/v1/me',
    });
    expect(claims).toMatchObject({ workspaceId: LINDENHOF, role: 'admin' });
  });

  it('lets the person pick a workspace on the consent page when the request names none', async () => {
    const { tokens } = await codeFlow(config, server.issuer, 'owner', {
      consent: { workspace_id: workspaceId('southern-cross') },
    });
    expect(jwtClaims(tokens.access_token)).toMatchObject({
      workspace_id: workspaceId('southern-cross'),
      role: 'owner',
    });
  });

  it('refuses a workspace the person does not belong to (access_denied, named workspace)', async () => {
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: 'http://127.0.0.1:53117/callback',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state,
      workspace_id: LINDENHOF,
    });
    const browser = new TestBrowser(server.issuer);
    const callback = expectCallback(await signIn(browser, await browser.open(url), 'reviewer'));
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('error_description')).toBe(
      `reviewer is not a member of workspace lindenhof-praxis (${LINDENHOF})`,
    );
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('iss')).toBe(server.issuer);
    await expect(
      client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: state,
      }),
    ).rejects.toBeInstanceOf(client.AuthorizationResponseError);
  });

  it('refuses an unknown workspace before anyone signs in (invalid_request)', async () => {
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: 'http://127.0.0.1:53117/callback',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state: client.randomState(),
      workspace_id: '00000000-0000-4000-8000-000000000000',
    });
    const callback = expectCallback(await new TestBrowser(server.issuer).open(url));
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toBe(
      'unknown workspace_id 00000000-0000-4000-8000-000000000000',
    );
  });

  it('rejects a wrong password on the sign-in page, then accepts the right one', async () => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: 'http://127.0.0.1:40001/callback',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const browser = new TestBrowser(server.issuer);
    const start = await browser.open(url);
    const loginPage = expectPage(start);
    // Not no-referrer: under it browsers send `Origin: null` with the form POST, which we refuse.
    expect(loginPage.headers.get('referrer-policy')).toBe('same-origin');
    expect(loginPage.headers.get('content-security-policy')).toContain("default-src 'none'");
    const foreign = await fetch(new URL(formWith(loginPage, 'password').action, loginPage.url), {
      method: 'POST',
      headers: { origin: 'http://evil.invalid', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'prompt=login&login=auditor&password=attest-demo',
    });
    expect(foreign.status).toBe(403);
    const wrong = expectPage(await signIn(browser, start, 'auditor', { password: 'not-the-password' }));
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain('Invalid login or password.');
    const unknown = expectPage(
      await browser.submit(wrong, formWith(wrong, 'password'), { login: 'nobody', password: 'attest-demo' }),
    );
    expect(unknown.html).toContain('Invalid login or password.');

    const callback = expectCallback(await signIn(browser, { kind: 'page', page: unknown }, 'auditor'));
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(jwtClaims(tokens.access_token)).toMatchObject({ sub: personByLogin('auditor')?.sub, role: 'viewer' });
  });

  it('requires PKCE and rejects a code redeemed with the wrong verifier', async () => {
    const noPkce = client.buildAuthorizationUrl(config, {
      redirect_uri: 'http://127.0.0.1:40001/callback',
      scope: 'openid',
      state: 's',
    });
    const refused = expectCallback(await new TestBrowser(server.issuer).open(noPkce));
    expect(refused.searchParams.get('error')).toBe('invalid_request');

    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: 'http://127.0.0.1:40001/callback',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state,
    });
    const browser = new TestBrowser(server.issuer);
    const callback = expectCallback(await signIn(browser, await browser.open(url), 'reviewer'));
    await expect(
      client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: state,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
