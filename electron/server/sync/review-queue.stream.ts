/**
 * Pulls the open review queue (pending and in-progress items, with their inline events and
 * entity) page by page within the API's limit of 20, validating each page before it is stored.
 * A page is applied in one transaction; a complete pass then settles which local open items the
 * backend no longer lists, so the local count matches the backend's.
 */
import { CONTINUATION_MAX_LIMIT, reviewItemPage, type ReviewItem, type ReviewStatus } from '../../../shared/amigo';
import type { RemoteClient } from '../remote/remote-client';
import { RemoteError } from '../remote/remote-error';
import { REVIEW_QUEUE_STREAM, type ReviewStore } from '../modules/review/review.store';

export { REVIEW_QUEUE_STREAM };

const OPEN_STATUSES: readonly ReviewStatus[] = ['pending', 'in_progress'];

export interface StreamProgress {
  (patch: { count?: number; total?: number | null }): void;
}

export async function pullReviewQueue(
  remote: RemoteClient,
  store: ReviewStore,
  progress: StreamProgress,
): Promise<void> {
  const pulledAt = new Date().toISOString();
  let count = 0;
  let expected = 0;
  for (const status of OPEN_STATUSES) {
    let token = 0;
    for (;;) {
      const { data } = await remote.get(remote.workspacePath('review-queue'), reviewItemPage, {
        status,
        limit: CONTINUATION_MAX_LIMIT,
        continuation_token: token,
      });
      const items: ReviewItem[] = data.items;
      const next = data.continuation_token;
      const last = !data.has_more || next === null || next === undefined;
      // A cursor that does not advance would loop forever (security-bar D-15).
      if (!last && next <= token) {
        throw new RemoteError('invalid-response', 'The review queue paging did not advance; stopped to avoid looping.');
      }
      if (token === 0 && typeof data.total === 'number') {
        expected += data.total;
        progress({ total: expected });
      }
      store.applyPage(items, pulledAt, {
        cursor: last ? null : `${status}:${next}`,
        complete: last && status === OPEN_STATUSES.at(-1),
      });
      count += items.length;
      progress({ count });
      if (last) break;
      token = next;
    }
  }
  store.settleOpenItems(pulledAt);
}
