/** Audit events: newest first, offset paging, indexed for every filter the API offers. */
import type { AuditEvent } from '../../../shared/amigo';
import { countCacheFor } from './count-cache';
import type { Db } from './db';
import type { JsonObject } from './values';
import { parseObject, toMs } from './values';

export interface AuditFilters {
  service?: string | undefined;
  action?: string | undefined;
  actorEntityId?: string | undefined;
  resourceType?: string | undefined;
  resourceId?: string | undefined;
  phiOnly?: boolean | undefined;
  dateFrom?: number | undefined;
  dateTo?: number | undefined;
}

function whereOf(workspaceId: string, f: AuditFilters): { clause: string; params: unknown[] } {
  const where = ['workspace_id = ?'];
  const params: unknown[] = [workspaceId];
  const add = (clause: string, v: unknown): void => {
    if (v === undefined) return;
    where.push(clause);
    params.push(v);
  };
  add('service = ?', f.service);
  add('action = ?', f.action);
  add('actor_entity_id = ?', f.actorEntityId);
  add('resource_type = ?', f.resourceType);
  add('resource_id = ?', f.resourceId);
  if (f.phiOnly === true) where.push('phi = 1');
  add('ts_ms >= ?', f.dateFrom);
  add('ts_ms <= ?', f.dateTo);
  return { clause: where.join(' AND '), params };
}

export function createAuditStore(db: Db) {
  const cache = countCacheFor(db, 'audit');
  const insertStmt = db.prepare(
    `INSERT OR IGNORE INTO audit_events (id, workspace_id, ts_ms, service, action, actor_entity_id, resource_type,
       resource_id, phi, raw)
     VALUES (@id, @workspace_id, @ts_ms, @service, @action, @actor_entity_id, @resource_type, @resource_id, @phi, @raw)`,
  );

  function insert(r: AuditEvent): void {
    cache.bump();
    insertStmt.run({
      id: r.id,
      workspace_id: r.workspace_id,
      ts_ms: toMs(r.timestamp) ?? 0,
      service: r.service,
      action: r.action,
      actor_entity_id: r.actor_entity_id ?? null,
      resource_type: r.resource_type,
      resource_id: r.resource_id ?? null,
      phi: r.phi_accessed ? 1 : 0,
      raw: JSON.stringify(r),
    });
  }

  const scalar = (sql: string, params: unknown[]): number =>
    db.prepare<unknown[], { n: number }>(sql).get(...params)?.n ?? 0;
  const count = (clause: string, params: unknown[]): number =>
    scalar(`SELECT count(*) AS n FROM audit_events WHERE ${clause}`, params);

  return {
    insert,
    list(workspaceId: string, f: AuditFilters, limit: number, offset: number): { events: JsonObject[]; total: number } {
      const { clause, params } = whereOf(workspaceId, f);
      const total = cache.get(`list ${clause} ${JSON.stringify(params)}`, () => count(clause, params));
      const rows = db
        .prepare<unknown[], { raw: string }>(
          `SELECT raw FROM audit_events WHERE ${clause} ORDER BY ts_ms DESC, seq DESC LIMIT ? OFFSET ?`,
        )
        .all(...params, limit, offset);
      return { events: rows.map((r) => parseObject(r.raw)), total };
    },
    summary(workspaceId: string, f: AuditFilters) {
      const { clause, params } = whereOf(workspaceId, f);
      // Four narrow queries, each answerable from one covering index, beat one wide scan.
      return cache.get(`summary ${clause} ${JSON.stringify(params)}`, () => ({
        total_events: count(clause, params),
        phi_access_events: count(`${clause} AND phi = 1`, params),
        unique_actors: scalar(`SELECT count(DISTINCT actor_entity_id) AS n FROM audit_events WHERE ${clause}`, params),
        services_with_events: scalar(`SELECT count(DISTINCT service) AS n FROM audit_events WHERE ${clause}`, params),
      }));
    },
    /** Oldest first, streamed: an export never holds the whole range in memory. */
    iterate(workspaceId: string, f: AuditFilters): IterableIterator<{ raw: string }> {
      const { clause, params } = whereOf(workspaceId, f);
      return db
        .prepare<unknown[], { raw: string }>(`SELECT raw FROM audit_events WHERE ${clause} ORDER BY ts_ms, seq`)
        .iterate(...params);
    },
  };
}

export type AuditStore = ReturnType<typeof createAuditStore>;
