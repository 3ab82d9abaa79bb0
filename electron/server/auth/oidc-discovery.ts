/**
 * Finds an identity provider's metadata with openid-client v6: OpenID discovery, then OAuth
 * authorization-server metadata (RFC 8414), and for a server that publishes neither (the Amigo
 * identity service documents only `/token` and `/device/code`), manual metadata at the server's
 * own origin. Discovery checks that the document names exactly the issuer we asked for; a server
 * claiming to be another issuer is refused (mix-up defence, security-bar O-17/O-18).
 *
 * Plain http is allowed only for a loopback issuer (the demo simulator and tests): a customer's
 * identity provider must be https.
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

/** What the provider offers, read once from its metadata. */
export interface IdentityProvider {
  issuer: string;
  config: oidc.Configuration;
  /** An authorization endpoint exists: sign-in through the system browser is possible. */
  browser: boolean;
  /** A device authorization endpoint exists (RFC 8628). */
  device: boolean;
  /** The server advertises DPoP (RFC 9449): Attest then binds every token to its own key. */
  dpop: boolean;
  revocation: boolean;
  /** Where the metadata came from. */
  source: 'openid-discovery' | 'oauth-metadata' | 'manual';
}

export interface DiscoveryOptions {
  /** Seconds per metadata request. */
  timeout?: number;
  /** Endpoints to assume when the server publishes no metadata (Amigo's identity service). */
  manual?: { tokenPath: string; devicePath: string };
}

/** amigo-platform-api.md §2.2: the identity endpoints on the API's own base URL. */
export const AMIGO_MANUAL_ENDPOINTS = { tokenPath: '/token', devicePath: '/device/code' } as const;

export function parseIssuer(issuer: string): URL {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new IdentityProviderError(
      `The sign-in server address "${issuer}" is not a URL. Check the address and try again.`,
    );
  }
  if (url.protocol !== 'https:' && !isLoopbackHttp(url)) {
    throw new IdentityProviderError(
      `The sign-in server must use https (got ${url.origin}). Check the address with your administrator.`,
    );
  }
  if (url.username || url.password) {
    throw new IdentityProviderError('The sign-in server address must not contain a user name or password.');
  }
  return url;
}

const describe = (provider: Omit<IdentityProvider, 'browser' | 'device' | 'dpop' | 'revocation'>): IdentityProvider => {
  const meta = provider.config.serverMetadata();
  return {
    ...provider,
    browser: typeof meta.authorization_endpoint === 'string',
    device: typeof meta.device_authorization_endpoint === 'string',
    dpop: Array.isArray(meta.dpop_signing_alg_values_supported) && meta.dpop_signing_alg_values_supported.length > 0,
    revocation: typeof meta.revocation_endpoint === 'string',
  };
};

const notFound = (error: unknown): boolean =>
  error instanceof oidc.ClientError && error.cause instanceof Response && error.cause.status === 404;

function explain(url: URL, error: unknown): IdentityProviderError {
  if (error instanceof oidc.ClientError && error.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') {
    return new IdentityProviderError(
      `The sign-in server at ${url.origin} says it is a different identity provider than ${url.href.replace(/\/$/, '')}. ` +
        'Attest refuses to sign in there; check the server address with your administrator.',
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new IdentityProviderError(
    `Could not reach the sign-in server at ${url.origin} (${reason}). Check your connection and try again.`,
  );
}

export async function discoverIdentityProvider(
  issuer: string,
  clientId: string,
  options: DiscoveryOptions = {},
): Promise<IdentityProvider> {
  const url = parseIssuer(issuer);
  const requestOptions: oidc.DiscoveryRequestOptions = {
    // Deprecated-marked on purpose upstream; used only for a loopback http issuer (see above).
    execute: isLoopbackHttp(url) ? [oidc.allowInsecureRequests] : [],
    timeout: options.timeout ?? 15,
  };
  for (const algorithm of ['oidc', 'oauth2'] as const) {
    try {
      const config = await oidc.discovery(url, clientId, undefined, oidc.None(), { ...requestOptions, algorithm });
      return describe({
        issuer: config.serverMetadata().issuer,
        config,
        source: algorithm === 'oidc' ? 'openid-discovery' : 'oauth-metadata',
      });
    } catch (error) {
      if (!notFound(error)) throw explain(url, error);
    }
  }
  const manual = options.manual ?? AMIGO_MANUAL_ENDPOINTS;
  // No metadata at all: the endpoints Amigo documents, on the issuer's own origin. No
  // authorization endpoint is assumed, so only the device flow is offered.
  const origin = url.origin;
  const config = new oidc.Configuration(
    {
      issuer: url.href.replace(/\/$/, ''),
      token_endpoint: new URL(manual.tokenPath, origin).href,
      device_authorization_endpoint: new URL(manual.devicePath, origin).href,
    },
    clientId,
    undefined,
    oidc.None(),
  );
  if (isLoopbackHttp(url)) oidc.allowInsecureRequests(config);
  return describe({ issuer: config.serverMetadata().issuer, config, source: 'manual' });
}
