/**
 * The review queue's local copy, bound to one open workspace database: what sync writes and what
 * the review routes read. Each page and the stream's cursor commit together (cursor.repo).
 */
import type { ReviewItem } from '../../../../shared/amigo';
import type { ReviewSummaryView } from '../../../../shared/contract';
import type {
  CorrectionSchemaView,
  ItemDetailView,
  QueueCountsView,
  QueueFilters,
  QueuePageView,
  QueueSort,
} from '../../../../shared/contract/review.views';
import type { RemoteClient } from '../../remote/remote-client';
import type { WorkspaceDatabase } from '../../db/workspace-database';
import { applyPage, getCursor } from '../../sync/cursor.repo';
import { countReviewItems, reviewSummary, settleOpenReviewItems, upsertReviewItems } from './review.repo';
import { correctionSchema, itemDetail, toRowView } from './review-desk.service';
import { listQueue, localIntents, queueCounts } from './review-queue.repo';

export const REVIEW_QUEUE_STREAM = 'review-queue';

export class ReviewStore {
  constructor(private readonly db: WorkspaceDatabase) {}

  /** Stores one validated page; `complete` marks the stream's last page of this pass. */
  applyPage(
    items: readonly ReviewItem[],
    pulledAt: string,
    page: { cursor: string | null; complete: boolean; total?: number | null },
  ): void {
    applyPage(this.db.write, REVIEW_QUEUE_STREAM, (tx) => upsertReviewItems(tx, items, pulledAt), {
      cursor: page.cursor,
      at: pulledAt,
      complete: page.complete,
      ...(page.total === undefined ? {} : { total: page.total }),
      storedCount: (tx) => countReviewItems(tx),
    });
  }

  /** After a complete pass: open items the backend no longer lists are removed locally. */
  settleOpenItems(pulledAt: string): number {
    return settleOpenReviewItems(this.db.write, pulledAt);
  }

  lastPulledAt(): string | null {
    return getCursor(this.db.read, REVIEW_QUEUE_STREAM)?.lastSuccessAt ?? null;
  }

  openCount(): number {
    const { pending, inProgress } = reviewSummary(this.db.read);
    return pending + inProgress;
  }

  summary(): ReviewSummaryView {
    return { ...reviewSummary(this.db.read), asOf: this.lastPulledAt() };
  }

  // The review desk ------------------------------------------------------------------------------

  queuePage(
    filters: QueueFilters,
    options: { sort: QueueSort; offset: number; limit: number; me: string; now?: Date },
  ): QueuePageView {
    const nowIso = (options.now ?? new Date()).toISOString();
    const { rows, total } = listQueue(this.db.read, filters, { ...options, nowIso });
    const local = new Map(
      localIntents(
        this.db.read,
        rows.map((r) => r.id),
      ).map((l) => [l.item_id, l]),
    );
    return {
      rows: rows.map((r) => toRowView(r, options.me, local.get(r.id))),
      offset: options.offset,
      total,
      asOf: this.lastPulledAt(),
    };
  }

  queueCounts(filters: QueueFilters, me: string): QueueCountsView {
    const { total, facets, mine, unassigned } = queueCounts(this.db.read, filters, me);
    return { total, ...facets, mine, unassigned };
  }

  /** One item's view; `remote` (when online) fetches a transcript sync has not brought yet. */
  item(id: string, me: string, remote: RemoteClient | null, now = new Date()): Promise<ItemDetailView> {
    return itemDetail(this.db.read, {
      id,
      me,
      nowIso: now.toISOString(),
      local: localIntents(this.db.read, [id])[0],
      remote,
    });
  }

  correctionSchema(id: string, remote: RemoteClient, now = new Date()): Promise<CorrectionSchemaView> {
    return correctionSchema(this.db, { id, remote, nowIso: now.toISOString() });
  }
}
