/**
 * /__sim/*: the simulator's TEST-ONLY admin surface. It exists for tests, benchmarks and the demo
 * harness; the real Amigo API has nothing like it. It answers loopback callers only (the pipeline
 * checks the peer address; the server binds 127.0.0.1 anyway) and needs no token.
 */
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import { role as roleSchema, uuid as uuidSchema } from '../../../shared/amigo';
import { checkExportSignature } from '../api/audit.routes';
import { sendJson } from '../api/pipeline';
import { reviewItemsView } from '../store/review-view';
import type { ApiDeps } from '../api/types';
import { datasetFile } from '../dataset';
import { parseJsonBody, readBody } from '../http/body';
import { HttpError, ValidationError } from '../http/errors';
import type { RateLimiter } from '../http/rate-limit';
import { createRouter } from '../http/router';
import { withBulkLoad } from '../store';
import { parseObject } from '../store/values';
import { toEntityEvent } from '../store/world.store';
import type { EventRow } from '../store/world.store';
import type { FaultController } from './faults';
import { faultRuleInput } from './faults';
import type { RequestLog } from './request-log';

export interface AdminParts {
  deps: ApiDeps;
  faults: FaultController;
  log: RequestLog;
  rateLimiter: RateLimiter;
  issuer: () => string;
  /** Mints a real access token (absent when this instance trusts a remote identity provider). */
  issueToken?: ((sub: string, workspaceId: string) => Promise<string>) | undefined;
}

interface AdminCtx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  body<S extends z.ZodType>(schema: S): Promise<z.output<S>>;
}

interface AdminRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handler(ctx: AdminCtx): unknown;
}

const rateLimitBody = z.object({
  limit: z.number().int().positive(),
  windowMs: z.number().int().positive(),
  routes: z
    .record(z.string(), z.object({ limit: z.number().int().positive(), windowMs: z.number().int().positive() }))
    .optional(),
});

/** Returned by a handler that wrote the response itself. */
const STREAMED = Symbol('streamed');

const storedEvent = (e: EventRow) => ({ ...e, raw: parseObject(e.raw), api: toEntityEvent(e) });

