/**
 * Outbox store: this person's changes the backend has not accepted yet, read from the workspace
 * server: those waiting to be sent (pending, or being sent), and those that need the person
 * (refused by the backend with its reason, or in conflict with someone else's decision), with
 * Resubmit and Withdraw. The server owns the outbox; this store asks it and shows the answers.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { OutboxEntryView } from '../../shared/contract';
import { type ApiClient, describeApiFailure, isSessionProblem } from '../api/client';
import { createPoller } from './poller';

/** What the desk marks on an item: waiting to be sent, refused, or in conflict. */
export type ItemSyncState = 'waiting' | 'refused' | 'conflict';

export interface OutboxState {
  /** Pending or being sent, oldest first. */
  waiting: readonly OutboxEntryView[];
  /** Refused (quarantined) or in conflict, not yet resubmitted or withdrawn, oldest first. */
  attention: readonly OutboxEntryView[];
  /** The latest of those per item, for "is this item waiting / refused" on the desk. */
  byItem: ReadonlyMap<string, ItemSyncState>;
  loaded: boolean;
  /** Entries with a Resubmit or Withdraw in flight. */
  acting: ReadonlySet<string>;
  /** The last outcome of an action, for the live region. */
  notice: string | null;
  problem: string | null;
  refresh(): Promise<void>;
  resubmit(id: string): Promise<void>;
  withdraw(id: string): Promise<void>;
  reset(): void;
  startPolling(): () => void;
}

export type OutboxStore = StoreApi<OutboxState>;

export const OUTBOX_PANEL_POLL_MS = { busy: 2_000, idle: 10_000 } as const;

const EMPTY: readonly OutboxEntryView[] = [];

const initial = {
  waiting: EMPTY,
  attention: EMPTY,
  byItem: new Map<string, ItemSyncState>(),
  loaded: false,
  acting: new Set<string>(),
  notice: null,
  problem: null,
} as const;

/** The sync state of one item: a selector for components (`useOutbox((s) => itemSyncState(s, id))`). */
export const itemSyncState = (state: Pick<OutboxState, 'byItem'>, itemId: string): ItemSyncState | null =>
  state.byItem.get(itemId) ?? null;

const KIND_LABELS: Readonly<Record<string, string>> = {
  approve: 'Approve',
  correct: 'Correct',
  reject: 'Reject',
  batch_approve: 'Approve (batch)',
  batch_reject: 'Reject (batch)',
  claim: 'Claim',
  unclaim: 'Release claim',
};

/** "Reject", "Approve (batch) · 40 items". */
export const entryLabel = (entry: Pick<OutboxEntryView, 'kind' | 'itemIds'>): string => {
  const kind = KIND_LABELS[entry.kind] ?? entry.kind;
  return entry.itemIds.length > 1 ? `${kind} · ${entry.itemIds.length} items` : kind;
};

const byItemOf = (entries: readonly OutboxEntryView[]): Map<string, ItemSyncState> => {
  const map = new Map<string, ItemSyncState>();
  // Entries come oldest first: a later one about the same item wins.
  for (const entry of entries) {
    const state: ItemSyncState =
      entry.state === 'conflict' ? 'conflict' : entry.state === 'quarantined' ? 'refused' : 'waiting';
    for (const id of entry.itemIds) map.set(id, state);
  }
  return map;
};

export const createOutboxStore = (api: ApiClient, onSessionProblem: () => void): OutboxStore => {
  const store = createStore<OutboxState>()((set, get) => {
    const fail = (error: unknown): void => {
      if (isSessionProblem(error)) onSessionProblem();
      set({ problem: describeApiFailure(error) });
    };
    const act = async (id: string, run: () => Promise<OutboxEntryView>, done: (e: OutboxEntryView) => string) => {
      if (get().acting.has(id)) return;
      set({ acting: new Set([...get().acting, id]) });
      try {
        const entry = await run();
        set({ notice: done(entry), problem: null });
        await get().refresh();
      } catch (error) {
        fail(error);
      } finally {
        const acting = new Set(get().acting);
        acting.delete(id);
        set({ acting });
      }
    };
    return {
      ...initial,
      async refresh() {
        try {
          const { entries } = await api.call('outbox');
          set({
            waiting: entries.filter((e) => e.state === 'pending' || e.state === 'sending'),
            attention: entries.filter((e) => e.state === 'quarantined' || e.state === 'conflict'),
            byItem: byItemOf(entries),
            loaded: true,
            problem: null,
          });
        } catch (error) {
          fail(error);
        }
      },
      resubmit: (id) =>
        act(
          id,
          () => api.call('resubmit', { params: { id }, body: {} }),
          (entry) => `${entryLabel(entry)} resubmitted; it is waiting to be sent.`,
        ),
      withdraw: (id) =>
        act(
          id,
          () => api.call('withdraw', { params: { id } }),
          (entry) => `${entryLabel(entry)} withdrawn. The record of it stays.`,
        ),
      reset() {
        poller.stop();
        set({ ...initial, byItem: new Map(), acting: new Set() });
      },
      startPolling() {
        poller.start();
        return () => poller.stop();
      },
    };
  });
  const poller = createPoller(
    () => store.getState().refresh(),
    () => (store.getState().waiting.length > 0 ? OUTBOX_PANEL_POLL_MS.busy : OUTBOX_PANEL_POLL_MS.idle),
  );
  return store;
};
