/**
 * The regional backend simulator's OAuth 2.0 / OpenID Connect authorization server: oidc-provider 9
 * configured after ../../../../shared/reference/oidc-recipe.md and security-bar.md §2.7, standing in
 * for the Amigo identity service (amigo-platform-api.md §2.2) on the backend's own origin:
 * `/token`, `/device/code`, `/device`, `/auth`, `/jwks`, `/.well-known/openid-configuration` …
 *
 * Not a production IdP: demo accounts from ../directory.ts, one public client, loopback only.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLocalJWKSet } from 'jose';
import Provider, { errors } from 'oidc-provider';
import type { Account, Configuration, KoaContextWithOIDC, ResourceServer } from 'oidc-provider';
import { personBySub, workspaceById } from '../directory';
import { createVerifier, type AccessClaims, type VerifyRequestInput } from './access-token-verifier';
import { DPoPNonces } from './dpop-nonces';
import { FileStore } from './file-store';
import { API_SCOPE, ATTEST_CLIENT_ID, FIXED_TTL, resolveIdentityConfig, type IdentityConfig } from './identity-config';
import { createInteractionHandler } from './interactions';
import {
  deviceConfirmPage,
  deviceInputPage,
  deviceSuccessPage,
  errorPage,
  logoutPage,
  logoutSuccessPage,
  PAGE_CSP,
} from './pages';
import { loadOrCreateJwks, publicJwks } from './signing-keys';
import { chooseWorkspace, roleIn, WorkspaceBindings } from './workspace-selection';

export interface IdentityProviderHandle {
  /** The issuer identifier, e.g. http://127.0.0.1:PORT (no trailing slash). */
  issuer: string;
  /** Node handler for ALL identity routes (OIDC endpoints, interactions, device pages). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Checks an API request's Authorization (+ DPoP) headers; throws IdentityError. */
  verifyRequest(r: VerifyRequestInput): Promise<AccessClaims>;
  /** A real JWT access token minted by this provider, for simulator unit tests only. */
  issueAccessTokenForTests(sub: string, workspaceId: string): Promise<string>;
  close(): Promise<void>;
}