export function createAdmin(parts: AdminParts): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const { deps, faults, log, rateLimiter } = parts;
  const { store } = deps;

  const routes: AdminRoute[] = [
    {
      method: 'GET',
      path: '/__sim/health',
      handler: () => ({ ok: true, region: deps.region, url: deps.origin(), issuer: parts.issuer() }),
    },
    {
      method: 'GET',
      path: '/__sim/requests',
      handler: ({ url }) => {
        const q = url.searchParams;
        const status = q.get('status');
        const requests = log.entries({
          method: q.get('method') ?? undefined,
          pathPrefix: q.get('path_prefix') ?? undefined,
          route: q.get('route') ?? undefined,
          status: status === null ? undefined : Number(status),
        });
        return { total: requests.length, requests };
      },
    },
    {
      method: 'DELETE',
      path: '/__sim/requests',
      handler: () => {
        const cleared = log.count();
        log.reset();
        return { cleared };
      },
    },
    { method: 'GET', path: '/__sim/faults', handler: () => ({ faults: faults.list() }) },
    {
      method: 'POST',
      path: '/__sim/faults',
      handler: async (ctx) => {
        const body = await ctx.body(z.union([faultRuleInput, z.object({ faults: z.array(faultRuleInput) })]));
        const inputs = 'faults' in body ? body.faults : [body];
        return { faults: inputs.map((f) => faults.add(f)) };
      },
    },
    {
      method: 'DELETE',
      path: '/__sim/faults',
      handler: () => {
        const cleared = faults.list().length;
        faults.clear();
        return { cleared };
      },
    },
    {
      method: 'DELETE',
      path: '/__sim/faults/{id}',
      handler: ({ params }) => ({ removed: faults.remove(params['id'] ?? '') }),
    },
    { method: 'GET', path: '/__sim/rate-limit', handler: () => rateLimiter.current() },
    {
      method: 'PUT',
      path: '/__sim/rate-limit',
      handler: async (ctx) => {
        const body = await ctx.body(rateLimitBody);
        rateLimiter.configure(
          body.routes === undefined
            ? { limit: body.limit, windowMs: body.windowMs }
            : { limit: body.limit, windowMs: body.windowMs, routes: body.routes },
        );
        return rateLimiter.current();
      },
    },
    {
      method: 'POST',
      path: '/__sim/tokens',
      handler: async (ctx) => {
        const body = await ctx.body(z.object({ sub: z.string().min(1), workspace_id: uuidSchema }));
        if (parts.issueToken === undefined) throw new HttpError(501, 'This instance uses a remote identity provider');
        return { access_token: await parts.issueToken(body.sub, body.workspace_id), token_type: 'Bearer' };
      },
    },
    {
      method: 'GET',
      path: '/__sim/state/counts',
      handler: () => {
        const tables = [
          'workspaces',
          'entities',
          'entity_events',
          'review_items',
          'enrichment',
          'merges',
          'calls',
          'sinks',
          'sync_events',
          'audit_events',
          'audit_exports',
        ];
        return Object.fromEntries(
          tables.map((t) => [t, store.db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${t}`).get()?.n ?? 0]),
        );
      },
    },
    {
      method: 'GET',
      path: '/__sim/state/review-items/{id}',
      handler: ({ params }) => {
        const row = store.db
          .prepare<[string], { workspace_id: string }>(`SELECT workspace_id FROM review_items WHERE id = ?`)
          .get(params['id'] ?? '');
        const item = row === undefined ? undefined : store.review.get(row.workspace_id, params['id'] ?? '');
        if (item === undefined) throw new HttpError(404, 'Review item not found');
        const originals = store.world.eventsByIds(store.review.eventIds(item.id));
        const successors = originals.flatMap((e) => store.world.supersededBy(e.id));
        return {
          row: { ...item, raw: parseObject(item.raw) },
          api: reviewItemsView(store, [item])[0],
          events: originals.map(storedEvent),
          corrections: successors.map(storedEvent),
        };
      },
    },
    {
      method: 'GET',
      path: '/__sim/state/events/{id}',
      handler: ({ params }) => {
        const e = store.world.event(params['id'] ?? '');
        if (e === undefined) throw new HttpError(404, 'Event not found');
        return {
          event: storedEvent(e),
          sync: store.sync.forEvent(e.id),
          superseded_by: store.world.supersededBy(e.id).map((s) => s.id),
        };
      },
    },
    {
      method: 'GET',
      path: '/__sim/state/entities/{id}',
      handler: ({ params }) => {
        const id = params['id'] ?? '';
        const ws = store.world.workspaceOfEntity(id);
        const entity = ws === undefined ? null : store.world.entityJson(ws, id);
        if (entity === null) throw new HttpError(404, 'Entity not found');
        return { entity, events: store.world.eventsOfEntity(id).map(storedEvent) };
      },
    },
    {
      method: 'POST',
      path: '/__sim/dataset',
      handler: async (ctx) => {
        // New records mid-test (e.g. a freshly flagged item); same validation as --dataset files.
        const data = await ctx.body(datasetFile);
        const { written } = withBulkLoad(
          store.db,
          (sink) => {
            for (const r of data.workspaces) sink.workspaces(r);
            for (const r of data.entities) sink.entities(r);
            for (const r of data.entity_events) sink.entity_events(r);
            for (const r of data.review_items) sink.review_items(r);
            for (const r of data.enrichment) sink.enrichment(r);
            for (const r of data.merges) sink.merges(r);
            for (const r of data.calls) sink.calls(r);
            for (const r of data.sinks) sink.sinks(r);
            for (const r of data.sync_events) sink.sync_events(r);
            for (const r of data.audit_events) sink.audit_events(r);
            for (const r of data.retention) sink.retention(r);
          },
          { deferIndexes: false },
        );
        return { written };
      },
    },
    {
      method: 'POST',
      path: '/__sim/stream/emit',
      handler: async (ctx) => {
        const body = await ctx.body(
          z.object({
            workspace_id: uuidSchema,
            event: z.string().min(1),
            data: z.record(z.string(), z.unknown()).default({}),
          }),
        );
        return deps.hub.publish(body.workspace_id, body.event, body.data);
      },
    },
    {
      method: 'POST',
      path: '/__sim/stream/end',
      handler: async (ctx) => {
        const body = await ctx.body(z.object({ code: z.enum(['stream_unavailable', 'stream_error']).optional() }));
        return { ended: deps.hub.endAll(body.code) };
      },
    },
    {
      method: 'POST',
      path: '/__sim/members/role',
      handler: async (ctx) => {
        const body = await ctx.body(
          z.object({
            workspace_id: uuidSchema,
            sub: z.string().min(1),
            role: roleSchema,
            previous_role: roleSchema.optional(),
          }),
        );
        const previous = body.previous_role ?? store.settings.roleOverride(body.workspace_id, body.sub) ?? null;
        store.settings.setRoleOverride(body.workspace_id, body.sub, body.role);
        const event = deps.hub.publish(body.workspace_id, 'workspace.member_role_updated', {
          entity_id: body.sub,
          role: body.role,
          previous_role: previous,
        });
        return { event };
      },
    },
    {
      method: 'POST',
      path: '/__sim/sync/settle',
      handler: async (ctx) => {
        const body = await ctx.body(
          z.object({
            workspace_id: uuidSchema,
            status: z.enum(['synced', 'failed']).default('synced'),
            error: z.string().optional(),
          }),
        );
        return {
          updated: store.sync.settle(body.workspace_id, { status: body.status, error: body.error }, deps.now()),
        };
      },
    },
    {
      method: 'GET',
      path: '/__sim/exports/{file}',
      handler: ({ params, url, res }) => {
        const exportId = (params['file'] ?? '').replace(/\.ndjson$/, '');
        const row = store.settings.exportById(exportId);
        if (row === undefined) throw new HttpError(404, 'Export not found');
        if (!checkExportSignature(deps, exportId, url.searchParams.get('expires'), url.searchParams.get('signature'))) {
          throw new HttpError(403, 'Signature does not match or has expired');
        }
        const file = path.join(deps.exportsDir, row.workspace_id, row.file_name);
        res.writeHead(200, {
          'content-type': 'application/x-ndjson',
          'content-length': String(fs.statSync(file).size),
          'cache-control': 'no-store',
        });
        fs.createReadStream(file).pipe(res);
        return STREAMED;
      },
    },
  ];

  const router = createRouter(routes);

  return async (req, res, url) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const match = router.match(method, url.pathname);
    try {
      if (match === undefined) throw new HttpError(404, 'Not Found');
      if (match === 'method') throw new HttpError(405, 'Method Not Allowed');
      const result = await match.route.handler({
        req,
        res,
        url,
        params: match.params,
        body: async (schema) =>
          parseJsonBody(schema, await readBody(req, 256 * 1024 * 1024), req.headers['content-type']),
      });
      if (result !== STREAMED) sendJson(res, 200, result);
    } catch (err) {
      if (err instanceof ValidationError) sendJson(res, 422, { detail: err.issues });
      else if (err instanceof HttpError) sendJson(res, err.status, { detail: err.message });
      else sendJson(res, 500, { detail: err instanceof Error ? err.message : String(err) });
    }
  };
}
