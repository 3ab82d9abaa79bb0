/**
 * Local API: the app's health and the person's session: sign-in (browser or device code), the
 * workspace picker, activity for the idle lock, lock and sign-out. Tokens never cross this API.
 */
import { z } from 'zod';
import { route } from './define';
import { sessionView } from './views';

/**
 * Where to sign in: one of the session's `targets` by id, or a server address for a custom
 * deployment (https, or http on loopback only). Neither: the configured or last used target.
 */
export const signInRequest = z
  .strictObject({
    targetId: z.string().min(1).max(64).optional(),
    server: z.string().min(1).max(2048).optional(),
  })
  .refine((r) => r.targetId === undefined || r.server === undefined, {
    message: 'Give either a target or a server address, not both.',
  });
export type SignInRequest = z.infer<typeof signInRequest>;

export const sessionContract = {
  health: route({
    method: 'GET',
    path: '/api/health',
    access: 'public',
    response: z.object({ ok: z.literal(true), version: z.string() }),
  }),
  session: route({ method: 'GET', path: '/api/session', access: 'public', response: sessionView }),
  /** Starts the browser sign-in (or the unlock): answers the identity provider URL to open. */
  signInStart: route({
    method: 'POST',
    path: '/api/auth/sign-in',
    access: 'public',
    body: signInRequest,
    response: z.object({ authorizationUrl: z.string() }),
  }),
  /** Starts a device-code sign-in (RFC 8628): the session's `pending` then shows the code to enter. */
  deviceSignInStart: route({
    method: 'POST',
    path: '/api/auth/device',
    access: 'public',
    body: signInRequest,
    response: sessionView,
  }),
  /** Abandons a sign-in in progress (browser or device). */
  signInCancel: route({ method: 'POST', path: '/api/auth/cancel', access: 'public', response: sessionView }),
  signOut: route({ method: 'POST', path: '/api/auth/sign-out', access: 'public', response: sessionView }),
  /** Opens (or switches to) one of the person's workspaces: its region's host and its own database. */
  chooseWorkspace: route({
    method: 'POST',
    path: '/api/session/workspace',
    access: 'public',
    body: z.strictObject({ workspaceId: z.string().regex(/^[0-9a-fA-F-]{36}$/, 'Not a workspace id.') }),
    response: sessionView,
  }),
  /**
   * The person did something (key, pointer, scroll) in the app: postpones the idle lock. Only
   * this counts: the app's own polling is not a person at the keyboard.
   */
  sessionActivity: route({
    method: 'POST',
    path: '/api/session/activity',
    access: 'session',
    response: z.object({ idleLockAt: z.string() }),
  }),
  /** Locks now (the person steps away): PHI is hidden until they sign in again. */
  lockNow: route({ method: 'POST', path: '/api/session/lock', access: 'public', response: sessionView }),
} as const;
