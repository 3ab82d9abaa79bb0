/** `GET /v1/{workspace_id}/calls/{call_id}`: the transcript behind a review item (session_id = call id). */
import { callDetail } from '../../../shared/amigo';
import { notFound } from '../http/errors';
import { str } from '../http/params';
import { auditRead } from './audit-read';
import { shape } from './shape';
import type { ApiDeps, RouteDef } from './types';
import { ok } from './types';

export function callRoutes(deps: ApiDeps): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/v1/{workspace_id}/calls/{call_id}',
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => {
        const { path } = ctx.input({ path: { call_id: str() } });
        const call = deps.store.settings.call(ctx.workspaceId, path.call_id);
        if (call === null) throw notFound('Call not found');
        if (deps.options.auditReads)
          deps.store.audit.insert(
            auditRead(ctx, 'calls', 'call.transcript.read', 'call', String(call['id']), deps.now()),
          );
        return ok(shape(callDetail, call));
      },
    },
  ];
}
