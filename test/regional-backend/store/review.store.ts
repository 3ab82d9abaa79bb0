/**
 * Review queue storage. An item's events live in entity_events (linked through
 * review_item_events), so a verdict changes the very rows the world model projects from.
 */
import type { DatasetRecord } from '../dataset';
import { countCacheFor } from './count-cache';
import type { Db } from './db';
import type { JsonObject } from './values';
import { isJsonObject, isoOrNull, parseObject, toMs } from './values';

export interface ItemRow {
  seq: number;
  id: string;
  workspace_id: string;
  session_id: string;
  entity_id: string | null;
  entity_type: string | null;
  priority: number;
  reason: string;
  status: string;
  assigned_to: string | null;
  created_ms: number | null;
  claimed_ms: number | null;
  completed_ms: number | null;
  completed_action: string | null;
  completed_by: string | null;
  confidence: number | null;
  verdict_notes: string | null;
  verdict_reason: string | null;
  raw: string;
}

export const OPEN_STATUSES = ['pending', 'in_progress'] as const;

export type ReviewSortBy = 'priority' | 'created_at' | 'confidence';

export interface ReviewListFilters {
  status?: string | undefined;
  entityType?: string | undefined;
  priority?: number | undefined;
  reason?: string | undefined;
  assignedTo?: string | undefined;
  createdAfter?: number | undefined;
  createdBefore?: number | undefined;
  sortBy?: ReviewSortBy | undefined;
  sortOrder: 'asc' | 'desc';
}

export interface ReviewHistoryFilters {
  action?: string | undefined;
  reviewedBy?: string | undefined;
  completedAfter?: number | undefined;
  completedBefore?: number | undefined;
}

const SORT_COLUMNS: Record<ReviewSortBy, string> = {
  priority: 'priority',
  created_at: 'created_ms',
  confidence: 'confidence',
};

/** What an item's own inline event statuses default to when the dataset gives none. */
const EVENT_STATUS_FOR_ACTION: Record<string, string> = {
  approved: 'human_approved',
  rejected: 'rejected',
  corrected: 'corrected',
};

