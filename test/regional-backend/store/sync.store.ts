/** Outbound sync state: one row per (event, sink), as `GET /world/sync/*` reports it. */
import type { DatasetRecord } from '../dataset';
import { countCacheFor } from './count-cache';
import type { Db, Statement } from './db';
import type { JsonObject } from './values';
import { isoOf, isoOrNull, parseObject, str, toMs } from './values';

interface SyncRow {
  seq: number;
  event_id: string;
  data_source_id: string;
  sync_status: string;
  sync_error: string | null;
  synced_at: string | null;
  raw: string;
}

export interface SinkRow {
  data_source_id: string;
  workspace_id: string;
  name: string;
  source_type: string;
}

export interface SyncEventFilters {
  status: string;
  dataSourceId?: string | undefined;
  sourceSystem?: string | undefined;
  fhirResourceType?: string | undefined;
  fhirResourceId?: string | undefined;
}

/** What a queued event's sync row says about it (copied from the event when it is approved). */
export interface SyncSubject {
  workspaceId: string;
  eventId: string;
  eventType: string;
  entityId: string;
  entityType: string | null;
  displayName: string | null;
  source: string;
  sourceSystem: string | null;
  fhirResourceType: string | null;
  fhirResourceId: string | null;
}

const toApi = (r: SyncRow): JsonObject => ({
  ...parseObject(r.raw),
  sync_status: r.sync_status,
  sync_error: r.sync_error,
  synced_at: r.synced_at,
});

