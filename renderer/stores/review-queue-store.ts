/**
 * Review queue store: the filters, the sorted queue as windows fetched on demand (the list is
 * virtualized over the full total), the counts per facet, the selected item and the multi-selection,
 * and a cache of item views prefetched ahead of the selection, so moving to the next item paints
 * from memory within a frame instead of waiting on a request.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  ItemDetailView,
  QueueCountsView,
  QueueFilters,
  QueueRowView,
  QueueSort,
} from '../../shared/contract/review.views';
import { type ApiClient, describeApiFailure, isSessionProblem } from '../api/client';

/** Rows per window request; the list asks for the windows its visible range touches. */
export const QUEUE_WINDOW = 100;
/** Item views kept warm ahead of (and one behind) the selection. */
export const PREFETCH_AHEAD = 3;
const DETAIL_CACHE_MAX = 40;

export type QueueFilterState = Omit<QueueFilters, 'status'> & { status: QueueFilters['status'] };

export const DEFAULT_FILTERS: QueueFilterState = { status: 'open' };

export interface ReviewQueueState {
  filters: QueueFilterState;
  sort: QueueSort;
  /** Bumps on every reload, so answers of an earlier query are dropped. */
  generation: number;
  /** The generation the rows on screen belong to. */
  rowsGeneration: number;
  total: number | null;
  asOf: string | null;
  /** Rows by queue position; holes are windows not fetched yet. */
  rows: ReadonlyMap<number, QueueRowView>;
  counts: QueueCountsView | null;
  problem: string | null;
  selectedIndex: number;
  selectedId: string | null;
  /** Item ids picked for a batch decision. */
  picked: ReadonlySet<string>;
  details: ReadonlyMap<string, ItemDetailView>;
  detailProblem: string | null;

  setFilters(patch: Partial<QueueFilterState>): void;
  setSort(sort: QueueSort): void;
  reload(options?: { keepSelection?: boolean }): Promise<void>;
  ensureRange(start: number, end: number): Promise<void>;
  select(index: number): void;
  move(delta: number): void;
  togglePick(id: string): void;
  pickRange(fromIndex: number, toIndex: number): void;
  clearPicks(): void;
  /** Drops cached views so the next look re-reads them (after a decision or a sync). */
  invalidateDetails(ids?: readonly string[]): void;
  loadDetail(id: string): Promise<void>;
  reset(): void;
}

export type ReviewQueueStore = StoreApi<ReviewQueueState>;

const initial = {
  filters: DEFAULT_FILTERS,
  sort: 'risk' as QueueSort,
  generation: 0,
  rowsGeneration: 0,
  total: null,
  asOf: null,
  rows: new Map<number, QueueRowView>(),
  counts: null,
  problem: null,
  selectedIndex: 0,
  selectedId: null,
  picked: new Set<string>(),
  details: new Map<string, ItemDetailView>(),
  detailProblem: null,
};

/**
 * Another reviewer's claim stops concurrent reviews: the backend refuses (409) a verdict on such an
 * item, so the desk neither decides nor picks it for a batch.
 */
export const heldByOther = (row: Pick<QueueRowView, 'assignedTo' | 'assignedToMe'> | undefined): boolean =>
  row !== undefined && row.assignedTo !== null && row.assignedTo !== '' && !row.assignedToMe;

/** Empty strings from form controls mean "no filter". */
const cleanFilters = (filters: QueueFilterState): QueueFilters => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out as QueueFilters;
};

