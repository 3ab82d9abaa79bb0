import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../../shared/ipc';

// The preload imports 'electron', whose npm package cannot load without the runtime binary:
// stand in for the two objects it uses and record what it does with them.
const { exposed, invoke } = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn(async (..._args: unknown[]) => 'reply'),
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: { invoke },
}));

beforeAll(async () => {
  await import('../../../electron/preload/index');
});

describe('preload bridge', () => {
  it('exposes exactly window.attest with one function per channel, never ipcRenderer', () => {
    expect([...exposed.keys()]).toEqual(['attest']);
    const bridge = exposed.get('attest') as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual(Object.keys(IPC_CHANNELS).sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
    expect(Object.values(bridge)).not.toContain(invoke);
  });

  it('each function invokes its own channel with its own arguments only', async () => {
    const bridge = exposed.get('attest') as {
      serverConnection: () => Promise<unknown>;
      openExternal: (url: unknown) => Promise<unknown>;
    };
    await bridge.serverConnection();
    expect(invoke).toHaveBeenLastCalledWith(IPC_CHANNELS.serverConnection);
    await bridge.openExternal('https://docs.attest.example/');
    expect(invoke).toHaveBeenLastCalledWith(IPC_CHANNELS.openExternal, 'https://docs.attest.example/');
  });

  it('refuses a non-string URL without calling into it or into main', async () => {
    const bridge = exposed.get('attest') as { openExternal: (url: unknown) => Promise<unknown> };
    invoke.mockClear();
    const toString = vi.fn(() => 'https://docs.attest.example/');
    await expect(bridge.openExternal({ toString })).resolves.toBe(false);
    expect(toString).not.toHaveBeenCalled();
    expect(invoke).not.toHaveBeenCalled();
  });

  it('imports nothing but electron and shared/ipc', async () => {
    const source = await readFile(path.resolve(import.meta.dirname, '../../../electron/preload/index.ts'), 'utf8');
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports.sort()).toEqual(['../../shared/ipc', 'electron']);
  });
});
