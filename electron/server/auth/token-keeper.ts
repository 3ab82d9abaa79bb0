/**
 * Holds one signed-in person's tokens. The access token lives only in this object's memory; the
 * refresh token only in the OS keychain (SecretStore). Refresh runs ahead of expiry and is
 * single-flight: concurrent callers share one token request. With rotation, the new refresh token
 * is stored before the new access token is used, so a crash in between cannot strand us with a
 * refresh token the server has already retired.
 */
import * as oidc from 'openid-client';
import type { SecretStore } from '../secrets/secret-store';
import type { RequestAuthorizer } from '../remote/remote-client';

export class SignInRequiredError extends Error {
  override readonly name = 'SignInRequiredError';
}

/** Refresh this long before the access token expires. */
const REFRESH_AHEAD_MS = 60_000;

export interface TokenKeeperOptions {
  config: oidc.Configuration;
  secrets: SecretStore;
  /** Keychain account for this person's refresh token. */
  refreshAccount: string;
  now?: () => number;
}

export class TokenKeeper implements RequestAuthorizer {
  private accessToken: string | null = null;
  private expiresAt = 0;
  private inflight: Promise<void> | null = null;

  constructor(private readonly opts: TokenKeeperOptions) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Takes a fresh token response (sign-in or refresh): keychain first, then memory. */
  async accept(tokens: oidc.TokenEndpointResponse): Promise<void> {
    if (tokens.refresh_token) await this.opts.secrets.set(this.opts.refreshAccount, tokens.refresh_token);
    this.accessToken = tokens.access_token;
    this.expiresAt = this.now() + (tokens.expires_in ?? 300) * 1000;
  }

  async headersFor(): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await this.currentAccessToken()}` };
  }

  async refreshAfterUnauthorized(): Promise<boolean> {
    try {
      await this.refresh();
      return true;
    } catch (error) {
      if (error instanceof SignInRequiredError) return false;
      throw error;
    }
  }

  async currentAccessToken(): Promise<string> {
    if (!this.accessToken || this.now() >= this.expiresAt - REFRESH_AHEAD_MS) await this.refresh();
    if (!this.accessToken) throw new SignInRequiredError('Sign in again to continue.');
    return this.accessToken;
  }

  /** Single flight: every caller during a refresh awaits the same token request. */
  refresh(): Promise<void> {
    this.inflight ??= this.doRefresh().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async doRefresh(): Promise<void> {
    const refreshToken = await this.opts.secrets.get(this.opts.refreshAccount);
    if (!refreshToken) throw new SignInRequiredError('Your session has ended. Sign in again.');
    try {
      const tokens = await oidc.refreshTokenGrant(this.opts.config, refreshToken);
      await this.accept(tokens);
    } catch (error) {
      // invalid_grant (revoked, expired, reused) means the session is over; anything else
      // (network, 5xx) is not an auth failure: keep the refresh token and work offline.
      if (error instanceof oidc.ResponseBodyError && error.error === 'invalid_grant') {
        this.accessToken = null;
        await this.opts.secrets.delete(this.opts.refreshAccount);
        throw new SignInRequiredError('Your session has ended. Sign in again; your pending work is kept.');
      }
      throw error;
    }
  }

  /** Revokes at the identity provider where it offers revocation, then forgets everything. */
  async revokeAndForget(): Promise<void> {
    const refreshToken = await this.opts.secrets.get(this.opts.refreshAccount);
    const metadata = this.opts.config.serverMetadata();
    if (metadata.revocation_endpoint) {
      for (const token of [refreshToken, this.accessToken]) {
        if (token) await oidc.tokenRevocation(this.opts.config, token).catch(() => undefined);
      }
    }
    await this.opts.secrets.delete(this.opts.refreshAccount);
    this.accessToken = null;
    this.expiresAt = 0;
  }
}
