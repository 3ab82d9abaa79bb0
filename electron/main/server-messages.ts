/**
 * The messages main and the workspace server exchange over the utility process's MessagePort
 * (`child.postMessage` ↔ `process.parentPort`). The per-launch secret travels here and only here:
 * never argv, never the environment, never a file (security-bar L-03).
 *
 * electron/server may not import from electron/main (layering), so utility-entry.ts keeps its own
 * copy of the "to server" schema; test/unit/electron/server-messages.test.ts proves the two agree.
 * Everything that crosses the port is parsed with zod on arrival, in both directions.
 */
import { z } from 'zod';

/** base64url of 32 random bytes = 43 characters; bounds keep a broken value from passing. */
export const serverSecret = z.string().regex(/^[A-Za-z0-9_-]{32,128}$/, 'secret must be base64url, 32–128 chars');

export const serverStartConfig = z.strictObject({
  dataDir: z.string().min(1),
  port: z.number().int().min(0).max(65_535).optional(),
  backendUrl: z.url().optional(),
  issuer: z.url().optional(),
  /** OIDC client id; the server has a default (attest-desktop). */
  clientId: z.string().min(1).max(200).optional(),
  /** Origins whose requests the server accepts (Origin header check, L-04): `app://attest` on desktop. */
  allowedOrigins: z.array(z.string().min(1)).min(1),
  rendererDir: z.string().min(1).optional(),
  demo: z.boolean().optional(),
  /** HIPAA automatic logoff after this many idle seconds (default 15 minutes). */
  idleLockSeconds: z.number().int().min(10).max(86_400).optional(),
  /** API host per region for custom deployments (region code → origin). */
  regionApiOrigins: z.record(z.string().max(32), z.url()).optional(),
});
export type ServerStartConfig = z.infer<typeof serverStartConfig>;

export const toServerMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('start'), secret: serverSecret, config: serverStartConfig }),
  /** Graceful shutdown: close the HTTP server and the database, then exit. */
  z.strictObject({ type: z.literal('stop') }),
]);
export type ToServerMessage = z.infer<typeof toServerMessage>;

export const fromServerMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), port: z.number().int().min(1).max(65_535) }),
  /** Start failed; the process exits right after. `message` carries no PHI (startup errors only). */
  z.strictObject({ type: z.literal('error'), message: z.string().max(2000) }),
  /**
   * Sign-out (and lock) rotated the per-launch secret: main hands the new one to the preload, so
   * the renderer keeps working and whoever held the old one is locked out.
   */
  z.strictObject({ type: z.literal('secret-rotated'), secret: serverSecret }),
]);
export type FromServerMessage = z.infer<typeof fromServerMessage>;

export function startMessage(secret: string, config: ServerStartConfig): ToServerMessage {
  // Parse on the way out too: a bad config is a bug in main, better caught here than in the child.
  return toServerMessage.parse({ type: 'start', secret, config });
}

export const STOP_MESSAGE: ToServerMessage = Object.freeze({ type: 'stop' });

/** Null for anything that is not a well-formed message; the caller logs and ignores it. */
export function parseFromServerMessage(raw: unknown): FromServerMessage | null {
  const parsed = fromServerMessage.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** The base URL the renderer uses for a ready server: always the IPv4 loopback literal (L-01). */
export function serverBaseUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}
