/**
 * CLI: `npm run backend -- [--port N] [--seed N] [--scale small|medium|large] [--dataset FILE]
 *   [--region R] [--data-dir D] [--latency-ms N] [--fail-rate P] [--rate-limit N] [--issuer URL]`
 *
 * stdout carries exactly two lines, for scripts to read:
 *   Regional backend: http://127.0.0.1:PORT
 *   Identity provider: <issuer URL>
 * Everything else goes to stderr. SIGINT/SIGTERM shut down cleanly (a temp data dir is removed).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REGIONS } from '../../shared/amigo';
import type { Region } from '../../shared/amigo';
import type { Scale } from './dataset';
import { SCALES } from './dataset';
import { createRegionalBackend } from './server';

const USAGE =
  'usage: npm run backend -- [--port N] [--seed N] [--scale small|medium|large] [--dataset FILE] [--region R] [--data-dir D] [--latency-ms N] [--fail-rate P] [--rate-limit N] [--issuer URL]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string' },
        seed: { type: 'string' },
        scale: { type: 'string' },
        dataset: { type: 'string' },
        region: { type: 'string' },
        'data-dir': { type: 'string' },
        'latency-ms': { type: 'string' },
        'fail-rate': { type: 'string' },
        'rate-limit': { type: 'string' },
        issuer: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (args.help === true) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  const region = (args.region ?? 'us-east-1') as Region;
  if (!REGIONS.includes(region)) fail(`--region must be one of ${REGIONS.join(', ')}`);
  const scale = (args.scale ?? 'small') as Scale;
  if (!SCALES.includes(scale)) fail(`--scale must be one of ${SCALES.join(', ')}`);
  if (args.dataset !== undefined && !fs.existsSync(args.dataset)) fail(`--dataset ${args.dataset}: no such file`);
  const failRate = args['fail-rate'] === undefined ? undefined : Number(args['fail-rate']);
  if (failRate !== undefined && !(failRate >= 0 && failRate <= 1)) fail('--fail-rate must be a number from 0 to 1');
  const rateLimit = integer('rate-limit', args['rate-limit'], 1, 10_000_000);

  const tempDir =
    args['data-dir'] === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), `attest-backend-${region}-`)) : undefined;
  const dataDir = args['data-dir'] ?? tempDir ?? '';

  const backend = await createRegionalBackend({
    region,
    dataDir,
    scale,
    seed: integer('seed', args.seed, 0, 2 ** 31 - 1) ?? 1,
    port: integer('port', args.port, 0, 65_535) ?? 0,
    ...(args.dataset === undefined ? {} : { dataset: args.dataset }),
    ...(args.issuer === undefined ? {} : { issuer: args.issuer }),
    ...(args['latency-ms'] === undefined
      ? {}
      : { latencyMs: integer('latency-ms', args['latency-ms'], 0, 120_000) ?? 0 }),
    ...(failRate === undefined ? {} : { failRate }),
    ...(rateLimit === undefined ? {} : { rateLimit: { limit: rateLimit, windowMs: 60_000 } }),
    verbose: true,
  });
  process.stdout.write(`Regional backend: ${backend.url}\nIdentity provider: ${backend.issuer}\n`);
  process.stderr.write(
    `data dir ${dataDir}${tempDir === undefined ? '' : ' (temporary)'}; /__sim/* is the test-only admin API\n`,
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: shutting down\n`);
    backend
      .close()
      .then(() => {
        if (tempDir !== undefined) fs.rmSync(tempDir, { recursive: true, force: true });
        process.exit(0);
      })
      .catch((err: unknown) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `regional backend failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
