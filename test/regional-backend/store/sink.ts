/**
 * `DatasetSink` over the store: the generator and the dataset-file loader push API-shaped records
 * here one by one. Inside `withBulkLoad` writes are grouped into large transactions (committed
 * every `batchSize` records), so a million audit events stream into SQLite without being held in
 * memory and without paying one fsync per row.
 */
import type { DatasetRecord, DatasetResource, DatasetSink } from '../dataset';
import type { Db } from './db';
import { countCacheFor } from './count-cache';
import { DEFERRABLE_INDEXES } from './schema';
import { storeOver } from './store';
import type { JsonObject } from './values';

export interface StoreSinkOptions {
  /** Workspace for records that carry only an entity id when that entity is not stored yet. */
  defaultWorkspaceId?: string | undefined;
}

interface BulkState {
  pending: number;
  batchSize: number;
  written: number;
}

/** Databases currently inside withBulkLoad, and how many writes their open batch holds. */
const bulkLoads = new WeakMap<Db, BulkState>();

export function createStoreSink(db: Db, opts: StoreSinkOptions = {}): DatasetSink {
  const store = storeOver(db);
  let lastWorkspaceId = opts.defaultWorkspaceId;

  const write = <R extends DatasetResource>(resource: R, record: DatasetRecord<R>, fn: () => void): void => {
    const bulk = bulkLoads.get(db);
    try {
      if (bulk === undefined) {
        db.transaction(fn)();
        return;
      }
      fn();
      bulk.written += 1;
      bulk.pending += 1;
      if (bulk.pending >= bulk.batchSize) {
        db.exec('COMMIT');
        db.exec('BEGIN');
        bulk.pending = 0;
      }
    } catch (err) {
      const id =
        (record as JsonObject)['id'] ?? (record as JsonObject)['event_id'] ?? (record as JsonObject)['entity_id'];
      throw new Error(
        `could not store ${resource} record ${String(id)}: ${err instanceof Error ? err.message : String(err)}`,
        {
          cause: err,
        },
      );
    }
  };

  const workspaceFor = (resource: string, entityId: string | null | undefined): string => {
    const ws =
      (entityId === null || entityId === undefined ? undefined : store.world.workspaceOfEntity(entityId)) ??
      lastWorkspaceId;
    if (ws === undefined) {
      throw new Error(
        `${resource} record for entity ${String(entityId)} arrived before its entity (send entities first)`,
      );
    }
    return ws;
  };

  return {
    workspaces: (r) =>
      write('workspaces', r, () => {
        lastWorkspaceId = r.id;
        store.settings.putWorkspace(r);
      }),
    entities: (r) =>
      write('entities', r, () => {
        lastWorkspaceId = r.workspace_id;
        store.world.insertEntity(r);
      }),
    entity_events: (r) =>
      write('entity_events', r, () => store.world.upsertEvent(r, workspaceFor('entity_events', r.entity_id))),
    review_items: (r) =>
      write('review_items', r, () => {
        lastWorkspaceId = r.workspace_id;
        const entityId = r.entity_id;
        if (entityId !== null) {
          for (const summary of r.events ?? []) {
            store.world.upsertEventStub(summary, entityId, r.workspace_id, summary.review_status);
          }
        }
        store.review.insertItem(r);
      }),
    enrichment: (r) =>
      write('enrichment', r, () => store.world.insertEnrichment(r, workspaceFor('enrichment', r.entity_id))),
    merges: (r) => write('merges', r, () => store.world.insertMerge(r, workspaceFor('merges', r.entity_id))),
    calls: (r) => write('calls', r, () => store.settings.putCall(r)),
    sinks: (r) => write('sinks', r, () => store.sync.insertSink(r)),
    sync_events: (r) =>
      write('sync_events', r, () =>
        store.sync.insertSyncEvent(
          r,
          store.sync.workspaceOfSink(r.data_source_id) ?? workspaceFor('sync_events', r.entity_id),
        ),
      ),
    audit_events: (r) => write('audit_events', r, () => store.audit.insert(r)),
    retention: (r) =>
      write('retention', r, () => {
        const { workspace_id: ws, ...policy } = r;
        store.settings.putRetention(ws, policy);
      }),
  };
}

export interface BulkLoadResult<T> {
  result: T;
  /** Records written through sinks created inside the load. */
  written: number;
}

/**
 * Runs `fn` with a sink whose writes are batched into transactions of `batchSize` records, then
 * derives what the dataset leaves implicit (item confidences, event review statuses) and refreshes
 * the planner's statistics. A failure rolls back the open batch and rethrows.
 */
export interface BulkLoadOptions extends StoreSinkOptions {
  /** Records per transaction (default 20,000). */
  batchSize?: number;
  /**
   * Drop the plain secondary indexes for the load and rebuild them after (default true): several
   * times faster for a large load; set false for a handful of records into a large store.
   */
  deferIndexes?: boolean;
}

export function withBulkLoad<T>(db: Db, fn: (sink: DatasetSink) => T, opts: BulkLoadOptions = {}): BulkLoadResult<T> {
  if (bulkLoads.has(db)) throw new Error('withBulkLoad is not re-entrant');
  const state: BulkState = { pending: 0, batchSize: opts.batchSize ?? 20_000, written: 0 };
  const previousSync = db.pragma('synchronous', { simple: true });
  const defer = opts.deferIndexes ?? true;
  db.pragma('synchronous = OFF');
  if (defer) for (const ix of DEFERRABLE_INDEXES) db.exec(`DROP INDEX IF EXISTS ${ix.name}`);
  bulkLoads.set(db, state);
  try {
    db.exec('BEGIN');
    const result = fn(createStoreSink(db, opts));
    db.exec('COMMIT');
    return { result, written: state.written };
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  } finally {
    bulkLoads.delete(db);
    // Indexes come back even after a failed load: the store must stay queryable.
    if (defer) for (const ix of DEFERRABLE_INDEXES) db.exec(ix.ddl);
    finalizeLoad(db);
    db.pragma(`synchronous = ${String(previousSync)}`);
  }
}

/** What a dataset leaves implicit, derived once after a load rather than per record. */
export function finalizeLoad(db: Db): void {
  db.transaction(() => {
    db.exec(`
      UPDATE review_items SET confidence = (
        SELECT min(e.confidence) FROM review_item_events rie JOIN entity_events e ON e.id = rie.event_id
        WHERE rie.item_id = review_items.id)
      WHERE confidence IS NULL;
      UPDATE entity_events SET review_status = coalesce((
        SELECT CASE
          WHEN ri.status IN ('pending', 'in_progress') THEN 'pending'
          WHEN ri.completed_action = 'approved' THEN 'human_approved'
          WHEN ri.completed_action = 'rejected' THEN 'rejected'
          WHEN ri.completed_action = 'corrected' THEN 'corrected'
        END
        FROM review_item_events rie JOIN review_items ri ON ri.id = rie.item_id
        WHERE rie.event_id = entity_events.id LIMIT 1), review_status)
      WHERE review_status = 'raw' AND id IN (SELECT event_id FROM review_item_events);
    `);
  })();
  // Approximate statistics are enough for the planner to pick the right index, and fast at 1M rows.
  db.exec('PRAGMA analysis_limit = 1000; ANALYZE;');
  for (const name of ['audit', 'review', 'sync', 'world']) countCacheFor(db, name).bump();
}
