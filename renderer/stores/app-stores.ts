/**
 * Creates the app's stores for one API client and wires the rules that span them, so those
 * rules hold whatever the screen does: leaving signed-in drops synced state, and a completed
 * sync refreshes the review counts.
 */
import type { ApiClient } from '../api/client';
import { createAuditStore, type AuditStore } from '../features/audit/audit-store';
import { saveFileInPage } from '../features/audit/save-file';
import { createLineageStore, type LineageStore } from '../features/lineage/lineage-store';
import { createOutboxStore, type OutboxStore } from './outbox-store';
import { createReviewDecisionsStore, type ReviewDecisionsStore } from './review-decisions-store';
import { createReviewQueueStore, type ReviewQueueStore } from './review-queue-store';
import { createReviewSummaryStore, type ReviewSummaryStore } from './review-summary-store';
import { createSessionStore, type AuthorizationOpener, type SessionStore } from './session-store';
import { createSyncStore, type SyncStore } from './sync-store';

export interface AppStores {
  session: SessionStore;
  sync: SyncStore;
  reviewSummary: ReviewSummaryStore;
  reviewQueue: ReviewQueueStore;
  reviewDecisions: ReviewDecisionsStore;
  lineage: LineageStore;
  outbox: OutboxStore;
  /** Audit and compliance reports (admin and owner). */
  audit: AuditStore;
  /** Removes the cross-store subscriptions (tests; the app lives as long as the page). */
  dispose(): void;
}

export const createAppStores = (api: ApiClient, openAuthorizationUrl: AuthorizationOpener): AppStores => {
  const session = createSessionStore(api, openAuthorizationUrl);
  // A 401 from a session route means the session changed (locked, revoked): re-read it now
  // instead of waiting for the next poll.
  const recheckSession = (): void => void session.getState().refresh();
  const sync = createSyncStore(api, recheckSession);
  const reviewSummary = createReviewSummaryStore(api, recheckSession);
  const reviewQueue = createReviewQueueStore(api, recheckSession);
  const reviewDecisions = createReviewDecisionsStore(api, recheckSession);
  const lineage = createLineageStore(api, recheckSession);
  const outbox = createOutboxStore(api, recheckSession);
  const audit = createAuditStore(api, recheckSession, saveFileInPage);

  const unsubscribeSession = session.subscribe((state, previous) => {
    if (previous.status === 'signed-in' && state.status !== 'signed-in') {
      // Locked or signed out: nothing read under the old session stays in memory.
      sync.getState().reset();
      reviewSummary.getState().reset();
      reviewQueue.getState().reset();
      reviewDecisions.getState().reset();
      lineage.getState().reset();
      outbox.getState().reset();
      audit.getState().reset();
    }
  });
  const unsubscribeSync = sync.subscribe((state, previous) => {
    const done = state.status?.lastCompleteSyncAt ?? null;
    if (done !== null && done !== (previous.status?.lastCompleteSyncAt ?? null)) {
      void reviewSummary.getState().refresh();
      // The local copy changed under the desk: re-read the queue where the reviewer stands.
      void reviewQueue.getState().reload({ keepSelection: true });
      // An open lineage page follows the local copy (no second access event: same view).
      void lineage.getState().refresh();
    }
  });

  return {
    session,
    sync,
    reviewSummary,
    reviewQueue,
    reviewDecisions,
    lineage,
    outbox,
    audit,
    dispose() {
      unsubscribeSession();
      unsubscribeSync();
    },
  };
};
