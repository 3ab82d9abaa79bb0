/** `GET /v1/{workspace_id}/events/stream`: the workspace's SSE stream (stream/hub.ts). */
import type { ApiDeps, RouteDef } from './types';
import { STREAMING } from './types';

export function eventRoutes(deps: ApiDeps): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/v1/{workspace_id}/events/stream',
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => {
        const last = ctx.req.headers['last-event-id'];
        deps.hub.attach(ctx.workspaceId, ctx.res, typeof last === 'string' ? last : undefined);
        return STREAMING;
      },
    },
  ];
}
