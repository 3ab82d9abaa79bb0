import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isNetworkPath, loadDesktopConfig, userDataDirectory, type ConfigInput } from '../../../electron/main/config';

const base: ConfigInput = {
  env: {},
  platform: 'linux',
  isPackaged: true,
  userDataDir: '/home/u/.config/Attest',
  settingsText: null,
};

describe('userDataDirectory', () => {
  const defaults = {
    env: {},
    platform: 'linux' as const,
    isPackaged: true,
    defaultDir: '/home/u/.config/Attest',
    appName: 'Attest',
  };

  it("keeps Electron's default off Windows", () => {
    expect(userDataDirectory(defaults)).toBe('/home/u/.config/Attest');
  });

  it('prefers %LOCALAPPDATA% on Windows (D-02: not the roaming profile)', () => {
    expect(
      userDataDirectory({
        ...defaults,
        platform: 'win32',
        env: { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' },
        defaultDir: 'C:\\Users\\u\\AppData\\Roaming\\Attest',
      }),
    ).toBe('C:\\Users\\u\\AppData\\Local\\Attest');
    expect(
      userDataDirectory({
        ...defaults,
        platform: 'win32',
        env: { LOCALAPPDATA: 'relative' },
        defaultDir: 'C:\\Roaming\\Attest',
      }),
    ).toBe('C:\\Roaming\\Attest');
  });

  it('honours ATTEST_USER_DATA_DIR only in unpackaged runs', () => {
    expect(userDataDirectory({ ...defaults, isPackaged: false, env: { ATTEST_USER_DATA_DIR: '/tmp/e2e-1' } })).toBe(
      '/tmp/e2e-1',
    );
    expect(userDataDirectory({ ...defaults, isPackaged: true, env: { ATTEST_USER_DATA_DIR: '/tmp/e2e-1' } })).toBe(
      '/home/u/.config/Attest',
    );
    expect(userDataDirectory({ ...defaults, isPackaged: false, env: { ATTEST_USER_DATA_DIR: 'relative' } })).toBe(
      '/home/u/.config/Attest',
    );
  });
});

describe('isNetworkPath', () => {
  it.each([
    ['\\\\server\\share\\Attest', true],
    ['//server/share/Attest', true],
    ['C:\\Users\\u\\AppData\\Local\\Attest', false],
    ['/home/u/.config/Attest', false],
  ])('%s → %s', (dir, expected) => {
    expect(isNetworkPath(dir)).toBe(expected);
  });
});

describe('loadDesktopConfig', () => {
  it('without configuration: data dir under userData, no backend, not an error', () => {
    const result = loadDesktopConfig(base);
    expect(result).toEqual({
      ok: true,
      backendConfigured: false,
      config: {
        dataDir: path.join('/home/u/.config/Attest', 'data'),
        externalHosts: [],
        demo: false,
        settingsPath: path.join('/home/u/.config/Attest', 'settings.json'),
      },
    });
  });

  it('reads the environment first, then the settings file', () => {
    const result = loadDesktopConfig({
      ...base,
      env: { ATTEST_BACKEND_URL: 'https://api-eu-central-1.platform.amigo.ai/' },
      settingsText: JSON.stringify({
        backendUrl: 'https://ignored.example',
        issuer: 'https://login.hospital.example/realms/x',
        externalHosts: ['docs.attest.example'],
        clientId: 'attest-eu',
      }),
    });
    expect(result.ok && result.config).toMatchObject({
      backendUrl: 'https://api-eu-central-1.platform.amigo.ai',
      issuer: 'https://login.hospital.example/realms/x',
      externalHosts: ['docs.attest.example'],
      clientId: 'attest-eu',
    });
    expect(result.ok && result.backendConfigured).toBe(true);
  });

  it('allows loopback http endpoints (the demo simulator) only when unpackaged', () => {
    const env = {
      ATTEST_BACKEND_URL: 'http://127.0.0.1:4100',
      ATTEST_ISSUER: 'http://127.0.0.1:4100/oidc',
      ATTEST_DEMO: '1',
    };
    const dev = loadDesktopConfig({ ...base, isPackaged: false, env });
    expect(dev.ok && dev.config).toMatchObject({
      backendUrl: 'http://127.0.0.1:4100',
      issuer: 'http://127.0.0.1:4100/oidc',
      demo: true,
    });
    const packaged = loadDesktopConfig({ ...base, isPackaged: true, env });
    expect(packaged.ok).toBe(false);
  });

  it.each([
    [{ ATTEST_BACKEND_URL: 'http://api.platform.amigo.ai' }, /must be an https URL/],
    [{ ATTEST_BACKEND_URL: 'http://localhost:4100' }, /must be an https URL/],
    [{ ATTEST_ISSUER: 'https://user:pw@login.example' }, /credentials/],
    [{ ATTEST_ISSUER: 'not a url' }, /not a valid URL/],
    [{ ATTEST_BACKEND_URL: 'file:///etc/passwd' }, /must be an https URL/],
    [{ ATTEST_CLIENT_ID: 'has space' }, /clientId/],
  ])('refuses %j', (env, message) => {
    const result = loadDesktopConfig({ ...base, isPackaged: false, env });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.join('\n')).toMatch(message);
  });

  it("takes a custom deployment's API host per region from the settings file, checked like the backend", () => {
    const settingsText = JSON.stringify({
      regionApiOrigins: { 'eu-central-1': 'https://api.eu.hospital.example/', 'us-east-1': 'http://127.0.0.1:4101' },
    });
    const dev = loadDesktopConfig({ ...base, isPackaged: false, settingsText });
    expect(dev.ok && dev.config.regionApiOrigins).toEqual({
      'eu-central-1': 'https://api.eu.hospital.example',
      'us-east-1': 'http://127.0.0.1:4101',
    });
    // A shipped build talks to no plain-http host, not even for one region.
    const packaged = loadDesktopConfig({ ...base, isPackaged: true, settingsText });
    expect(!packaged.ok && packaged.problems.join('\n')).toMatch(/regionApiOrigins\.us-east-1 must be an https URL/);
    const unknown = loadDesktopConfig({
      ...base,
      settingsText: JSON.stringify({ regionApiOrigins: { 'mars-1': 'https://api.mars.example' } }),
    });
    expect(!unknown.ok && unknown.problems.join('\n')).toMatch(/"mars-1" is not a region/);
  });

  it('refuses a broken settings file rather than ignoring it', () => {
    expect(loadDesktopConfig({ ...base, settingsText: '{not json' })).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/not valid JSON/)],
    });
    expect(loadDesktopConfig({ ...base, settingsText: JSON.stringify({ backend: 'typo' }) })).toMatchObject({
      ok: false,
    });
    expect(
      loadDesktopConfig({ ...base, settingsText: JSON.stringify({ externalHosts: ['https://with-scheme.example'] }) }),
    ).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/externalHosts/)],
    });
  });

  it('refuses a data directory on a network share', () => {
    expect(
      loadDesktopConfig({ ...base, platform: 'win32', userDataDir: '\\\\fileserver\\profiles\\u\\Attest' }),
    ).toMatchObject({ ok: false });
  });
});
