/** Review summary store: the counts on the Review section (pending, in progress, as of). */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ReviewSummaryView } from '../../shared/contract';
import { type ApiClient, describeApiFailure, isSessionProblem } from '../api/client';
import { createPoller } from './poller';

export interface ReviewSummaryState {
  summary: ReviewSummaryView | null;
  problem: string | null;
  refresh(): Promise<void>;
  reset(): void;
  startPolling(): () => void;
}

/** Counts change when a sync lands (which also triggers a refresh) or when someone decides. */
export const REVIEW_SUMMARY_POLL_MS = 10_000;

export type ReviewSummaryStore = StoreApi<ReviewSummaryState>;

export const createReviewSummaryStore = (api: ApiClient, onSessionProblem: () => void): ReviewSummaryStore => {
  const store = createStore<ReviewSummaryState>()((set) => ({
    summary: null,
    problem: null,
    async refresh() {
      try {
        set({ summary: await api.call('reviewSummary'), problem: null });
      } catch (error) {
        if (isSessionProblem(error)) onSessionProblem();
        set({ problem: describeApiFailure(error) });
      }
    },
    reset() {
      set({ summary: null, problem: null });
    },
    startPolling() {
      poller.start();
      return () => poller.stop();
    },
  }));
  const poller = createPoller(
    () => store.getState().refresh(),
    () => REVIEW_SUMMARY_POLL_MS,
  );
  return store;
};
