/**
 * Sign-in with a device code (RFC 8628), for identity services that offer it (Amigo's does, at
 * /device/code): the app shows a short code and a link; the person approves in any browser; the
 * app polls the token endpoint. openid-client's poller waits `interval` seconds between polls,
 * adds 5 seconds on `slow_down`, keeps going on `authorization_pending`, and stops at the code's
 * expiry; the tokens are DPoP-bound when the session uses DPoP.
 */
import * as oidc from 'openid-client';
import { SIGN_IN_SCOPE } from '../config';
import type { IdentityProvider } from './oidc-discovery';

export interface DeviceSignInOptions {
  provider: IdentityProvider;
  dpop: oidc.DPoPHandle | undefined;
  workspaceId?: string | undefined;
  onTokens(tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): Promise<void>;
  onFailure(message: string): void;
}

export interface DeviceSignIn {
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string | null;
  expiresAt: string;
  /** Settles when the poll ended (tokens handled, refused, expired or cancelled). */
  done: Promise<void>;
  cancel(): void;
}

export async function startDeviceSignIn(options: DeviceSignInOptions): Promise<DeviceSignIn> {
  const { provider } = options;
  if (!provider.device) {
    throw new Error('This sign-in server does not offer sign-in with a code. Use "Sign in with SSO" instead.');
  }
  const started = await oidc.initiateDeviceAuthorization(provider.config, {
    scope: SIGN_IN_SCOPE,
    // Refresh tokens need explicit consent (offline_access).
    prompt: 'consent',
    ...(options.workspaceId ? { workspace_id: options.workspaceId } : {}),
  });
  const verificationUri = checkedLink(started.verification_uri, provider.issuer);
  const complete = started.verification_uri_complete
    ? checkedLink(started.verification_uri_complete, provider.issuer)
    : null;
  const controller = new AbortController();
  const expiresAt = new Date(Date.now() + started.expires_in * 1000);
  const done = (async () => {
    try {
      const tokens = await oidc.pollDeviceAuthorizationGrant(provider.config, started, undefined, {
        ...(options.dpop ? { DPoP: options.dpop } : {}),
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(started.expires_in * 1000)]),
      });
      await options.onTokens(tokens);
    } catch (error) {
      if (controller.signal.aborted) return;
      options.onFailure(describeDeviceError(error));
    }
  })();
  return {
    userCode: started.user_code,
    verificationUri,
    verificationUriComplete: complete,
    expiresAt: expiresAt.toISOString(),
    done,
    cancel: () => controller.abort(),
  };
}

/**
 * The link is shown to a person and opened in a browser: it must be https (or loopback http for
 * the demo), without credentials. Anything else would be a provider trying to send people elsewhere.
 */
function checkedLink(raw: string, issuer: string): string {
  const url = URL.parse(raw);
  const loopback =
    url !== null && url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url === null || (url.protocol !== 'https:' && !loopback) || url.username || url.password) {
    throw new Error(`The sign-in server at ${new URL(issuer).origin} sent a verification link Attest will not show.`);
  }
  return url.href;
}

function describeDeviceError(error: unknown): string {
  if (error instanceof oidc.ResponseBodyError) {
    if (error.error === 'expired_token')
      return 'The sign-in code expired before it was approved. Start again to get a new code.';
    if (error.error === 'access_denied')
      return `The sign-in with a code was refused${error.error_description ? ` (${error.error_description})` : ''}. Try again, or ask your administrator for access.`;
    return `The identity provider refused the sign-in (${error.error}${error.error_description ? `: ${error.error_description}` : ''}). Try again.`;
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'The sign-in code expired before it was approved. Start again to get a new code.';
  if (error instanceof TypeError)
    return 'Could not reach the identity provider while waiting for approval. Check your connection and start again.';
  return error instanceof Error ? error.message : 'Sign-in with a code failed. Try again.';
}