export interface CreateIdentityProviderOptions {
  issuer: string;
  /** Holds jwks.json (signing key) and oidc-store.json (grants, refresh tokens), both mode 0600. */
  dataDir: string;
  /** The resource indicator / `aud` of API access tokens, normally API_AUDIENCE. */
  audience: string;
  config?: Partial<IdentityConfig>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

function checkIssuer(issuer: string): URL {
  const url = URL.parse(issuer);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new TypeError(`issuer ${issuer} is not an http(s) URL`);
  if (!LOOPBACK_HOSTS.has(url.hostname))
    throw new TypeError(`issuer ${issuer} is not a loopback origin; the simulator IdP is loopback only`);
  if (url.pathname !== '/' || url.search || url.hash || issuer.endsWith('/')) {
    throw new TypeError(`issuer ${issuer} must be a bare origin: the IdP is mounted at the root like Amigo's`);
  }
  return url;
}

/**
 * The `workspace_id` a token request asks to switch to. Amigo's refresh grant takes it as a form
 * field; oidc-provider strips unregistered params from `ctx.oidc.params` but keeps the parsed body.
 */
function requestedSwitch(ctx: KoaContextWithOIDC | undefined): string | undefined {
  const oidc = ctx?.oidc;
  if (oidc?.route !== 'token' || oidc.params?.grant_type !== 'refresh_token') return undefined;
  const value = oidc.body?.workspace_id;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const deviceInputError = (error: Error | undefined): string | undefined => {
  if (!error) return undefined;
  switch (error.name) {
    case 'NoCodeError':
    case 'NotFoundError':
      return 'That code is not valid. Check it and try again.';
    case 'ExpiredError':
      return 'That code has expired. Start again on your device.';
    case 'AlreadyUsedError':
      return 'That code was already used.';
    case 'AbortedError':
      return 'The sign-in request was cancelled.';
    default:
      return 'There was an error processing your request.';
  }
};

function setPageHeaders(ctx: KoaContextWithOIDC): void {
  ctx.type = 'html';
  ctx.set('Content-Security-Policy', PAGE_CSP);
  ctx.set('Referrer-Policy', 'same-origin');
}

export async function createIdentityProvider(opts: CreateIdentityProviderOptions): Promise<IdentityProviderHandle> {
  const issuerUrl = checkIssuer(opts.issuer);
  const config = resolveIdentityConfig(opts.config);
  const jwks = await loadOrCreateJwks(opts.dataDir);
  const store = new FileStore(opts.dataDir);
  const bindings = new WorkspaceBindings(store, config.grantTTL);
  const nonceSecret = randomBytes(32);
  const nonces = new DPoPNonces(nonceSecret);
  const audiences = new Set([opts.audience, ...config.additionalAudiences]);

  const resourceServer = (audience: string): ResourceServer => ({
    audience,
    accessTokenFormat: 'jwt',
    scope: API_SCOPE,
    accessTokenTTL: config.accessTokenTTL,
  });

  const findAccount = (ctx: KoaContextWithOIDC | undefined, sub: string): Account | undefined => {
    const person = personBySub(sub);
    if (!person) return undefined;
    // A refresh with workspace_id is checked here because oidc-provider calls findAccount before it
    // rotates (consumes) the refresh token: a refused switch leaves the client's token usable.
    const requested = requestedSwitch(ctx);
    if (requested !== undefined) {
      const choice = chooseWorkspace(person, requested);
      if (!choice.ok) throw new errors.InvalidRequest(choice.description);
    }
    return {
      accountId: person.sub,
      claims: () => ({ sub: person.sub, name: person.name, email: person.email, email_verified: true }),
    };
  };

  const configuration: Configuration = {
    adapter: store.adapterFactory(),
    jwks,
    clients: [
      {
        client_id: ATTEST_CLIENT_ID,
        client_name: 'Attest',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        // Native client: the loopback port is ignored when matching (RFC 8252 §7.3).
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        response_types: ['code'],
      },
    ],
    // Code flow only (RFC 9700 §2.1.2), public clients only.
    responseTypes: ['code'],
    clientAuthMethods: ['none'],
    // Token calls come from the workspace server (Node), never from a browser origin.
    clientBasedCORS: () => false,
    // Random per instance: browser sessions end with the process; nothing to leak or rotate.
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    pkce: { required: () => true },
    extraParams: {
      // Amigo's device flow (and our authorization requests) may pin the workspace up front.
      workspace_id(_ctx, value) {
        if (value !== undefined && value !== '' && !/^[0-9a-f-]{36}$/i.test(value)) {
          throw new errors.InvalidRequest('workspace_id must be a workspace UUID');
        }
        // Unknown ids are refused here; membership is checked once the person has signed in.
        if (value && !workspaceById(value)) throw new errors.InvalidRequest(`unknown workspace_id ${value}`);
      },
    },
    features: {
      // Replaced by interactions.ts, which checks DEMO_PASSWORD.
      devInteractions: { enabled: false },
      deviceFlow: {
        enabled: true,
        userCodeInputSource(ctx, form, _out, err) {
          setPageHeaders(ctx);
          ctx.body = deviceInputPage(form, deviceInputError(err));
        },
        userCodeConfirmSource(ctx, form, client, _deviceInfo, userCode) {
          setPageHeaders(ctx);
          ctx.body = deviceConfirmPage(form, client.clientName ?? client.clientId, userCode);
        },
        successSource(ctx) {
          setPageHeaders(ctx);
          ctx.body = deviceSuccessPage(ctx.oidc.client?.clientName ?? 'The application');
        },
      },
      dPoP: {
        enabled: true,
        nonceSecret,
        requireNonce: () => config.requireDPoPNonce,
        allowReplay: false,
      },
      revocation: {
        enabled: true,
        // A public client may revoke its own tokens only (nobody can prove to be anyone else).
        allowedPolicy: (_ctx, revoker, token) => token.clientId === revoker.clientId,
      },
      introspection: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => opts.audience,
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx, resourceIndicator) {
          if (!audiences.has(resourceIndicator))
            throw new errors.InvalidTarget(`unknown resource ${resourceIndicator}`);
          return resourceServer(resourceIndicator);
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource(ctx, form) {
          setPageHeaders(ctx);
          ctx.body = logoutPage(form, ctx.host);
        },
        postLogoutSuccessSource(ctx) {
          setPageHeaders(ctx);
          ctx.body = logoutSuccessPage();
        },
      },
    },
    // Amigo serves device authorization at /device/code (amigo-platform-api.md §2.2).
    routes: { device_authorization: '/device/code' },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Only the grant our consent step just created; never one remembered in the browser session.
    // So every authorization shows the consent page, where the workspace is chosen and bound.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    findAccount,
    extraTokenClaims(ctx, token) {
      if (token.kind !== 'AccessToken') return undefined;
      const { accountId, grantId } = token;
      const workspaceId =
        requestedSwitch(ctx) ??
        (grantId ? bindings.get(grantId) : undefined) ??
        personBySub(accountId)?.memberships[0]?.workspaceId;
      const role = workspaceId ? roleIn(accountId, workspaceId) : undefined;
      // No membership: a bootstrap token without workspace_id, which the API refuses (§2.2).
      return workspaceId && role ? { workspace_id: workspaceId, role } : undefined;
    },
    rotateRefreshToken: config.rotateRefreshToken,
    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? config.accessTokenTTL,
      IdToken: config.accessTokenTTL,
      RefreshToken: config.refreshTokenTTL,
      Grant: config.grantTTL,
      AuthorizationCode: FIXED_TTL.authorizationCode,
      DeviceCode: FIXED_TTL.deviceCode,
      Interaction: FIXED_TTL.interaction,
      Session: FIXED_TTL.session,
    },
    renderError(ctx, out) {
      setPageHeaders(ctx);
      ctx.body = errorPage({ error: out.error, error_description: out.error_description });
    },
  };

