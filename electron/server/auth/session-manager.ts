/**
 * One person's session: sign-in (system browser with PKCE, or a device code), the workspace
 * picker, the region pin and the workspace's own encrypted database, the idle lock, and
 * sign-out. Tokens never leave this process: the renderer sees only `SessionView`.
 *
 * States: signed-out → signing-in → choosing-workspace (several workspaces) → signed-in ⇄ locked.
 * Locked has three reasons: idle (HIPAA automatic logoff), manual, and session-ended (the identity
 * provider refused the refresh token). While locked every PHI route answers 423; signing in again
 * as the same person unlocks, and the local copy and its outbox are kept throughout.
 *
 * Traffic rules: token requests go to the identity provider; /self/profile (the person's
 * memberships) to the sign-in target's identity host; everything of a workspace only to the API
 * host of its region, through a RemoteClient pinned to that host (region-pin.ts).
 */
import path from 'node:path';
import * as oidc from 'openid-client';
import {
  canDecideReviews,
  canSeeAudit,
  region as regionSchema,
  role as roleSchema,
  selfProfile,
  workspace as workspaceSchema,
  type Region,
  type Role,
} from '../../../shared/amigo';
import type {
  LockReason,
  PendingSignInView,
  SessionStatus,
  SessionView,
  WorkspaceChoiceView,
} from '../../../shared/contract';
import type { SignInRequest } from '../../../shared/contract/session.routes';
import { DEFAULT_CLIENT_ID, DEFAULT_IDLE_LOCK_SECONDS, type ServerOptions } from '../config';
import { openWorkspaceStore, type WorkspaceStore } from '../db/workspace-store';
import { ApiFailure } from '../http/api-failure';
import type { Secret } from '../http/secret';
import { RemoteClient, type RequestAuthorizer } from '../remote/remote-client';
import { RemoteError } from '../remote/remote-error';
import type { SecretStore } from '../secrets/secret-store';
import { outboxCounts } from '../sync/outbox/outbox.repo';
import { OutboxPusher } from '../sync/outbox/push';
import { pushStep } from '../sync/outbox/push-step';
import { RateGate } from '../sync/rate-gate';
import { SyncEngine } from '../sync/sync-engine';
import { describeSignInError, startBrowserSignIn } from './browser-sign-in';
import { CredentialVault, type CredentialKey } from './credential-vault';
import { startDeviceSignIn } from './device-sign-in';
import { createDPoPKey, type DPoPKeyPair } from './dpop-keys';
import { IdleLock } from './idle-lock';
import { readAccessTokenClaims } from './jwt-claims';
import type { CallbackAnswer } from './loopback-listener';
import { discoverIdentityProvider, IdentityProviderError, type IdentityProvider } from './oidc-discovery';
import {
  apiOriginFor,
  CONFIGURED_TARGET_ID,
  CUSTOM_TARGET_ID,
  customTarget,
  listTargets,
  type SignInTarget,
} from './sign-in-targets';
import { SignInRequiredError, TokenKeeper } from './token-keeper';

/** What a local API route needs the role to allow: reading, deciding reviews, or audit. */
export type Capability = 'read' | 'decide' | 'audit';

export interface ActiveWorkspace {
  user: { sub: string; name: string | null; email: string | null };
  workspace: { id: string; name: string; region: Region; role: Role };
  remote: RemoteClient;
  store: WorkspaceStore;
  sync: SyncEngine;
  /** Push: decisions, claims and access events waiting for the backend (sync/outbox). */
  outbox: OutboxPusher;
}

export interface SessionManagerOptions {
  options: ServerOptions;
  secrets: SecretStore;
  /** Browser mode: the app's own URL, where the browser returns after sign-in. */
  appUrl?: () => string;
  /** The per-launch secret, rotated on sign-out. */
  secret?: Secret;
  now?: () => number;
}

interface Identity {
  target: SignInTarget;
  sub: string;
  name: string | null;
  email: string | null;
  memberships: WorkspaceChoiceView[];
}

type TokenSet = oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;

