/**
 * The one bridge between the desktop renderer and Electron main (architecture.md §6.2). The
 * preload exposes `window.attest`, one function per channel, and `satisfies AttestBridge`.
 * Browser mode has no bridge: the renderer then talks to the server on its own origin.
 */
export const IPC_CHANNELS = {
  serverConnection: 'attest:server-connection',
  openExternal: 'attest:open-external',
} as const;

export type IpcChannel = (typeof IPC_CHANNELS)[keyof typeof IPC_CHANNELS];

export interface ServerConnection {
  /** e.g. `http://127.0.0.1:43127` */
  baseUrl: string;
  /** The per-launch secret, sent as `Authorization: Bearer …`. */
  secret: string;
}

export interface AttestBridge {
  serverConnection(): Promise<ServerConnection>;
  /** Opens an allowlisted https URL (or the identity provider) in the system browser. */
  openExternal(url: string): Promise<boolean>;
}
