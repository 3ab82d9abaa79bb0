import type { IpcMainInvokeEvent, WebContents } from 'electron';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { IPC_CHANNELS } from '../../../shared/ipc';
import { registerIpcHandlers, type IpcHandlerDeps, type IpcRegistrar } from '../../../electron/main/ipc';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

const appContents = { id: 1 } as unknown as WebContents;
const otherContents = { id: 2 } as unknown as WebContents;

interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  detached?: boolean;
  destroyed?: boolean;
}

function event(frame: FakeFrame | null, sender: WebContents = appContents): IpcMainInvokeEvent {
  const senderFrame = frame && {
    url: frame.url,
    parent: frame.parent,
    detached: frame.detached ?? false,
    isDestroyed: () => frame.destroyed ?? false,
  };
  return { sender, senderFrame, frameId: 1, processId: 1 } as unknown as IpcMainInvokeEvent;
}

const mainFrame: FakeFrame = { url: 'app://attest/index.html', parent: null };

let handlers: Map<string, Listener>;
let deps: IpcHandlerDeps & {
  serverConnection: Mock<IpcHandlerDeps['serverConnection']>;
  openAllowlisted: Mock<IpcHandlerDeps['openAllowlisted']>;
};
let unregister: () => void;

beforeEach(() => {
  handlers = new Map();
  const ipc: IpcRegistrar = {
    handle: (channel: string, listener: Listener) => {
      handlers.set(channel, listener);
    },
    removeHandler: (channel: string) => {
      handlers.delete(channel);
    },
  } as unknown as IpcRegistrar;
  deps = {
    serverConnection: vi.fn<IpcHandlerDeps['serverConnection']>(async () => ({
      baseUrl: 'http://127.0.0.1:43127',
      secret: 's'.repeat(43),
    })),
    openAllowlisted: vi.fn<IpcHandlerDeps['openAllowlisted']>(async () => true),
    isAppWebContents: (contents) => contents === appContents,
    log: () => undefined,
  };
  unregister = registerIpcHandlers(ipc, deps);
});

const call = (channel: string, ev: IpcMainInvokeEvent, ...args: unknown[]): Promise<unknown> => {
  const listener = handlers.get(channel);
  if (!listener) throw new Error(`no handler for ${channel}`);
  return Promise.resolve(listener(ev, ...args));
};

describe('IPC handlers', () => {
  it('registers exactly the channels of shared/ipc.ts, and unregisters them', () => {
    expect([...handlers.keys()].sort()).toEqual(Object.values(IPC_CHANNELS).sort());
    unregister();
    expect(handlers.size).toBe(0);
  });

  it('serves the app window main frame', async () => {
    await expect(call(IPC_CHANNELS.serverConnection, event(mainFrame))).resolves.toEqual({
      baseUrl: 'http://127.0.0.1:43127',
      secret: 's'.repeat(43),
    });
    await expect(call(IPC_CHANNELS.openExternal, event(mainFrame), 'https://docs.example/')).resolves.toBe(true);
    expect(deps.openAllowlisted).toHaveBeenCalledWith('https://docs.example/');
  });

  it.each([
    ['no sender frame (navigated away or destroyed)', event(null)],
    ['a destroyed frame', event({ ...mainFrame, destroyed: true })],
    ['a detached frame', event({ ...mainFrame, detached: true })],
    ['an iframe, even on the app origin', event({ url: 'app://attest/index.html', parent: mainFrame })],
    ['another origin', event({ url: 'https://evil.example/', parent: null })],
    ['a look-alike app origin', event({ url: 'app://attest.evil/', parent: null })],
    ['file:', event({ url: 'file:///index.html', parent: null })],
    ['another webContents', event(mainFrame, otherContents)],
  ])('refuses %s before running the handler', async (_label, ev) => {
    await expect(call(IPC_CHANNELS.serverConnection, ev)).rejects.toThrow('Forbidden');
    await expect(call(IPC_CHANNELS.openExternal, ev, 'https://docs.example/')).rejects.toThrow('Forbidden');
    expect(deps.serverConnection).not.toHaveBeenCalled();
    expect(deps.openAllowlisted).not.toHaveBeenCalled();
  });

  it('refuses a sender whose frame throws when read', async () => {
    const ev = {
      sender: appContents,
      get senderFrame(): never {
        throw new Error('Render frame was disposed');
      },
    } as unknown as IpcMainInvokeEvent;
    await expect(call(IPC_CHANNELS.serverConnection, ev)).rejects.toThrow('Forbidden');
  });

  it.each([
    ['extra arguments', IPC_CHANNELS.serverConnection, ['x']],
    ['no url', IPC_CHANNELS.openExternal, []],
    ['a non-string url', IPC_CHANNELS.openExternal, [{ href: 'https://docs.example/' }]],
    ['an empty url', IPC_CHANNELS.openExternal, ['']],
    ['a huge url', IPC_CHANNELS.openExternal, [`https://docs.example/${'a'.repeat(5000)}`]],
    ['two urls', IPC_CHANNELS.openExternal, ['https://a.example/', 'https://b.example/']],
  ])('refuses %s', async (_label, channel, args) => {
    await expect(call(channel, event(mainFrame), ...args)).rejects.toThrow('Invalid arguments');
    expect(deps.serverConnection).not.toHaveBeenCalled();
    expect(deps.openAllowlisted).not.toHaveBeenCalled();
  });

  it('property: arbitrary payloads never reach a handler unparsed and never throw anything but a refusal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.anything(), { maxLength: 3 }), async (args) => {
        deps.openAllowlisted.mockClear();
        const outcome = await call(IPC_CHANNELS.openExternal, event(mainFrame), ...args).then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        if (outcome.ok) {
          expect(args).toHaveLength(1);
          expect(typeof args[0]).toBe('string');
          expect(deps.openAllowlisted).toHaveBeenCalledWith(args[0]);
        } else {
          expect(String(outcome.error)).toMatch(/Invalid arguments/);
          expect(deps.openAllowlisted).not.toHaveBeenCalled();
        }
      }),
      { numRuns: 200 },
    );
  });
});
