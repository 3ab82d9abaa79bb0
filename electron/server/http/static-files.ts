/**
 * Serves the built renderer in browser mode (GET only, behind the secret like everything else).
 * The request path is checked before it is decoded and again after it is resolved, and the file's
 * real path (symlinks followed) must still lie under the root: no traversal, encoded or not.
 * Unknown paths without a file extension are client routes and get index.html.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { FAILURES, type ApiFailure } from './api-failure';

/**
 * CSP for the app's pages (architecture.md §4). No inline script or style: React sets style
 * properties through the CSSOM, which CSP does not restrict. It intersects with the meta CSP the
 * build puts in index.html, so neither can loosen the other.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export const contentTypeFor = (file: string): string =>
  CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

export interface StaticFile {
  body: Buffer;
  contentType: string;
  isHtml: boolean;
}

export interface StaticSite {
  /** The file for a raw request path (before any decoding), or an ApiFailure (400/404). */
  resolve(rawPath: string): Promise<StaticFile>;
}

/** Encoded dot, slash, backslash or NUL: no legitimate asset path needs them. */
const ENCODED_DANGER = /%(2e|2f|5c|00)/i;
const MAX_PATH_CHARS = 1024;

const notFound = (): ApiFailure => FAILURES.notFound();

export const createStaticSite = (root: string): StaticSite => {
  const absoluteRoot = path.resolve(root);
  let realRoot: Promise<string> | undefined;
  const rootReal = (): Promise<string> => (realRoot ??= realpath(absoluteRoot));

  const within = (base: string, candidate: string): boolean => candidate.startsWith(base + path.sep);

  const readRegularFile = async (candidate: string): Promise<StaticFile | null> => {
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      return null;
    }
    if (!within(await rootReal(), real)) return null;
    const info = await stat(real);
    if (!info.isFile()) return null;
    return {
      body: await readFile(real),
      contentType: contentTypeFor(real),
      isHtml: path.extname(real).toLowerCase() === '.html',
    };
  };

  return {
    resolve: async (rawPath) => {
      if (rawPath.length > MAX_PATH_CHARS || !rawPath.startsWith('/'))
        throw FAILURES.badRequest('The address is not valid.');
      if (ENCODED_DANGER.test(rawPath) || rawPath.includes('\\') || rawPath.includes('\u0000')) {
        throw FAILURES.badRequest('The address is not valid.');
      }
      let decoded: string;
      try {
        decoded = decodeURIComponent(rawPath);
      } catch {
        throw FAILURES.badRequest('The address is not correctly encoded.');
      }
      const segments = decoded.split('/').filter((s) => s.length > 0);
      if (segments.some((s) => s === '..' || s === '.')) throw FAILURES.badRequest('The address is not valid.');
      // Dotfiles (.env, .git…) are never part of a build worth serving.
      if (segments.some((s) => s.startsWith('.') || s.includes('\u0000'))) throw notFound();

      const candidate = path.resolve(absoluteRoot, ...segments);
      if (candidate !== absoluteRoot && !within(absoluteRoot, candidate))
        throw FAILURES.badRequest('The address is not valid.');

      const last = segments.at(-1) ?? '';
      const isClientRoute = segments.length === 0 || !last.includes('.');
      const file = segments.length === 0 ? null : await readRegularFile(candidate);
      if (file) return file;
      if (isClientRoute) {
        const index = await readRegularFile(path.join(absoluteRoot, 'index.html'));
        if (index) return index;
      }
      throw notFound();
    },
  };
};
