/** Review routes over the local copy: the summary, the queue, its counts, one item, its correction form. */
import type { SessionManager } from '../../auth/session-manager';
import type { HandlersFor } from '../../http/handlers-for';

export function reviewRoutes(
  session: SessionManager,
): HandlersFor<'reviewSummary' | 'reviewQueue' | 'reviewQueueCounts' | 'reviewItem' | 'reviewCorrectionSchema'> {
  return {
    reviewSummary: async () => {
      const { store } = session.requireWorkspace();
      return store.review.summary();
    },
    reviewQueue: async ({ query }) => {
      const { store, user } = session.requireCapability('read');
      const { sort, offset, limit, ...filters } = query;
      return store.review.queuePage(filters, { sort, offset, limit, me: user.sub });
    },
    reviewQueueCounts: async ({ query }) => {
      const { store, user } = session.requireCapability('read');
      return store.review.queueCounts(query, user.sub);
    },
    reviewItem: async ({ params }) => {
      const { store, user, remote } = session.requireCapability('read');
      return store.review.item(params.id, user.sub, remote);
    },
    reviewCorrectionSchema: async ({ params }) => {
      // Only someone who may decide needs the form (and the backend would refuse the others).
      const { store, remote } = session.requireCapability('decide');
      return store.review.correctionSchema(params.id, remote);
    },
  };
}
