/**
 * The local workspace API: every route the renderer may call, with its query, body and response
 * schemas. Requests are parsed with `z.strictObject` (a closed world); responses are parsed by
 * the renderer too, so a server bug surfaces as a clear error instead of a broken screen.
 */
import { z } from 'zod';
import { route } from './define';
import { reviewSummaryView, sessionView, syncStatusView } from './views';

export * from './define';
export * from './views';

export const routes = {
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
  reviewSummary: route({
    method: 'GET',
    path: '/api/review/summary',
    access: 'session',
    response: reviewSummaryView,
  }),
  syncStatus: route({ method: 'GET', path: '/api/sync/status', access: 'session', response: syncStatusView }),
  syncNow: route({ method: 'POST', path: '/api/sync/now', access: 'session', response: syncStatusView }),
} as const;

export type Routes = typeof routes;
export type RouteName = keyof Routes;
export type RouteQuery<N extends RouteName> = z.input<Routes[N]['query']>;
export type RouteBody<N extends RouteName> = z.input<Routes[N]['body']>;
export type RouteResponse<N extends RouteName> = z.output<Routes[N]['response']>;
