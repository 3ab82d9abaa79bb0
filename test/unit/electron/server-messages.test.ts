import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import {
  STOP_MESSAGE,
  parseFromServerMessage,
  serverBaseUrl,
  startMessage,
  toServerMessage,
  type ServerStartConfig,
} from '../../../electron/main/server-messages';
import { newServerSecret } from '../../../electron/main/server-host';
import {
  parseInboundMessage,
  serveParentPort,
  serverInboundMessage,
  startupErrorMessage,
  type ParentPortLike,
} from '../../../electron/server/utility-entry';

const config: ServerStartConfig = {
  dataDir: '/home/u/.config/Attest/data',
  backendUrl: 'https://api.platform.amigo.ai',
  issuer: 'https://login.hospital.example/realms/attest',
  clientId: 'attest-desktop',
  allowedOrigins: ['app://attest'],
  demo: false,
};

describe('main → server messages', () => {
  it('builds a start message carrying a fresh 256-bit secret', () => {
    const secret = newServerSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(newServerSecret()).not.toBe(secret);
    expect(startMessage(secret, config)).toEqual({ type: 'start', secret, config });
  });

  it('refuses to build a start message with a weak secret or a bad config', () => {
    expect(() => startMessage('short', config)).toThrow();
    expect(() => startMessage('a'.repeat(43) + '!', config)).toThrow();
    expect(() => startMessage(newServerSecret(), { ...config, allowedOrigins: [] })).toThrow();
    expect(() => startMessage(newServerSecret(), { ...config, port: 70_000 })).toThrow();
    expect(() => startMessage(newServerSecret(), { ...config, extra: true } as ServerStartConfig)).toThrow();
  });

  it('is understood by the server entry, message for message (the two schemas agree)', () => {
    const start = startMessage(newServerSecret(), config);
    expect(parseInboundMessage(start)).toEqual(start);
    expect(parseInboundMessage(STOP_MESSAGE)).toEqual({ type: 'stop' });
    const minimal = startMessage(newServerSecret(), { dataDir: '/d', allowedOrigins: ['app://attest'] });
    expect(parseInboundMessage(minimal)).toEqual(minimal);
    // Same keys on both sides, so a field added to one schema and not the other fails here.
    const mainKeys = Object.keys(toServerMessage.options[0].shape.config.shape).sort();
    const serverKeys = Object.keys(serverInboundMessage.options[0].shape.config.shape).sort();
    expect(serverKeys).toEqual(mainKeys);
  });

  it('the server refuses malformed messages', () => {
    for (const bad of [
      null,
      'start',
      { type: 'start' },
      { type: 'start', secret: 'x', config },
      { type: 'start', secret: newServerSecret(), config: {} },
      { type: 'nope' },
      { type: 'stop', extra: 1 },
    ]) {
      expect(parseInboundMessage(bad)).toBeNull();
    }
  });
});

describe('server → main messages', () => {
  it('parses ready and error', () => {
    expect(parseFromServerMessage({ type: 'ready', port: 43127 })).toEqual({ type: 'ready', port: 43127 });
    expect(parseFromServerMessage(startupErrorMessage(new Error('database is locked')))).toEqual({
      type: 'error',
      message: 'Error: database is locked',
    });
    expect(serverBaseUrl(43127)).toBe('http://127.0.0.1:43127');
  });

  it.each([
    null,
    undefined,
    42,
    'ready',
    { type: 'ready' },
    { type: 'ready', port: 0 },
    { type: 'ready', port: 65_536 },
    { type: 'ready', port: 1.5 },
    { type: 'ready', port: '43127' },
    { type: 'ready', port: 43127, secret: 'leak' },
    { type: 'error' },
    { type: 'error', message: 'x'.repeat(2001) },
    { type: 'exec', command: 'rm -rf /' },
  ])('ignores %j', (raw) => {
    expect(parseFromServerMessage(raw)).toBeNull();
  });

  it('trims startup errors and never sends stacks', () => {
    const error = new Error('y'.repeat(1000));
    const message = startupErrorMessage(error);
    expect(message.type).toBe('error');
    expect(message.type === 'error' && message.message.length).toBeLessThanOrEqual(500);
    expect(JSON.stringify(message)).not.toContain('at ');
    expect(startupErrorMessage('a string')).toEqual({ type: 'error', message: 'Unknown error' });
  });
});

class FakePort extends EventEmitter implements ParentPortLike {
  readonly sent: unknown[] = [];
  override on(event: 'message', listener: (event: { data: unknown }) => void): this {
    return super.on(event, listener);
  }
  postMessage(message: unknown): void {
    this.sent.push(message);
  }
  deliver(data: unknown): void {
    this.emit('message', { data });
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('utility-entry serveParentPort', () => {
  it('starts once on a valid start message, answers ready, and stops cleanly', async () => {
    const port = new FakePort();
    const close = vi.fn(async () => undefined);
    const start = vi.fn(async () => ({ port: 43127, close }));
    const exit = vi.fn();
    serveParentPort(port, start, exit);

    port.deliver({ type: 'start', secret: 'short', config });
    port.deliver('garbage');
    await flush();
    expect(start).not.toHaveBeenCalled();

    const message = startMessage(newServerSecret(), config);
    port.deliver(message);
    port.deliver(message);
    await flush();
    expect(start).toHaveBeenCalledTimes(1);
    expect(start).toHaveBeenCalledWith(message);
    expect(port.sent).toEqual([{ type: 'ready', port: 43127 }]);

    port.deliver(STOP_MESSAGE);
    await flush();
    expect(close).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('reports a failed start and exits non-zero', async () => {
    const port = new FakePort();
    const exit = vi.fn();
    serveParentPort(port, async () => Promise.reject(new Error('no keychain')), exit);
    port.deliver(startMessage(newServerSecret(), config));
    await flush();
    expect(port.sent).toEqual([{ type: 'error', message: 'Error: no keychain' }]);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('a stop that arrives while starting closes the server as soon as it is up, without announcing it', async () => {
    const port = new FakePort();
    const close = vi.fn(async () => undefined);
    let finishStart: (value: { port: number; close: () => Promise<void> }) => void = () => undefined;
    const exit = vi.fn();
    serveParentPort(port, () => new Promise((resolve) => (finishStart = resolve)), exit);
    port.deliver(startMessage(newServerSecret(), config));
    port.deliver(STOP_MESSAGE);
    finishStart({ port: 1234, close });
    await flush();
    expect(close).toHaveBeenCalled();
    expect(port.sent).toEqual([]);
    expect(exit).toHaveBeenCalledWith(0);
  });
});
