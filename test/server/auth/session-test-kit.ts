/**
 * Sign-in test kit: a real regional backend simulator (its oidc-provider and its API), a real
 * SessionManager over a temporary data directory, and a cookie-jar browser that fills the
 * identity provider's own sign-in and consent pages over HTTP (test-support.ts of the simulator).
 * The loopback callback is delivered to the app's listener exactly as a browser would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SessionManager } from '../../../electron/server/auth/session-manager';
import type { ServerOptions } from '../../../electron/server/config';
import { MemorySecretStore } from '../../../electron/server/secrets/memory-secret-store';
import type { SecretStore } from '../../../electron/server/secrets/secret-store';
import type { SessionView } from '../../../shared/contract';
import type { RegionalBackend, RegionalBackendOptions } from '../../regional-backend/server';
import { createRegionalBackend } from '../../regional-backend/server';
import {
  expectCallback,
  expectPage,
  formWith,
  parseForms,
  signIn,
  TestBrowser,
} from '../../regional-backend/identity/test-support';

export type TestBackend = RegionalBackend & { dataDir: string };

export async function startBackend(options: Partial<RegionalBackendOptions> = {}): Promise<TestBackend> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-auth-backend-'));
  const backend = await createRegionalBackend({
    region: 'us-east-1',
    generate: false,
    dataDir,
    ...options,
    identity: { devicePollIntervalSeconds: 1, ...options.identity },
  });
  const close = backend.close;
  return Object.assign(backend, {
    dataDir,
    close: async () => {
      await close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

export interface TestSession {
  session: SessionManager;
  secrets: SecretStore;
  dataDir: string;
  close(): Promise<void>;
}

export function createSession(
  backend: { url: string; issuer: string },
  options: Partial<ServerOptions> & { secrets?: SecretStore; dataDir?: string } = {},
): TestSession {
  const { secrets: given, dataDir: givenDir, ...rest } = options;
  const dataDir = givenDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'attest-auth-data-'));
  const secrets = given ?? new MemorySecretStore();
  const session = new SessionManager({
    options: {
      secret: 'test-secret-test-secret-test-secret',
      dataDir,
      backendUrl: backend.url,
      issuer: backend.issuer,
      demo: true,
      pollIntervalSeconds: 3600,
      ...rest,
    },
    secrets,
    appUrl: () => 'http://127.0.0.1:9/',
  });
  return {
    session,
    secrets,
    dataDir,
    close: async () => {
      await session.close();
      if (!givenDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Drives the provider's pages for an authorization URL and answers the callback URL it sends back. */
export async function approveInBrowser(
  issuer: string,
  authorizationUrl: string,
  login: string,
  browser = new TestBrowser(issuer),
): Promise<URL> {
  return expectCallback(await signIn(browser, await browser.open(authorizationUrl), login));
}

/** Hands a callback URL to the app's loopback listener, as the browser's redirect would. */
export async function deliver(callback: URL): Promise<Response> {
  const response = await fetch(callback, { redirect: 'manual' });
  await response.body?.cancel();
  return response;
}

/** A whole browser sign-in: start, sign in at the provider, deliver the callback. */
export async function browserSignIn(session: SessionManager, issuer: string, login: string): Promise<SessionView> {
  const url = await session.startBrowserSignIn();
  await deliver(await approveInBrowser(issuer, url, login));
  return session.view();
}

/** Approves a device code at the provider's /device pages, as a person would. */
export async function approveDeviceCode(
  issuer: string,
  verificationUriComplete: string,
  login: string,
): Promise<string> {
  const browser = new TestBrowser(issuer);
  const autoSubmit = expectPage(await browser.open(verificationUriComplete));
  const [codeForm] = parseForms(autoSubmit.html);
  if (!codeForm) throw new Error('the device page has no code form');
  const confirm = expectPage(await browser.submit(autoSubmit, codeForm));
  const signInPage = await browser.submit(confirm, formWith(confirm, 'confirm'));
  return expectPage(await signIn(browser, signInPage, login)).html;
}

export async function waitFor<T>(
  probe: () => T | undefined | null | false,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Token-endpoint requests the simulator saw (for counting refreshes and code exchanges). */
export const tokenRequests = (backend: RegionalBackend): number =>
  backend.requests.count({ method: 'POST', pathPrefix: '/token' }) -
  backend.requests.count({ method: 'POST', pathPrefix: '/token/' });

/** Every refresh token value the provider holds (its store file), for canary scans. */
export function providerRefreshTokens(backendDataDir: string): string[] {
  const file = path.join(backendDataDir, 'identity', 'oidc-store.json');
  const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  const collections = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const tokens = collections.RefreshToken;
  return typeof tokens === 'object' && tokens !== null ? Object.keys(tokens) : [];
}

/**
 * Signing in again at the lock screen: the app first asks silently (prompt=none); a browser
 * without a provider session is sent back with login_required, which the app's listener answers
 * by redirecting to an interactive sign-in, completed here on the provider's pages.
 */
export async function unlockInBrowser(session: SessionManager, issuer: string, login: string): Promise<SessionView> {
  const browser = new TestBrowser(issuer);
  const silent = expectCallback(await browser.open(await session.startBrowserSignIn()));
  const answer = await deliver(silent);
  const next = answer.headers.get('location');
  if (answer.status !== 302 || !next || !next.startsWith(issuer)) {
    throw new Error(`the silent attempt did not lead to an interactive sign-in (${answer.status} ${next ?? ''})`);
  }
  await deliver(await approveInBrowser(issuer, next, login, browser));
  return session.view();
}
