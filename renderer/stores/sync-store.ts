/**
 * Sync store: the workspace server's sync status (online, streams, outbox), read periodically
 * while signed in, and the "Sync now" action.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { SyncStatusView } from '../../shared/contract';
import { type ApiClient, describeApiFailure, isSessionProblem } from '../api/client';
import { createPoller } from './poller';

export interface SyncState {
  status: SyncStatusView | null;
  /** The last failure reading or starting sync, as a sentence. */
  problem: string | null;
  /** "Sync now" is in flight. */
  syncing: boolean;
  refresh(): Promise<void>;
  syncNow(): Promise<void>;
  /** Drops everything: called when the session leaves signed-in. */
  reset(): void;
  startPolling(): () => void;
}

export const SYNC_POLL_MS = { active: 2_000, idle: 10_000 } as const;

export type SyncStore = StoreApi<SyncState>;

const initial = { status: null, problem: null, syncing: false } as const;

export const createSyncStore = (api: ApiClient, onSessionProblem: () => void): SyncStore => {
  const store = createStore<SyncState>()((set, get) => {
    const fail = (error: unknown): void => {
      if (isSessionProblem(error)) onSessionProblem();
      set({ problem: describeApiFailure(error) });
    };
    return {
      ...initial,
      async refresh() {
        try {
          set({ status: await api.call('syncStatus'), problem: null });
        } catch (error) {
          fail(error);
        }
      },
      async syncNow() {
        if (get().syncing) return;
        set({ syncing: true });
        try {
          set({ status: await api.call('syncNow'), problem: null });
          // Follow the pull closely while it runs.
          poller.kick();
        } catch (error) {
          fail(error);
        } finally {
          set({ syncing: false });
        }
      },
      reset() {
        set({ ...initial });
      },
      startPolling() {
        poller.start();
        return () => poller.stop();
      },
    };
  });

  const poller = createPoller(
    () => store.getState().refresh(),
    () => {
      const { status, syncing } = store.getState();
      return syncing || status?.streams.some((s) => s.running) ? SYNC_POLL_MS.active : SYNC_POLL_MS.idle;
    },
  );
  return store;
};
