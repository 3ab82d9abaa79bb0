/**
 * Starts the workspace server in browser mode the way a person does (`attest serve`), as its own
 * process, and waits for its one announced line. Used by e2e tests and crash tests, which need a
 * real process they can kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const root = path.resolve(import.meta.dirname, '..', '..');

export interface RunningApp {
  /** The launch URL with the one-time token: `http://127.0.0.1:PORT/?token=…` */
  launchUrl: string;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function spawnApp(opts: {
  backendUrl: string;
  issuer: string;
  dataDir: string;
  demo?: boolean;
  env?: Record<string, string>;
  /** Further `attest serve` flags (e.g. `--region-api eu-central-1=…`). */
  args?: string[];
}): Promise<RunningApp> {
  const args = [
    path.join(root, 'node_modules/tsx/dist/cli.mjs'),
    path.join(root, 'electron/cli.ts'),
    'serve',
    '--backend',
    opts.backendUrl,
    '--issuer',
    opts.issuer,
    '--data-dir',
    opts.dataDir,
    ...(opts.demo ? ['--demo'] : []),
    ...(opts.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const launchUrl = await new Promise<string>((resolve, reject) => {
    if (!child.stdout) return reject(new Error('attest serve has no stdout.'));
    const lines = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error(`attest serve did not start in time.\n${stderr}`)), 60_000);
    lines.on('line', (line) => {
      const match = /^Attest: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`attest serve exited (${code}) before announcing its URL.\n${stderr}`));
    });
  });
  const origin = new URL(launchUrl).origin;
  return {
    launchUrl,
    origin,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
