/**
 * One person's session with one workspace: sign-in through the system browser (authorization
 * code + PKCE S256, state and nonce, RFC 8252 loopback redirect), then the workspace's region
 * pinned, its encrypted local database opened and its sync started. Tokens never leave this
 * process: the renderer sees only `SessionView`.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import * as oidc from 'openid-client';
import {
  REGION_API_ORIGINS,
  region as regionSchema,
  role as roleSchema,
  selfProfile,
  workspace as workspaceSchema,
} from '../../../shared/amigo';
import { canDecideReviews, canSeeAudit, type Region, type Role } from '../../../shared/amigo';
import type { SessionStatus, SessionView } from '../../../shared/contract';
import { DEFAULT_CLIENT_ID, SIGN_IN_SCOPE, type ServerOptions } from '../config';
import { ApiFailure } from '../http/api-failure';
import { openWorkspaceStore, type WorkspaceStore } from '../db/workspace-store';
import type { SecretStore } from '../secrets/secret-store';
import { RemoteClient } from '../remote/remote-client';
import { RemoteError } from '../remote/remote-error';
import { SyncEngine } from '../sync/sync-engine';
import { readAccessTokenClaims } from './jwt-claims';
import { startLoopbackListener, type LoopbackListener } from './loopback-listener';
import { discoverIdentityProvider } from './oidc-discovery';
import { SignInRequiredError, TokenKeeper } from './token-keeper';

/** The global Amigo host: identity endpoints and /self/profile when no backend is configured. */
const GLOBAL_API_ORIGIN = REGION_API_ORIGINS['us-east-1'];

/** What a local API route needs the role to allow: reading, deciding reviews, or audit. */
export type Capability = 'read' | 'decide' | 'audit';

export interface ActiveWorkspace {
  user: { sub: string; name: string | null; email: string | null };
  workspace: { id: string; name: string; region: Region; role: Role };
  tokens: TokenKeeper;
  remote: RemoteClient;
  store: WorkspaceStore;
  sync: SyncEngine;
}

export interface SessionManagerOptions {
  options: ServerOptions;
  secrets: SecretStore;
  /** The app's own URL, where the browser returns after sign-in in browser mode. */
  appUrl(): string;
}

export class SessionManager {
  private status: SessionStatus = 'signed-out';
  private lastError: string | null = null;
  private config: oidc.Configuration | null = null;
  private pending: LoopbackListener | null = null;
  private active: ActiveWorkspace | null = null;

  constructor(private readonly deps: SessionManagerOptions) {}

  private get issuer(): string {
    const issuer = this.deps.options.issuer ?? this.deps.options.backendUrl;
    if (!issuer)
      throw new ApiFailure(
        503,
        'not_configured',
        'No identity provider is configured. Start Attest with --issuer (or --backend).',
      );
    return issuer;
  }

  view(): SessionView {
    const { options } = this.deps;
    return {
      status: this.status,
      backend: {
        apiUrl:
          options.backendUrl ?? (this.active ? REGION_API_ORIGINS[this.active.workspace.region] : GLOBAL_API_ORIGIN),
        issuer: options.issuer ?? options.backendUrl ?? '',
        demo: options.demo ?? false,
      },
      keychain: this.deps.secrets.kind,
      user: this.active?.user ?? null,
      workspace: this.active && this.status === 'signed-in' ? this.active.workspace : null,
      lastError: this.lastError,
    };
  }

  /** The open workspace, or a refusal the router turns into 401/423. */
  requireWorkspace(): ActiveWorkspace {
    if (this.status === 'locked') throw new ApiFailure(423, 'locked', 'Attest is locked. Sign in again to continue.');
    if (!this.active || this.status !== 'signed-in') throw new ApiFailure(401, 'signed_out', 'Sign in to continue.');
    return this.active;
  }

  /**
   * The open workspace, if the person's role allows `capability`; otherwise 403. The local API
   * refuses what the role does not allow even when the UI is bypassed.
   */
  requireCapability(capability: Capability): ActiveWorkspace {
    const active = this.requireWorkspace();
    const role = active.workspace.role;
    const allowed = capability === 'read' || (capability === 'decide' ? canDecideReviews(role) : canSeeAudit(role));
    if (!allowed) {
      const what = capability === 'decide' ? 'decide review items' : 'see audit and compliance data';
      throw new ApiFailure(403, 'forbidden_role', `Your role (${role}) does not allow you to ${what}.`);
    }
    return active;
  }

  private async oidcConfig(): Promise<oidc.Configuration> {
    this.config ??= await discoverIdentityProvider(this.issuer, this.deps.options.clientId ?? DEFAULT_CLIENT_ID);
    return this.config;
  }

  /** Starts a browser sign-in and answers the authorization URL the page (or main) opens. */
  async startBrowserSignIn(): Promise<string> {
    let config: oidc.Configuration;
    try {
      config = await this.oidcConfig();
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      throw new ApiFailure(502, 'identity_provider_unreachable', this.lastError);
    }
    this.pending?.close();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const listener = await startLoopbackListener({
      onCallback: (url) => this.finishBrowserSignIn(config, url, { verifier, state, nonce }),
    });
    this.pending = listener;
    listener.done.catch((error: unknown) => {
      if (this.status === 'signing-in') this.status = this.active ? 'locked' : 'signed-out';
      this.lastError = error instanceof Error ? error.message : String(error);
    });
    this.status = 'signing-in';
    this.lastError = null;
    return oidc
      .buildAuthorizationUrl(config, {
        redirect_uri: listener.redirectUri,
        scope: SIGN_IN_SCOPE,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        // Refresh tokens are issued only after explicit consent (offline_access).
        prompt: 'consent',
      })
      .toString();
  }

