/**
 * Browser mode: the same workspace server the desktop app runs, serving the built renderer on
 * 127.0.0.1, for machines without the Electron runtime, and for tests and CI.
 *
 *   tsx electron/cli.ts serve [--port N] [--backend URL] [--issuer URL] [--data-dir D] [--demo]
 *
 * Prints exactly one line, `Attest: http://127.0.0.1:PORT/?token=…`: opening it swaps the
 * one-time token for an HttpOnly cookie and cleans the URL.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startWorkspaceServer } from './server/index';

export interface ServeOptions {
  port?: number;
  backendUrl?: string;
  issuer?: string;
  dataDir?: string;
  demo?: boolean;
  rendererDir?: string;
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
    },
  });
  if (positionals[0] !== 'serve') {
    console.error('Usage: attest serve [--port N] [--backend URL] [--issuer URL] [--data-dir D] [--demo]');
    process.exitCode = 2;
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0–65535, got "${values.port}".`);
  const running = await serve({
    port,
    ...(values.backend ? { backendUrl: values.backend } : {}),
    ...(values.issuer ? { issuer: values.issuer } : {}),
    ...(values['data-dir'] ? { dataDir: path.resolve(values['data-dir']) } : {}),
    demo: values.demo ?? false,
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
