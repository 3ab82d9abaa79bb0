/**
 * Test support for the identity provider suites: a real node:http server on 127.0.0.1:0 hosting the
 * provider (plus a tiny `/v1/*` resource that answers through verifyRequest, shaped like the
 * simulator's API), a fetch-based browser with a cookie jar that fills the sign-in and consent
 * pages, and openid-client v6 helpers for the flows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as client from 'openid-client';
import { DEMO_PASSWORD } from '../directory';
import {
  API_AUDIENCE,
  ATTEST_CLIENT_ID,
  createIdentityProvider,
  IdentityError,
  type IdentityConfig,
  type IdentityProviderHandle,
} from './index';

export interface TestIdentityServer {
  issuer: string;
  dataDir: string;
  idp: IdentityProviderHandle;
  /** Closes the provider and starts a new one on the same port and data directory. */
  restart(config?: Partial<IdentityConfig>): Promise<void>;
  close(): Promise<void>;
}

async function answerApi(
  idp: IdentityProviderHandle,
  issuer: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const dpop = req.headers.dpop;
    const claims = await idp.verifyRequest({
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(typeof dpop === 'string' ? { dpop } : {}),
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', issuer).href,
    });
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(claims));
  } catch (error) {
    if (!(error instanceof IdentityError)) throw error;
    res
      .writeHead(error.status, { ...error.headers, 'Content-Type': 'application/json' })
      .end(JSON.stringify({ detail: error.message }));
  }
}

export async function startIdentityServer(config?: Partial<IdentityConfig>): Promise<TestIdentityServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'attest-idp-'));
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const issuer = `http://127.0.0.1:${address.port}`;
  const fast: Partial<IdentityConfig> = { devicePollIntervalSeconds: 1, ...config };
  let idp = await createIdentityProvider({ issuer, dataDir, audience: API_AUDIENCE, config: fast });
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/v1/')) {
      answerApi(idp, issuer, req, res).catch(() => res.writeHead(500).end());
    } else {
      idp.handle(req, res);
    }
  });
  const handle: TestIdentityServer = {
    issuer,
    dataDir,
    get idp() {
      return idp;
    },
    async restart(next) {
      await idp.close();
      idp = await createIdentityProvider({ issuer, dataDir, audience: API_AUDIENCE, config: { ...fast, ...next } });
    },
    async close() {
      await idp.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

export async function discover(
  issuer: string,
  options?: { onResponse?: (url: string, response: Response) => void },
): Promise<client.Configuration> {
  const config = await client.discovery(new URL(issuer), ATTEST_CLIENT_ID, undefined, client.None(), {
    // Loopback http issuer in tests only (security-bar O-50).
    execute: [client.allowInsecureRequests],
  });
  const onResponse = options?.onResponse;
  if (onResponse) {
    config[client.customFetch] = async (url, init) => {
      // oauth4webapi types the body as Uint8Array<ArrayBufferLike>, the DOM lib wants an
      // ArrayBuffer-backed one; at runtime it is the very object fetch expects.
      const response = await fetch(url, init as RequestInit);
      onResponse(url, response.clone());
      return response;
    };
  }
  return config;
}

// ---------------------------------------------------------------- a minimal browser

export interface HtmlForm {
  action: string;
  method: string;
  fields: Record<string, string>;
}

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return m?.[1]?.replace(/&#(\d+);/g, (_x, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
};

/** Forms with their hidden/text inputs and selected options; enough for the provider's pages. */
export function parseForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const [, open = '', body = ''] = match;
    const fields: Record<string, string> = {};
    for (const input of body.matchAll(/<input\b[^>]*>/gi)) {
      const name = attr(input[0], 'name');
      if (name) fields[name] = attr(input[0], 'value') ?? '';
    }
    for (const select of body.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/gi)) {
      const name = attr(select[0], 'name');
      const selected =
        /<option\b[^>]*\sselected[^>]*>/i.exec(select[2] ?? '') ?? /<option\b[^>]*>/i.exec(select[2] ?? '');
      if (name && selected) fields[name] = attr(selected[0], 'value') ?? '';
    }
    forms.push({ action: attr(open, 'action') ?? '', method: (attr(open, 'method') ?? 'get').toLowerCase(), fields });
  }
  return forms;
}

export interface Page {
  url: string;
  status: number;
  headers: Headers;
  html: string;
}

export type Navigation = { kind: 'page'; page: Page } | { kind: 'callback'; url: URL };

/**
 * Follows redirects by hand with a cookie jar, stopping at the first page, or at a redirect to the
 * client's loopback callback (a different port, where the desktop app's listener would be).
 */
export class TestBrowser {
  readonly #issuer: URL;
  readonly #cookies = new Map<string, { value: string; path: string }>();

  constructor(issuer: string) {
    this.#issuer = new URL(issuer);
  }

  #cookieHeader(url: URL): string {
    return [...this.#cookies.entries()]
      .filter(([, c]) => url.pathname.startsWith(c.path))
      .map(([key, c]) => `${key.split('|')[0] ?? ''}=${c.value}`)
      .join('; ');
  }