  const provider = new Provider(opts.issuer, configuration);
  // Direct loopback connections only: never trust X-Forwarded-* headers.
  provider.proxy = false;

  // Amigo's device authorization response carries `interval`; oidc-provider's does not, and
  // clients then default to 5 s. Adding it lets tests poll fast.
  provider.use(async (ctx, next) => {
    await next();
    if (
      ctx.method === 'POST' &&
      ctx.path === '/device/code' &&
      ctx.status === 200 &&
      typeof ctx.body === 'object' &&
      ctx.body !== null
    ) {
      ctx.body = { ...ctx.body, interval: config.devicePollIntervalSeconds };
    }
  });

  // A successful refresh that switched workspace moves the whole grant there.
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const workspaceId = requestedSwitch(ctx);
    const grantId = ctx.oidc.entities.RefreshToken?.grantId;
    if (workspaceId && grantId) bindings.bind(grantId, workspaceId);
  });
  provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => {
    console.error('identity: server_error', error);
  });

  const interactions = createInteractionHandler({ provider, bindings, issuerOrigin: issuerUrl.origin });
  const callback = provider.callback();
  const verifyRequest = createVerifier({
    issuer: opts.issuer,
    audience: opts.audience,
    keys: createLocalJWKSet(publicJwks(jwks)),
    origin: issuerUrl.origin,
    nonces,
    requireDPoPNonce: config.requireDPoPNonce,
  });
  let closed = false;

  return {
    issuer: opts.issuer,

    handle(req, res) {
      if (closed) {
        res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"error":"temporarily_unavailable"}');
        return;
      }
      // DNS-rebinding guard: only requests addressed to the issuer's own host:port.
      if (req.headers.host !== issuerUrl.host) {
        res
          .writeHead(421, { 'Content-Type': 'application/json' })
          .end('{"error":"invalid_request","error_description":"wrong Host"}');
        return;
      }
      const pathname = URL.parse(req.url ?? '/', issuerUrl.origin)?.pathname ?? '/';
      interactions(req, res, pathname)
        .then((handled) => (handled ? undefined : callback(req, res)))
        .catch((error: unknown) => {
          console.error('identity: request failed', error);
          if (!res.headersSent)
            res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"server_error"}');
        });
    },

    verifyRequest,

    async issueAccessTokenForTests(sub, workspaceId) {
      const role = roleIn(sub, workspaceId);
      if (!role) throw new Error(`${sub} is not a demo person with a membership in ${workspaceId}`);
      const client = await provider.Client.find(ATTEST_CLIENT_ID);
      if (!client) throw new Error('client missing');
      const grant = new provider.Grant({ accountId: sub, clientId: ATTEST_CLIENT_ID });
      grant.addOIDCScope('openid');
      grant.addResourceScope(opts.audience, API_SCOPE);
      const grantId = await grant.save();
      bindings.bind(grantId, workspaceId);
      const token = new provider.AccessToken({
        accountId: sub,
        client,
        grantId,
        gty: 'authorization_code',
        scope: API_SCOPE,
        resourceServer: new provider.ResourceServer(opts.audience, resourceServer(opts.audience)),
      });
      return token.save();
    },

    async close() {
      closed = true;
      store.close();
    },
  };
}
