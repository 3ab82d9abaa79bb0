/**
 * `/v1/{workspace_id}/audit*` (admin and owner only, amigo-platform-api.md §6). Exports are written
 * synchronously as NDJSON into the data dir and served from a signed, expiring URL under
 * /__sim/exports/ (standing in for an S3 presigned URL).
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  auditEventsList,
  auditExportList,
  auditExportRequest,
  auditExportResponse,
  auditSummary,
  AUDIT_EXPORTS_MAX_LIMIT,
} from '../../../shared/amigo';
import { HttpError, notFound } from '../http/errors';
import { bool, int, optDateTime, optStr, optUuid, uuid } from '../http/params';
import { auditEventFor } from '../store/audit-writer';
import type { AuditFilters } from '../store/audit.store';
import { isoOf, toMs } from '../store/values';
import { shape } from './shape';
import type { ApiCtx, ApiDeps, RouteDef } from './types';
import { ok } from './types';

const BASE = '/v1/{workspace_id}/audit';
const paging = { limit: int({ default: 50, ge: 1, le: 100 }), offset: int({ default: 0, ge: 0 }) };
const dates = { date_from: optDateTime(), date_to: optDateTime() };
/** Presigned URLs in the real service expire; an hour is plenty for a test or a demo. */
const URL_TTL_SECONDS = 3600;

export function signExportUrl(deps: ApiDeps, exportId: string): string {
  const expires = Math.floor(deps.now() / 1000) + URL_TTL_SECONDS;
  const signature = createHmac('sha256', deps.exportKey).update(`${exportId}:${expires}`).digest('hex');
  return `${deps.origin()}/__sim/exports/${exportId}.ndjson?expires=${expires}&signature=${signature}`;
}

