import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  buildExternalAllowlist,
  isAllowedExternalUrl,
  isAppUrl,
  isTrustedIpcSender,
  isTrustedIpcSenderFrame,
  normalizeAllowedExternalUrl,
} from '../../../electron/main/trusted-url';

const allowlist = buildExternalAllowlist({
  httpsHosts: ['docs.attest.example', 'Help.Attest.Example'],
  identityProvider: 'https://login.hospital.example/realms/attest',
});
const demoAllowlist = buildExternalAllowlist({ identityProvider: 'http://127.0.0.1:4000' });

describe('isAppUrl', () => {
  it.each([APP_ENTRY_URL, `${APP_ORIGIN}/`, `${APP_ORIGIN}/assets/index.js?x=1#y`])('accepts %s', (url) => {
    expect(isAppUrl(url)).toBe(true);
  });

  it.each([
    'app://evil/index.html',
    'app://attest.evil/index.html',
    'app://attest:8080/index.html',
    'app://user@attest/index.html',
    'app://attest@evil/index.html',
    'APP://ATTEST/index.html',
    'file:///index.html',
    'https://attest/index.html',
    'http://127.0.0.1:4000/',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
    '',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isAppUrl(url)).toBe(false);
  });

  it('refuses non-strings', () => {
    expect(isAppUrl(undefined)).toBe(false);
    expect(isAppUrl(null)).toBe(false);
    expect(isAppUrl({ toString: () => APP_ENTRY_URL })).toBe(false);
  });
});

describe('isAllowedExternalUrl', () => {
  it.each([
    'https://docs.attest.example/guide',
    'https://DOCS.attest.example/guide',
    'https://help.attest.example/',
    'https://docs.attest.example:443/guide',
    'https://login.hospital.example/realms/attest/protocol/openid-connect/auth?client_id=x&state=y',
    'https://login.hospital.example/anything',
  ])('allows %s', (url) => {
    expect(isAllowedExternalUrl(url, allowlist)).toBe(true);
  });

  it.each([
    ['javascript:', 'javascript:alert(1)'],
    ['javascript: with https-looking text', 'javascript://docs.attest.example/%0aalert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['file: UNC', 'file://server/share/payload.exe'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['smb:', 'smb://docs.attest.example/share'],
    ['ms-msdt:', 'ms-msdt:/id PCWDiagnostic /skip force'],
    ['search-ms:', 'search-ms:query=x&crumb=location:\\\\evil\\share'],
    ['ms-officecmd:', 'ms-officecmd:{"id":1}'],
    ['mailto:', 'mailto:a@docs.attest.example'],
    ['ftp:', 'ftp://docs.attest.example/'],
    ['http to an allowlisted host', 'http://docs.attest.example/guide'],
    ['http to non-loopback', 'http://example.com/'],
    ['http to loopback that is not the IdP', 'http://127.0.0.1:4000/'],
    ['credentials', 'https://user:pass@docs.attest.example/'],
    ['username only', 'https://docs.attest.example@evil.example/'],
    ['allowlisted host as a subdomain of evil', 'https://docs.attest.example.evil.example/'],
    ['suffix trick', 'https://evildocs.attest.example/'],
    ['parent domain', 'https://attest.example/'],
    ['trailing dot', 'https://docs.attest.example./'],
    ['non-default port', 'https://docs.attest.example:8443/'],
    ['IDN look-alike (Cyrillic о)', 'https://dоcs.attest.example/'],
    ['IDN look-alike in punycode', 'https://xn--dcs-5cd.attest.example/'],
    ['full-width dot', 'https://docs．attest．example.evil.example/'],
    ['backslash', 'https:\\\\docs.attest.example\\guide'],
    ['leading space', ' https://docs.attest.example/'],
    ['newline inside', 'https://docs.attest.example/\nx'],
    ['tab inside', 'https://docs.\tattest.example/'],
    ['IdP host on another port', 'https://login.hospital.example:8443/'],
    ['IdP host over http', 'http://login.hospital.example/'],
    ['IdP look-alike', 'https://login.hospital.example.evil/'],
    ['app scheme', 'app://attest/index.html'],
    ['empty', ''],
    ['garbage', '::::'],
    ['too long', `https://docs.attest.example/${'a'.repeat(5000)}`],
  ])('refuses %s', (_label, url) => {
    expect(isAllowedExternalUrl(url, allowlist)).toBe(false);
  });

  it('allows the demo identity provider on loopback http, and only its exact origin', () => {
    expect(isAllowedExternalUrl('http://127.0.0.1:4000/auth?x=1', demoAllowlist)).toBe(true);
    expect(isAllowedExternalUrl('http://127.0.0.1:4001/auth', demoAllowlist)).toBe(false);
    expect(isAllowedExternalUrl('http://localhost:4000/auth', demoAllowlist)).toBe(false);
    expect(isAllowedExternalUrl('https://127.0.0.1:4000/auth', demoAllowlist)).toBe(false);
  });

  it('refuses non-strings without calling toString', () => {
    let called = false;
    const sneaky = {
      toString() {
        called = true;
        return 'https://docs.attest.example/';
      },
    };
    expect(isAllowedExternalUrl(sneaky, allowlist)).toBe(false);
    expect(called).toBe(false);
  });

  it('an empty allowlist opens nothing', () => {
    expect(isAllowedExternalUrl('https://docs.attest.example/', buildExternalAllowlist({}))).toBe(false);
  });

  it('normalizes what it lets through (what was checked is what is opened)', () => {
    expect(normalizeAllowedExternalUrl('https://DOCS.attest.example:443/a/../b', allowlist)).toBe(
      'https://docs.attest.example/b',
    );
    expect(normalizeAllowedExternalUrl('javascript:alert(1)', allowlist)).toBeNull();
  });

  it('property: a URL whose host is not exactly allowlisted is never allowed', () => {
    const allowed = new Set(['docs.attest.example', 'help.attest.example', 'login.hospital.example']);
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const parsed = new URL(url);
        if (isAllowedExternalUrl(url, allowlist)) {
          expect(parsed.protocol).toBe('https:');
          expect(allowed.has(parsed.hostname)).toBe(true);
          expect(parsed.username + parsed.password).toBe('');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: arbitrary strings are allowed only if they parse to an allowlisted https URL', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (raw) => {
        const candidate = `https://docs.attest.example${raw}`;
        if (isAllowedExternalUrl(candidate, allowlist)) {
          const parsed = new URL(candidate);
          expect(parsed.hostname).toBe('docs.attest.example');
          expect(parsed.port).toBe('');
          expect(parsed.username + parsed.password).toBe('');
        }
        expect(isAllowedExternalUrl(`javascript:${raw}`, allowlist)).toBe(false);
        expect(isAllowedExternalUrl(`file://${raw}`, allowlist)).toBe(false);
      }),
    );
  });
});

