/**
 * The desktop bridge (shared/ipc.ts), present only when the preload ran: in the Electron window.
 * Browser mode has no bridge, and the renderer then talks to its own origin.
 */
import type { AttestBridge } from '../../shared/ipc';

declare global {
  interface Window {
    /** Exposed by the preload through contextBridge; absent in browser mode. */
    readonly attest?: AttestBridge;
  }
}

export const getDesktopBridge = (): AttestBridge | null => window.attest ?? null;