export function checkExportSignature(
  deps: ApiDeps,
  exportId: string,
  expires: string | null,
  signature: string | null,
): boolean {
  if (expires === null || signature === null || Number(expires) * 1000 < deps.now()) return false;
  const expected = createHmac('sha256', deps.exportKey).update(`${exportId}:${expires}`).digest();
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(signature) ? signature : '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function auditRoutes(deps: ApiDeps): RouteDef[] {
  const { store } = deps;
  const list = (ctx: ApiCtx, filters: AuditFilters, limit: number, offset: number) => {
    const { events, total } = store.audit.list(ctx.workspaceId, filters, limit, offset);
    return ok(shape(auditEventsList, { events, total, limit, offset, has_more: offset + events.length < total }));
  };
  const requireExports = (): void => {
    if (!deps.options.auditExportEnabled) throw new HttpError(503, 'Audit export not configured');
  };

  return [
    {
      method: 'GET',
      path: BASE,
      scope: 'workspace',
      access: 'admin',
      handler: (ctx) => {
        const { query: q } = ctx.input({
          query: {
            service: optStr({ maxLength: 64 }),
            action: optStr({ maxLength: 128 }),
            actor_entity_id: optUuid(),
            resource_type: optStr({ maxLength: 64 }),
            resource_id: optUuid(),
            phi_only: bool({ default: false }),
            ...dates,
            ...paging,
          },
        });
        return list(
          ctx,
          {
            service: q.service,
            action: q.action,
            actorEntityId: q.actor_entity_id,
            resourceType: q.resource_type,
            resourceId: q.resource_id,
            phiOnly: q.phi_only,
            dateFrom: q.date_from,
            dateTo: q.date_to,
          },
          q.limit,
          q.offset,
        );
      },
    },
    {
      method: 'GET',
      path: `${BASE}/phi-access`,
      scope: 'workspace',
      access: 'admin',
      handler: (ctx) => {
        const { query: q } = ctx.input({ query: { entity_id: optUuid(), ...dates, ...paging } });
        return list(
          ctx,
          { resourceId: q.entity_id, phiOnly: true, dateFrom: q.date_from, dateTo: q.date_to },
          q.limit,
          q.offset,
        );
      },
    },
    {
      method: 'GET',
      path: `${BASE}/entity/{entity_id}/access-log`,
      scope: 'workspace',
      access: 'admin',
      handler: (ctx) => {
        const { path: p, query: q } = ctx.input({ path: { entity_id: uuid() }, query: { ...dates, ...paging } });
        if (store.world.entityJson(ctx.workspaceId, p.entity_id) === null) throw notFound('Entity not found');
        return list(ctx, { resourceId: p.entity_id, dateFrom: q.date_from, dateTo: q.date_to }, q.limit, q.offset);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/summary`,
      scope: 'workspace',
      access: 'admin',
      handler: (ctx) => {
        const { query: q } = ctx.input({ query: dates });
        return ok(
          shape(auditSummary, store.audit.summary(ctx.workspaceId, { dateFrom: q.date_from, dateTo: q.date_to })),
        );
      },
    },
    {
      method: 'POST',
      path: `${BASE}/export`,
      scope: 'workspace',
      access: 'admin',
      handler: async (ctx) => {
        requireExports();
        const body = await ctx.body(auditExportRequest);
        const nowMs = deps.now();
        const exportId = randomUUID();
        const dir = path.join(deps.exportsDir, ctx.workspaceId);
        fs.mkdirSync(dir, { recursive: true });
        const fileName = `${exportId}.ndjson`;
        const file = path.join(dir, fileName);
        const filters: AuditFilters = {
          phiOnly: body.phi_only,
          service: body.service ?? undefined,
          action: body.action ?? undefined,
          dateFrom: toMs(body.date_from) ?? undefined,
          dateTo: toMs(body.date_to) ?? undefined,
        };
        // Streamed row by row in bounded chunks: a million-event range never sits in memory.
        const fd = fs.openSync(file, 'w', 0o600);
        let rows = 0;
        let size = 0;
        try {
          let chunk = '';
          for (const r of store.audit.iterate(ctx.workspaceId, filters)) {
            if (deps.options.auditExportRowCap !== null && rows >= deps.options.auditExportRowCap) break;
            chunk += `${r.raw}\n`;
            rows += 1;
            if (chunk.length > 1 << 20) {
              size += fs.writeSync(fd, chunk);
              chunk = '';
            }
          }
          if (chunk !== '') size += fs.writeSync(fd, chunk);
        } finally {
          fs.closeSync(fd);
        }
        const created = new Date(nowMs);
        const s3Key = `audit-exports/${ctx.workspaceId}/${created.getUTCFullYear()}/${String(created.getUTCMonth() + 1).padStart(2, '0')}/${fileName}`;
        store.settings.putExport({
          export_id: exportId,
          workspace_id: ctx.workspaceId,
          s3_key: s3Key,
          file_name: fileName,
          row_count: rows,
          size,
          created_ms: nowMs,
        });
        store.audit.insert(
          auditEventFor(
            ctx.workspaceId,
            ctx.actor,
            {
              service: 'audit',
              action: 'audit.export',
              resourceType: 'audit_export',
              resourceId: exportId,
              phi: false,
              metadata: { row_count: rows, phi_only: body.phi_only },
            },
            nowMs,
          ),
        );
        return ok(
          shape(auditExportResponse, {
            export_id: exportId,
            s3_key: s3Key,
            row_count: rows,
            download_url: signExportUrl(deps, exportId),
            created_at: isoOf(nowMs),
          }),
        );
      },
    },
    {
      method: 'GET',
      path: `${BASE}/exports`,
      scope: 'workspace',
      access: 'admin',
      handler: (ctx) => {
        requireExports();
        const { query } = ctx.input({ query: { limit: int({ default: 50, ge: 1, le: AUDIT_EXPORTS_MAX_LIMIT }) } });
        const exports = store.settings.exports(ctx.workspaceId, query.limit).map((e) => ({
          key: e.s3_key,
          size: e.size,
          last_modified: isoOf(e.created_ms),
          download_url: signExportUrl(deps, e.export_id),
        }));
        return ok(shape(auditExportList, { exports }));
      },
    },
  ];
}
