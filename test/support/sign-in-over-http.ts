/**
 * Signs a running workspace server in the way a person does, without a browser window: the app
 * answers the authorization URL (PKCE, state, nonce, loopback redirect), a cookie-keeping HTTP
 * client fills the identity provider's real sign-in and consent pages, and the redirect is
 * delivered to the app's own loopback listener. No token is ever handed to the app from outside.
 */
import { createApiClient, type ApiClient } from '../../renderer/api/client';
import type { SessionView } from '../../shared/contract';
import { TestBrowser, expectCallback, signIn } from '../regional-backend/identity/test-support';

export interface LocalApp {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  secret: string;
  api: ApiClient;
}

export const localApp = (origin: string, secret: string): LocalApp => ({
  origin,
  secret,
  api: createApiClient({ baseUrl: origin, secret }),
});

/** From a browser-mode launch URL (`…/?token=SECRET`). */
export const localAppFromLaunchUrl = (launchUrl: string): LocalApp => {
  const url = new URL(launchUrl);
  return localApp(url.origin, url.searchParams.get('token') ?? '');
};

export async function waitForSession(
  app: LocalApp,
  done: (view: SessionView) => boolean,
  timeoutMs = 20_000,
): Promise<SessionView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await app.api.call('session');
    if (done(view)) return view;
    if (Date.now() > deadline) throw new Error(`session did not settle: ${view.status} ${view.lastError ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The real authorization code flow, end to end; resolves once the workspace is open. */
export async function signInOverHttp(app: LocalApp, issuer: string, login: string): Promise<SessionView> {
  const { authorizationUrl } = await app.api.call('signInStart', { body: {} });
  const browser = new TestBrowser(issuer);
  const callback = expectCallback(await signIn(browser, await browser.open(authorizationUrl), login));
  // The app's loopback listener takes the code, redeems it and opens the workspace.
  const answer = await fetch(callback, { redirect: 'manual' });
  await answer.body?.cancel();
  return waitForSession(
    app,
    (v) => v.status === 'signed-in' || (v.status === 'signed-out' && v.lastError !== null),
  ).then((view) => {
    if (view.status !== 'signed-in') throw new Error(`sign-in failed: ${view.lastError ?? view.status}`);
    return view;
  });
}
