/**
 * Hands the stores to components through React context (created once in main.tsx with the API
 * client for this launch). Hooks take a selector so each component re-renders only for the
 * slice it reads (architecture.md §6.13).
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppStores } from './app-stores';
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
