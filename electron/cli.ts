/**
 * Browser mode: the same workspace server the desktop app runs, serving the built renderer on
 * 127.0.0.1, for machines without the Electron runtime, and for tests and CI.
 *
 *   tsx electron/cli.ts serve [--port N] [--backend URL] [--issuer URL] [--data-dir D] [--demo]
 *                             [--idle-lock-seconds S] [--region-api REGION=URL …]
 *
 * The idle lock may also come from ATTEST_IDLE_LOCK_SECONDS (tests, kiosk set-ups).
 *
 * Prints exactly one line, `Attest: http://127.0.0.1:PORT/?token=…`: opening it swaps the
 * one-time token for an HttpOnly cookie and cleans the URL.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Region } from '../shared/amigo/regions';
import { parseIdleLockSeconds, parseRegionApi } from './server/auth/session-options';
import { startWorkspaceServer } from './server/index';

export interface ServeOptions {
  port?: number;
  backendUrl?: string;
  issuer?: string;
  dataDir?: string;
  demo?: boolean;
  /** Undo window of a decision before it is sent, in milliseconds (default 10 s). */
  undoWindowMs?: number;
  rendererDir?: string;
  /** Automatic logoff after this many seconds without activity (default 15 minutes). */
  idleLockSeconds?: number;
  regionApiOrigins?: Partial<Record<Region, string>>;
}

/** Where browser mode keeps its data by default (XDG on Linux, the usual places elsewhere). */
export function defaultDataDir(): string {
  if (process.platform === 'win32') return path.join(process.env.LOCALAPPDATA ?? os.homedir(), 'Attest');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'Attest');
  return path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'attest');
}

export async function serve(options: ServeOptions): Promise<{ url: string; close(): Promise<void> }> {
  const secret = randomBytes(32).toString('base64url');
  const server = await startWorkspaceServer({
    secret,
    port: options.port ?? 0,
    dataDir: options.dataDir ?? defaultDataDir(),
    ...(options.backendUrl ? { backendUrl: options.backendUrl } : {}),
    ...(options.issuer ? { issuer: options.issuer } : {}),
    rendererDir: options.rendererDir ?? path.resolve(import.meta.dirname, '..', 'dist', 'renderer'),
    demo: options.demo ?? false,
    ...(options.idleLockSeconds === undefined ? {} : { idleLockSeconds: options.idleLockSeconds }),
    ...(options.regionApiOrigins ? { regionApiOrigins: options.regionApiOrigins } : {}),
    ...(options.undoWindowMs === undefined ? {} : { undoWindowMs: options.undoWindowMs }),
  });
  return { url: `${server.url}/?token=${encodeURIComponent(secret)}`, close: () => server.close() };
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      backend: { type: 'string' },
      issuer: { type: 'string' },
      'data-dir': { type: 'string' },
      demo: { type: 'boolean' },
      'undo-window-ms': { type: 'string' },
      'idle-lock-seconds': { type: 'string' },
      'region-api': { type: 'string', multiple: true },
    },
  });
  if (positionals[0] !== 'serve') {
    console.error(
      'Usage: attest serve [--port N] [--backend URL] [--issuer URL] [--data-dir D] [--demo] [--undo-window-ms N]',
    );
    process.exitCode = 2;
    return;
  }
  const undoWindowMs = values['undo-window-ms'] === undefined ? undefined : Number(values['undo-window-ms']);
  if (undoWindowMs !== undefined && (!Number.isInteger(undoWindowMs) || undoWindowMs < 0 || undoWindowMs > 600_000))
    throw new Error(`--undo-window-ms must be 0–600000, got "${values['undo-window-ms']}".`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0–65535, got "${values.port}".`);
  const running = await serve({
    port,
    ...(values.backend ? { backendUrl: values.backend } : {}),
    ...(values.issuer ? { issuer: values.issuer } : {}),
    ...(values['data-dir'] ? { dataDir: path.resolve(values['data-dir']) } : {}),
    demo: values.demo ?? false,
    ...(undoWindowMs === undefined ? {} : { undoWindowMs }),
    idleLockSeconds: parseIdleLockSeconds(values['idle-lock-seconds'] ?? process.env.ATTEST_IDLE_LOCK_SECONDS),
    regionApiOrigins: parseRegionApi(values['region-api'] ?? []),
  });
  console.log(`Attest: ${running.url}`);
  const stop = (): void => {
    running.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// Run only when executed directly (tools/start.ts imports `serve`).
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