  private async finishBrowserSignIn(
    config: oidc.Configuration,
    callbackUrl: URL,
    checks: { verifier: string; state: string; nonce: string },
  ): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.verifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      await this.establish(config, tokens);
      return this.returnToApp();
    } catch (error) {
      this.status = 'signed-out';
      this.lastError = describeSignInError(error);
      return this.returnToApp();
    } finally {
      this.pending = null;
    }
  }

  /** Browser mode: back to the app. Desktop: a page that says to return to the app window. */
  private returnToApp(): { status: number; headers: Record<string, string>; body: string } {
    const app = this.deps.appUrl();
    return {
      status: 302,
      headers: { location: app, 'content-type': 'text/plain; charset=utf-8' },
      body: 'Return to Attest.',
    };
  }

  private async establish(
    config: oidc.Configuration,
    tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
  ): Promise<void> {
    const idClaims = tokens.claims();
    if (!idClaims) throw new Error('The identity provider did not return an ID token.');
    const sub = idClaims.sub;
    const keeper = new TokenKeeper({
      config,
      secrets: this.deps.secrets,
      refreshAccount: refreshTokenAccount(config.serverMetadata().issuer, sub),
    });
    await keeper.accept(tokens);

    const accessClaims = readAccessTokenClaims(tokens.access_token);
    const identityOrigin = new URL(this.deps.options.backendUrl ?? GLOBAL_API_ORIGIN).origin;
    const tokenWorkspace = accessClaims?.workspace_id;

    // The profile lists the person's workspaces (with their regions) on the identity host.
    const identity = new RemoteClient({
      pin: {
        origin: identityOrigin,
        region: 'identity',
        workspaceId: tokenWorkspace ?? '00000000-0000-0000-0000-000000000000',
      },
      authorizer: keeper,
    });
    const profile = (await identity.get('/self/profile', selfProfile)).data;
    const membership = profile.workspaces.find((w) => w.workspace_id === tokenWorkspace) ?? profile.workspaces[0];
    if (!membership) throw new Error('Your account has no workspace in Attest yet. Ask your administrator for access.');
    const workspaceId = membership.workspace_id;

    let regionName = membership.region;
    let workspaceName = membership.name ?? null;
    if (!regionName || !workspaceName) {
      const detail = (await identity.get(`/v1/workspaces/${workspaceId}`, workspaceSchema)).data;
      regionName = detail.region;
      workspaceName = detail.name;
    }
    const region = regionSchema.safeParse(regionName);
    if (!region.success) throw new Error(`The workspace is in a region Attest does not know ("${regionName}").`);
    const role = roleSchema.safeParse(accessClaims?.role ?? membership.role);
    if (!role.success) throw new Error('The identity provider did not say which role you have in this workspace.');

    const apiOrigin = this.deps.options.backendUrl
      ? new URL(this.deps.options.backendUrl).origin
      : REGION_API_ORIGINS[region.data];
    const remote = new RemoteClient({
      pin: { origin: apiOrigin, region: region.data, workspaceId },
      authorizer: keeper,
    });
    const store = await openWorkspaceStore({
      file: path.join(this.deps.options.dataDir, 'workspaces', region.data, `${workspaceId}.db`),
      secrets: this.deps.secrets,
      region: region.data,
      workspaceId,
    });
    const sync = new SyncEngine({
      remote,
      review: store.review,
      pollIntervalSeconds: this.deps.options.pollIntervalSeconds ?? 60,
      onSignInRequired: (message) => this.lock(message),
    });

    await this.closeActive();
    this.active = {
      user: {
        sub,
        name: stringClaim(idClaims.name) ?? profile.name ?? null,
        email: stringClaim(idClaims.email) ?? profile.email ?? null,
      },
      workspace: { id: workspaceId, name: workspaceName, region: region.data, role: role.data },
      tokens: keeper,
      remote,
      store,
      sync,
    };
    this.status = 'signed-in';
    this.lastError = null;
    sync.start();
  }

  /** The session ended at the identity provider: hide PHI, keep local data and pending work. */
  lock(message: string): void {
    if (!this.active) return;
    this.status = 'locked';
    this.lastError = message;
  }

  async signOut(): Promise<void> {
    this.pending?.close();
    this.pending = null;
    if (this.active) await this.active.tokens.revokeAndForget().catch(() => undefined);
    await this.closeActive();
    this.status = 'signed-out';
    this.lastError = null;
  }

  private async closeActive(): Promise<void> {
    const active = this.active;
    this.active = null;
    if (!active) return;
    active.sync.stop();
    await active.sync.settled();
    active.store.close();
  }

  async close(): Promise<void> {
    this.pending?.close();
    await this.closeActive();
  }
}

/**
 * Keychain account for a person's refresh token at one identity provider. Issuers are URLs and
 * subjects can hold any character (`auth0|123`), so the pair is hashed into a safe name.
 */
export const refreshTokenAccount = (issuer: string, sub: string): string =>
  `refresh-token:${createHash('sha256').update(`${issuer}\n${sub}`).digest('hex').slice(0, 32)}`;

const stringClaim = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function describeSignInError(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError) {
    return `The identity provider refused the sign-in (${error.error}${error.error_description ? `: ${error.error_description}` : ''}).`;
  }
  if (error instanceof oidc.ResponseBodyError) {
    return `The identity provider refused the sign-in (${error.error}). Try again.`;
  }
  if (error instanceof RemoteError || error instanceof SignInRequiredError) return error.message;
  if (error instanceof Error && /state/i.test(error.message)) {
    return 'Sign-in was refused: the answer from the identity provider did not match this sign-in attempt. Try again.';
  }
  return `Sign-in failed: ${error instanceof Error ? error.message : String(error)}`;
}