  #store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const pathAttr = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const expired =
        attrs.some((a) => /^expires=/i.test(a) && Date.parse(a.slice(8)) <= Date.now()) ||
        attrs.some((a) => /^max-age=0$/i.test(a));
      const key = `${name}|${pathAttr}`;
      if (expired || value === '') this.#cookies.delete(key);
      else this.#cookies.set(key, { value, path: pathAttr });
    }
  }

  async #request(url: URL, init: { method: string; body?: URLSearchParams }): Promise<Response> {
    const headers = new Headers({ cookie: this.#cookieHeader(url) });
    if (init.body) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      headers.set('origin', this.#issuer.origin);
    }
    const response = await fetch(url, {
      method: init.method,
      headers,
      redirect: 'manual',
      ...(init.body ? { body: init.body } : {}),
    });
    this.#store(response);
    return response;
  }

  async #follow(first: Response, firstUrl: URL): Promise<Navigation> {
    let response = first;
    let url = firstUrl;
    for (let hops = 0; hops < 20; hops += 1) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        return {
          kind: 'page',
          page: { url: url.href, status: response.status, headers: response.headers, html: await response.text() },
        };
      }
      await response.body?.cancel();
      url = new URL(location, url);
      if (url.origin !== this.#issuer.origin) return { kind: 'callback', url };
      response = await this.#request(url, { method: 'GET' });
    }
    throw new Error('too many redirects');
  }

  async open(url: URL | string): Promise<Navigation> {
    const target = new URL(url, this.#issuer);
    return this.#follow(await this.#request(target, { method: 'GET' }), target);
  }

  async submit(page: Page, form: HtmlForm, overrides: Record<string, string> = {}): Promise<Navigation> {
    const target = new URL(form.action || page.url, page.url);
    const body = new URLSearchParams({ ...form.fields, ...overrides });
    if (form.method === 'get') {
      target.search = body.toString();
      return this.open(target);
    }
    return this.#follow(await this.#request(target, { method: 'POST', body }), target);
  }
}

export function expectPage(nav: Navigation): Page {
  if (nav.kind !== 'page') throw new Error(`expected a page, got a redirect to ${nav.url.href}`);
  return nav.page;
}

export function expectCallback(nav: Navigation): URL {
  if (nav.kind !== 'callback')
    throw new Error(
      `expected the client callback, got page ${nav.page.url} (${nav.page.status}): ${nav.page.html.slice(0, 400)}`,
    );
  return nav.url;
}

/** The first POST form on the page that carries the given field. */
export function formWith(page: Page, field: string): HtmlForm {
  const form = parseForms(page.html).find((f) => f.method === 'post' && field in f.fields);
  if (!form) throw new Error(`no form with ${field} on ${page.url}: ${page.html.slice(0, 600)}`);
  return form;
}

/** Fill the sign-in page and (when it follows) the consent page. */
export async function signIn(
  browser: TestBrowser,
  start: Navigation,
  login: string,
  options: { password?: string; consent?: Record<string, string> } = {},
): Promise<Navigation> {
  const loginPage = expectPage(start);
  let nav = await browser.submit(loginPage, formWith(loginPage, 'password'), {
    login,
    password: options.password ?? DEMO_PASSWORD,
  });
  if (nav.kind === 'page' && nav.page.html.includes('name="prompt" value="consent"')) {
    nav = await browser.submit(nav.page, formWith(nav.page, 'prompt'), options.consent ?? {});
  }
  return nav;
}

// ---------------------------------------------------------------- openid-client flows

export interface CodeFlowResult {
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
  dpop?: client.DPoPHandle;
}

/** Authorization code + PKCE (+ state, nonce, optional DPoP) through the sign-in pages. */
export async function codeFlow(
  config: client.Configuration,
  issuer: string,
  login: string,
  options: { workspaceId?: string; dpop?: client.DPoPHandle; consent?: Record<string, string> } = {},
): Promise<CodeFlowResult> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: 'http://127.0.0.1:53117/callback',
    scope: 'openid offline_access',
    prompt: 'consent',
    resource: API_AUDIENCE,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(options.workspaceId ? { workspace_id: options.workspaceId } : {}),
  });
  const browser = new TestBrowser(issuer);
  const callback = expectCallback(
    await signIn(browser, await browser.open(url), login, options.consent ? { consent: options.consent } : {}),
  );
  const tokens = await client.authorizationCodeGrant(
    config,
    callback,
    { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true },
    undefined,
    options.dpop ? { DPoP: options.dpop } : undefined,
  );
  return { tokens, ...(options.dpop ? { dpop: options.dpop } : {}) };
}

/** The payload of a JWT, unverified: for asserting on claims the provider just minted. */
export function jwtClaims(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1];
  if (!part) throw new Error('not a JWT');
  const parsed: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null) throw new Error('not a JWT payload');
  return parsed as Record<string, unknown>;
}
