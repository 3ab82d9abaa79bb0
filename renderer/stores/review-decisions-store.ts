/**
 * Review decisions store: what this person decided (approve, correct, reject, batches), claims
 * and unclaims, undo within the window, the local state of each decision as the outbox reports it
 * (waiting, sent, refused, in conflict), and the desk's PHI access events. The workspace server
 * owns the outbox; this store only asks it and remembers the answers the desk shows.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AccessEventInput, DecisionInput, OutboxEntryView, RejectReasonCode } from '../../shared/contract';
import type { CorrectionSchemaView } from '../../shared/contract/review.views';
import { ApiCallError, type ApiClient, describeApiFailure, isSessionProblem } from '../api/client';
import { createPoller } from './poller';

export interface UndoableDecision {
  entry: OutboxEntryView;
  /** e.g. "Approved", "Rejected 3 items". */
  label: string;
  itemIds: string[];
}

export interface ReviewDecisionsState {
  /** The latest local intent per item (decisions only; claims are tracked in `claimed`). */
  byItem: ReadonlyMap<string, OutboxEntryView>;
  last: UndoableDecision | null;
  /** The last thing said about an undo or a decision, for the live region. */
  notice: string | null;
  problem: string | null;
  claimed: ReadonlySet<string>;
  busy: boolean;
  decide(itemId: string, input: DecisionInput): Promise<OutboxEntryView | null>;
  batchDecide(
    input:
      | { kind: 'approve'; itemIds: string[] }
      | { kind: 'reject'; itemIds: string[]; reasonCode: RejectReasonCode; reasonText?: string },
  ): Promise<OutboxEntryView[] | null>;
  /** Withdraws the last decision if it is still unsent; answers the item ids it gave back. */
  undo(): Promise<string[]>;
  claim(itemId: string): Promise<void>;
  unclaim(itemId: string): Promise<void>;
  recordAccess(input: AccessEventInput): void;
  /** The correction form for an item (the caller shows a failure itself). */
  correctionSchema(itemId: string): Promise<CorrectionSchemaView>;
  refreshOutbox(): Promise<void>;
  startPolling(): () => void;
  reset(): void;
}

export type ReviewDecisionsStore = StoreApi<ReviewDecisionsState>;

export const OUTBOX_POLL_MS = 2_000;

const DECISION_KINDS = new Set(['approve', 'correct', 'reject', 'batch_approve', 'batch_reject']);

const LABELS: Readonly<Record<string, string>> = {
  approve: 'Approved',
  correct: 'Corrected',
  reject: 'Rejected',
  batch_approve: 'Approved',
  batch_reject: 'Rejected',
};

export const decisionLabel = (entry: Pick<OutboxEntryView, 'kind' | 'itemIds'>): string => {
  const verb = LABELS[entry.kind] ?? entry.kind;
  return entry.itemIds.length > 1 ? `${verb} ${entry.itemIds.length} items` : verb;
};

export const undoOpen = (entry: OutboxEntryView, now = Date.now()): boolean =>
  entry.state === 'pending' && entry.undoableUntil !== null && Date.parse(entry.undoableUntil) > now;

const initial = {
  byItem: new Map<string, OutboxEntryView>(),
  last: null,
  notice: null,
  problem: null,
  claimed: new Set<string>(),
  busy: false,
};

