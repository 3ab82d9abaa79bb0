import { DateTime } from '../../components/DateTime';
import { formatCount, plural } from '../../components/format';
import { useReviewSummary } from '../../stores/stores-context';

/** The review queue's front page: for now the counts; the queue list and item view come next. */
export const ReviewSection = () => {
  const loaded = useReviewSummary((s) => s.summary !== null);
  const firstSyncDone = useReviewSummary((s) => (s.summary?.asOf ?? null) !== null);
  const problem = useReviewSummary((s) => s.problem);

  return (
    <>
      <h1>Review</h1>
      {problem && (
        <p role="alert" className="notice notice-error" data-testid="review-problem">
          {problem}
        </p>
      )}
      {!loaded ? (
        !problem && (
          <p role="status" className="muted" data-testid="review-loading">
            Loading the review queue…
          </p>
        )
      ) : firstSyncDone ? (
        <ReviewCounts />
      ) : (
        <div className="empty-state" data-testid="review-first-sync">
          <p className="empty-title">The review queue is on its way.</p>
          <p>
            The first sync with the workspace has not finished yet. Items waiting for review appear here when it has.
          </p>
        </div>
      )}
    </>
  );
};

const ReviewCounts = () => {
  const pending = useReviewSummary((s) => s.summary?.pending ?? 0);
  const inProgress = useReviewSummary((s) => s.summary?.inProgress ?? 0);
  const asOf = useReviewSummary((s) => s.summary?.asOf ?? null);

  return (
    <div className="review-summary">
      <p className="review-headline">
        <strong data-testid="pending-count">{formatCount(pending)}</strong>{' '}
        {plural(pending, 'pending review item', 'pending review items')}
      </p>
      <p>
        <span data-testid="in-progress-count">{formatCount(inProgress)}</span> in progress
        {asOf && (
          <>
            {' '}
            <span className="muted">
              · as of <DateTime value={asOf} testId="review-as-of" />
            </span>
          </>
        )}
      </p>
      {pending === 0 && (
        <div className="empty-state" data-testid="review-empty">
          <p className="empty-title">Nothing waiting for review.</p>
          <p>New items appear here after the next sync.</p>
        </div>
      )}
    </div>
  );
};
