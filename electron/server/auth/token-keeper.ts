/**
 * Holds one signed-in person's tokens for one workspace. The access token lives only in this
 * object's memory; the refresh token and the DPoP private key only in the OS keychain
 * (CredentialVault). Refresh runs ahead of expiry and is single-flight: concurrent callers share
 * one token request (O-31). With rotation, the new refresh token is stored before the new access
 * token is used, so a crash in between cannot strand us with a refresh token the server has
 * already retired (O-30).
 *
 * Every request to the API goes out through `send`: openid-client's fetchProtectedResource, which
 * adds a fresh DPoP proof (with `ath` and the server's nonce) when the tokens are bound, and
 * answers a `use_dpop_nonce` challenge by retrying once (O-41, O-42).
 *
 * `invalid_grant` on refresh means the session is over (revoked, expired, reused): the refresh
 * token is forgotten and `onSessionEnded` fires (O-32). Anything else (no network, 5xx) is not an
 * auth failure: it surfaces as a transient RemoteError and the app keeps working offline.
 */
import * as oidc from 'openid-client';
import type { AuthorizedRequest, RequestAuthorizer } from '../remote/remote-client';
import { RemoteError } from '../remote/remote-error';
import type { CredentialKey, CredentialVault } from './credential-vault';
import type { DPoPKeyPair } from './dpop-keys';
import { readAccessTokenClaims, type AccessTokenClaims } from './jwt-claims';

/**
 * The proof-signing part of openid-client's DPoP handle (oauth4webapi's DPoPHandle#addProof). It
 * is not in the published types; fetchProtectedResource uses it for every request, and the event
 * stream (a plain fetch) needs the same proofs with the same nonce cache. Checked at run time, so
 * an upgrade that changes it fails loudly here instead of sending unbound tokens.
 */
interface ProofSigner {
  addProof(url: URL, headers: Headers, htm: string, accessToken?: string): Promise<void>;
}

function proofSigner(handle: oidc.DPoPHandle): ProofSigner {
  const candidate: unknown = handle;
  if (
    typeof candidate === 'object' &&
    candidate !== null &&
    'addProof' in candidate &&
    typeof candidate.addProof === 'function'
  ) {
    return candidate as ProofSigner;
  }
  throw new Error('This openid-client version has no DPoP proof signer; Attest cannot bind requests.');
}

export class SignInRequiredError extends Error {
  override readonly name = 'SignInRequiredError';
}

/** Refresh this long before the access token expires (at most half its lifetime). */
const REFRESH_AHEAD_MS = 60_000;

export const SESSION_ENDED_MESSAGE =
  'Your session has ended at the identity provider. Sign in again; your pending decisions and the local copy are kept.';

export interface TokenKeeperOptions {
  /** The provider's configuration; a function so an offline start needs no discovery yet. */
  config: () => Promise<oidc.Configuration>;
  vault: CredentialVault;
  /** Whose tokens, for which workspace: names the keychain entries. */
  account: CredentialKey;
  /** Set when the tokens are DPoP-bound: every token and API request carries a proof. */
  dpop: DPoPKeyPair | null;
  /** The identity provider ended the session (invalid_grant): sign in again. */
  onSessionEnded(message: string): void;
  now?: () => number;
}

export class TokenKeeper implements RequestAuthorizer {
  private accessToken: string | null = null;
  private expiresAt = 0;
  private refreshAheadMs = REFRESH_AHEAD_MS;
  private inflight: Promise<void> | null = null;
  private handle: oidc.DPoPHandle | null = null;
  private ended = false;
  private accountKey: CredentialKey;

  constructor(private readonly opts: TokenKeeperOptions) {
    this.accountKey = opts.account;
  }

  get account(): CredentialKey {
    return this.accountKey;
  }

  get binding(): 'dpop' | 'bearer' {
    return this.opts.dpop ? 'dpop' : 'bearer';
  }

