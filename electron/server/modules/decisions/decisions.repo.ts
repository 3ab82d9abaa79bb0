/**
 * What accepting a decision needs to know about the local copy of an item: does it exist, is it
 * still open on the backend as far as we know, is it marked gone, and which entity it concerns
 * (for the access event). Read-only over the review tables, which the pull owns.
 */
import type { ReadDb } from '../../db/db-types';
import { sql, sqlIn } from '../../db/sql';

export interface LocalItem {
  id: string;
  status: string;
  entityId: string | null;
  assignedTo: string | null;
  completedAction: string | null;
  goneReason: string | null;
}

interface LocalItemRow {
  id: string;
  status: string;
  entity_id: string | null;
  assigned_to: string | null;
  completed_action: string | null;
  gone_reason: string | null;
}

export const localItems = (read: ReadDb, ids: readonly string[]): Map<string, LocalItem> => {
  const map = new Map<string, LocalItem>();
  // Chunked: SQLite limits bound parameters per statement.
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = read.all<LocalItemRow>(sql`SELECT id, status, entity_id, assigned_to, completed_action, gone_reason
      FROM review_items WHERE id IN ${sqlIn(chunk)}`);
    for (const r of rows) {
      map.set(r.id, {
        id: r.id,
        status: r.status,
        entityId: r.entity_id,
        assignedTo: r.assigned_to,
        completedAction: r.completed_action,
        goneReason: r.gone_reason,
      });
    }
  }
  return map;
};

export const isOpenStatus = (status: string): boolean => status === 'pending' || status === 'in_progress';
