/**
 * Pure security policy of the shell: the renderer's CSP, path resolution for the app:// protocol,
 * permission decisions and process hardening. No Electron import: unit-tested in plain Node.
 */
import path from 'node:path';
import { APP_HOST, APP_SCHEME, isAppUrl } from './trusted-url';

/** `http://127.0.0.1:<port>` or `http://[::1]:<port>`, nothing else, so nothing can be injected into the CSP. */
const LOOPBACK_SERVER_ORIGIN = /^http:\/\/(?:127\.0\.0\.1|\[::1\]):([1-9][0-9]{0,4})$/;

export function isLoopbackServerOrigin(origin: string): boolean {
  const match = LOOPBACK_SERVER_ORIGIN.exec(origin);
  return match !== null && Number(match[1]) <= 65_535;
}

/**
 * The renderer's Content-Security-Policy, sent as a response header on every app:// response
 * (E-07). `default-src 'none'` (the bar's floor) and then only what a Vite/React build needs: its
 * own scripts, styles, images (plus data: for inline icons), fonts, and fetches to itself and to the
 * workspace server's exact loopback origin. The port is ephemeral and changes when the server is
 * restarted, which is why the policy is computed per response and the window reloads after a restart.
 * No 'unsafe-inline', no 'unsafe-eval', no http: sources beyond that one loopback origin.
 * `frame-ancestors` only works as a header, which is one more reason not to rely on a meta tag.
 * `null` (no server ready, e.g. between a crash and the restart) allows no loopback origin at all,
 * so a page loaded then cannot talk to whatever process has taken over the old port.
 */
export function contentSecurityPolicy(serverOrigin: string | null): string {
  if (serverOrigin !== null && !isLoopbackServerOrigin(serverOrigin)) {
    throw new Error('The workspace server origin must be http://127.0.0.1:<port> or http://[::1]:<port>.');
  }
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    serverOrigin === null ? "connect-src 'self'" : `connect-src 'self' ${serverOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** One path segment of a built renderer asset: Vite emits names like `index-B1x_3f.js`. */
const SAFE_SEGMENT = /^[A-Za-z0-9_@+~-][A-Za-z0-9._@+~-]*$/;

type PathApi = Pick<typeof path, 'resolve' | 'relative' | 'isAbsolute' | 'sep'>;

/**
 * Maps `app://attest/<path>` to a file under `root`, or null. Traversal-safe by construction (E-18):
 * - only our own scheme and host;
 * - the path is percent-decoded once, then every segment must match a conservative file-name
 *   character set, so `..`, `%2e%2e`, `%2f`, backslashes, NUL, drive letters (`C:`), UNC prefixes
 *   and empty segments (`//`) are all refused before the file system is asked anything;
 * - the resolved path must still be inside `root` (belt and braces).
 * Symlinks are handled by the caller (app-protocol.ts re-checks containment after `realpath`).
 * `pathApi` exists so the tests can run Windows path semantics on Linux.
 */
export function resolveAppPath(root: string, requestUrl: string, pathApi: PathApi = path): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username !== '' || url.password !== '')
    return null;

  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (!decoded.startsWith('/')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.slice(1);
  const segments = relative.split('/');
  if (segments.some((segment) => !SAFE_SEGMENT.test(segment) || segment === '.' || segment === '..')) return null;

  const absoluteRoot = pathApi.resolve(root);
  const resolved = pathApi.resolve(absoluteRoot, ...segments);
  const fromRoot = pathApi.relative(absoluteRoot, resolved);
  if (fromRoot === '' || fromRoot.startsWith('..') || pathApi.isAbsolute(fromRoot)) return null;
  return resolved;
}

/**
 * Permission decisions for every session (E-05): deny everything, with one narrow exception.
 * Chromium's Local Network Access checks (rolling out after Chromium 140) gate fetches to loopback
 * behind the `local-network-access` / `loopback-network` permissions. The renderer's one job is to
 * talk to the workspace server on 127.0.0.1, so our own app:// page may have exactly those; which
 * loopback origin it may reach is still pinned by the CSP's connect-src.
 */
const APP_ONLY_PERMISSIONS = new Set(['local-network-access', 'loopback-network']);

export function isPermissionGranted(permission: string, requestingUrl: string | null | undefined): boolean {
  return APP_ONLY_PERMISSIONS.has(permission) && isAppUrl(requestingUrl);
}

/**
 * Chromium switches that open a debugging or policy-weakening surface. Fuses cover Node's own
 * `--inspect` family; these Chromium ones are not covered by any fuse, so a packaged build refuses
 * to start with them (E-21).
 */
export const FORBIDDEN_SWITCHES = [
  'remote-debugging-port',
  'remote-debugging-pipe',
  'remote-debugging-address',
  'inspect',
  'inspect-brk',
  'inspect-port',
  'js-flags',
  'no-sandbox',
  'disable-web-security',
  'ignore-certificate-errors',
  'allow-insecure-localhost',
  'unsafely-treat-insecure-origin-as-secure',
  'host-rules',
  'host-resolver-rules',
] as const;

export function forbiddenSwitchesPresent(hasSwitch: (name: string) => boolean): string[] {
  return FORBIDDEN_SWITCHES.filter((name) => hasSwitch(name));
}

/**
 * Environment variables that must not reach the workspace server: they turn the process into a
 * plain Node (ELECTRON_RUN_AS_NODE), inject code or flags (NODE_OPTIONS, NODE_REPL_EXTERNAL_MODULE),
 * or switch off TLS verification (NODE_TLS_REJECT_UNAUTHORIZED, E-23). The per-launch secret is
 * never passed through the environment at all (L-03).
 */
const STRIPPED_ENV = [
  'ELECTRON_RUN_AS_NODE',
  'NODE_OPTIONS',
  'NODE_TLS_REJECT_UNAUTHORIZED',
  'NODE_REPL_EXTERNAL_MODULE',
  'NODE_DEBUG',
  'NODE_V8_COVERAGE',
];

export function serverProcessEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (STRIPPED_ENV.includes(key.toUpperCase())) continue;
    out[key] = value;
  }
  return out;
}
