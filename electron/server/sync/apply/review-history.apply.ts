/**
 * Completed items from GET /review-queue/history (who decided what, when) into `review_history`.
 * An item we held as open is updated in `review_items` too (it was decided meanwhile), so the
 * desk never offers a decision on an item the backend has closed. New or changed history entries
 * want their entity pulled (a decision changes its confidence and state) and their call once.
 */
import type { ReviewItem } from '../../../../shared/amigo';
import type { ReadDb, WriteDb } from '../../db/db-types';
import { requireBoundWorkspace, WorkspaceMismatchError } from '../../db/meta.repo';
import { sql, sqlIn } from '../../db/sql';
import { toUtcIso } from '../../db/timestamps';
import { upsertReviewItems } from '../../modules/review/review.repo';
import { wantPull } from '../pull-marks.repo';
import { rawJson, type Pulled } from '../pulled';
import { existingItemIds } from './review-items.apply';

/**
 * Who decided: the API's item has no reviewer field, but the history is filtered by `reviewed_by`;
 * take `completed_by`/`reviewed_by` when the backend sends one, else the claimant.
 */
const reviewerOf = (item: ReviewItem, raw: unknown): string | null => {
  if (typeof raw === 'object' && raw !== null) {
    const record = raw as Record<string, unknown>;
    for (const key of ['completed_by', 'reviewed_by']) {
      const value = record[key];
      if (typeof value === 'string' && value !== '') return value;
    }
  }
  return item.assigned_to;
};

export const applyReviewHistory = (tx: WriteDb, items: readonly Pulled<ReviewItem>[], pulledAt: string): number => {
  if (items.length === 0) return 0;
  const bound = requireBoundWorkspace(tx);
  const ids = items.map((i) => i.value.id);
  const before = new Map(
    tx
      .all<{ id: string; raw_json: string }>(sql`SELECT id, raw_json FROM review_history WHERE id IN ${sqlIn(ids)}`)
      .map((r) => [r.id, r.raw_json]),
  );
  const changedEntities = new Set<string>();
  let added = 0;
  for (const { value: item, raw } of items) {
    if (item.workspace_id !== bound) {
      throw new WorkspaceMismatchError('The server sent a review item of another workspace; the page was not stored.');
    }
    const json = rawJson(raw);
    const previous = before.get(item.id);
    if (previous === undefined) added += 1;
    if (previous !== json && item.entity_id !== null) changedEntities.add(item.entity_id);
    tx.run(sql`
      INSERT INTO review_history (id, session_id, entity_id, entity_type, status, completed_action, reviewed_by,
        created_at, completed_at, raw_json, pulled_at)
      VALUES (${item.id}, ${item.session_id}, ${item.entity_id}, ${item.entity_type}, ${item.status},
        ${item.completed_action}, ${reviewerOf(item, raw)}, ${toUtcIso(item.created_at)}, ${toUtcIso(item.completed_at)},
        ${json}, ${pulledAt})
      ON CONFLICT (id) DO UPDATE SET session_id = excluded.session_id, entity_id = excluded.entity_id,
        entity_type = excluded.entity_type, status = excluded.status, completed_action = excluded.completed_action,
        reviewed_by = excluded.reviewed_by, created_at = excluded.created_at, completed_at = excluded.completed_at,
        raw_json = excluded.raw_json, pulled_at = excluded.pulled_at`);
  }
  const held = existingItemIds(tx, ids);
  const decided = items.map((i) => i.value).filter((i) => held.has(i.id));
  if (decided.length > 0) upsertReviewItems(tx, decided, pulledAt);
  wantPull(tx, 'entity', changedEntities, pulledAt);
  wantPull(
    tx,
    'call',
    items.map((i) => i.value.session_id),
    pulledAt,
    { onlyOnce: true },
  );
  return added;
};

/** The newest decision stored: the next incremental pull asks for what completed after it. */
export const newestCompletedAt = (read: ReadDb): string | null =>
  read.value<string>(sql`SELECT max(completed_at) FROM review_history`) ?? null;

export const countReviewHistory = (read: ReadDb): number =>
  read.value<number>(sql`SELECT count(*) FROM review_history`) ?? 0;
