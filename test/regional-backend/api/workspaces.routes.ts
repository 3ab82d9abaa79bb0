/** Workspaces, the caller's identity (`/v1/auth/me`) and memberships (`/self/profile`). */
import { authInfo, selfProfile, workspace, workspacePage } from '../../../shared/amigo';
import { personBySub, workspaceById } from '../directory';
import { forbidden, notFound } from '../http/errors';
import { uuid } from '../http/params';
import { isoOf } from '../store/values';
import { continuationPage, continuationQuery, shape } from './shape';
import type { ApiCtx, ApiDeps, RouteDef } from './types';
import { ok } from './types';

export function workspaceRoutes(deps: ApiDeps): RouteDef[] {
  const served = (id: string) => {
    const ws = deps.store.settings.workspace(id);
    return ws !== null && ws['region'] === deps.region ? ws : null;
  };
  /** The caller's memberships that this region serves (the token's own workspace included). */
  const visibleIds = (ctx: ApiCtx): string[] => {
    const person = personBySub(ctx.claims.sub);
    const ids = new Set([ctx.claims.workspaceId, ...(person?.memberships.map((m) => m.workspaceId) ?? [])]);
    return [...ids].filter((id) => served(id) !== null);
  };

  return [
    {
      method: 'GET',
      path: '/v1/workspaces',
      scope: 'token',
      access: 'read',
      handler: (ctx) => {
        const { query } = ctx.input({ query: continuationQuery });
        const offset = Math.max(0, query.continuation_token);
        const ids = visibleIds(ctx);
        const items = ids.slice(offset, offset + query.limit).map((id) => served(id));
        return ok(shape(workspacePage, continuationPage(items, ids.length, offset)));
      },
    },
    {
      method: 'GET',
      path: '/v1/workspaces/{workspace_id}',
      scope: 'token',
      access: 'read',
      handler: (ctx) => {
        const { path } = ctx.input({ path: { workspace_id: uuid() } });
        const ws = served(path.workspace_id);
        if (ws === null) throw notFound('Workspace not found');
        if (!visibleIds(ctx).includes(path.workspace_id)) throw forbidden('Insufficient permissions');
        return ok(shape(workspace, ws));
      },
    },
    {
      method: 'GET',
      path: '/v1/auth/me',
      scope: 'token',
      access: 'read',
      handler: (ctx) => {
        // A JWT caller has no API key: its credential is its subject, which is also what a claim
        // puts in `assigned_to`, so a client can recognise its own claims.
        const person = personBySub(ctx.claims.sub);
        return ok(
          shape(authInfo, {
            key_id: ctx.claims.sub,
            name: person?.name ?? null,
            workspace_id: ctx.claims.workspaceId,
            expires_at: isoOf(ctx.claims.exp * 1000),
            expires_in_seconds: Math.max(0, Math.floor(ctx.claims.exp - deps.now() / 1000)),
          }),
        );
      },
    },
    {
      method: 'GET',
      path: '/self/profile',
      scope: 'token',
      access: 'read',
      handler: (ctx) => {
        // Every membership in every region: the identity service is global, data is not.
        const person = personBySub(ctx.claims.sub);
        const memberships = person?.memberships ?? [{ workspaceId: ctx.claims.workspaceId, role: ctx.claims.role }];
        return ok(
          shape(selfProfile, {
            sub: ctx.claims.sub,
            email: person?.email ?? null,
            name: person?.name ?? null,
            workspaces: memberships.map((m) => {
              const ws = workspaceById(m.workspaceId);
              const override = deps.store.settings.roleOverride(m.workspaceId, ctx.claims.sub);
              return {
                workspace_id: m.workspaceId,
                role: override ?? m.role,
                name: ws?.name ?? null,
                ...(ws === undefined ? {} : { region: ws.region }),
              };
            }),
          }),
        );
      },
    },
  ];
}
