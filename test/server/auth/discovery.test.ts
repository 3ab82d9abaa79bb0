/**
 * Finding the identity provider, and refusing what should be refused before anyone signs in:
 * a server without any metadata gets Amigo's documented endpoints (device flow only), addresses
 * that are not https (or loopback) are refused with a sentence, launcher flags are checked, and a
 * damaged device key in the keychain is an error, never silently replaced.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDPoPKey, DPoPKeyError, readDPoPKey } from '../../../electron/server/auth/dpop-keys';
import { discoverIdentityProvider, IdentityProviderError } from '../../../electron/server/auth/oidc-discovery';
import { parseIdleLockSeconds, parseRegionApi } from '../../../electron/server/auth/session-options';
import { customTarget } from '../../../electron/server/auth/sign-in-targets';
import { ApiFailure } from '../../../electron/server/http/api-failure';
import { createSession } from './session-test-kit';

describe('a server that publishes no metadata (the Amigo identity service)', () => {
  let server: http.Server;
  let origin: string;
  const asked: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('falls back to manual metadata after OpenID and OAuth discovery both answer 404', async () => {
    const provider = await discoverIdentityProvider(origin, 'attest-desktop');
    expect(asked).toEqual(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']);
    expect(provider).toMatchObject({ source: 'manual', browser: false, device: true, dpop: false, issuer: origin });
    expect(provider.config.serverMetadata()).toMatchObject({
      token_endpoint: `${origin}/token`,
      device_authorization_endpoint: `${origin}/device/code`,
    });
  });

  it('offers only the device flow there, saying so when the browser flow is asked for', async () => {
    const test = createSession({ url: origin, issuer: origin });
    try {
      const refused = await test.session.startBrowserSignIn().catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ApiFailure);
      expect((refused as ApiFailure).status).toBe(409);
      expect((refused as ApiFailure).message).toMatch(
        /offers no sign-in through the browser. Use "Sign in with a code"/,
      );
      expect(test.session.view().status).toBe('signed-out');
    } finally {
      await test.close();
    }
  });
});

describe('addresses and options', () => {
  it('refuses identity providers that are not https (loopback http is for the demo only)', async () => {
    await expect(discoverIdentityProvider('http://idp.example', 'c')).rejects.toThrow(/must use https/);
    await expect(discoverIdentityProvider('not a url', 'c')).rejects.toBeInstanceOf(IdentityProviderError);
    await expect(discoverIdentityProvider('https://user:pw@idp.example', 'c')).rejects.toThrow(/user name or password/);
    expect(() => customTarget('ftp://files.example')).toThrow(/must use https/);
    expect(customTarget(' https://attest.clinic.example/some/path ')).toMatchObject({
      kind: 'custom',
      apiUrl: 'https://attest.clinic.example',
      issuer: 'https://attest.clinic.example',
    });
  });

  it('checks the idle lock and per-region hosts given to the launcher', () => {
    expect(parseIdleLockSeconds(undefined)).toBeUndefined();
    expect(parseIdleLockSeconds('900')).toBe(900);
    for (const bad of ['0', '-5', '1.5', 'soon', '86401'])
      expect(() => parseIdleLockSeconds(bad), bad).toThrow(/1–86400/);
    expect(parseRegionApi(['eu-central-1=https://api-eu.example/x', 'us-east-1=http://127.0.0.1:4000'])).toEqual({
      'eu-central-1': 'https://api-eu.example',
      'us-east-1': 'http://127.0.0.1:4000',
    });
    expect(() => parseRegionApi(['mars-1=https://x.example'])).toThrow(/REGION=URL/);
    expect(() => parseRegionApi(['eu-central-1=http://api.example'])).toThrow(/https/);
  });
});

describe('device keys', () => {
  it('round-trips through its keychain form and refuses a damaged one', async () => {
    const { pair, stored } = await createDPoPKey();
    expect(pair.privateKey.extractable).toBe(false);
    const back = await readDPoPKey(stored);
    const data = new TextEncoder().encode('proof');
    const algorithm = { name: 'ECDSA', hash: 'SHA-256' } as const;
    const signature = await crypto.subtle.sign(algorithm, back.privateKey, data);
    expect(await crypto.subtle.verify(algorithm, pair.publicKey, signature, data)).toBe(true);
    for (const damaged of ['', 'not json', '{"kty":"EC"}', stored.replace(/"d":"[^"]+"/, '"d":"AAAA"')]) {
      await expect(readDPoPKey(damaged), damaged).rejects.toBeInstanceOf(DPoPKeyError);
    }
  });
});
