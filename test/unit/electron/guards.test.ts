import { EventEmitter } from 'node:events';
import type { HandlerDetails, Session, WebContents, WindowOpenHandlerResponse } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { applySessionGuards, applyWebContentsGuards } from '../../../electron/main/guards';
import { createExternalOpener } from '../../../electron/main/open-external';
import { buildExternalAllowlist } from '../../../electron/main/trusted-url';

class FakeContents extends EventEmitter {
  windowOpenHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | null = null;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void {
    this.windowOpenHandler = handler;
  }
  /** Emits like Electron: an event object with preventDefault, which the test inspects. */
  fire(name: string, fields: Record<string, unknown> = {}): boolean {
    let prevented = false;
    this.emit(name, { ...fields, preventDefault: () => (prevented = true) });
    return prevented;
  }
}

function setup() {
  const contents = new FakeContents();
  const opened: string[] = [];
  const openAllowlisted = createExternalOpener({
    allowlist: () =>
      buildExternalAllowlist({
        httpsHosts: ['docs.attest.example'],
        identityProvider: 'https://login.hospital.example',
      }),
    open: async (href) => {
      opened.push(href);
    },
    log: () => undefined,
  });
  applyWebContentsGuards(contents as unknown as WebContents, { openAllowlisted, log: () => undefined });
  return { contents, opened };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('webContents guards', () => {
  it('lets the app navigate within app://attest', () => {
    const { contents } = setup();
    expect(contents.fire('will-navigate', { url: 'app://attest/index.html', isMainFrame: true })).toBe(false);
    expect(contents.fire('will-redirect', { url: 'app://attest/review', isMainFrame: true })).toBe(false);
  });

  it.each([
    'https://evil.example/',
    'https://docs.attest.example/guide',
    'file:///etc/passwd',
    'http://127.0.0.1:43127/api',
    'javascript:alert(1)',
    'app://attest.evil/',
  ])('blocks navigating or redirecting the window to %s', (url) => {
    const { contents } = setup();
    expect(contents.fire('will-navigate', { url, isMainFrame: true })).toBe(true);
    expect(contents.fire('will-redirect', { url, isMainFrame: true })).toBe(true);
    expect(contents.fire('will-frame-navigate', { url, isMainFrame: false })).toBe(true);
  });

  it('hands allowlisted link clicks to the system browser, and nothing else', async () => {
    const { contents, opened } = setup();
    contents.fire('will-navigate', { url: 'https://docs.attest.example/guide', isMainFrame: true });
    contents.fire('will-navigate', { url: 'https://evil.example/', isMainFrame: true });
    contents.fire('will-navigate', { url: 'smb://evil.example/share', isMainFrame: true });
    await settle();
    expect(opened).toEqual(['https://docs.attest.example/guide']);
  });

  it('denies every new window, opening only allowlisted URLs outside', async () => {
    const { contents, opened } = setup();
    const handler = contents.windowOpenHandler;
    if (!handler) throw new Error('no window open handler');
    for (const url of [
      'https://login.hospital.example/auth?x=1',
      'https://evil.example/',
      'file:///c:/windows/system32/calc.exe',
      'about:blank',
      'app://attest/index.html',
    ]) {
      expect(handler({ url } as HandlerDetails)).toEqual({ action: 'deny' });
    }
    await settle();
    expect(opened).toEqual(['https://login.hospital.example/auth?x=1']);
  });

  it('blocks every webview', () => {
    const { contents } = setup();
    expect(contents.fire('will-attach-webview', { url: 'app://attest/index.html' })).toBe(true);
  });
});

describe('external opener', () => {
  it('opens only normalized allowlisted URLs and reports failures as false', async () => {
    const open = vi.fn(async () => undefined);
    const opener = createExternalOpener({
      allowlist: () => buildExternalAllowlist({ httpsHosts: ['docs.attest.example'] }),
      open,
      log: () => undefined,
    });
    await expect(opener('https://DOCS.attest.example/a')).resolves.toBe(true);
    expect(open).toHaveBeenCalledWith('https://docs.attest.example/a');
    await expect(opener('ms-msdt:/id PCWDiagnostic')).resolves.toBe(false);
    await expect(opener(42)).resolves.toBe(false);
    expect(open).toHaveBeenCalledTimes(1);

    const failing = createExternalOpener({
      allowlist: () => buildExternalAllowlist({ httpsHosts: ['docs.attest.example'] }),
      open: async () => Promise.reject(new Error('no browser')),
      log: () => undefined,
    });
    await expect(failing('https://docs.attest.example/')).resolves.toBe(false);
  });
});

describe('session guards', () => {
  it('deny permission requests and checks, devices, screen capture and downloads', () => {
    const recorded: Record<string, unknown> = {};
    const session = {
      setPermissionRequestHandler: (h: unknown) => (recorded.request = h),
      setPermissionCheckHandler: (h: unknown) => (recorded.check = h),
      setDevicePermissionHandler: (h: unknown) => (recorded.device = h),
      setDisplayMediaRequestHandler: (h: unknown) => (recorded.display = h),
      on: (event: string, h: unknown) => (recorded[event] = h),
    };
    applySessionGuards(session as unknown as Session);

    const request = recorded.request as (
      c: unknown,
      p: string,
      cb: (granted: boolean) => void,
      d: { requestingUrl: string },
    ) => void;
    const answers: boolean[] = [];
    request(null, 'media', (g) => answers.push(g), { requestingUrl: 'app://attest/index.html' });
    request(null, 'geolocation', (g) => answers.push(g), { requestingUrl: 'app://attest/index.html' });
    request(null, 'local-network-access', (g) => answers.push(g), { requestingUrl: 'app://attest/index.html' });
    request(null, 'local-network-access', (g) => answers.push(g), { requestingUrl: 'https://evil.example/' });
    expect(answers).toEqual([false, false, true, false]);

    const check = recorded.check as (c: unknown, p: string, origin: string) => boolean;
    expect(check(null, 'clipboard-read', 'app://attest')).toBe(false);
    expect(check(null, 'notifications', 'app://attest')).toBe(false);
    expect((recorded.device as () => boolean)()).toBe(false);

    const display: unknown[] = [];
    (recorded.display as (r: unknown, cb: (s: unknown) => void) => void)({}, (s) => display.push(s));
    expect(display).toEqual([null]);

    let prevented = false;
    (recorded['will-download'] as (e: { preventDefault(): void }) => void)({
      preventDefault: () => (prevented = true),
    });
    expect(prevented).toBe(true);
  });
});