export function createSyncStore(db: Db) {
  const cache = countCacheFor(db, 'sync');
  const insertSinkStmt = db.prepare(
    `INSERT OR REPLACE INTO sinks (data_source_id, workspace_id, name, source_type) VALUES (?, ?, ?, ?)`,
  );
  const upsertStmt = db.prepare(
    `INSERT INTO sync_events (event_id, data_source_id, workspace_id, entity_id, sync_status, sync_error, synced_at,
       source_system, fhir_resource_type, fhir_resource_id, created_ms, synced_ms, raw)
     VALUES (@event_id, @data_source_id, @workspace_id, @entity_id, @sync_status, @sync_error, @synced_at,
       @source_system, @fhir_resource_type, @fhir_resource_id, @created_ms, @synced_ms, @raw)
     ON CONFLICT(event_id, data_source_id) DO UPDATE SET sync_status = excluded.sync_status,
       sync_error = excluded.sync_error, synced_at = excluded.synced_at, synced_ms = excluded.synced_ms,
       raw = excluded.raw`,
  );
  const sinksStmt = db.prepare<[string], SinkRow>(
    `SELECT * FROM sinks WHERE workspace_id = ? ORDER BY name, data_source_id`,
  );
  const sinkWsStmt = db.prepare<[string], { workspace_id: string }>(
    `SELECT workspace_id FROM sinks WHERE data_source_id = ?`,
  );
  // INDEXED BY: with approximate statistics the planner may pick a non-covering index and sort.
  // Prepared on first use: a bulk load (which drops that index) builds this store too.
  let countsStmt: Statement<[string], { data_source_id: string; sync_status: string; n: number }> | undefined;
  const countsOf = (workspaceId: string) => {
    countsStmt ??= db.prepare<[string], { data_source_id: string; sync_status: string; n: number }>(
      `SELECT data_source_id, sync_status, count(*) AS n FROM sync_events INDEXED BY sync_ws_sink_status
       WHERE workspace_id = ? GROUP BY 1, 2`,
    );
    return countsStmt.all(workspaceId);
  };
  // Each part of the queue summary is one range of an index, not a scan of every row.
  const statusCountStmt = db.prepare<[string, string], { n: number }>(
    `SELECT count(*) AS n FROM sync_events WHERE workspace_id = ? AND sync_status = ?`,
  );
  const oldestPendingStmt = db.prepare<[string], { v: number | null }>(
    `SELECT min(created_ms) AS v FROM sync_events WHERE workspace_id = ? AND sync_status = 'pending'`,
  );
  const lastSyncedStmt = db.prepare<[string], { v: number | null }>(
    `SELECT max(synced_ms) AS v FROM sync_events WHERE workspace_id = ? AND sync_status = 'synced'`,
  );
  const byTypeStmt = db.prepare<[string], { t: string | null; sync_status: string; n: number }>(
    `SELECT fhir_resource_type AS t, sync_status, count(*) AS n FROM sync_events
     WHERE workspace_id = ? AND sync_status IN ('pending', 'failed') GROUP BY 1, 2`,
  );
  const forEventStmt = db.prepare<[string], SyncRow>(`SELECT * FROM sync_events WHERE event_id = ? ORDER BY seq`);
  const cancelStmt = db.prepare(
    `UPDATE sync_events SET sync_status = 'not_applicable', sync_error = NULL
     WHERE event_id = ? AND sync_status IN ('pending', 'failed', 'processing')`,
  );
  const settleStmt = db.prepare(
    `UPDATE sync_events SET sync_status = @status, sync_error = @error, synced_at = @synced_at, synced_ms = @synced_ms
     WHERE workspace_id = @ws AND sync_status = 'pending'`,
  );

  function insertSyncEvent(r: DatasetRecord<'sync_events'>, workspaceId: string): void {
    cache.bump();
    upsertStmt.run({
      event_id: r.event_id,
      data_source_id: r.data_source_id,
      workspace_id: workspaceId,
      entity_id: r.entity_id ?? null,
      sync_status: r.sync_status,
      sync_error: r.sync_error ?? null,
      synced_at: r.synced_at ?? null,
      source_system: r.source_system ?? null,
      fhir_resource_type: r.fhir_resource_type ?? null,
      fhir_resource_id: r.fhir_resource_id ?? null,
      created_ms: toMs(r.created_at),
      synced_ms: toMs(r.synced_at),
      raw: JSON.stringify(r),
    });
  }

  /** Approved or corrected data becomes eligible for outbound sync: one pending row per sink. */
  function queue(s: SyncSubject, nowMs: number): boolean {
    const sinks = sinksStmt.all(s.workspaceId);
    for (const sink of sinks) {
      const existing = forEventStmt.all(s.eventId).find((r) => r.data_source_id === sink.data_source_id);
      if (existing?.sync_status === 'synced') continue;
      insertSyncEvent(
        {
          event_id: s.eventId,
          event_type: s.eventType,
          entity_id: s.entityId,
          entity_type: s.entityType,
          display_name: s.displayName,
          source: s.source,
          source_system: s.sourceSystem,
          data_source_id: sink.data_source_id,
          fhir_resource_type: s.fhirResourceType,
          fhir_resource_id: s.fhirResourceId,
          sync_status: 'pending',
          sync_error: null,
          synced_at: null,
          created_at: isoOf(nowMs),
        },
        s.workspaceId,
      );
    }
    return sinks.length > 0;
  }

  function events(workspaceId: string, f: SyncEventFilters, limit: number, offset: number) {
    const where = ['workspace_id = ?', 'sync_status = ?'];
    const params: unknown[] = [workspaceId, f.status];
    const add = (clause: string, v: string | undefined): void => {
      if (v === undefined) return;
      where.push(clause);
      params.push(v);
    };
    add('data_source_id = ?', f.dataSourceId);
    add('source_system = ?', f.sourceSystem);
    add('fhir_resource_type = ?', f.fhirResourceType);
    add('fhir_resource_id = ?', f.fhirResourceId);
    const clause = where.join(' AND ');
    const total = cache.get(
      `count ${clause} ${JSON.stringify(params)}`,
      () =>
        db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM sync_events WHERE ${clause}`).get(...params)
          ?.n ?? 0,
    );
    const rows = db
      // The (status, created_ms) index serves both the filter and the order (see countsStmt).
      .prepare<unknown[], SyncRow>(
        `SELECT * FROM sync_events INDEXED BY sync_ws_status WHERE ${clause} ORDER BY created_ms, seq LIMIT ? OFFSET ?`,
      )
      .all(...params, limit, offset);
    return { events: rows.map(toApi), total };
  }

  return {
    insertSink(r: DatasetRecord<'sinks'>): void {
      insertSinkStmt.run(r.data_source_id, r.workspace_id, r.name, r.source_type);
    },
    workspaceOfSink: (dataSourceId: string): string | undefined => sinkWsStmt.get(dataSourceId)?.workspace_id,
    insertSyncEvent,
    queue,
    cancel: (eventId: string): void => {
      cache.bump();
      cancelStmt.run(eventId);
    },
    sinks: (workspaceId: string): SinkRow[] => sinksStmt.all(workspaceId),
    bySink(workspaceId: string) {
      const counts = cache.get(`by-sink ${workspaceId}`, () => countsOf(workspaceId));
      return sinksStmt.all(workspaceId).map((s) => {
        const n = (status: string): number =>
          counts.find((c) => c.data_source_id === s.data_source_id && c.sync_status === status)?.n ?? 0;
        const total = counts.filter((c) => c.data_source_id === s.data_source_id).reduce((a, c) => a + c.n, 0);
        return {
          data_source_id: s.data_source_id,
          name: s.name,
          source_type: s.source_type,
          total,
          synced: n('synced'),
          failed: n('failed'),
          pending: n('pending') + n('processing'),
        };
      });
    },
    queueSummary(workspaceId: string) {
      const q = cache.get(`queue ${workspaceId}`, () => ({
        pending: statusCountStmt.get(workspaceId, 'pending')?.n ?? 0,
        failed: statusCountStmt.get(workspaceId, 'failed')?.n ?? 0,
        oldest: oldestPendingStmt.get(workspaceId)?.v ?? null,
        last_ok: lastSyncedStmt.get(workspaceId)?.v ?? null,
      }));
      const byType: Record<string, Record<string, number>> = {};
      for (const r of cache.get(`by-type ${workspaceId}`, () => byTypeStmt.all(workspaceId))) {
        const key = r.t ?? 'unknown';
        byType[key] = { ...byType[key], [r.sync_status]: r.n };
      }
      return {
        pending_count: q.pending,
        failed_count: q.failed,
        oldest_pending_at: isoOrNull(q.oldest),
        last_sync_success_at: isoOrNull(q.last_ok),
        by_resource_type: byType,
      };
    },
    events,
    /** Per-sink status of one event, for lineage. */
    forEvent: (eventId: string) =>
      forEventStmt.all(eventId).map((r) => ({
        data_source_id: r.data_source_id,
        sync_status: r.sync_status,
        sync_error: r.sync_error,
        synced_at: r.synced_at,
        source_system: str(parseObject(r.raw)['source_system']),
      })),
    /** Test helper: the outbound worker finishes every pending row (synced, or failed with an error). */
    settle(
      workspaceId: string,
      outcome: { status: 'synced' | 'failed'; error?: string | undefined },
      nowMs: number,
    ): number {
      cache.bump();
      return settleStmt.run({
        ws: workspaceId,
        status: outcome.status,
        error: outcome.status === 'failed' ? (outcome.error ?? 'Simulated sink failure') : null,
        synced_at: outcome.status === 'synced' ? isoOf(nowMs) : null,
        synced_ms: outcome.status === 'synced' ? nowMs : null,
      }).changes;
    },
  };
}

export type SyncStore = ReturnType<typeof createSyncStore>;
