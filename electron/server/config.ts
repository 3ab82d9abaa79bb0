/**
 * What the workspace server needs to start. The launcher (browser mode: electron/cli.ts; desktop:
 * the utility-process entry) fills it in; nothing here is read from the environment directly, so
 * tests can start many servers side by side.
 */
export interface ServerOptions {
  /** The per-launch secret the renderer must present (architecture.md §4). */
  secret: string;
  /** Where the encrypted workspace databases live. */
  dataDir: string;
  /** 0 (default) lets the OS pick an ephemeral port. */
  port?: number;
  /** A fixed API origin (demo simulator, a custom deployment). Without it, the region's host. */
  backendUrl?: string;
  /** The OpenID provider's issuer URL. */
  issuer?: string;
  clientId?: string;
  /** Origins allowed to call the API besides the server's own (desktop: `app://attest`). */
  allowedOrigins?: string[];
  /** The built renderer, served in browser mode. */
  rendererDir?: string;
  /** True when the launcher started the bundled simulator: the UI says "Demo backend". */
  demo?: boolean;
  /** Use an in-memory secret store even if an OS keychain is reachable (tests). */
  forceMemoryKeychain?: boolean;
  /** Seconds between background pulls while signed in. */
  pollIntervalSeconds?: number;
}

export const DEFAULT_CLIENT_ID = 'attest-desktop';
/** The scopes Attest asks for: identity, and a refresh token for offline work. */
export const SIGN_IN_SCOPE = 'openid profile email offline_access';
