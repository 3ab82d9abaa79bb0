/**
 * Outbound sync (the sinks, amigo-platform-api.md §5.2): the per-sink counts, the queue summary
 * (kept in compliance_reports as kind `sync_queue`) and the per (event, sink) delivery rows.
 */
import type { SyncBySink, SyncEvents, SyncQueue } from '../../../../shared/amigo';
import type { ReadDb, WriteDb } from '../../db/db-types';
import { sql, sqlIn } from '../../db/sql';
import { toUtcIso } from '../../db/timestamps';
import { rawJson, type Pulled } from '../pulled';
import { upsertReport } from './reports.apply';

export const SYNC_QUEUE_REPORT = 'sync_queue';

type Sink = SyncBySink['sinks'][number];
type SyncEventRecord = SyncEvents['events'][number];

/** Replaces the sink list whole (a sink the backend no longer lists is removed). */
export const applySinks = (tx: WriteDb, sinks: readonly Pulled<Sink>[], pulledAt: string): void => {
  const ids = sinks.map((s) => s.value.data_source_id);
  if (ids.length === 0) tx.run(sql`DELETE FROM sinks`);
  else tx.run(sql`DELETE FROM sinks WHERE data_source_id NOT IN ${sqlIn(ids)}`);
  for (const { value: s, raw } of sinks) {
    tx.run(sql`
      INSERT INTO sinks (data_source_id, name, source_type, total, synced, failed, pending, raw_json, pulled_at)
      VALUES (${s.data_source_id}, ${s.name}, ${s.source_type}, ${s.total}, ${s.synced}, ${s.failed}, ${s.pending},
        ${rawJson(raw)}, ${pulledAt})
      ON CONFLICT (data_source_id) DO UPDATE SET name = excluded.name, source_type = excluded.source_type,
        total = excluded.total, synced = excluded.synced, failed = excluded.failed, pending = excluded.pending,
        raw_json = excluded.raw_json, pulled_at = excluded.pulled_at`);
  }
};

export const applySyncQueue = (tx: WriteDb, queue: Pulled<SyncQueue>, pulledAt: string): void =>
  upsertReport(tx, { kind: SYNC_QUEUE_REPORT, params: '', generatedAt: null, raw: queue.raw }, pulledAt);

/** Upserts delivery rows; answers how many were new. */
export const applySyncEvents = (tx: WriteDb, events: readonly Pulled<SyncEventRecord>[], pulledAt: string): number => {
  let added = 0;
  for (const { value: e, raw } of events) {
    const result = tx.run(sql`
      INSERT INTO sync_events (event_id, data_source_id, event_type, entity_id, entity_type, display_name, source,
        source_system, fhir_resource_type, fhir_resource_id, sync_status, sync_error, synced_at, created_at, raw_json,
        pulled_at)
      VALUES (${e.event_id}, ${e.data_source_id ?? ''}, ${e.event_type}, ${e.entity_id ?? null}, ${e.entity_type ?? null},
        ${e.display_name ?? null}, ${e.source}, ${e.source_system ?? null}, ${e.fhir_resource_type ?? null},
        ${e.fhir_resource_id ?? null}, ${e.sync_status}, ${e.sync_error ?? null}, ${toUtcIso(e.synced_at)},
        ${toUtcIso(e.created_at)}, ${rawJson(raw)}, ${pulledAt})
      ON CONFLICT (event_id, data_source_id) DO NOTHING`);
    if (result.changes > 0) {
      added += 1;
      continue;
    }
    tx.run(sql`UPDATE sync_events SET event_type = ${e.event_type}, entity_id = ${e.entity_id ?? null},
        entity_type = ${e.entity_type ?? null}, display_name = ${e.display_name ?? null}, source = ${e.source},
        source_system = ${e.source_system ?? null}, fhir_resource_type = ${e.fhir_resource_type ?? null},
        fhir_resource_id = ${e.fhir_resource_id ?? null}, sync_status = ${e.sync_status},
        sync_error = ${e.sync_error ?? null}, synced_at = ${toUtcIso(e.synced_at)},
        created_at = ${toUtcIso(e.created_at)}, raw_json = ${rawJson(raw)}, pulled_at = ${pulledAt}
      WHERE event_id = ${e.event_id} AND data_source_id = ${e.data_source_id ?? ''}`);
  }
  return added;
};

/**
 * After the lists of `statuses` were re-read completely (every row they listed stored with
 * pulled_at ≥ `listedSince`), the rows still stored with one of those statuses that no list showed
 * have moved to another status. Answers them, with their creation time: where to look for them in
 * the other (oldest-first) lists.
 */
export const staleInStatus = (
  read: ReadDb,
  statuses: readonly string[],
  listedSince: string,
): { eventId: string; dataSourceId: string; createdAt: string | null }[] =>
  read
    .all<{ event_id: string; data_source_id: string; created_at: string | null }>(
      sql`SELECT event_id, data_source_id, created_at FROM sync_events
        WHERE sync_status IN ${sqlIn(statuses)} AND pulled_at < ${listedSince}`,
    )
    .map((r) => ({ eventId: r.event_id, dataSourceId: r.data_source_id, createdAt: r.created_at }));

/** Rows stored with `status` created strictly before `createdAt` (where the tail of that list starts). */
export const countInStatusBefore = (read: ReadDb, status: string, createdAt: string): number =>
  read.value<number>(
    sql`SELECT count(*) FROM sync_events WHERE sync_status = ${status} AND created_at < ${createdAt}`,
  ) ?? 0;

export const newestInStatus = (read: ReadDb, status: string): string | null =>
  read.value<string>(sql`SELECT max(created_at) FROM sync_events WHERE sync_status = ${status}`) ?? null;

export const countSyncEvents = (read: ReadDb): number => read.value<number>(sql`SELECT count(*) FROM sync_events`) ?? 0;
