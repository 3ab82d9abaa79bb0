/**
 * Finds the identity provider's metadata with openid-client v6. Plain http is allowed only for
 * a loopback issuer (the demo simulator and tests); a customer's IdP must be https. Discovery
 * checks that the document's issuer is exactly the configured one.
 */
import * as oidc from 'openid-client';

export function isLoopbackHttp(url: URL): boolean {
  return (
    url.protocol === 'http:' &&
    (url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost')
  );
}

export class IdentityProviderError extends Error {
  override readonly name = 'IdentityProviderError';
}

export async function discoverIdentityProvider(issuer: string, clientId: string): Promise<oidc.Configuration> {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new IdentityProviderError(
      `The identity provider address "${issuer}" is not a URL. Check the sign-in settings.`,
    );
  }
  if (url.protocol !== 'https:' && !isLoopbackHttp(url)) {
    throw new IdentityProviderError(`The identity provider must use https (got ${url.origin}).`);
  }
  try {
    return await oidc.discovery(url, clientId, undefined, oidc.None(), {
      // Deprecated-marked on purpose upstream; used only for a loopback http issuer (see above).
      execute: isLoopbackHttp(url) ? [oidc.allowInsecureRequests] : [],
      timeout: 15,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new IdentityProviderError(
      `Could not reach the identity provider at ${url.origin}, or it is not the issuer it should be (${reason}).`,
    );
  }
}
