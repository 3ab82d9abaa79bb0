/**
 * `npm start` / `npm run serve`: builds what is missing or stale, then launches Attest.
 *   - With the Electron runtime present (and not --browser): the desktop app.
 *   - Otherwise: browser mode, printing one line `Attest: http://127.0.0.1:PORT/?token=…`.
 *   - With no --backend: starts the regional backend simulator (small synthetic workspace) on
 *     loopback and connects to it; the UI says "Demo backend: synthetic data".
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '../electron/cli';
import { createRegionalBackend } from '../test/regional-backend/server';

const root = path.resolve(import.meta.dirname, '..');

/** Newest modification time under a folder (sources), to decide whether a build is stale. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const stat = fs.statSync(path.join(entry.parentPath, entry.name));
    newest = Math.max(newest, stat.mtimeMs);
  }
  return newest;
}

function buildIfStale(output: string, sources: string[], script: string): void {
  const built = fs.existsSync(output) ? fs.statSync(output).mtimeMs : 0;
  const newest = Math.max(...sources.map((s) => newestMtime(path.join(root, s))));
  if (built >= newest) return;
  console.error(`Building (${script})…`);
  // Build output goes to stderr: stdout carries only the one `Attest: …` line.
  const result = spawnSync('npm', ['run', '--silent', script], {
    cwd: root,
    stdio: ['ignore', process.stderr, 'inherit'],
  });
  if (result.status !== 0) throw new Error(`npm run ${script} failed.`);
}

/**
 * The Electron binary, if this machine has it. Electron's npm package downloads the runtime the
 * first time `require('electron')` runs, so this reads its path.txt instead of requiring it: no
 * download is attempted (machines without network, CI).
 */
function electronBinary(): string | null {
  try {
    const pkgDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = path.join(pkgDir, 'path.txt');
    if (!fs.existsSync(pathFile)) return null;
    const relative = fs.readFileSync(pathFile, 'utf8').trim();
    const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(pkgDir, 'dist');
    const binary = path.join(dist, relative);
    return fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      browser: { type: 'boolean' },
      port: { type: 'string' },
      backend: { type: 'string' },
      issuer: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });

  buildIfStale(path.join(root, 'dist/renderer/index.html'), ['renderer', 'shared'], 'build:renderer');

  let backendUrl = values.backend;
  let issuer = values.issuer;
  const demo = !backendUrl;
  let stopDemo: (() => Promise<void>) | null = null;
  if (!backendUrl) {
    const simDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-demo-backend-'));
    const backend = await createRegionalBackend({ region: 'us-east-1', scale: 'small', seed: 1, dataDir: simDir });
    backendUrl = backend.url;
    issuer = backend.issuer;
    stopDemo = () => backend.close();
    console.error(`Demo backend (synthetic data): ${backend.url}`);
  }
  issuer ??= backendUrl;

  const electron = values.browser ? null : electronBinary();
  if (electron && (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY)) {
    buildIfStale(path.join(root, 'dist/electron/main.cjs'), ['electron', 'shared'], 'build:electron');
    const child = spawn(electron, [root], {
      stdio: 'inherit',
      env: { ...process.env, ATTEST_BACKEND_URL: backendUrl, ATTEST_ISSUER: issuer, ATTEST_DEMO: demo ? '1' : '' },
    });
    child.on('exit', (code) => {
      void (stopDemo?.() ?? Promise.resolve()).finally(() => process.exit(code ?? 0));
    });
    return;
  }
  if (!values.browser) {
    console.error(
      'The Electron runtime is not installed on this machine, so Attest runs in browser mode: open the link below.',
    );
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  const running = await serve({
    port,
    backendUrl,
    issuer,
    demo,
    ...(values['data-dir'] ? { dataDir: path.resolve(values['data-dir']) } : {}),
  });
  console.log(`Attest: ${running.url}`);
  const stop = (): void => {
    void running
      .close()
      .then(() => stopDemo?.())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
