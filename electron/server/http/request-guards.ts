/**
 * The checks every request passes before any routing (security-bar L-02…L-05). Pure functions
 * over headers, so each rule is tested on its own as well as through the server.
 */
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'attest_session';

/**
 * L-02 (DNS rebinding): the Host header must name this server by loopback address or
 * `localhost`, with its port, exactly once. A page on evil.example that rebinds its name to
 * 127.0.0.1 still sends `Host: evil.example:<port>` and is refused.
 */
export const hostAllowed = (req: IncomingMessage, port: number): boolean => {
  const hosts = req.headersDistinct.host;
  if (hosts?.length !== 1) return false;
  const host = (hosts[0] ?? '').toLowerCase();
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
};

/** The origins this server itself is reachable as (browser mode pages call their own origin). */
export const selfOrigins = (port: number): string[] => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];

export type OriginVerdict = 'absent' | 'allowed' | 'forbidden';

/** L-04: an Origin header, when present, must be one the app owns. `null` is never allowed. */
export const checkOrigin = (req: IncomingMessage, allowed: ReadonlySet<string>): OriginVerdict => {
  const origins = req.headersDistinct.origin;
  if (origins === undefined) return 'absent';
  if (origins.length !== 1) return 'forbidden';
  return allowed.has((origins[0] ?? '').toLowerCase()) ? 'allowed' : 'forbidden';
};

/**
 * L-04 Fetch Metadata: API routes answer `fetch()` only. A navigation (link, form, address bar)
 * or a no-cors subresource (`<img src>`, `<script src>`) aimed at the API is refused.
 */
export const fetchModeAllowedForApi = (req: IncomingMessage): boolean => {
  const mode = req.headers['sec-fetch-mode'];
  if (mode === undefined) return true;
  const value = mode.toLowerCase();
  return value !== 'navigate' && value !== 'no-cors' && value !== 'nested-navigate';
};

export const STATE_CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** L-05: `application/json`, optionally with a UTF-8 charset; nothing else (no text/plain, no forms). */
export const isJsonContentType = (req: IncomingMessage): boolean => {
  const header = req.headers['content-type'];
  if (header === undefined) return false;
  const [type, ...params] = header
    .toLowerCase()
    .split(';')
    .map((s) => s.trim());
  if (type !== 'application/json') return false;
  return params.every((p) => p === '' || p === 'charset=utf-8' || p === 'charset="utf-8"');
};

const cookieValue = (req: IncomingMessage, name: string): string | undefined => {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
};

/**
 * L-03: the secret as `Authorization: Bearer …`, or (browser mode only) the session cookie set
 * by the launch URL. A malformed Authorization header counts as a wrong secret, not a missing one,
 * so it cannot fall through to the cookie.
 */
export const presentedSecret = (req: IncomingMessage, acceptCookie: boolean): string | undefined => {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization.trim());
    return match?.[1] ?? '';
  }
  return acceptCookie ? cookieValue(req, SESSION_COOKIE) : undefined;
};

/** HttpOnly (no script reads it), SameSite=Strict (no cross-site sends), session-only (no Max-Age). */
export const sessionCookie = (secret: string): string =>
  `${SESSION_COOKIE}=${secret}; HttpOnly; SameSite=Strict; Path=/`;
