/**
 * The review queue's write side beyond the plain upsert (modules/review/review.repo.ts): which
 * pulled items changed in a way that needs their entity (and call) pulled, settling items that
 * left the open queue, and marking an item the backend refuses (403) or no longer knows (404).
 */
import type { ReviewItem } from '../../../../shared/amigo';
import type { ReadDb, WriteDb } from '../../db/db-types';
import { sql, sqlIn } from '../../db/sql';
import { upsertReviewItems } from '../../modules/review/review.repo';
import { wantPull } from '../pull-marks.repo';

/** What of an item says its entity changed: everything but who holds it (a claim moves no data). */
const entityFingerprint = (item: ReviewItem): string =>
  JSON.stringify({ ...item, assigned_to: null, status: item.status === 'in_progress' ? 'pending' : item.status });

/**
 * Upserts items and wants a pull of the entity of every item that is new or whose data changed,
 * and of the call behind every new item (calls do not change). Clears a gone mark the backend has
 * just contradicted by listing the item. Run inside the page's transaction.
 */
export const applyReviewItems = (
  tx: WriteDb,
  items: readonly ReviewItem[],
  stamp: { pulledAt: string; wantAt?: string },
): void => {
  const { pulledAt } = stamp;
  const wantAt = stamp.wantAt ?? pulledAt;
  if (items.length === 0) return;
  const before = new Map(
    tx
      .all<{ id: string; raw_json: string }>(
        sql`SELECT id, raw_json FROM review_items WHERE id IN ${sqlIn(items.map((i) => i.id))}`,
      )
      .map((r) => [r.id, r.raw_json]),
  );
  const changedEntities = new Set<string>();
  for (const item of items) {
    const previous = before.get(item.id);
    const changed =
      previous === undefined || entityFingerprint(JSON.parse(previous) as ReviewItem) !== entityFingerprint(item);
    if (changed && item.entity_id !== null) changedEntities.add(item.entity_id);
  }
  upsertReviewItems(tx, items, pulledAt);
  tx.run(sql`UPDATE review_items SET gone_reason = NULL, gone_at = NULL
    WHERE gone_at IS NOT NULL AND id IN ${sqlIn(items.map((i) => i.id))}`);
  wantPull(tx, 'entity', changedEntities, wantAt);
  wantPull(
    tx,
    'call',
    items.map((i) => i.session_id),
    wantAt,
    { onlyOnce: true },
  );
};

/**
 * After a complete listing of the open statuses that started at `listingStartedAt`: open items
 * not refreshed since (by the listing, or by a targeted refresh meanwhile) are no longer open on
 * the backend and are removed, so local counts match the backend's. Answers how many.
 */
export const settleOpenItems = (tx: WriteDb, listingStartedAt: string): number =>
  tx.run(sql`DELETE FROM review_items
    WHERE status IN ('pending', 'in_progress') AND pulled_at < ${listingStartedAt}`).changes;

/** Marks an item the backend refused or no longer knows; its row stays until a listing settles it. */
export const markReviewItemGone = (
  tx: WriteDb,
  itemId: string,
  gone: { status: 403 | 404; reason: string },
  at: string,
): boolean =>
  tx.run(sql`UPDATE review_items SET gone_reason = ${`${gone.status}: ${gone.reason}`}, gone_at = ${at}
    WHERE id = ${itemId}`).changes > 0;

export const newestItemCreatedAt = (read: ReadDb): string | null =>
  read.value<string>(sql`SELECT max(created_at) FROM review_items`) ?? null;

export const countOpenItems = (read: ReadDb): { open: number; pending: number } => {
  const row = read.get<{ open: number | null; pending: number | null }>(sql`
    SELECT sum(status IN ('pending', 'in_progress')) AS open, sum(status = 'pending') AS pending
    FROM review_items WHERE gone_at IS NULL`);
  return { open: row?.open ?? 0, pending: row?.pending ?? 0 };
};

/** Items that exist locally, among `ids` (a decided item we held is updated, not added). */
export const existingItemIds = (read: ReadDb, ids: readonly string[]): Set<string> =>
  new Set(read.all<{ id: string }>(sql`SELECT id FROM review_items WHERE id IN ${sqlIn(ids)}`).map((r) => r.id));
