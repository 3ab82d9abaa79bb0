/**
 * Constants and tunables of the simulator's identity provider. Everything a test may want to vary
 * is in IdentityConfig; everything else is fixed so the demo and the tests see one behaviour.
 */

/** The desktop app's client id: a public native client (no secret), PKCE S256 only. */
export const ATTEST_CLIENT_ID = 'attest-desktop';

/**
 * The resource indicator (RFC 8707) that names the Amigo Platform API, and the `aud` of every access
 * token this provider mints for it. It is the production API origin, so a client that sends
 * `resource=https://api.platform.amigo.ai` behaves the same against the simulator and the real
 * service. The simulator's own loopback origin is deliberately NOT the audience: the token says which
 * API it is for, not which socket happened to serve it. A second region that trusts this provider
 * passes the same value to createRemoteVerifier (or one of `additionalAudiences`).
 */
export const API_AUDIENCE = 'https://api.platform.amigo.ai';

/** Scopes the API resource server accepts (the brief's getResourceServerInfo scope). */
export const API_SCOPE = 'openid profile email offline_access';

export interface IdentityConfig {
  /** Access-token lifetime in seconds. Amigo's JWTs are short-lived; 15 minutes by default. */
  accessTokenTTL: number;
  /**
   * Refresh-token lifetime in seconds (an idle timeout when rotation is on: every rotation gets a
   * fresh TTL). The grant behind it is the absolute cap, see grantTTL.
   */
  refreshTokenTTL: number;
  /** Absolute lifetime of a grant (the whole token family) in seconds. */
  grantTTL: number;
  /**
   * Rotate refresh tokens on every use, with reuse detection: presenting an already-used refresh
   * token revokes the whole grant. On by default because the Amigo SDK documents rotation
   * ("a new access-token and refresh-token pair"); set false to get a stable refresh token.
   * (oidc-provider's own default would not rotate DPoP-bound tokens at all.)
   */
  rotateRefreshToken: boolean;
  /**
   * Demand a server-issued DPoP nonce (RFC 9449 §8, §9) at the token endpoint and in verifyRequest:
   * a proof without a valid nonce gets `use_dpop_nonce` plus a `DPoP-Nonce` header. Off by default.
   */
  requireDPoPNonce: boolean;
  /** The `interval` (seconds) the device authorization response tells clients to poll at. */
  devicePollIntervalSeconds: number;
  /**
   * Further resource indicators this provider will mint tokens for (e.g. one per regional API, so a
   * token for region A is useless at region B, security-bar O-15). `audience` is always accepted.
   */
  additionalAudiences: readonly string[];
}

export const DEFAULT_IDENTITY_CONFIG: Readonly<IdentityConfig> = {
  accessTokenTTL: 15 * 60,
  refreshTokenTTL: 24 * 60 * 60,
  grantTTL: 30 * 24 * 60 * 60,
  rotateRefreshToken: true,
  requireDPoPNonce: false,
  devicePollIntervalSeconds: 5,
  additionalAudiences: [],
};

/** Short-lived artefacts; not worth a knob. */
export const FIXED_TTL = {
  authorizationCode: 60,
  deviceCode: 10 * 60,
  interaction: 10 * 60,
  session: 24 * 60 * 60,
} as const;

export function resolveIdentityConfig(partial: Partial<IdentityConfig> | undefined): IdentityConfig {
  const config: IdentityConfig = { ...DEFAULT_IDENTITY_CONFIG, ...partial };
  for (const key of ['accessTokenTTL', 'refreshTokenTTL', 'grantTTL', 'devicePollIntervalSeconds'] as const) {
    const value = config[key];
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new TypeError(`identity config: ${key} must be a positive integer number of seconds`);
    }
  }
  return config;
}
