/**
 * Sends the person to the identity provider: the system browser on the desktop (RFC 8252: never
 * an embedded page), this tab in browser mode. The URL comes from the local server; it is still
 * checked, because in browser mode navigating to a `javascript:` or `data:` URL would run code.
 */
import type { AttestBridge } from '../../shared/ipc';
import type { AuthorizationOpener } from '../stores/session-store';

export class AuthorizationUrlError extends Error {
  override readonly name = 'AuthorizationUrlError';
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https anywhere; plain http only on loopback (the demo identity provider runs there). */
export const checkAuthorizationUrl = (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AuthorizationUrlError('The sign-in address from the workspace server is not a valid URL.');
  }
  const ok = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (!ok || url.username || url.password) {
    throw new AuthorizationUrlError('The sign-in address from the workspace server is not one Attest will open.');
  }
  return url.href;
};

export const createAuthorizationOpener =
  (bridge: AttestBridge | null, assign: (url: string) => void): AuthorizationOpener =>
  async (raw) => {
    const url = checkAuthorizationUrl(raw);
    if (!bridge) {
      assign(url);
      return 'navigated';
    }
    // The bridge asks main, which opens only allowlisted URLs (electron/main/trusted-url.ts, E-15);
    // the URL was checked here too. This is not Electron's shell.openExternal.
    const opened = await bridge.openExternal(url); /* eng-disable OPEN_EXTERNAL_JS_CHECK */
    if (!opened) {
      throw new AuthorizationUrlError(
        'Attest could not open your browser for signing in. Check your default browser and try again.',
      );
    }
    return 'external';
  };
