/** `npm run backend` (main.ts): exactly two stdout lines, a working instance, a clean SIGTERM. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = path.resolve(import.meta.dirname, '..', 'main.ts');

describe('CLI', () => {
  it('prints the backend and issuer URLs, serves, and shuts down on SIGTERM removing its temp dir', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', MAIN, '--region', 'eu-central-1', '--seed', '3', '--latency-ms', '5'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URLs within 60 s; stderr: ${stderr}`)), 60_000);
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        if (stdout.split('\n').length > 2) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`exited early; stderr: ${stderr}`)));
    });
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Regional backend: http:\/\/127\.0\.0\.1:\d+$/);
    const url = lines[0]?.replace('Regional backend: ', '') ?? '';
    expect(lines[1]).toBe(`Identity provider: ${url}`);

    const health = (await (await fetch(`${url}/__sim/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ ok: true, region: 'eu-central-1' });
    const discovery = (await (await fetch(`${url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(discovery['issuer']).toBe(url);
    const dataDir = /data dir (\S+) \(temporary\)/.exec(stderr)?.[1] ?? '';
    expect(fs.existsSync(dataDir)).toBe(true);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('refuses a bad flag with usage on stderr and exit code 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--scale', 'huge'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/--scale must be one of small, medium, large/);
  });
});
