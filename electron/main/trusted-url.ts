/**
 * Every way out of the app, and every check of "is this our own page?", goes through these pure
 * functions (security-bar E-13, E-14, E-15, E-17; architecture.md §6.8). They use the WHATWG URL
 * parser and exact comparisons only: never `startsWith`, never a regular expression over a raw URL,
 * because prefix checks are what the published openExternal/navigation bypasses exploit
 * (`https://trusted.example@evil.example`, `https://trusted.example.evil.example`, ...).
 *
 * No Electron import here, so the whole file is unit-tested in plain Node.
 */

/** The renderer is served from this privileged, standard, secure custom scheme (E-18). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'attest';
/** How Chromium serializes the renderer's origin (e.g. in the `Origin` header the server checks). */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Longest URL we will hand to the OS. An authorization URL with PKCE, state, nonce and a resource
 * indicator is well under 2 KB; anything much longer is more likely an attack on a URL handler.
 */
export const MAX_EXTERNAL_URL_LENGTH = 4096;

/** C0 controls, space, DEL and backslash: the WHATWG parser silently strips or rewrites these. */
// eslint-disable-next-line no-control-regex
const SUSPICIOUS_RAW_CHARS = /[\u0000-\u0020\u007f\\]/;

function parseUrl(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_EXTERNAL_URL_LENGTH) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

function hasCredentials(url: URL): boolean {
  return url.username !== '' || url.password !== '';
}

/**
 * True only for `app://attest/...`. `app:` is not a "special" scheme for Node's URL parser, so its
 * host is not lower-cased there: `app://ATTEST/` is refused here (fail closed), although Chromium
 * would canonicalize it. Ports and userinfo are refused too.
 */
export function isAppUrl(url: unknown): boolean {
  const parsed = parseUrl(url);
  if (!parsed) return false;
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && !hasCredentials(parsed);
}

/** A validated, normalized allowlist; build it with {@link buildExternalAllowlist}. */
export interface ExternalUrlAllowlist {
  /** Exact ASCII (punycode) hostnames that may be opened over https on the default port. */
  readonly httpsHosts: ReadonlySet<string>;
  /**
   * The identity provider's origin (scheme, host, port). https in production; `http://127.0.0.1:<port>`
   * or `http://[::1]:<port>` only for the local demo identity provider.
   */
  readonly identityProviderOrigin: string | null;
}

export interface ExternalAllowlistInput {
  httpsHosts?: readonly string[];
  /** The configured issuer URL (any path); only its origin is used. */
  identityProvider?: string | null;
}

const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', '[::1]']);

/** `http:` is acceptable only to a loopback IP literal (never `localhost`: RFC 8252 §8.3). */
export function isLoopbackHttpUrl(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK_HOSTNAMES.has(url.hostname);
}

/** Normalizes one allowlisted hostname (IDN → punycode, lower case); throws if it is not a bare host. */
function normalizeHost(host: string): string {
  const parsed = /[/?#@:%]/.test(host) || SUSPICIOUS_RAW_CHARS.test(host) ? null : parseUrl(`https://${host}/`);
  if (!parsed || parsed.hostname === '' || parsed.hostname.endsWith('.')) {
    throw new Error(`Invalid allowlisted host: ${JSON.stringify(host)}`);
  }
  return parsed.hostname;
}

/**
 * Validates the configured allowlist once, at startup, so that a typo in configuration fails loudly
 * instead of silently widening or narrowing what may be opened.
 */
export function buildExternalAllowlist(input: ExternalAllowlistInput): ExternalUrlAllowlist {
  const httpsHosts = new Set((input.httpsHosts ?? []).map(normalizeHost));
  let identityProviderOrigin: string | null = null;
  if (input.identityProvider) {
    const idp = parseUrl(input.identityProvider);
    if (!idp || hasCredentials(idp) || !(idp.protocol === 'https:' || isLoopbackHttpUrl(idp))) {
      throw new Error('The identity provider must be an https URL (or http://127.0.0.1 for the demo).');
    }
    identityProviderOrigin = idp.origin;
  }
  return Object.freeze({ httpsHosts, identityProviderOrigin });
}

/**
 * May this URL be opened in the system browser? Only:
 * - `https:` to an exactly allowlisted host on the default port, or
 * - any path on the identity provider's exact origin (which may be loopback http for the demo).
 * Never `file:`, `javascript:`, `data:`, `smb:`, `ms-*:`, custom OS schemes, credentials in the URL,
 * look-alike (IDN) hosts, trailing-dot hosts or raw strings with control characters or backslashes.
 */
export function isAllowedExternalUrl(url: unknown, allowlist: ExternalUrlAllowlist): boolean {
  if (typeof url !== 'string' || SUSPICIOUS_RAW_CHARS.test(url)) return false;
  const parsed = parseUrl(url);
  if (!parsed || hasCredentials(parsed)) return false;
  if (allowlist.identityProviderOrigin !== null && parsed.origin === allowlist.identityProviderOrigin) {
    return parsed.protocol === 'https:' || isLoopbackHttpUrl(parsed);
  }
  if (parsed.protocol !== 'https:' || parsed.port !== '') return false;
  return allowlist.httpsHosts.has(parsed.hostname);
}

/**
 * The normalized form of an allowed URL: what we checked is exactly what we hand to the OS, so a
 * parser difference between Node and the OS URL handler cannot reopen the door.
 */
export function normalizeAllowedExternalUrl(url: unknown, allowlist: ExternalUrlAllowlist): string | null {
  return isAllowedExternalUrl(url, allowlist) ? new URL(url as string).href : null;
}

/** The URL check of an IPC sender frame (E-17): the frame must be showing our own app:// page. */
export function isTrustedIpcSender(frameUrl: string | null | undefined): boolean {
  return isAppUrl(frameUrl);
}

export interface IpcSenderFacts {
  /** `event.senderFrame?.url`; null when the frame is gone (navigated away or destroyed). */
  frameUrl: string | null | undefined;
  /** Sub-frames never get IPC (CVE-2022-29247 class). */
  isMainFrame: boolean;
  /** The sender belongs to a window this app created, not some other webContents. */
  isAppWindow: boolean;
}

/** The whole sender decision, kept pure so forged senders can be tested without Electron. */
export function isTrustedIpcSenderFrame(facts: IpcSenderFacts): boolean {
  return facts.isAppWindow && facts.isMainFrame && isTrustedIpcSender(facts.frameUrl);
}
