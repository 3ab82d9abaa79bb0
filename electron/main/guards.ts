/**
 * Navigation, window and webview guards applied to every webContents the app ever creates
 * (`app.on('web-contents-created')`), so no window or popup can opt out (security-bar E-11..E-14).
 * Only type imports from Electron: the guards are tested with a fake webContents.
 */
import type { Session, WebContents } from 'electron';
import { isPermissionGranted } from './security';
import { isAppUrl } from './trusted-url';
import type { ExternalOpener } from './open-external';

export interface GuardDeps {
  /** The allowlisted opener (open-external.ts), never shell.openExternal directly. */
  openAllowlisted: ExternalOpener;
  log?: (message: string) => void;
}

export function applyWebContentsGuards(contents: WebContents, deps: GuardDeps): void {
  const log = deps.log ?? ((message: string) => console.warn(`[guards] ${message}`));
  const openOutside = (url: string): void => {
    void deps.openAllowlisted(url).catch(() => undefined);
  };

  // E-13: the app never navigates away from app://attest. A click on an allowlisted link still
  // reaches the user, in the system browser; anything else is simply dropped.
  contents.on('will-navigate', (event) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    log('blocked a navigation away from the app');
    if (event.isMainFrame) openOutside(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    log('blocked a redirect away from the app');
  });
  // Sub-frame navigations (the CSP already forbids frames; this covers what CSP cannot).
  contents.on('will-frame-navigate', (event) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
  });

  // E-14: no new windows, ever; allowlisted https links open in the system browser.
  contents.setWindowOpenHandler((details) => {
    openOutside(details.url);
    return { action: 'deny' };
  });

  // E-11/E-12: no <webview>, whatever the webPreferences say.
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('blocked a webview');
  });
}

/**
 * E-05 on one session: deny every permission request and check (with the single loopback
 * exception explained in security.ts), deny device access, and block downloads (a PHI export must
 * never be dropped unencrypted into ~/Downloads behind the app's back).
 */
export function applySessionGuards(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionGranted(permission, details.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionGranted(permission, requestingOrigin),
  );
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => {
    // null refuses the screen-capture request.
    callback(null);
  });
  session.on('will-download', (event) => {
    event.preventDefault();
  });
}
