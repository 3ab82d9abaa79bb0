/** Local API: the review desk, over the local copy. Decisions and claims: decisions.routes.ts. */
import { route } from './define';
import {
  correctionSchemaView,
  itemDetailView,
  queueCountsView,
  queueFilters,
  queuePageView,
  queueQuery,
} from './review.views';
import { reviewSummaryView } from './views';

export * from './review.views';

export const reviewContract = {
  reviewSummary: route({
    method: 'GET',
    path: '/api/review/summary',
    access: 'session',
    response: reviewSummaryView,
  }),
  /** One window of the queue: filters, search, a sort, offset paging (the list is virtualized). */
  reviewQueue: route({
    method: 'GET',
    path: '/api/review/items',
    access: 'session',
    query: queueQuery,
    response: queuePageView,
  }),
  /** Counts per facet value under the other active filters. */
  reviewQueueCounts: route({
    method: 'GET',
    path: '/api/review/counts',
    access: 'session',
    query: queueFilters,
    response: queueCountsView,
  }),
  /** One item beside its transcript, with evidence computed locally. */
  reviewItem: route({
    method: 'GET',
    path: '/api/review/items/:id',
    access: 'session',
    response: itemDetailView,
  }),
  /** The correction form: the backend's schema (proxied, cached), or one built from the events offline. */
  reviewCorrectionSchema: route({
    method: 'GET',
    path: '/api/review/items/:id/correction-schema',
    access: 'session',
    response: correctionSchemaView,
  }),
} as const;
