/**
 * Builds the renderer (renderer/ → dist/renderer). The same files are loaded from
 * app://attest/index.html on the desktop and from the workspace server's loopback origin in
 * browser mode, so every URL in the output is relative (base './').
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Defence in depth: the app:// handler and the workspace server send the real CSP header; this
 * meta copy (never looser: CSPs intersect) still applies if a header is ever missing. Build only,
 * because the dev server's React refresh needs an inline script. connect-src allows loopback
 * http for the desktop window, whose origin (app://attest) differs from the server's.
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' http://127.0.0.1:*",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const cspMeta = (): Plugin => ({
  name: 'attest-csp-meta',
  apply: 'build',
  transformIndexHtml: () => [
    { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' },
  ],
});

export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react(), cspMeta()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // Hidden maps: the shipped JS carries no sourceMappingURL, but the Electronegativity gate maps
    // findings back to TypeScript (and its suppression comments). electron-builder leaves *.map out.
    sourcemap: 'hidden',
    // Chromium (Electron 45, Playwright) supports modulepreload; the polyfill is code we don't need.
    modulePreload: { polyfill: false },
    // No data: URLs for fonts or scripts (CSP default-src 'none'); everything ships as a file.
    assetsInlineLimit: 0,
    target: 'chrome120',
  },
});