export const createReviewDecisionsStore = (api: ApiClient, onSessionProblem: () => void): ReviewDecisionsStore => {
  const store = createStore<ReviewDecisionsState>()((set, get) => {
    const fail = (error: unknown): void => {
      if (isSessionProblem(error)) onSessionProblem();
      set({ problem: describeApiFailure(error) });
    };
    const remember = (entries: readonly OutboxEntryView[]): void => {
      const byItem = new Map(get().byItem);
      for (const entry of entries) for (const id of entry.itemIds) byItem.set(id, entry);
      set({ byItem });
    };
    const forgetClaim = (itemIds: readonly string[]): void => {
      const claimed = new Set(get().claimed);
      for (const id of itemIds) claimed.delete(id);
      set({ claimed });
    };

    return {
      ...initial,
      async decide(itemId, input) {
        set({ busy: true });
        try {
          const entry = await api.call('decide', { params: { id: itemId }, body: input });
          remember([entry]);
          // A decision ends the claim on the backend; nothing to unclaim when leaving.
          forgetClaim([itemId]);
          set({ last: { entry, label: decisionLabel(entry), itemIds: [itemId] }, notice: null, problem: null });
          return entry;
        } catch (error) {
          fail(error);
          return null;
        } finally {
          set({ busy: false });
        }
      },
      async batchDecide(input) {
        set({ busy: true });
        try {
          const { entries } = await api.call('batchDecide', { body: input });
          remember(entries);
          forgetClaim(input.itemIds);
          const first = entries[0];
          set({
            last: first
              ? {
                  entry: first,
                  label: `${input.kind === 'approve' ? 'Approved' : 'Rejected'} ${input.itemIds.length} items`,
                  itemIds: input.itemIds,
                }
              : null,
            notice: null,
            problem: null,
          });
          return entries;
        } catch (error) {
          fail(error);
          return null;
        } finally {
          set({ busy: false });
        }
      },
      async undo() {
        const last = get().last;
        if (last === null) {
          set({ notice: 'Nothing to undo.' });
          return [];
        }
        // A batch is several entries; each is withdrawn, all within the same window.
        const entries = [
          ...new Set([...get().byItem.values()].filter((e) => last.itemIds.some((id) => e.itemIds.includes(id)))),
        ];
        const targets = entries.length > 0 ? entries : [last.entry];
        if (!targets.every((e) => undoOpen(e))) {
          set({ notice: 'Undo is no longer possible: the decision was sent to the backend.', last: null });
          return [];
        }
        try {
          const withdrawn = await Promise.all(targets.map((e) => api.call('withdraw', { params: { id: e.id } })));
          const byItem = new Map(get().byItem);
          for (const id of last.itemIds) byItem.delete(id);
          set({ byItem, last: null, notice: `Undone: ${last.label.toLowerCase()} was withdrawn before it was sent.` });
          void withdrawn;
          return last.itemIds;
        } catch (error) {
          if (error instanceof ApiCallError && error.status === 409) {
            set({ notice: 'Undo is no longer possible: the decision was sent to the backend.', last: null });
            void get().refreshOutbox();
            return [];
          }
          fail(error);
          return [];
        }
      },
      async claim(itemId) {
        if (get().claimed.has(itemId)) return;
        set({ claimed: new Set(get().claimed).add(itemId) });
        try {
          await api.call('claim', { params: { id: itemId } });
        } catch (error) {
          forgetClaim([itemId]);
          fail(error);
        }
      },
      async unclaim(itemId) {
        if (!get().claimed.has(itemId)) return;
        forgetClaim([itemId]);
        try {
          await api.call('unclaim', { params: { id: itemId } });
        } catch (error) {
          fail(error);
        }
      },
      recordAccess(input) {
        // Fire and forget for the UI, never silently: a refusal shows as a problem.
        api.call('recordAccess', { body: input }).catch(fail);
      },
      correctionSchema(itemId) {
        return api.call('reviewCorrectionSchema', { params: { id: itemId } });
      },
      async refreshOutbox() {
        try {
          const { entries } = await api.call('outbox', { query: {} });
          const byItem = new Map<string, OutboxEntryView>();
          const ordered = [...entries]
            .filter((e) => DECISION_KINDS.has(e.kind) && e.state !== 'withdrawn')
            .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
          for (const entry of ordered) for (const id of entry.itemIds) byItem.set(id, entry);
          const last = get().last;
          const fresh = last ? entries.find((e) => e.id === last.entry.id) : undefined;
          set({ byItem, ...(last && fresh ? { last: { ...last, entry: fresh } } : {}) });
        } catch (error) {
          fail(error);
        }
      },
      startPolling() {
        poller.start();
        return () => poller.stop();
      },
      reset() {
        set({ ...initial, byItem: new Map(), claimed: new Set() });
      },
    };
  });
  const poller = createPoller(
    () => store.getState().refreshOutbox(),
    () => OUTBOX_POLL_MS,
  );
  return store;
};
