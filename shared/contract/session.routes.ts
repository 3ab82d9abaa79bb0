/** Local API: the app's health and the person's session. */
import { z } from 'zod';
import { route } from './define';
import { sessionView } from './views';

export const sessionContract = {
  health: route({
    method: 'GET',
    path: '/api/health',
    access: 'public',
    response: z.object({ ok: z.literal(true), version: z.string() }),
  }),
  session: route({ method: 'GET', path: '/api/session', access: 'public', response: sessionView }),
  /** Starts the browser sign-in: answers the identity provider URL the page should open. */
  signInStart: route({
    method: 'POST',
    path: '/api/auth/sign-in',
    access: 'public',
    response: z.object({ authorizationUrl: z.string() }),
  }),
  signOut: route({ method: 'POST', path: '/api/auth/sign-out', access: 'public', response: sessionView }),
} as const;