export function createReviewStore(db: Db) {
  const cache = countCacheFor(db, 'review');
  const itemStmt = db.prepare<[string, string], ItemRow>(
    `SELECT * FROM review_items WHERE workspace_id = ? AND id = ?`,
  );
  const openForEntityStmt = db.prepare<[string, string], ItemRow>(
    `SELECT * FROM review_items WHERE workspace_id = ? AND entity_id = ? AND status IN ('pending', 'in_progress')`,
  );
  const upsertItemStmt = db.prepare(
    `INSERT INTO review_items (id, workspace_id, session_id, entity_id, entity_type, priority, reason, status,
       assigned_to, created_ms, completed_ms, completed_action, completed_by, raw)
     VALUES (@id, @workspace_id, @session_id, @entity_id, @entity_type, @priority, @reason, @status,
       @assigned_to, @created_ms, @completed_ms, @completed_action, @completed_by, @raw)
     ON CONFLICT(id) DO UPDATE SET session_id = excluded.session_id, entity_id = excluded.entity_id,
       entity_type = excluded.entity_type, priority = excluded.priority, reason = excluded.reason,
       status = excluded.status, assigned_to = excluded.assigned_to, created_ms = excluded.created_ms,
       completed_ms = excluded.completed_ms, completed_action = excluded.completed_action,
       completed_by = excluded.completed_by, raw = excluded.raw`,
  );
  const linkEventStmt = db.prepare(
    `INSERT OR IGNORE INTO review_item_events (item_id, event_id, pos)
     VALUES (?, ?, (SELECT coalesce(max(pos) + 1, 0) FROM review_item_events WHERE item_id = ?))`,
  );
  const eventIdsStmt = db.prepare<[string], { event_id: string }>(
    `SELECT event_id FROM review_item_events WHERE item_id = ? ORDER BY pos`,
  );
  const itemsOfEventStmt = db.prepare<[string], { item_id: string }>(
    `SELECT item_id FROM review_item_events WHERE event_id = ?`,
  );
  const itemsOfEntityStmt = db.prepare<[string, string], ItemRow>(
    `SELECT * FROM review_items WHERE workspace_id = ? AND entity_id = ? ORDER BY created_ms, seq`,
  );
  const confidenceStmt = db.prepare(
    `UPDATE review_items SET confidence = (
       SELECT min(e.confidence) FROM review_item_events rie JOIN entity_events e ON e.id = rie.event_id
       WHERE rie.item_id = review_items.id) WHERE id = ?`,
  );
  const claimStmt = db.prepare(
    `UPDATE review_items SET status = 'in_progress', assigned_to = ?, claimed_ms = ? WHERE id = ?`,
  );
  const unclaimStmt = db.prepare(
    `UPDATE review_items SET status = 'pending', assigned_to = NULL, claimed_ms = NULL WHERE id = ?`,
  );
  const completeStmt = db.prepare(
    `UPDATE review_items SET status = @status, completed_ms = @completed_ms, completed_action = @completed_action,
       completed_by = @completed_by, assigned_to = coalesce(assigned_to, @completed_by), verdict_notes = @notes,
       verdict_reason = @reason WHERE id = @id`,
  );
  const statsStmt = db.prepare<
    [string],
    { pending: number; completed: number; rejected: number; avg_ms: number | null }
  >(
    `SELECT
       coalesce(sum(status IN ('pending', 'in_progress')), 0) AS pending,
       coalesce(sum(status = 'completed'), 0) AS completed,
       coalesce(sum(status = 'rejected'), 0) AS rejected,
       avg(CASE WHEN completed_ms IS NOT NULL AND created_ms IS NOT NULL THEN completed_ms - created_ms END) AS avg_ms
     FROM review_items WHERE workspace_id = ?`,
  );

  function insertItem(r: DatasetRecord<'review_items'>): void {
    cache.bump();
    const isOpen = r.status === 'pending' || r.status === 'in_progress';
    if (isOpen && r.entity_id !== null) {
      const open = openForEntityStmt.get(r.workspace_id, r.entity_id);
      if (open !== undefined && open.id !== r.id) {
        // Entity-level dedup, as the backend does it: a newly flagged event for an entity that
        // already has an open item joins that item instead of opening a second one.
        for (const eventId of r.event_ids) linkEventStmt.run(open.id, eventId, open.id);
        return;
      }
    }
    upsertItemStmt.run({
      id: r.id,
      workspace_id: r.workspace_id,
      session_id: r.session_id,
      entity_id: r.entity_id,
      entity_type: r.entity_type,
      priority: r.priority,
      reason: r.reason,
      status: r.status,
      assigned_to: r.assigned_to,
      created_ms: toMs(r.created_at),
      completed_ms: toMs(r.completed_at),
      completed_action: r.completed_action,
      completed_by: r.status === 'completed' || r.status === 'rejected' ? r.assigned_to : null,
      raw: JSON.stringify({ ...r, entity: undefined, events: undefined }),
    });
    for (const eventId of r.event_ids) linkEventStmt.run(r.id, eventId, r.id);
  }

  /** The review status an item's inline events get when the dataset's summary has none. */
  const defaultEventStatus = (r: DatasetRecord<'review_items'>): string =>
    r.completed_action === null ? 'pending' : (EVENT_STATUS_FOR_ACTION[r.completed_action] ?? 'pending');

  function list(workspaceId: string, f: ReviewListFilters, limit: number, offset: number) {
    const where = ['workspace_id = ?'];
    const params: unknown[] = [workspaceId];
    const add = (clause: string, value: unknown): void => {
      where.push(clause);
      params.push(value);
    };
    if (f.status !== undefined) add('status = ?', f.status);
    if (f.entityType !== undefined) add('entity_type = ?', f.entityType);
    if (f.priority !== undefined) add('priority = ?', f.priority);
    if (f.reason !== undefined) add('reason = ?', f.reason);
    if (f.assignedTo !== undefined) add('assigned_to = ?', f.assignedTo);
    if (f.createdAfter !== undefined) add('created_ms > ?', f.createdAfter);
    if (f.createdBefore !== undefined) add('created_ms < ?', f.createdBefore);
    const dir = f.sortOrder === 'desc' ? 'DESC' : 'ASC';
    // Default order: oldest first (FIFO), the spec's default sort_order being `asc`.
    const column = SORT_COLUMNS[f.sortBy ?? 'created_at'];
    return page(where, params, `${column} ${dir}, seq ${dir}`, limit, offset);
  }

  function history(workspaceId: string, f: ReviewHistoryFilters, limit: number, offset: number) {
    const where = [`workspace_id = ?`, `status IN ('completed', 'rejected')`];
    const params: unknown[] = [workspaceId];
    if (f.action !== undefined) {
      where.push('completed_action = ?');
      params.push(f.action);
    }
    if (f.reviewedBy !== undefined) {
      where.push('completed_by = ?');
      params.push(f.reviewedBy);
    }
    if (f.completedAfter !== undefined) {
      where.push('completed_ms > ?');
      params.push(f.completedAfter);
    }
    if (f.completedBefore !== undefined) {
      where.push('completed_ms < ?');
      params.push(f.completedBefore);
    }
    // The audit trail reads newest first.
    return page(where, params, 'completed_ms DESC, seq DESC', limit, offset);
  }

  function myQueue(workspaceId: string, sub: string, limit: number, offset: number) {
    return page(
      ['workspace_id = ?', 'assigned_to = ?', `status = 'in_progress'`],
      [workspaceId, sub],
      'claimed_ms ASC, seq ASC',
      limit,
      offset,
    );
  }

  function page(where: string[], params: unknown[], order: string, limit: number, offset: number) {
    const clause = where.join(' AND ');
    const total = cache.get(
      `count ${clause} ${JSON.stringify(params)}`,
      () =>
        db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM review_items WHERE ${clause}`).get(...params)
          ?.n ?? 0,
    );
    const rows = db
      .prepare<unknown[], ItemRow>(`SELECT * FROM review_items WHERE ${clause} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...params, limit, offset);
    return { rows, total };
  }

  return {
    insertItem,
    defaultEventStatus,
    get: (workspaceId: string, id: string): ItemRow | undefined => itemStmt.get(workspaceId, id),
    eventIds: (itemId: string): string[] => eventIdsStmt.all(itemId).map((r) => r.event_id),
    itemsOfEvent: (eventId: string): string[] => itemsOfEventStmt.all(eventId).map((r) => r.item_id),
    itemsOfEntity: (workspaceId: string, entityId: string): ItemRow[] => itemsOfEntityStmt.all(workspaceId, entityId),
    openForEntity: (workspaceId: string, entityId: string): ItemRow | undefined =>
      openForEntityStmt.get(workspaceId, entityId),
    linkEvent: (itemId: string, eventId: string): void => {
      cache.bump();
      linkEventStmt.run(itemId, eventId, itemId);
    },
    list,
    history,
    myQueue,
    refreshConfidence: (itemId: string): void => {
      cache.bump();
      confidenceStmt.run(itemId);
    },
    claim: (itemId: string, sub: string, nowMs: number): void => {
      cache.bump();
      claimStmt.run(sub, nowMs, itemId);
    },
    unclaim: (itemId: string): void => {
      cache.bump();
      unclaimStmt.run(itemId);
    },
    complete(
      itemId: string,
      v: {
        status: 'completed' | 'rejected';
        action: 'approved' | 'corrected' | 'rejected';
        by: string;
        nowMs: number;
        notes: string | null;
        reason: string | null;
      },
    ): void {
      cache.bump();
      completeStmt.run({
        id: itemId,
        status: v.status,
        completed_ms: v.nowMs,
        completed_action: v.action,
        completed_by: v.by,
        notes: v.notes,
        reason: v.reason,
      });
    },
    stats(workspaceId: string) {
      const s = cache.get(`stats ${workspaceId}`, () => statsStmt.get(workspaceId));
      return {
        pending: s?.pending ?? 0,
        completed: s?.completed ?? 0,
        rejected: s?.rejected ?? 0,
        avg_review_minutes:
          s?.avg_ms === null || s?.avg_ms === undefined ? null : Math.round((s.avg_ms / 60_000) * 10) / 10,
      };
    },
  };
}

export type ReviewStore = ReturnType<typeof createReviewStore>;

/** The stored fields of an item, in API terms (events and entity are added by the caller). */
export function itemBase(row: ItemRow, eventIds: string[]): JsonObject {
  const raw = parseObject(row.raw);
  return {
    id: row.id,
    workspace_id: row.workspace_id,
    session_id: row.session_id,
    event_ids: eventIds,
    entity_id: row.entity_id,
    entity_type: row.entity_type,
    priority: row.priority,
    reason: row.reason,
    judge_analysis: isJsonObject(raw['judge_analysis']) ? raw['judge_analysis'] : null,
    status: row.status,
    assigned_to: row.assigned_to,
    created_at: typeof raw['created_at'] === 'string' ? raw['created_at'] : isoOrNull(row.created_ms),
    completed_at: isoOrNull(row.completed_ms),
    completed_action: row.completed_action,
  };
}
