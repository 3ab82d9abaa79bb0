/**
 * What the workspace server needs to start. The launcher (browser mode: electron/cli.ts; desktop:
 * the utility-process entry) fills it in; nothing here is read from the environment directly, so
 * tests can start many servers side by side.
 */
import type { Region } from '../../shared/amigo/regions';

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
  /** How long an unsent decision can be undone before it is sent (default 10 s; 0 sends at once). */
  undoWindowMs?: number;
  /** Automatic logoff after this many seconds without activity (HIPAA §164.312(a)(2)(iii)). */
  idleLockSeconds?: number;
  /**
   * API host per region, overriding the Amigo hosts (custom deployments, the two-region demo and
   * tests). A region without an entry uses the configured backend, or else its Amigo host.
   */
  regionApiOrigins?: Partial<Record<Region, string>>;
  /**
   * Desktop: called with the new per-launch secret after sign-out rotated it, so main can hand it
   * to the renderer. Browser mode needs none (the sign-out answer re-sets the cookie). Without
   * either, the secret is not rotated (the renderer would be locked out of its own server).
   */
  onSecretRotated?: (secret: string) => void;
}

/** HIPAA automatic logoff default: 15 minutes. */
export const DEFAULT_IDLE_LOCK_SECONDS = 15 * 60;

export const DEFAULT_CLIENT_ID = 'attest-desktop';
/** The scopes Attest asks for: identity, and a refresh token for offline work. */
export const SIGN_IN_SCOPE = 'openid profile email offline_access';