  /** The DPoP handle for token requests of this session (same key as its API requests). */
  async dpopHandle(): Promise<oidc.DPoPHandle | undefined> {
    if (!this.opts.dpop) return undefined;
    this.handle ??= oidc.getDPoPHandle(await this.opts.config(), this.opts.dpop);
    return this.handle;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /**
   * Takes a fresh token response (sign-in, unlock or refresh): keychain first, then memory.
   * Tokens of the wrong type are refused (O-43: DPoP asked, Bearer given is a policy violation).
   */
  async accept(tokens: oidc.TokenEndpointResponse): Promise<void> {
    const type = tokens.token_type.toLowerCase();
    if (this.opts.dpop && type !== 'dpop') {
      throw new SignInRequiredError(
        'The identity provider issued tokens not bound to this device although it offers binding. Attest refuses them; contact your administrator.',
      );
    }
    if (tokens.refresh_token) await this.opts.vault.setRefreshToken(this.accountKey, tokens.refresh_token);
    const lifetimeMs = (tokens.expires_in ?? 300) * 1000;
    this.refreshAheadMs = Math.min(REFRESH_AHEAD_MS, lifetimeMs / 2);
    this.accessToken = tokens.access_token;
    this.expiresAt = this.now() + lifetimeMs;
    this.ended = false;
  }

  /** What the current access token says (workspace, role), when it is a JWT. */
  claims(): AccessTokenClaims | null {
    return this.accessToken ? readAccessTokenClaims(this.accessToken) : null;
  }

  /**
   * Credentials for a request sent with a plain fetch (the event stream): the access token, and
   * when bound a DPoP proof for exactly this method and URL, with `ath` and the nonce the server
   * gave last (the handle learns it from every response sent through `send`).
   */
  async headersFor(method: string, url: URL): Promise<Record<string, string>> {
    const token = await this.currentAccessToken();
    const dpop = await this.dpopHandle();
    if (!dpop) return { authorization: `Bearer ${token}` };
    const headers = new Headers();
    await proofSigner(dpop).addProof(url, headers, method.toUpperCase(), token);
    const proof = headers.get('dpop');
    if (!proof) throw new SignInRequiredError("Attest could not sign a proof with this device's key. Sign in again.");
    return { authorization: `DPoP ${token}`, dpop: proof };
  }

  async send(request: AuthorizedRequest): Promise<Response> {
    const token = await this.currentAccessToken();
    const config = await this.opts.config();
    const headers = new Headers(request.headers);
    const dpop = await this.dpopHandle();
    try {
      return await oidc.fetchProtectedResource(
        config,
        token,
        request.url,
        request.method,
        request.body,
        headers,
        dpop ? { DPoP: dpop } : undefined,
      );
    } catch (error) {
      // A 401 with a WWW-Authenticate challenge other than a nonce (which was retried) is an
      // answer, not a transport failure: hand it back for the client to classify.
      if (error instanceof oidc.WWWAuthenticateChallengeError) return error.response;
      throw error;
    }
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
    if (this.ended) throw new SignInRequiredError(SESSION_ENDED_MESSAGE);
    if (!this.accessToken || this.now() >= this.expiresAt - this.refreshAheadMs) await this.refresh();
    if (!this.accessToken) throw new SignInRequiredError(SESSION_ENDED_MESSAGE);
    return this.accessToken;
  }

  /** Single flight: every caller during a refresh awaits the same token request. */
  refresh(): Promise<void> {
    this.inflight ??= this.doRefresh().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /**
   * Moves the grant to another of the person's workspaces with the refresh grant's
   * `workspace_id` (Amigo semantics): new tokens for that workspace, and the keychain entries
   * renamed for it. Waits for a refresh in flight, so the two never present the same token.
   */
  async switchWorkspace(to: CredentialKey): Promise<void> {
    while (this.inflight) await this.inflight.catch(() => undefined);
    const flight = this.doRefresh({ workspace_id: to.workspaceId }, to);
    this.inflight = flight.finally(() => {
      this.inflight = null;
    });
    await this.inflight;
  }

  private async doRefresh(parameters?: Record<string, string>, moveTo?: CredentialKey): Promise<void> {
    const refreshToken = await this.opts.vault.refreshToken(this.accountKey);
    if (!refreshToken) {
      this.end();
      throw new SignInRequiredError(SESSION_ENDED_MESSAGE);
    }
    let tokens: oidc.TokenEndpointResponse;
    try {
      const config = await this.opts.config();
      const dpop = await this.dpopHandle();
      tokens = await oidc.refreshTokenGrant(config, refreshToken, parameters, dpop ? { DPoP: dpop } : undefined);
    } catch (error) {
      if (error instanceof oidc.ResponseBodyError && error.error === 'invalid_grant') {
        await this.opts.vault.forgetRefreshToken(this.accountKey).catch(() => undefined);
        this.end();
        throw new SignInRequiredError(SESSION_ENDED_MESSAGE);
      }
      if (error instanceof oidc.ResponseBodyError) {
        // Refused for another reason (e.g. not a member of the workspace asked for): the
        // session and its refresh token stay as they were.
        throw new RemoteError('rejected', `The identity provider refused: ${error.error_description ?? error.error}.`, {
          status: error.status,
        });
      }
      throw new RemoteError(
        'network',
        'Could not reach the identity provider to renew the session. Working from the local copy.',
      );
    }
    if (moveTo) {
      // Store under the new workspace before anything uses the new tokens (O-30).
      await this.opts.vault.move(this.accountKey, moveTo, tokens.refresh_token ?? null);
      this.accountKey = moveTo;
    }
    await this.accept(tokens);
  }

  private end(): void {
    this.accessToken = null;
    this.expiresAt = 0;
    if (this.ended) return;
    this.ended = true;
    this.opts.onSessionEnded(SESSION_ENDED_MESSAGE);
  }

  /** Forgets the access token (lock): the next request must refresh, which proves the grant still holds. */
  dropAccessToken(): void {
    this.accessToken = null;
    this.expiresAt = 0;
  }

  /**
   * Sign-out: revokes the refresh token (which ends its grant) and the access token where the
   * provider offers revocation (O-33), then deletes them and the device key from the keychain.
   */
  async revokeAndForget(): Promise<void> {
    const refreshToken = await this.opts.vault.refreshToken(this.accountKey).catch(() => null);
    try {
      const config = await this.opts.config();
      if (config.serverMetadata().revocation_endpoint) {
        for (const token of [refreshToken, this.accessToken]) {
          if (token) await oidc.tokenRevocation(config, token).catch(() => undefined);
        }
      }
    } catch {
      // Offline sign-out still forgets everything locally; the grant expires on its own.
    }
    await this.opts.vault.forget(this.accountKey);
    this.accessToken = null;
    this.expiresAt = 0;
    this.ended = true;
  }
}
