/**
 * The regional backend simulator's identity provider: public API. See README.md beside this file.
 *
 *   const idp = await createIdentityProvider({ issuer: origin, dataDir, audience: API_AUDIENCE });
 *   server.on('request', (req, res) => isApiPath(req) ? api(req, res) : idp.handle(req, res));
 *   const claims = await idp.verifyRequest({ authorization, dpop, method, url }); // or IdentityError
 */
import type { IdentityConfig } from './identity-config';
import type { AccessClaims, VerifyRequestInput } from './access-token-verifier';
import type { IdentityProviderHandle } from './provider';
import { createIdentityProvider as create } from './provider';
import { createRemoteVerifier as createRemote, type RemoteVerifierOptions } from './access-token-verifier';

export { ATTEST_CLIENT_ID, API_AUDIENCE, API_SCOPE, DEFAULT_IDENTITY_CONFIG } from './identity-config';
export { IdentityError } from './access-token-verifier';
export type { AccessClaims, IdentityConfig, IdentityProviderHandle, RemoteVerifierOptions, VerifyRequestInput };

export function createIdentityProvider(opts: {
  issuer: string;
  dataDir: string;
  audience: string;
  config?: Partial<IdentityConfig>;
}): Promise<IdentityProviderHandle> {
  return create(opts);
}

/**
 * verifyRequest for a simulator that does not host the provider (e.g. a second region): same
 * semantics, keys from `${issuer}/.well-known/openid-configuration` → jwks_uri over HTTP.
 */
export function createRemoteVerifier(
  issuer: string,
  audience: string,
  options?: RemoteVerifierOptions,
): { verifyRequest(r: VerifyRequestInput): Promise<AccessClaims> } {
  return createRemote(issuer, audience, options);
}
