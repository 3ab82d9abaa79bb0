import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FORBIDDEN_SWITCHES,
  contentSecurityPolicy,
  forbiddenSwitchesPresent,
  isLoopbackServerOrigin,
  isPermissionGranted,
  resolveAppPath,
  serverProcessEnv,
} from '../../../electron/main/security';

describe('contentSecurityPolicy', () => {
  it('is the strict policy with the exact server origin', () => {
    expect(contentSecurityPolicy('http://127.0.0.1:43127')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self' http://127.0.0.1:43127; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
  });

  it('never allows eval, inline script or wildcards', () => {
    const csp = contentSecurityPolicy('http://127.0.0.1:1');
    expect(csp).not.toMatch(/unsafe-eval|unsafe-inline|\*|https?:\/\/(?!127\.0\.0\.1:1\b)/);
  });

  it('without a server allows no loopback origin at all', () => {
    expect(contentSecurityPolicy(null)).toContain("connect-src 'self';");
    expect(contentSecurityPolicy(null)).not.toContain('127.0.0.1');
  });

  it.each([
    'http://127.0.0.1:43127; script-src *',
    'http://127.0.0.1:*',
    'http://localhost:43127',
    'https://127.0.0.1:43127',
    'http://127.0.0.1:43127/',
    'http://127.0.0.1',
    'http://127.0.0.1:0',
    'http://127.0.0.1:70000',
    'http://evil.example:80',
  ])('refuses the origin %j (nothing can be injected into the policy)', (origin) => {
    expect(isLoopbackServerOrigin(origin)).toBe(false);
    expect(() => contentSecurityPolicy(origin)).toThrow();
  });

  it('accepts IPv6 loopback', () => {
    expect(contentSecurityPolicy('http://[::1]:8080')).toContain("connect-src 'self' http://[::1]:8080");
  });
});

describe('resolveAppPath', () => {
  const root = path.resolve('/srv/attest/dist/renderer');

  it.each([
    ['app://attest/', 'index.html'],
    ['app://attest/index.html', 'index.html'],
    ['app://attest/assets/index-B1x_3f.js', 'assets/index-B1x_3f.js'],
    ['app://attest/assets/index.js?v=1#x', 'assets/index.js'],
    ['app://attest/fonts/inter%40v4.woff2', 'fonts/inter@v4.woff2'],
  ])('maps %s inside the root', (url, expected) => {
    expect(resolveAppPath(root, url)).toBe(path.join(root, expected));
  });

  it.each([
    'app://attest/../../etc/passwd',
    'app://attest/%2e%2e/%2e%2e/etc/passwd',
    'app://attest/assets/./../../../x',
  ])('keeps %s inside the root (the URL parser already folds dot segments)', (url) => {
    const resolved = resolveAppPath(root, url);
    expect(resolved === null || resolved.startsWith(root + path.sep)).toBe(true);
  });

  it.each([
    'app://attest/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    'app://attest/assets/..%2f..%2fsecret',
    'app://attest/..%5c..%5cwindows%5cwin.ini',
    'app://attest/assets%5c..%5c..%5csecret',
    'app://attest//etc/passwd',
    'app://attest/%2fetc%2fpasswd',
    'app://attest/C:/Windows/win.ini',
    'app://attest/C%3a%5cWindows%5cwin.ini',
    'app://attest/%5c%5cserver%5cshare%5cx',
    'app://attest/index.html%00.png',
    'app://attest/.env',
    'app://attest/assets/.hidden/index.js',
    'app://attest/%',
    'app://attest/%E0%A4%A',
    'app://evil/index.html',
    'app://attest:1/index.html',
    'file:///etc/passwd',
    'https://attest/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    expect(resolveAppPath(root, url)).toBeNull();
  });

  it('also holds with Windows path semantics', () => {
    const winRoot = 'C:\\Program Files\\Attest\\resources\\app.asar\\dist\\renderer';
    expect(resolveAppPath(winRoot, 'app://attest/assets/a.js', path.win32)).toBe(`${winRoot}\\assets\\a.js`);
    for (const url of [
      'app://attest/..%5c..%5cx',
      'app://attest/C:/x',
      'app://attest/%5c%5cserver%5cshare',
      'app://attest/a%5c..%5c..%5cb',
    ]) {
      expect(resolveAppPath(winRoot, url, path.win32)).toBeNull();
    }
  });
});

describe('isPermissionGranted', () => {
  it('denies every ordinary permission, even to the app itself', () => {
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'hid',
      'serial',
      'usb',
      'openExternal',
      'fullscreen',
      'display-capture',
      'unknown',
    ]) {
      expect(isPermissionGranted(permission, 'app://attest/index.html')).toBe(false);
    }
  });

  it('grants loopback access to the app origin only', () => {
    expect(isPermissionGranted('local-network-access', 'app://attest/')).toBe(true);
    expect(isPermissionGranted('loopback-network', 'app://attest')).toBe(true);
    expect(isPermissionGranted('local-network-access', 'https://evil.example/')).toBe(false);
    expect(isPermissionGranted('loopback-network', null)).toBe(false);
    expect(isPermissionGranted('loopback-network', '')).toBe(false);
  });
});

describe('process hardening', () => {
  it('strips environment variables that change what the server process is', () => {
    const env = serverProcessEnv({
      PATH: '/usr/bin',
      HOME: '/home/u',
      ELECTRON_RUN_AS_NODE: '1',
      NODE_OPTIONS: '--require /tmp/evil.js',
      node_options: '--inspect',
      NODE_TLS_REJECT_UNAUTHORIZED: '0',
      ATTEST_BACKEND_URL: 'https://api.platform.amigo.ai',
      UNSET: undefined,
    });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/u', ATTEST_BACKEND_URL: 'https://api.platform.amigo.ai' });
  });

  it('reports forbidden Chromium switches', () => {
    const present = new Set(['remote-debugging-port', 'lang']);
    expect(forbiddenSwitchesPresent((name) => present.has(name))).toEqual(['remote-debugging-port']);
    expect(forbiddenSwitchesPresent(() => false)).toEqual([]);
    expect(FORBIDDEN_SWITCHES).toEqual(
      expect.arrayContaining(['inspect', 'no-sandbox', 'disable-web-security', 'ignore-certificate-errors']),
    );
  });
});