/** A key pair made for this sign-in, stored once we know whose and which workspace's it is. */
interface NewKey {
  pair: DPoPKeyPair;
  stored: string | null;
}

const BOOTSTRAP_WORKSPACE = 'bootstrap';

export class SessionManager {
  private status: SessionStatus = 'signed-out';
  private lockReason: LockReason | null = null;
  private lastError: string | null = null;
  private pending: PendingSignInView | null = null;
  private cancelPending: (() => void) | null = null;
  private targetId: string | null;
  private custom: SignInTarget | null = null;
  private readonly providers = new Map<string, Promise<IdentityProvider>>();
  private identity: Identity | null = null;
  private keeper: TokenKeeper | null = null;
  private active: ActiveWorkspace | null = null;
  /** The workspace a session-ended lock closed; reopened when the same person signs in again. */
  private lockedWorkspace: ActiveWorkspace['workspace'] | null = null;
  private readonly vault: CredentialVault;
  private readonly idle: IdleLock;

  constructor(private readonly deps: SessionManagerOptions) {
    this.vault = new CredentialVault(deps.secrets, deps.options.dataDir);
    this.targetId = deps.options.backendUrl || deps.options.issuer ? CONFIGURED_TARGET_ID : null;
    this.idle = new IdleLock({
      seconds: deps.options.idleLockSeconds ?? DEFAULT_IDLE_LOCK_SECONDS,
      onIdle: () => this.lock('idle'),
      ...(deps.now ? { now: deps.now } : {}),
    });
  }

  /**
   * The credentials of the current keeper (it changes at unlock), for clients pinned to one
   * workspace: a request goes out only while the tokens are that workspace's. During a switch the
   * grant moves before the old workspace's last requests have ended; this is what keeps a token
   * of one workspace (and region) from riding along to the other's host.
   */
  private authorizerFor(workspaceId: string): RequestAuthorizer {
    const keeper = (): TokenKeeper => {
      const current = this.keeper;
      if (!current) throw new SignInRequiredError('Sign in again to continue.');
      if (current.account.workspaceId !== workspaceId) {
        throw new RemoteError(
          'region-violation',
          `Refused to send a request for workspace ${workspaceId} with the tokens of another workspace.`,
        );
      }
      return current;
    };
    return {
      headersFor: (method, url) => keeper().headersFor(method, url),
      send: (request) => keeper().send(request),
      refreshAfterUnauthorized: () =>
        this.keeper?.account.workspaceId === workspaceId
          ? this.keeper.refreshAfterUnauthorized()
          : Promise.resolve(false),
    };
  }

  // ------------------------------------------------------------------ what the renderer sees

  private targets(): SignInTarget[] {
    const list = listTargets(this.deps.options);
    return this.custom ? [...list, this.custom] : list;
  }

  private currentTarget(): SignInTarget | null {
    return this.identity?.target ?? this.targets().find((t) => t.id === this.targetId) ?? null;
  }

  view(): SessionView {
    const target = this.currentTarget();
    const signedIn = this.status === 'signed-in' && this.active !== null;
    return {
      status: this.status,
      backend: {
        apiUrl: this.active?.remote.pin.origin ?? target?.apiUrl ?? '',
        issuer: target?.issuer ?? '',
        demo: target?.demo ?? false,
      },
      keychain: this.deps.secrets.kind,
      user:
        this.identity && this.status !== 'signed-out'
          ? { sub: this.identity.sub, name: this.identity.name, email: this.identity.email }
          : null,
      workspace: signedIn && this.active ? this.active.workspace : null,
      lastError: this.lastError,
      lockReason: this.status === 'locked' ? this.lockReason : null,
      pending: this.pending,
      targets: this.targets().map(({ server: _server, ...view }) => view),
      targetId: target?.id ?? null,
      workspaces:
        this.identity && (this.status === 'choosing-workspace' || this.status === 'signed-in')
          ? this.identity.memberships
          : [],
      idleLockSeconds: this.idle.seconds,
      tokenBinding: this.keeper?.binding ?? null,
    };
  }

