/** Shapes the local API answers with: what the renderer shows. Never tokens, never secrets. */
import { z } from 'zod';
import { role } from '../amigo/roles';
import { region } from '../amigo/regions';

/**
 * `choosing-workspace`: signed in, the person picks one of their workspaces. `locked`: idle lock,
 * a manual lock, or the identity provider ended the session; PHI is hidden until they sign in again.
 */
export const sessionStatus = z.enum(['signed-out', 'signing-in', 'choosing-workspace', 'signed-in', 'locked']);
export type SessionStatus = z.infer<typeof sessionStatus>;

/** Why the app is locked: inactivity (HIPAA automatic logoff), the person's own "Lock", or a revoked session. */
export const lockReason = z.enum(['idle', 'manual', 'session-ended']);
export type LockReason = z.infer<typeof lockReason>;

/** Where a person can sign in: the configured server (demo, custom deployment) or an Amigo region. */
export const signInTargetView = z.object({
  id: z.string(),
  label: z.string(),
  kind: z.enum(['configured', 'region', 'custom']),
  apiUrl: z.string(),
  issuer: z.string(),
  /** The Amigo region of a region target; null for a server. */
  region: region.nullable(),
  demo: z.boolean(),
});
export type SignInTargetView = z.infer<typeof signInTargetView>;

/** One of the person's workspaces, as the picker lists it. */
export const workspaceChoiceView = z.object({
  id: z.string(),
  name: z.string(),
  /** The workspace's region as the identity service reports it (null when it did not say). */
  region: z.string().nullable(),
  role: role.nullable(),
  /** False when Attest knows no API host for the region, or the role is unknown: it cannot be opened. */
  available: z.boolean(),
});
export type WorkspaceChoiceView = z.infer<typeof workspaceChoiceView>;

/** A sign-in in progress: the browser round trip, a device code to enter, or a resumed session. */
export const pendingSignInView = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('browser') }),
  z.object({
    kind: z.literal('device'),
    userCode: z.string(),
    verificationUri: z.string(),
    verificationUriComplete: z.string().nullable(),
    expiresAt: z.string(),
  }),
  z.object({ kind: z.literal('resuming') }),
  z.object({ kind: z.literal('opening-workspace'), workspaceId: z.string() }),
]);
export type PendingSignInView = z.infer<typeof pendingSignInView>;

export const sessionView = z.object({
  status: sessionStatus,
  /** Where the app connects: the regional backend (or demo simulator) and the identity provider. */
  backend: z.object({
    apiUrl: z.string(),
    issuer: z.string(),
    /** True when `npm start` launched the bundled simulator: the UI says "Demo backend". */
    demo: z.boolean(),
  }),
  /** `os`: secrets in the OS keychain; `memory`: no keychain reachable, nothing survives exit. */
  keychain: z.enum(['os', 'memory']),
  user: z.object({ sub: z.string(), name: z.string().nullable(), email: z.string().nullable() }).nullable(),
  workspace: z.object({ id: z.string(), name: z.string(), region, role }).nullable(),
  /** The last sign-in failure, said as a sentence, until the next attempt. */
  lastError: z.string().nullable(),
  lockReason: lockReason.nullable(),
  pending: pendingSignInView.nullable(),
  /** Where the person may sign in, and the one chosen last (or configured). */
  targets: z.array(signInTargetView),
  targetId: z.string().nullable(),
  /** The person's workspaces (while choosing one, and while signed in, for switching). */
  workspaces: z.array(workspaceChoiceView),
  /** Automatic logoff after this many seconds without activity reported by the app. */
  idleLockSeconds: z.number().int().positive(),
  /** `dpop`: tokens are bound to a key only this device holds (RFC 9449). */
  tokenBinding: z.enum(['dpop', 'bearer']).nullable(),
});
export type SessionView = z.infer<typeof sessionView>;

export const streamStatus = z.object({
  stream: z.string(),
  lastSuccessAt: z.string().nullable(),
  lastError: z.string().nullable(),
  running: z.boolean(),
  /** Records stored for this stream so far. */
  count: z.number().int().nonnegative(),
  /** Expected total during a pull, when the API tells it. */
  total: z.number().int().nonnegative().nullable(),
});
export type StreamStatus = z.infer<typeof streamStatus>;

export const syncStatusView = z.object({
  online: z.boolean(),
  lastCompleteSyncAt: z.string().nullable(),
  streams: z.array(streamStatus),
  outbox: z.object({
    pendingByKind: z.record(z.string(), z.number().int().nonnegative()),
    quarantined: z.number().int().nonnegative(),
  }),
});
export type SyncStatusView = z.infer<typeof syncStatusView>;

export const reviewSummaryView = z.object({
  pending: z.number().int().nonnegative(),
  inProgress: z.number().int().nonnegative(),
  /** Time of the last successful pull of the review queue, or null before the first one. */
  asOf: z.string().nullable(),
});
export type ReviewSummaryView = z.infer<typeof reviewSummaryView>;
