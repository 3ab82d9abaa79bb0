/**
 * The `app://attest/...` protocol handler: serves the built renderer (dist/renderer) with the CSP
 * and hardening headers on every response, including errors (E-07, E-18). Uses only the Fetch API
 * Request/Response and node:fs, so it is tested in plain Node; index.ts plugs it into
 * `session.protocol.handle('app', ...)`.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { resolveAppPath } from './security';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export interface AppProtocolOptions {
  /** Absolute path of the built renderer (dist/renderer). */
  rootDir: string;
  /** The current CSP; a function because the server's port changes when it is restarted. */
  contentSecurityPolicy: () => string;
}

export function securityHeaders(csp: string, contentType: string): Headers {
  return new Headers({
    'Content-Type': contentType,
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    // Nothing from the UI bundle is worth caching, and no-store keeps Chromium's cache empty (E-25).
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy':
      'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), bluetooth=(), payment=()',
  });
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Extension-less paths are client-side routes: they get index.html so a reload keeps working. */
function isRouteLike(requestUrl: string): boolean {
  try {
    const last = new URL(requestUrl).pathname.split('/').pop() ?? '';
    return !last.includes('.');
  } catch {
    return false;
  }
}

export function createAppProtocolHandler(options: AppProtocolOptions): (request: Request) => Promise<Response> {
  const textResponse = (status: number, body: string): Response =>
    new Response(body, {
      status,
      headers: securityHeaders(options.contentSecurityPolicy(), 'text/plain; charset=utf-8'),
    });

  /** Resolves symlinks and re-checks containment, so a link inside dist/renderer cannot point out of it. */
  async function containedFile(candidate: string): Promise<string | null> {
    try {
      const [realRoot, realFile] = await Promise.all([realpath(options.rootDir), realpath(candidate)]);
      if (!isInside(realRoot, realFile)) return null;
      const info = await stat(realFile);
      return info.isFile() ? realFile : null;
    } catch {
      return null;
    }
  }

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'Method not allowed');
    const candidate = resolveAppPath(options.rootDir, request.url);
    // Traversal attempts and missing files look the same from outside: 404, nothing about the disk.
    if (candidate === null) return textResponse(404, 'Not found');
    let file = await containedFile(candidate);
    if (file === null && isRouteLike(request.url)) {
      file = await containedFile(path.join(options.rootDir, 'index.html'));
    }
    if (file === null) return textResponse(404, 'Not found');
    try {
      const body = await readFile(file);
      const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      return new Response(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: securityHeaders(options.contentSecurityPolicy(), contentType),
      });
    } catch {
      return textResponse(500, 'Internal error');
    }
  };
}
