/**
 * The sandboxed preload: exposes `window.attest`, one function per channel of shared/ipc.ts, and
 * nothing else (security-bar E-03, E-20). Never ipcRenderer itself, never a generic
 * `invoke(channel, ...)`: the renderer can ask for exactly these two things. Main checks the sender
 * and parses the arguments of each call anyway (ipc.ts).
 *
 * Sandboxed preloads cannot require local files, so tools/build-electron.ts bundles this file and
 * shared/ipc into one CommonJS file; 'electron' is the only runtime import.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CHANNELS, type AttestBridge, type ServerConnection } from '../../shared/ipc';

const bridge = {
  serverConnection: (): Promise<ServerConnection> => ipcRenderer.invoke(IPC_CHANNELS.serverConnection),
  // Only a string crosses; anything else is refused here without calling into page code (no toString()).
  openExternal: (url: string): Promise<boolean> =>
    typeof url === 'string' ? ipcRenderer.invoke(IPC_CHANNELS.openExternal, url) : Promise.resolve(false),
} satisfies AttestBridge;

contextBridge.exposeInMainWorld('attest', bridge);