  /** The open workspace, or a refusal the router turns into 401/423. */
  requireWorkspace(): ActiveWorkspace {
    if (this.status === 'locked') throw new ApiFailure(423, 'locked', 'Attest is locked. Sign in again to continue.');
    if (this.status === 'choosing-workspace') {
      throw new ApiFailure(401, 'no_workspace', 'Choose one of your workspaces to continue.');
    }
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
      throw new ApiFailure(
        403,
        'forbidden_role',
        `Your role (${role}) does not allow you to ${what}. Ask a workspace admin if you need it.`,
      );
    }
    return active;
  }

  // ------------------------------------------------------------------ identity providers

  private resolveTarget(request: SignInRequest): SignInTarget {
    if (request.server !== undefined) {
      try {
        this.custom = customTarget(request.server);
      } catch (error) {
        throw new ApiFailure(422, 'invalid_server', error instanceof Error ? error.message : String(error));
      }
      return this.custom;
    }
    const id = request.targetId ?? this.targetId;
    const target = this.targets().find((t) => t.id === id);
    if (!target) {
      throw new ApiFailure(
        422,
        'choose_target',
        "Choose where to sign in: your region, or your organization's server.",
      );
    }
    return target;
  }

  private provider(target: SignInTarget): Promise<IdentityProvider> {
    let found = this.providers.get(target.issuer);
    if (!found) {
      found = discoverIdentityProvider(target.issuer, this.deps.options.clientId ?? DEFAULT_CLIENT_ID);
      // A failed discovery (offline, typo) is not remembered: the next attempt asks again.
      found.catch(() => this.providers.delete(target.issuer));
      this.providers.set(target.issuer, found);
    }
    return found;
  }

  private async providerOrFail(target: SignInTarget): Promise<IdentityProvider> {
    try {
      return await this.provider(target);
    } catch (error) {
      const message =
        error instanceof IdentityProviderError ? error.message : `Could not reach the sign-in server: ${String(error)}`;
      this.lastError = message;
      throw new ApiFailure(502, 'identity_provider_unreachable', message);
    }
  }

  // ------------------------------------------------------------------ sign-in

  private startGuard(): void {
    if (this.status === 'signed-in' || this.status === 'choosing-workspace') {
      throw new ApiFailure(
        409,
        'already_signed_in',
        'You are already signed in. Sign out first to sign in as someone else.',
      );
    }
  }

  /** The key for a new sign-in: the locked session's own key when unlocking, else a fresh one. */
  private async keyFor(provider: IdentityProvider): Promise<NewKey | null> {
    if (!provider.dpop) return null;
    if (this.status === 'locked' && this.identity) {
      const workspaceId = this.active?.workspace.id ?? this.lockedWorkspace?.id;
      if (workspaceId) {
        const existing = await this.vault
          .dpopKey({ issuer: this.identity.target.issuer, sub: this.identity.sub, workspaceId })
          .catch(() => null);
        if (existing) return { pair: existing, stored: null };
      }
    }
    return createDPoPKey();
  }

  private beginPending(pending: PendingSignInView, cancel: () => void): void {
    this.cancelPending?.();
    this.cancelPending = cancel;
    this.pending = pending;
    this.lastError = null;
    // Unlocking keeps the lock screen (and PHI hidden) until the new sign-in completed.
    if (this.status !== 'locked') this.status = 'signing-in';
  }

  private clearPending(): void {
    this.cancelPending = null;
    this.pending = null;
  }

  private signInFailed(message: string): void {
    this.clearPending();
    this.lastError = message;
    if (this.status === 'signing-in') this.status = 'signed-out';
  }

  /** Starts the browser sign-in (or the unlock) and answers the authorization URL to open. */
  async startBrowserSignIn(request: SignInRequest = {}): Promise<string> {
    this.startGuard();
    const unlocking = this.status === 'locked' && this.identity !== null;
    const target = unlocking && this.identity ? this.identity.target : this.resolveTarget(request);
    const provider = await this.providerOrFail(target);
    if (!provider.browser) {
      const message = `${target.label} offers no sign-in through the browser. Use "Sign in with a code" instead.`;
      this.lastError = message;
      throw new ApiFailure(409, 'browser_sign_in_unavailable', message);
    }
    const key = await this.keyFor(provider);
    const dpop = key ? oidc.getDPoPHandle(provider.config, key.pair) : undefined;
    const lockedWorkspace = unlocking ? (this.active?.workspace.id ?? this.lockedWorkspace?.id) : undefined;
    const started = await startBrowserSignIn({
      provider,
      dpop,
      workspaceId: lockedWorkspace,
      silentFirst: unlocking,
      onTokens: (tokens) => this.afterTokens(target, provider, tokens, key),
      onFailure: (message) => this.signInFailed(message),
      answer: () => this.returnToApp(),
    });
    this.targetId = target.id;
    this.beginPending({ kind: 'browser' }, started.cancel);
    return started.url;
  }

  /** Starts a device-code sign-in (RFC 8628); the view's `pending` carries the code to show. */
  async startDeviceSignIn(request: SignInRequest = {}): Promise<void> {
    this.startGuard();
    const unlocking = this.status === 'locked' && this.identity !== null;
    const target = unlocking && this.identity ? this.identity.target : this.resolveTarget(request);
    const provider = await this.providerOrFail(target);
    if (!provider.device) {
      const message = `${target.label} offers no sign-in with a code. Use "Sign in with SSO" instead.`;
      this.lastError = message;
      throw new ApiFailure(409, 'device_sign_in_unavailable', message);
    }
    const key = await this.keyFor(provider);
    const dpop = key ? oidc.getDPoPHandle(provider.config, key.pair) : undefined;
    let started;
    try {
      started = await startDeviceSignIn({
        provider,
        dpop,
        workspaceId: unlocking ? (this.active?.workspace.id ?? this.lockedWorkspace?.id) : undefined,
        onTokens: (tokens) => this.afterTokens(target, provider, tokens, key),
        onFailure: (message) => this.signInFailed(message),
      });
    } catch (error) {
      const message = describeSignInError(error);
      this.lastError = message;
      throw new ApiFailure(502, 'device_sign_in_failed', message);
    }
    this.targetId = target.id;
    this.beginPending(
      {
        kind: 'device',
        userCode: started.userCode,
        verificationUri: started.verificationUri,
        verificationUriComplete: started.verificationUriComplete,
        expiresAt: started.expiresAt,
      },
      started.cancel,
    );
    // The poll's end (tokens or failure) is reported through onTokens/onFailure.
    void started.done.finally(() => {
      if (this.pending?.kind === 'device' && this.pending.userCode === started.userCode) this.clearPending();
    });
  }

  cancelSignIn(): void {
    this.cancelPending?.();
    this.clearPending();
    if (this.status === 'signing-in') this.status = 'signed-out';
  }

  /** Browser mode: back to the app. Desktop: a page that says to return to the app window. */
  private returnToApp(): CallbackAnswer {
    const headers = { 'referrer-policy': 'no-referrer', 'content-security-policy': "default-src 'none'" };
    if (this.deps.appUrl) {
      return {
        status: 302,
        headers: { ...headers, location: this.deps.appUrl(), 'content-type': 'text/plain; charset=utf-8' },
        body: 'Return to Attest.',
      };
    }
    return {
      status: 200,
      headers: { ...headers, 'content-type': 'text/html; charset=utf-8' },
      body: '<!doctype html><meta charset="utf-8"><title>Attest</title><p>You can close this tab and return to Attest.</p>',
    };
  }

  /** Tokens arrived (browser callback or device poll): unlock, or set up a new session. */
  private async afterTokens(
    target: SignInTarget,
    provider: IdentityProvider,
    tokens: TokenSet,
    key: NewKey | null,
  ): Promise<void> {
    const idClaims = tokens.claims();
    if (!idClaims) throw new Error('The identity provider did not return an ID token. Try again.');
    const sub = idClaims.sub;
    const accessClaims = readAccessTokenClaims(tokens.access_token);
    const tokenWorkspace = accessClaims?.workspace_id ?? BOOTSTRAP_WORKSPACE;
    const name = stringClaim(idClaims.name);
    const email = stringClaim(idClaims.email);

    if (this.status === 'locked' && this.identity) {
      if (this.identity.sub === sub && this.identity.target.issuer === target.issuer) {
        await this.unlock(provider, tokens, key, tokenWorkspace);
        return;
      }
      // Someone else signed in at the lock screen: the previous person's session ends here
      // (revoked, forgotten); their local copy stays on disk for when they come back.
      await this.endSession({ revoke: true });
    }

    const account: CredentialKey = { issuer: target.issuer, sub, workspaceId: tokenWorkspace };
    const keeper = this.newKeeper(target, provider, account, key);
    try {
      // The key first: a bound refresh token is never in the keychain without its key.
      if (key?.stored) await this.vault.setDPoPKey(account, key.stored);
      await keeper.accept(tokens);
      this.keeper = keeper;
      this.identity = { target, sub, name, email, memberships: [] };
      this.identity.memberships = await this.fetchMemberships(target, tokenWorkspace);
      if (this.identity.memberships.length === 0) {
        throw new Error('Your account has no workspace in Attest yet. Ask your administrator for access.');
      }
      this.clearPending();
      const openable = this.identity.memberships.filter((m) => m.available);
      if (this.identity.memberships.length === 1 && openable[0]) {
        await this.openWorkspace(openable[0]);
      } else {
        this.status = 'choosing-workspace';
        this.lastError = null;
      }
    } catch (error) {
      // No half session: what was stored for this sign-in is revoked and removed again.
      await keeper.revokeAndForget().catch(() => undefined);
      this.keeper = null;
      this.identity = null;
      throw error;
    }
  }

  private async unlock(
    provider: IdentityProvider,
    tokens: TokenSet,
    key: NewKey | null,
    tokenWorkspace: string,
  ): Promise<void> {
    const identity = this.identity;
    const workspace = this.active?.workspace ?? this.lockedWorkspace;
    if (!identity || !workspace) throw new Error('There is no locked session to unlock. Sign in again.');
    const account: CredentialKey = { issuer: identity.target.issuer, sub: identity.sub, workspaceId: tokenWorkspace };
    const target: CredentialKey = { ...account, workspaceId: workspace.id };
    // The previous refresh token of this workspace, revoked once the new one is safely stored.
    const previous = tokens.refresh_token ? await this.vault.refreshToken(target).catch(() => null) : null;
    const keeper = this.newKeeper(identity.target, provider, account, key);
    if (key?.stored) await this.vault.setDPoPKey(account, key.stored);
    await keeper.accept(tokens);
    if (tokenWorkspace !== workspace.id) await keeper.switchWorkspace(target);
    if (previous && previous !== tokens.refresh_token) {
      await oidc.tokenRevocation(provider.config, previous).catch(() => undefined);
    }
    this.keeper = keeper;
    this.clearPending();
    this.lastError = null;
    if (this.active) {
      this.status = 'signed-in';
      this.lockReason = null;
      this.idle.start();
      void this.active.sync.syncNow();
      return;
    }
    await this.openWorkspace({ ...workspace, available: true });
  }

  private newKeeper(
    target: SignInTarget,
    provider: IdentityProvider | null,
    account: CredentialKey,
    key: NewKey | DPoPKeyPair | null,
  ): TokenKeeper {
    const pair = key === null ? null : 'pair' in key ? key.pair : key;
    return new TokenKeeper({
      config: async () => (provider ?? (await this.provider(target))).config,
      vault: this.vault,
      account,
      dpop: pair,
      onSessionEnded: (message) => this.sessionEnded(message),
      ...(this.deps.now ? { now: this.deps.now } : {}),
    });
  }

  /** The identity service's client: pinned to the sign-in target's host, /self/profile only. */
  private identityClient(target: SignInTarget, workspaceId: string): RemoteClient {
    return new RemoteClient({
      pin: { origin: target.apiUrl, region: 'identity', workspaceId },
      authorizer: this.authorizerFor(workspaceId),
    });
  }

  private async fetchMemberships(target: SignInTarget, tokenWorkspace: string): Promise<WorkspaceChoiceView[]> {
    const profile = (await this.identityClient(target, tokenWorkspace).get('/self/profile', selfProfile)).data;
    return profile.workspaces.map((m) => {
      const region = regionSchema.safeParse(m.region);
      return {
        id: m.workspace_id,
        name: m.name ?? m.workspace_id,
        region: m.region ?? null,
        role: m.role ?? null,
        // Without a region the host is asked when the workspace is opened.
        available: m.region === undefined || region.success,
      };
    });
  }

  // ------------------------------------------------------------------ workspaces

  /** Opens (or switches to) one of the person's workspaces: the picker's choice. */
  async chooseWorkspace(workspaceId: string): Promise<void> {
    if (this.status !== 'choosing-workspace' && this.status !== 'signed-in') {
      if (this.status === 'locked') throw new ApiFailure(423, 'locked', 'Attest is locked. Sign in again to continue.');
      throw new ApiFailure(401, 'signed_out', 'Sign in to continue.');
    }
    const choice = this.identity?.memberships.find((m) => m.id.toLowerCase() === workspaceId.toLowerCase());
    if (!choice)
      throw new ApiFailure(404, 'not_a_member', 'That is not one of your workspaces. Choose one from the list.');
    if (!choice.available) {
      throw new ApiFailure(
        409,
        'workspace_unavailable',
        `Attest cannot open ${choice.name}: its region (${choice.region ?? 'unknown'}) is not one it knows.`,
      );
    }
    if (this.active?.workspace.id === choice.id) return;
    this.pending = { kind: 'opening-workspace', workspaceId: choice.id };
    try {
      await this.openWorkspace(choice);
    } catch (error) {
      this.pending = null;
      const message = error instanceof ApiFailure ? error.message : describeOpenError(error, choice.name);
      this.lastError = message;
      // The previous workspace was closed before the switch: the person picks again.
      if (this.identity && !this.active && this.status === 'signed-in') this.status = 'choosing-workspace';
      if (error instanceof ApiFailure) throw error;
      throw new ApiFailure(502, 'workspace_open_failed', message);
    }
  }

  private async openWorkspace(choice: WorkspaceChoiceView): Promise<void> {
    const identity = this.identity;
    const keeper = this.keeper;
    if (!identity || !keeper) throw new ApiFailure(401, 'signed_out', 'Sign in to continue.');
    // The open workspace closes first: its sync stops before the grant moves, so none of its
    // requests can go out with the next workspace's tokens.
    if (this.active) {
      await this.closeActive();
      this.status = 'choosing-workspace';
    }
    // The grant is moved to the chosen workspace (refresh grant with workspace_id).
    if (keeper.account.workspaceId !== choice.id) {
      try {
        await keeper.switchWorkspace({ ...keeper.account, workspaceId: choice.id });
      } catch (error) {
        if (error instanceof SignInRequiredError) throw new ApiFailure(401, 'session_ended', error.message);
        throw error;
      }
    }
    let regionName = choice.region;
    let name = choice.name;
    if (!regionName) {
      const detail = (
        await this.identityClient(identity.target, choice.id).get(`/v1/workspaces/${choice.id}`, workspaceSchema)
      ).data;
      regionName = detail.region;
      name = detail.name;
    }
    const region = regionSchema.safeParse(regionName);
    if (!region.success) throw new Error(`The workspace is in a region Attest does not know ("${regionName}").`);
    const role = roleSchema.safeParse(keeper.claims()?.role ?? choice.role);
    if (!role.success) throw new Error('The identity provider did not say which role you have in this workspace.');

    const origin = apiOriginFor(identity.target, region.data, this.deps.options);
    const remote = new RemoteClient({
      pin: { origin, region: region.data, workspaceId: choice.id },
      // One rate gate per workspace: after a 429 every stream and the outbox wait it out together.
      authorizer: new RateGate().wrap(this.authorizerFor(choice.id)),
    });
    const store = await openWorkspaceStore({
      file: path.join(this.deps.options.dataDir, 'workspaces', region.data, `${choice.id}.db`),
      secrets: this.deps.secrets,
      region: region.data,
      workspaceId: choice.id,
    });
    const outbox = new OutboxPusher({
      remote,
      db: store.db,
      sub: identity.sub,
      onSignInRequired: (message) => this.sessionEnded(message),
    });
    const sync = new SyncEngine({
      remote,
      db: store.db,
      // Read at each pass: a role change (event stream, refresh) applies without a restart.
      role: () => (this.active?.workspace.id === choice.id ? this.active.workspace.role : role.data),
      events: { authorizer: this.authorizerFor(choice.id) },
      onMemberRoleUpdated: () => this.rereadRole(),
      pollIntervalSeconds: this.deps.options.pollIntervalSeconds ?? 60,
      onSignInRequired: (message) => this.sessionEnded(message),
      outboxStatus: () => outboxCounts(store.db.read, identity.sub),
    });
    // Push first in every pass: decisions and access events go out before anything comes in.
    sync.addBeforePull(pushStep(outbox));

    const workspace = { id: choice.id, name, region: region.data, role: role.data };
    this.active = {
      user: { sub: identity.sub, name: identity.name, email: identity.email },
      workspace,
      remote,
      store,
      sync,
      outbox,
    };
    this.lockedWorkspace = null;
    this.status = 'signed-in';
    this.lockReason = null;
    this.lastError = null;
    this.pending = null;
    this.idle.start();
    sync.start();
    await this.vault
      .setLastSession({
        v: 1,
        issuer: identity.target.issuer,
        targetId: identity.target.id,
        server: identity.target.server,
        sub: identity.sub,
        userName: identity.name,
        email: identity.email,
        workspace,
        dpop: keeper.binding === 'dpop',
      })
      .catch(() => undefined);
  }

  /**
   * The person's role in the open workspace changed at the backend: a refreshed access token says
   * the new one, and the local API allows or refuses from then on.
   */
  private async rereadRole(): Promise<void> {
    const keeper = this.keeper;
    if (!keeper || !this.active) return;
    await keeper.refresh();
    const role = roleSchema.safeParse(keeper.claims()?.role);
    if (role.success && this.active) this.active.workspace = { ...this.active.workspace, role: role.data };
  }

  private async closeActive(): Promise<void> {
    const active = this.active;
    this.active = null;
    if (!active) return;
    active.sync.stop();
    active.outbox.stop();
    await active.sync.settled();
    await active.outbox.settled();
    active.store.close();
  }

  // ------------------------------------------------------------------ restart

  /**
   * Carries on the last session after a restart: its refresh token and device key are in the
   * keychain. Online, the refresh proves the grant still holds; offline (a network failure is
   * not an auth failure) the local copy opens and sync waits for the network. A refused refresh
   * token means "sign in again" on the sign-in screen; the local copy stays on disk.
   */
  async resume(): Promise<void> {
    // A memory store holds nothing from an earlier run; within one process it may (tests).
    if (this.status !== 'signed-out') return;
    const last = await this.vault.lastSession().catch(() => null);
    if (!last) return;
    const target =
      last.targetId === CUSTOM_TARGET_ID && last.server
        ? customTarget(last.server)
        : this.targets().find((t) => t.id === last.targetId);
    if (!target || target.issuer !== last.issuer) return;
    if (target.kind === 'custom') this.custom = target;
    const account: CredentialKey = { issuer: target.issuer, sub: last.sub, workspaceId: last.workspace.id };
    const refreshToken = await this.vault.refreshToken(account).catch(() => null);
    const key = last.dpop ? await this.vault.dpopKey(account).catch(() => null) : null;
    if (!refreshToken || (last.dpop && !key)) return;

    this.targetId = target.id;
    this.status = 'signing-in';
    this.pending = { kind: 'resuming' };
    const choice: WorkspaceChoiceView = { ...last.workspace, available: true };
    this.identity = { target, sub: last.sub, name: last.userName, email: last.email, memberships: [choice] };
    this.keeper = this.newKeeper(target, null, account, key);
    try {
      await this.keeper.refresh();
    } catch (error) {
      if (error instanceof SignInRequiredError) {
        // sessionEnded() already said "sign in again" (signed out: nothing was on screen yet).
        // The local copy stays on disk and opens again when this person signs in.
        this.pending = null;
        await this.vault.forgetLastSession().catch(() => undefined);
        return;
      }
      // Offline: open the local copy as it is; sync reports the network, refresh waits.
    }
    try {
      await this.openWorkspace(choice);
    } catch (error) {
      this.pending = null;
      this.status = 'signed-out';
      this.identity = null;
      this.keeper = null;
      this.lastError = describeOpenError(error, last.workspace.name);
      return;
    }
    // The memberships for switching, when the identity service is reachable.
    this.fetchMemberships(target, last.workspace.id)
      .then((memberships) => {
        if (this.identity?.sub === last.sub && memberships.length > 0) this.identity.memberships = memberships;
      })
      .catch(() => undefined);
  }

  // ------------------------------------------------------------------ lock and sign-out

  /** Idle or manual lock: PHI routes answer 423 until the same person signs in again. */
  lock(reason: 'idle' | 'manual'): void {
    if (this.status !== 'signed-in') return;
    this.status = 'locked';
    this.lockReason = reason;
    this.lastError = null;
    this.idle.stop();
  }

  /** The person did something in the app: postpones the idle lock. */
  recordActivity(): string {
    this.requireWorkspace();
    this.idle.touch();
    return new Date(this.idle.deadline).toISOString();
  }

  /**
   * The identity provider refused the refresh token (revoked, expired, reused) or the API kept
   * refusing the session: "sign in again". The local copy and the outbox stay on disk; the
   * database closes and reopens when the same person signs in again.
   */
  sessionEnded(message: string): void {
    if (this.status === 'signed-out') return;
    this.keeper = null;
    this.idle.stop();
    this.lastError = message;
    if (this.status === 'choosing-workspace' || (this.status === 'signing-in' && !this.active)) {
      this.status = 'signed-out';
      this.identity = null;
      return;
    }
    this.lockedWorkspace = this.active?.workspace ?? this.lockedWorkspace;
    this.status = 'locked';
    this.lockReason = 'session-ended';
    void this.closeActive();
  }

  /** Ends the session: revoke where asked, forget the tokens, close the local database. */
  private async endSession(options: { revoke: boolean }): Promise<void> {
    this.cancelPending?.();
    this.clearPending();
    this.idle.stop();
    const identity = this.identity;
    if (this.keeper && options.revoke) await this.keeper.revokeAndForget().catch(() => undefined);
    const workspaceId = this.active?.workspace.id ?? this.lockedWorkspace?.id;
    if (identity && workspaceId) {
      // After a session-ended lock there is no keeper: its device key is still to be removed.
      await this.vault
        .forget({ issuer: identity.target.issuer, sub: identity.sub, workspaceId })
        .catch(() => undefined);
    }
    await this.vault.forgetLastSession().catch(() => undefined);
    this.keeper = null;
    await this.closeActive();
    this.identity = null;
    this.lockedWorkspace = null;
    this.lockReason = null;
  }

  /**
   * Sign-out: revokes the tokens where the provider offers revocation, removes them and the device
   * key from the keychain, closes the local database and rotates the per-launch secret (in
   * browser mode the sign-out answer carries the new cookie; on the desktop only when main can
   * hand the new secret to the window, see ServerOptions.onSecretRotated).
   */
  async signOut(): Promise<void> {
    await this.endSession({ revoke: true });
    this.status = 'signed-out';
    this.lastError = null;
    const { secret, appUrl } = this.deps;
    const notify = this.deps.options.onSecretRotated;
    if (secret && (appUrl || notify)) {
      const next = secret.rotate();
      notify?.(next);
    }
  }

  async close(): Promise<void> {
    this.cancelPending?.();
    this.idle.stop();
    await this.closeActive();
  }
}

const stringClaim = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function describeOpenError(error: unknown, name: string): string {
  if (error instanceof RemoteError) return error.message;
  if (error instanceof ApiFailure) return error.message;
  const reason = error instanceof Error ? error.message : String(error);
  return `Attest could not open ${name}: ${reason}`;
}
