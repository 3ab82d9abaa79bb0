/** Every API route of the simulator, in one table. */
import { auditRoutes } from './audit.routes';
import { callRoutes } from './calls.routes';
import { eventRoutes } from './events.routes';
import { reviewQueueRoutes } from './review-queue.routes';
import { settingsRoutes } from './settings.routes';
import type { ApiDeps, RouteDef } from './types';
import { workspaceRoutes } from './workspaces.routes';
import { worldRoutes } from './world.routes';

export function apiRoutes(deps: ApiDeps): RouteDef[] {
  return [
    ...workspaceRoutes(deps),
    ...reviewQueueRoutes(deps),
    ...worldRoutes(deps),
    ...callRoutes(deps),
    ...auditRoutes(deps),
    ...settingsRoutes(deps),
    ...eventRoutes(deps),
  ];
}
