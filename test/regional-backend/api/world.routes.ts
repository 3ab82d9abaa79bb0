/** `/v1/{workspace_id}/world/*`: entities, timelines, enrichment, merges, lineage, outbound sync. */
import {
  enrichmentHistory,
  enrichmentValues,
  entity,
  entityList,
  entityTimeline,
  lineage,
  mergedEntities,
  provenance,
  SYNC_STATUSES,
  syncBySink,
  syncEvents,
  syncQueue,
} from '../../../shared/amigo';
import { notFound } from '../http/errors';
import { enumOf, int, optBool, optStr, optUuid, str, strList, uuid } from '../http/params';
import type { JsonObject } from '../store/values';
import { auditRead } from './audit-read';
import { lineageOf, provenanceOf } from './lineage';
import { offsetPage, shape } from './shape';
import type { ApiCtx, ApiDeps, RouteDef } from './types';
import { ok } from './types';

const BASE = '/v1/{workspace_id}/world';
const ENTITY = `${BASE}/entities/{entity_id}`;
const entityPath = { entity_id: uuid() };
const offset = int({ default: 0, ge: 0 });

export function worldRoutes(deps: ApiDeps): RouteDef[] {
  const { store } = deps;
  const getEntity = (ctx: ApiCtx, id: string): JsonObject => {
    const e = store.world.entityJson(ctx.workspaceId, id);
    if (e === null) throw notFound('Entity not found');
    return e;
  };

  return [
    {
      method: 'GET',
      path: `${BASE}/entities`,
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => {
        const { query: q } = ctx.input({
          query: {
            entity_type: strList(),
            q: optStr(),
            limit: int({ default: 20, ge: 1, le: 100 }),
            offset,
            has_projection: optBool(),
            source: optStr(),
            source_system: optStr(),
            semantic: optStr({ maxLength: 500 }),
            tags: strList(),
          },
        });
        // No embeddings here: `semantic` falls back to the substring search of `q`.
        const { entities, total } = store.world.listEntities(ctx.workspaceId, {
          entityTypes: q.entity_type,
          q: q.q ?? q.semantic,
          hasProjection: q.has_projection,
          source: q.source,
          sourceSystem: q.source_system,
          tags: q.tags,
          limit: q.limit,
          offset: q.offset,
        });
        return ok(shape(entityList, { entities, ...offsetPage(entities.length, total, q.offset) }));
      },
    },
    {
      method: 'GET',
      path: ENTITY,
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => {
        const { path } = ctx.input({ path: entityPath });
        const e = getEntity(ctx, path.entity_id);
        if (deps.options.auditReads)
          store.audit.insert(auditRead(ctx, 'world', 'entity.read', 'entity', path.entity_id, deps.now()));
        return ok(shape(entity, e));
      },
    },
    {
      method: 'GET',
      path: `${ENTITY}/timeline`,
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => {
        const { path, query } = ctx.input({
          path: entityPath,
          query: { domain: optStr(), limit: int({ default: 50, ge: 1, le: 200 }), offset },
        });
        getEntity(ctx, path.entity_id);
        const { events, total } = store.world.timeline(path.entity_id, query.domain, query.limit, query.offset);
        return ok(
          shape(entityTimeline, {
            entity_id: path.entity_id,
            events,
            ...offsetPage(events.length, total, query.offset),
          }),
        );
      },
    },
    {
      method: 'GET',
      path: `${ENTITY}/enrichment`,
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => {
        const { path, query } = ctx.input({
          path: entityPath,
          query: { limit: int({ default: 200, ge: 1, le: 500 }), offset },
        });
        getEntity(ctx, path.entity_id);
        return ok(
          shape(enrichmentValues, {
            entity_id: path.entity_id,
            values: store.world.enrichmentValues(path.entity_id, query.limit, query.offset),
          }),
        );
      },
    },
    {
      method: 'GET',
      path: `${ENTITY}/enrichment/{key}/history`,
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => {
        const { path, query } = ctx.input({
          path: { ...entityPath, key: str({ minLength: 1, maxLength: 128, pattern: /^[a-z0-9][a-z0-9_-]*$/ }) },
          query: { limit: int({ default: 50, ge: 1, le: 200 }) },
        });
        getEntity(ctx, path.entity_id);
        return ok(
          shape(enrichmentHistory, {
            entity_id: path.entity_id,
            key: path.key,
            history: store.world.enrichmentHistory(path.entity_id, path.key, query.limit),
          }),
        );
      },
    },
    {
      method: 'GET',
      path: `${ENTITY}/merged`,
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => {
        const { path } = ctx.input({ path: entityPath });
        getEntity(ctx, path.entity_id);
        const linked = store.world.merged(ctx.workspaceId, path.entity_id);
        return ok(shape(mergedEntities, { entity_id: path.entity_id, linked_entities: linked, total: linked.length }));
      },
    },
    {
      method: 'GET',
      path: `${ENTITY}/lineage`,
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => {
        const { path } = ctx.input({ path: entityPath });
        return ok(shape(lineage, lineageOf(store, ctx.workspaceId, getEntity(ctx, path.entity_id), deps.now())));
      },
    },
    {
      method: 'GET',
      path: `${ENTITY}/provenance`,
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => {
        const { path } = ctx.input({ path: entityPath });
        return ok(shape(provenance, provenanceOf(store, ctx.workspaceId, getEntity(ctx, path.entity_id), deps.now())));
      },
    },
    {
      method: 'GET',
      path: `${BASE}/sync/by-sink`,
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => ok(shape(syncBySink, { sinks: store.sync.bySink(ctx.workspaceId) })),
    },
    {
      method: 'GET',
      path: `${BASE}/sync/queue`,
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => ok(shape(syncQueue, store.sync.queueSummary(ctx.workspaceId))),
    },
    {
      method: 'GET',
      path: `${BASE}/sync/events`,
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => {
        const { query: q } = ctx.input({
          query: {
            status: enumOf(SYNC_STATUSES),
            data_source_id: optUuid(),
            source_system: optStr(),
            fhir_resource_type: optStr(),
            fhir_resource_id: optStr(),
            limit: int({ default: 50, ge: 1, le: 200 }),
            offset,
          },
        });
        const { events, total } = store.sync.events(
          ctx.workspaceId,
          {
            status: q.status,
            dataSourceId: q.data_source_id,
            sourceSystem: q.source_system,
            fhirResourceType: q.fhir_resource_type,
            fhirResourceId: q.fhir_resource_id,
          },
          q.limit,
          q.offset,
        );
        return ok(shape(syncEvents, { events, ...offsetPage(events.length, total, q.offset) }));
      },
    },
  ];
}