export const createReviewQueueStore = (api: ApiClient, onSessionProblem: () => void): ReviewQueueStore => {
  const windowsInFlight = new Map<number, Promise<void>>();
  const detailsInFlight = new Map<string, Promise<void>>();

  const store = createStore<ReviewQueueState>()((set, get) => {
    const fail = (error: unknown): string => {
      if (isSessionProblem(error)) onSessionProblem();
      return describeApiFailure(error);
    };

    const fetchWindow = (windowIndex: number): Promise<void> => {
      const key = windowIndex;
      const running = windowsInFlight.get(key);
      if (running) return running;
      const { generation, filters, sort } = get();
      const work = (async () => {
        try {
          const page = await api.call('reviewQueue', {
            query: { ...cleanFilters(filters), sort, offset: windowIndex * QUEUE_WINDOW, limit: QUEUE_WINDOW },
          });
          if (get().generation !== generation) return;
          // The previous query's rows stay on screen until the first window of this one arrives.
          const rows = get().rowsGeneration === generation ? new Map(get().rows) : new Map<number, QueueRowView>();
          page.rows.forEach((row, i) => rows.set(page.offset + i, row));
          set({ rows, rowsGeneration: generation, total: page.total, asOf: page.asOf, problem: null });
          syncSelectedId();
        } catch (error) {
          if (get().generation === generation) set({ problem: fail(error) });
        } finally {
          windowsInFlight.delete(key);
        }
      })();
      windowsInFlight.set(key, work);
      return work;
    };

    /** After a reload that keeps the selection: the item to find again in the new rows. */
    let keepId: string | null = null;

    const syncSelectedId = (): void => {
      const { rows, selectedIndex, selectedId, rowsGeneration, generation } = get();
      // Only the reloaded rows can say where the kept item went; the previous query's rows stay on
      // screen (and navigable) until they arrive.
      if (keepId !== null && rowsGeneration === generation) {
        // The same item stays selected wherever the new order put it (when it is still there).
        const kept = keepId;
        const at = [...rows.entries()].find(([, row]) => row.id === kept)?.[0];
        keepId = null;
        if (at !== undefined) {
          set({ selectedIndex: at, selectedId: kept });
          prefetchAround();
          return;
        }
      }
      const id = rows.get(selectedIndex)?.id ?? null;
      if (id !== selectedId && id !== null) set({ selectedId: id });
      prefetchAround();
    };

    const prefetchAround = (): void => {
      const { rows, selectedIndex, total } = get();
      const last = Math.min((total ?? 0) - 1, selectedIndex + PREFETCH_AHEAD);
      // Rows ahead of the selection must be loaded for their views to be fetched.
      const needWindow = Math.floor(Math.max(0, last) / QUEUE_WINDOW);
      if (total !== null && last >= 0 && !rows.has(last)) void fetchWindow(needWindow);
      for (let i = selectedIndex - 1; i <= last; i++) {
        const id = rows.get(i)?.id;
        if (id !== undefined && !get().details.has(id)) void get().loadDetail(id);
      }
    };

    return {
      ...initial,
      setFilters(patch) {
        set({ filters: { ...get().filters, ...patch } });
        void get().reload();
      },
      setSort(sort) {
        set({ sort });
        void get().reload();
      },
      async reload(options = {}) {
        const keep = options.keepSelection === true ? get().selectedId : null;
        keepId = keep;
        windowsInFlight.clear();
        set({
          generation: get().generation + 1,
          ...(keep === null ? { selectedIndex: 0, selectedId: null } : {}),
        });
        const { generation, filters } = get();
        const counts = api
          .call('reviewQueueCounts', { query: cleanFilters(filters) })
          .then((c) => {
            if (get().generation === generation) set({ counts: c });
          })
          .catch((error: unknown) => {
            if (get().generation === generation) set({ problem: fail(error) });
          });
        // The window holding the kept item's old position first: it most likely still holds it.
        await fetchWindow(keep === null ? 0 : Math.floor(get().selectedIndex / QUEUE_WINDOW));
        // The kept item is gone and the queue shrank below the selection: stay at its end.
        const total = get().total ?? 0;
        if (keep !== null && get().selectedIndex > total - 1) {
          set({ selectedIndex: Math.max(0, total - 1) });
          syncSelectedId();
        }
        await counts;
      },
      async ensureRange(start, end) {
        const { rows, total } = get();
        if (total === null) return;
        const first = Math.floor(Math.max(0, start) / QUEUE_WINDOW);
        const lastIndex = Math.min(end, total - 1);
        const last = Math.floor(Math.max(0, lastIndex) / QUEUE_WINDOW);
        const work: Promise<void>[] = [];
        for (let w = first; w <= last; w++) {
          const probe = Math.min(w * QUEUE_WINDOW + QUEUE_WINDOW - 1, total - 1);
          if (!rows.has(w * QUEUE_WINDOW) || !rows.has(probe)) work.push(fetchWindow(w));
        }
        await Promise.all(work);
      },
      select(index) {
        const { total } = get();
        if (total === null || total === 0) return;
        const clamped = Math.max(0, Math.min(total - 1, index));
        const id = get().rows.get(clamped)?.id ?? null;
        // A reload still in flight keeps what the reviewer chose now, not what was selected when it
        // started: otherwise its answer would snap the desk back to the item they just left.
        if (keepId !== null) keepId = id;
        set({ selectedIndex: clamped, selectedId: id, detailProblem: null });
        syncSelectedId();
      },
      move(delta) {
        get().select(get().selectedIndex + delta);
      },
      togglePick(id) {
        const picked = new Set(get().picked);
        if (picked.has(id)) picked.delete(id);
        else if (!heldByOther([...get().rows.values()].find((row) => row.id === id))) picked.add(id);
        else return;
        set({ picked });
      },
      pickRange(fromIndex, toIndex) {
        const picked = new Set(get().picked);
        const [a, b] = fromIndex <= toIndex ? [fromIndex, toIndex] : [toIndex, fromIndex];
        for (let i = a; i <= b; i++) {
          const row = get().rows.get(i);
          if (row !== undefined && !heldByOther(row)) picked.add(row.id);
        }
        set({ picked });
      },
      clearPicks() {
        set({ picked: new Set() });
      },
      invalidateDetails(ids) {
        if (ids === undefined) {
          set({ details: new Map() });
        } else {
          const details = new Map(get().details);
          for (const id of ids) details.delete(id);
          set({ details });
        }
        prefetchAround();
      },
      loadDetail(id) {
        const running = detailsInFlight.get(id);
        if (running) return running;
        const work = (async () => {
          try {
            const view = await api.call('reviewItem', { params: { id } });
            const details = new Map(get().details);
            details.set(id, view);
            // Keep the cache bounded: drop the oldest entries (Map keeps insertion order).
            while (details.size > DETAIL_CACHE_MAX) {
              const oldest = details.keys().next().value;
              if (oldest === undefined || oldest === get().selectedId) break;
              details.delete(oldest);
            }
            set({ details });
          } catch (error) {
            if (get().selectedId === id) set({ detailProblem: fail(error) });
          } finally {
            detailsInFlight.delete(id);
          }
        })();
        detailsInFlight.set(id, work);
        return work;
      },
      reset() {
        windowsInFlight.clear();
        detailsInFlight.clear();
        set({ ...initial, generation: get().generation + 1, rows: new Map(), picked: new Set(), details: new Map() });
      },
    };
  });
  return store;
};
