/**
 * Entry of the workspace server inside Electron's utilityProcess (bundled to dist/electron/server.cjs).
 * It waits on `process.parentPort` for main's `start` message, which carries the per-launch secret
 * (the secret never travels through argv, env or a file: security-bar L-03), starts the server on
 * an ephemeral loopback port and answers `ready` with that port. `stop` closes it cleanly.
 *
 * electron/server never imports 'electron' (layering), so the parentPort shape is declared here and
 * the message schema is this file's own copy of electron/main/server-messages.ts; a unit test
 * checks that the two agree.
 */
import { z } from 'zod';
import { region, type Region } from '../../shared/amigo/regions';

/** The part of Electron's ParentPort this entry uses (a global of utility processes only). */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

const startConfig = z.strictObject({
  dataDir: z.string().min(1),
  port: z.number().int().min(0).max(65_535).optional(),
  backendUrl: z.url().optional(),
  issuer: z.url().optional(),
  clientId: z.string().min(1).max(200).optional(),
  allowedOrigins: z.array(z.string().min(1)).min(1),
  rendererDir: z.string().min(1).optional(),
  demo: z.boolean().optional(),
  idleLockSeconds: z.number().int().min(10).max(86_400).optional(),
  regionApiOrigins: z.record(z.string().max(32), z.url()).optional(),
});

export const serverInboundMessage = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('start'),
    secret: z.string().regex(/^[A-Za-z0-9_-]{32,128}$/),
    config: startConfig,
  }),
  z.strictObject({ type: z.literal('stop') }),
]);
export type ServerInboundMessage = z.infer<typeof serverInboundMessage>;

export type ServerOutboundMessage =
  { type: 'ready'; port: number } | { type: 'error'; message: string } | { type: 'secret-rotated'; secret: string };

export function parseInboundMessage(raw: unknown): ServerInboundMessage | null {
  const parsed = serverInboundMessage.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** Startup errors only, trimmed: no stack traces over the port, nothing that could carry data. */
export function startupErrorMessage(error: unknown): ServerOutboundMessage {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : 'Unknown error';
  return { type: 'error', message: text.slice(0, 500) };
}

interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** Wires one parent port to one server. Exported so it can be driven by a fake port in tests. */
export function serveParentPort(
  port: ParentPortLike,
  start: (message: Extract<ServerInboundMessage, { type: 'start' }>) => Promise<RunningServer>,
  exit: (code: number) => void,
): void {
  let phase: 'waiting' | 'starting' | 'running' | 'stopping' = 'waiting';
  let server: RunningServer | null = null;
  let stopRequested = false;

  async function stop(): Promise<void> {
    phase = 'stopping';
    try {
      await server?.close();
      exit(0);
    } catch {
      exit(1);
    }
  }

  port.on('message', (event) => {
    const message = parseInboundMessage(event.data);
    if (message === null) {
      console.warn('[utility-entry] ignored a malformed message from main');
      return;
    }
    if (message.type === 'stop') {
      if (phase === 'starting') stopRequested = true;
      else if (phase !== 'stopping') void stop();
      return;
    }
    if (phase !== 'waiting') {
      // One server per process: a second start is a bug in main, never a reason to rebind.
      console.warn('[utility-entry] ignored a second start message');
      return;
    }
    phase = 'starting';
    start(message)
      .then((running) => {
        server = running;
        phase = 'running';
        if (stopRequested) {
          void stop();
          return;
        }
        port.postMessage({ type: 'ready', port: running.port } satisfies ServerOutboundMessage);
      })
      .catch((error: unknown) => {
        console.error('[utility-entry] the workspace server failed to start', error);
        port.postMessage(startupErrorMessage(error));
        exit(1);
      });
  });
}

/** Keeps only the region codes Attest knows; an unknown one is ignored rather than trusted. */
function knownRegionOrigins(input: Record<string, string>): Partial<Record<Region, string>> {
  const out: Partial<Record<Region, string>> = {};
  for (const [key, origin] of Object.entries(input)) {
    const parsed = region.safeParse(key);
    if (parsed.success) out[parsed.data] = origin;
  }
  return out;
}

const parentPort = (process as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort;
if (parentPort) {
  // The process lives exactly as long as main wants it (stop message, kill, or main's own exit).
  // Electron does not document whether a parentPort listener alone keeps the event loop alive,
  // and packaged utility processes have been seen to exit early (electron/electron#42978), so
  // hold it open explicitly rather than race the start message.
  setInterval(() => undefined, 1 << 30);
  serveParentPort(
    parentPort,
    async ({ secret, config }) => {
      // Loaded only once a start message arrived, and only in the utility process: importing this
      // file (tests) does not open databases or sockets.
      const { startWorkspaceServer } = await import('./index');
      const { regionApiOrigins, ...rest } = config;
      return startWorkspaceServer({
        secret,
        ...rest,
        ...(regionApiOrigins ? { regionApiOrigins: knownRegionOrigins(regionApiOrigins) } : {}),
        // The new secret goes back to main over the same port it came from, never anywhere else.
        onSecretRotated: (next) =>
          parentPort.postMessage({ type: 'secret-rotated', secret: next } satisfies ServerOutboundMessage),
      });
    },
    (code) => process.exit(code),
  );
}
