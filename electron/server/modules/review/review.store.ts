/**
 * The review queue's local copy, bound to one open workspace database: what sync writes and what
 * the review routes read. Each page and the stream's cursor commit together (cursor.repo).
 */
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
import { getCursor } from '../../sync/cursor.repo';
import { reviewSummary } from './review.repo';
import { correctionSchema, itemDetail, toRowView } from './review-desk.service';
import { listQueue, localIntents, queueCounts } from './review-queue.repo';

export const REVIEW_QUEUE_STREAM = 'review-queue';

export class ReviewStore {
  constructor(private readonly db: WorkspaceDatabase) {}

  lastPulledAt(): string | null {
    return getCursor(this.db.read, REVIEW_QUEUE_STREAM)?.lastSuccessAt ?? null;
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
