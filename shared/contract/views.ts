/** Shapes the local API answers with: what the renderer shows. Never tokens, never secrets. */
import { z } from 'zod';
import { role } from '../amigo/roles';
import { region } from '../amigo/regions';

export const sessionStatus = z.enum(['signed-out', 'signing-in', 'signed-in', 'locked']);
export type SessionStatus = z.infer<typeof sessionStatus>;

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
