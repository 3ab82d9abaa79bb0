/** Local API: the review desk, over the local copy. */
import { route } from './define';
import { reviewSummaryView } from './views';

export const reviewContract = {
  reviewSummary: route({
    method: 'GET',
    path: '/api/review/summary',
    access: 'session',
    response: reviewSummaryView,
  }),
} as const;
