/** Review routes over the local copy. */
import type { SessionManager } from '../../auth/session-manager';
import type { HandlersFor } from '../../http/handlers-for';

export function reviewRoutes(session: SessionManager): HandlersFor<'reviewSummary'> {
  return {
    reviewSummary: async () => {
      const { store } = session.requireWorkspace();
      return store.review.summary();
    },
  };
}
