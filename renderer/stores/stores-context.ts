/**
 * Hands the stores to components through React context (created once in main.tsx with the API
 * client for this launch). Hooks take a selector so each component re-renders only for the
 * slice it reads (architecture.md §6.13).
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppStores } from './app-stores';
import type { OutboxState } from './outbox-store';
import type { ReviewDecisionsState } from './review-decisions-store';
import type { ReviewQueueState } from './review-queue-store';
import type { ReviewSummaryState } from './review-summary-store';
import type { SessionState } from './session-store';
import type { SyncState } from './sync-store';

export const StoresContext = createContext<AppStores | null>(null);

const useStores = (): AppStores => {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('StoresContext is missing: render inside <StoresContext value={stores}>.');
  return stores;
};

export const useSession = <T>(select: (state: SessionState) => T): T => useStore(useStores().session, select);
export const useSync = <T>(select: (state: SyncState) => T): T => useStore(useStores().sync, select);
export const useReviewSummary = <T>(select: (state: ReviewSummaryState) => T): T =>
  useStore(useStores().reviewSummary, select);
export const useReviewQueue = <T>(select: (state: ReviewQueueState) => T): T =>
  useStore(useStores().reviewQueue, select);
export const useReviewDecisions = <T>(select: (state: ReviewDecisionsState) => T): T =>
  useStore(useStores().reviewDecisions, select);
/** The outbox: waiting, refused and conflicting changes (`itemSyncState` in outbox-store selects one item). */
export const useOutbox = <T>(select: (state: OutboxState) => T): T => useStore(useStores().outbox, select);
/** The desk's stores themselves, for keyboard handlers that act outside React's render. */
export const useReviewStores = (): Pick<AppStores, 'reviewQueue' | 'reviewDecisions'> => useStores();
