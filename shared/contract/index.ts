/**
 * The local workspace API: every route the renderer may call, with its query, body and response
 * schemas, one file per domain (`<domain>.routes.ts`). Requests are parsed with `z.strictObject`
 * (a closed world); responses are parsed by the renderer too, so a server bug surfaces as a
 * clear error instead of a broken screen. Route names must be unique across domains.
 */
import type { z } from 'zod';
import { auditContract } from './audit.routes';
import { accessContract, decisionsContract } from './decisions.routes';
import { lineageContract } from './lineage.routes';
import { reviewContract } from './review.routes';
import { sessionContract } from './session.routes';
import { syncContract } from './sync.routes';

export * from './define';
export * from './views';
export * from './decisions.routes';

export const routes = {
  ...sessionContract,
  ...syncContract,
  ...reviewContract,
  ...lineageContract,
  ...decisionsContract,
  ...accessContract,
  ...auditContract,
} as const;

export type Routes = typeof routes;
export type RouteName = keyof Routes;
export type RouteQuery<N extends RouteName> = z.input<Routes[N]['query']>;
export type RouteBody<N extends RouteName> = z.input<Routes[N]['body']>;
export type RouteResponse<N extends RouteName> = z.output<Routes[N]['response']>;
