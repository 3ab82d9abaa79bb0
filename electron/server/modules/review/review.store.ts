/**
 * The review queue's local copy, bound to one open workspace database: what sync writes and what
 * the review routes read. Each page and the stream's cursor commit together (cursor.repo).
 */
import type { ReviewItem } from '../../../../shared/amigo';
import type { ReviewSummaryView } from '../../../../shared/contract';
import type { WorkspaceDatabase } from '../../db/workspace-database';
import { applyPage, getCursor } from '../../sync/cursor.repo';
import { countReviewItems, reviewSummary, settleOpenReviewItems, upsertReviewItems } from './review.repo';

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
}
