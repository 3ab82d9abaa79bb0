import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WORKSPACES, personByLogin } from '../directory';
import { API_AUDIENCE } from './index';
import {
  discover,
  expectPage,
  formWith,
  jwtClaims,
  parseForms,
  signIn,
  startIdentityServer,
  TestBrowser,
  type TestIdentityServer,
} from './test-support';

const LINDENHOF = DEMO_WORKSPACES[1]?.id ?? '';

/** Approve a device code the way a person would: open verification_uri_complete, confirm, sign in. */
async function approve(
  server: TestIdentityServer,
  started: client.DeviceAuthorizationResponse,
  login: string,
): Promise<string> {
  const browser = new TestBrowser(server.issuer);
  if (!started.verification_uri_complete) throw new Error('no verification_uri_complete');
  // GET /device?user_code=… answers with an auto-submitting form (form_post) carrying the code.
  const autoSubmit = expectPage(await browser.open(started.verification_uri_complete));
  const [codeForm] = parseForms(autoSubmit.html);
  if (!codeForm) throw new Error('no auto-submit form');
  const confirm = expectPage(await browser.submit(autoSubmit, codeForm));
  expect(confirm.html).toContain(started.user_code);
  const signInPage = await browser.submit(confirm, formWith(confirm, 'confirm'));
  const done = expectPage(await signIn(browser, signInPage, login));
  return done.html;
}

describe('identity provider: device authorization (RFC 8628) at /device/code', () => {
  let server: TestIdentityServer;
  let config: client.Configuration;

  beforeAll(async () => {
    server = await startIdentityServer({ devicePollIntervalSeconds: 1 });
    config = await discover(server.issuer);
  });
  afterAll(() => server.close());

  it('pins the workspace from the device request; approval in the browser yields tokens for it', async () => {
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair());
    const started = await client.initiateDeviceAuthorization(config, {
      scope: 'openid offline_access',
      resource: API_AUDIENCE,
      prompt: 'consent',
      workspace_id: LINDENHOF,
    });
    expect(started.verification_uri).toBe(`${server.issuer}/device`);
    expect(started.interval).toBe(1);

    const successHtml = await approve(server, started, 'dana');
    expect(successHtml).toContain('Device connected');

    const tokens = await client.pollDeviceAuthorizationGrant(config, started, undefined, { DPoP: dpop });
    expect(tokens.token_type).toBe('dpop');
    expect(tokens.refresh_token).toBeTypeOf('string');
    expect(jwtClaims(tokens.access_token)).toMatchObject({
      sub: personByLogin('dana')?.sub,
      workspace_id: LINDENHOF,
      role: 'admin',
    });
    const claims = await client.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(`${server.issuer}/v1/me`),
      'GET',
      undefined,
      undefined,
      { DPoP: dpop },
    );
    expect(claims.status).toBe(200);
  });

  it('refuses an unknown workspace at /device/code', async () => {
    await expect(
      client.initiateDeviceAuthorization(config, {
        scope: 'openid',
        workspace_id: '00000000-0000-4000-8000-000000000000',
      }),
    ).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: 'unknown workspace_id 00000000-0000-4000-8000-000000000000',
    });
  });

  it('ends the flow with access_denied when the approver is not a member of the pinned workspace', async () => {
    const started = await client.initiateDeviceAuthorization(config, { scope: 'openid', workspace_id: LINDENHOF });
    await approve(server, started, 'auditor');
    await expect(client.pollDeviceAuthorizationGrant(config, started)).rejects.toMatchObject({
      error: 'access_denied',
      error_description: `auditor is not a member of workspace lindenhof-praxis (${LINDENHOF})`,
    });
  });
});