describe('buildExternalAllowlist', () => {
  it('normalizes hosts (case, IDN → punycode)', () => {
    const built = buildExternalAllowlist({ httpsHosts: ['Help.Attest.Example', 'bücher.example'] });
    expect([...built.httpsHosts]).toEqual(['help.attest.example', 'xn--bcher-kva.example']);
    expect(isAllowedExternalUrl('https://bücher.example/', built)).toBe(true);
  });

  it.each([
    'https://docs.attest.example',
    'docs.attest.example/path',
    'user@docs.attest.example',
    'docs.attest.example:8443',
    'docs.attest.example.',
    '',
    ' docs.attest.example',
  ])('refuses the malformed host %j', (host) => {
    expect(() => buildExternalAllowlist({ httpsHosts: [host] })).toThrow();
  });

  it('refuses an http identity provider that is not loopback, or one with credentials', () => {
    expect(() => buildExternalAllowlist({ identityProvider: 'http://idp.example' })).toThrow();
    expect(() => buildExternalAllowlist({ identityProvider: 'http://localhost:4000' })).toThrow();
    expect(() => buildExternalAllowlist({ identityProvider: 'https://u:p@idp.example' })).toThrow();
    expect(() => buildExternalAllowlist({ identityProvider: 'file:///idp' })).toThrow();
    expect(buildExternalAllowlist({ identityProvider: 'http://[::1]:4000/' }).identityProviderOrigin).toBe(
      'http://[::1]:4000',
    );
  });
});

describe('IPC sender checks', () => {
  it('trusts only the app origin', () => {
    expect(isTrustedIpcSender(APP_ENTRY_URL)).toBe(true);
    expect(isTrustedIpcSender('https://login.hospital.example/')).toBe(false);
    expect(isTrustedIpcSender('app://attest.evil/')).toBe(false);
    expect(isTrustedIpcSender(null)).toBe(false);
    expect(isTrustedIpcSender(undefined)).toBe(false);
  });

  it('needs the main frame of an app window showing the app', () => {
    const good = { frameUrl: APP_ENTRY_URL, isMainFrame: true, isAppWindow: true };
    expect(isTrustedIpcSenderFrame(good)).toBe(true);
    expect(isTrustedIpcSenderFrame({ ...good, isMainFrame: false })).toBe(false);
    expect(isTrustedIpcSenderFrame({ ...good, isAppWindow: false })).toBe(false);
    expect(isTrustedIpcSenderFrame({ ...good, frameUrl: 'https://evil.example/' })).toBe(false);
    expect(isTrustedIpcSenderFrame({ ...good, frameUrl: null })).toBe(false);
  });
});
