/**
 * Lineage store: the search, the open entity's lineage, the point-in-time answer, and the
 * exports. Everything it reads comes from the local copy through the workspace server, so it
 * works offline. Showing PHI is recorded first (product.md "the app audits itself"): an entity is
 * shown only once its `entity.view` access event is written, and an export or print happens only
 * once its own event is, so the access log never misses one.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AccessEventInput } from '../../../shared/contract';
import type {
  EntityLineageView,
  EntitySearchResult,
  LineageExportView,
  LineageFreshness,
  PointInTimeView,
} from '../../../shared/contract/lineage.views';
import { type ApiClient, describeApiFailure, isSessionProblem } from '../../api/client';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface PointInTimeRequest {
  at: string;
  mode: 'believed' | 'true';
  compareTo?: string;
}

export interface LineageState {
  search: {
    query: string;
    status: LoadStatus;
    results: EntitySearchResult[];
    truncated: boolean;
    freshness: LineageFreshness | null;
    problem: string | null;
  };
  entity: { id: string | null; status: LoadStatus; view: EntityLineageView | null; problem: string | null };
  pointInTime: { status: LoadStatus; view: PointInTimeView | null; problem: string | null };
  /** An export or print in progress, or why the last one was refused. */
  output: { busy: boolean; problem: string | null };
  runSearch(query: string): Promise<void>;
  /** Loads an entity's lineage and records that it was viewed. */
  open(entityId: string): Promise<void>;
  /** Re-reads the open entity after a sync, without recording a second view. */
  refresh(): Promise<void>;
  close(): void;
  askPointInTime(request: PointInTimeRequest): Promise<void>;
  /** The export document, once its access event is recorded; null when refused. */
  exportJson(): Promise<LineageExportView | null>;
  /** True once the print is recorded, so the caller may open the print dialog. */
  recordPrint(): Promise<boolean>;
  reset(): void;
}

export type LineageStore = StoreApi<LineageState>;

const IDLE_SEARCH: LineageState['search'] = {
  query: '',
  status: 'idle',
  results: [],
  truncated: false,
  freshness: null,
  problem: null,
};
const IDLE_ENTITY: LineageState['entity'] = { id: null, status: 'idle', view: null, problem: null };
const IDLE_PIT: LineageState['pointInTime'] = { status: 'idle', view: null, problem: null };
const IDLE_OUTPUT: LineageState['output'] = { busy: false, problem: null };

const NOT_RECORDED =
  'Attest could not record this access in the access log, so it did not show (or export) the data. Try again.';

/** Whole ids, comma-separated, within the 500 characters an access event's detail may hold. */
const idList = (ids: readonly string[]): string => {
  let out = '';
  for (const id of ids) {
    const next = out === '' ? id : `${out},${id}`;
    if (next.length > 500) break;
    out = next;
  }
  return out;
};

class ExportChanged extends Error {
  override readonly name = 'ExportChanged';
}

export const createLineageStore = (api: ApiClient, onSessionProblem: () => void): LineageStore => {
  /**
   * The export arrives in pages (each answer stays small) and is joined here into one document.
   * A sync that changes the entity between pages would mix two versions: that export is refused.
   */
  const fetchExport = async (id: string): Promise<LineageExportView> => {
    const first = await api.call('lineageExport', { params: { id }, query: { page: 0 } });
    if (first.lineage === null) throw new ExportChanged('The export did not start with the lineage. Try again.');
    const events = [...first.events];
    const rawEvents = [...first.rawEvents];
    for (let page = 1; page < first.pageCount; page++) {
      const next = await api.call('lineageExport', { params: { id }, query: { page } });
      if (next.entityPulledAt !== first.entityPulledAt || next.pageCount !== first.pageCount) {
        throw new ExportChanged('A sync changed this entity while it was being exported. Export it again.');
      }
      events.push(...next.events);
      rawEvents.push(...next.rawEvents);
    }
    return {
      format: first.format,
      exportedAt: first.exportedAt,
      workspace: first.workspace,
      lineage: { ...first.lineage, events },
      rawEvents,
    };
  };

  // Each request takes a ticket; an answer that arrives after a newer request is dropped.
  let searchTicket = 0;
  let entityTicket = 0;
  let pitTicket = 0;

  const fail = (error: unknown): string => {
    if (isSessionProblem(error)) onSessionProblem();
    return describeApiFailure(error);
  };

  const record = async (input: AccessEventInput): Promise<boolean> => {
    try {
      await api.call('recordAccess', { body: input });
      return true;
    } catch (error) {
      if (isSessionProblem(error)) onSessionProblem();
      return false;
    }
  };

  return createStore<LineageState>()((set, get) => ({
    search: IDLE_SEARCH,
    entity: IDLE_ENTITY,
    pointInTime: IDLE_PIT,
    output: IDLE_OUTPUT,

    async runSearch(query) {
      const ticket = ++searchTicket;
      const q = query.trim();
      if (q === '') {
        set({ search: { ...IDLE_SEARCH, query } });
        return;
      }
      set((s) => ({ search: { ...s.search, query, status: 'loading', problem: null } }));
      try {
        const answer = await api.call('lineageSearch', { query: { q } });
        if (ticket !== searchTicket) return;
        // Results show names, MRNs and phones: recorded like any other PHI shown (which entities,
        // never the query, which may itself be a name).
        if (answer.results.length > 0) {
          const recorded = await record({
            action: 'lineage.view',
            resourceType: 'entity_search',
            details: { results: answer.results.length, entities: idList(answer.results.map((r) => r.id)) },
          });
          if (ticket !== searchTicket) return;
          if (!recorded) {
            set((s) => ({ search: { ...s.search, status: 'error', results: [], problem: NOT_RECORDED } }));
            return;
          }
        }
        set({
          search: {
            query,
            status: 'ready',
            results: answer.results,
            truncated: answer.truncated,
            freshness: answer.freshness,
            problem: null,
          },
        });
      } catch (error) {
        if (ticket !== searchTicket) return;
        set((s) => ({ search: { ...s.search, status: 'error', results: [], problem: fail(error) } }));
      }
    },

    async open(entityId) {
      const ticket = ++entityTicket;
      pitTicket++;
      set({
        entity: { id: entityId, status: 'loading', view: null, problem: null },
        pointInTime: IDLE_PIT,
        output: IDLE_OUTPUT,
      });
      try {
        const view = await api.call('lineageEntity', { params: { id: entityId } });
        if (ticket !== entityTicket) return;
        const recorded = await record({
          action: 'entity.view',
          resourceType: 'entity',
          resourceId: entityId,
          entityId,
          details: { screen: 'lineage', events: view.events.length },
        });
        if (ticket !== entityTicket) return;
        if (!recorded) {
          set({ entity: { id: entityId, status: 'error', view: null, problem: NOT_RECORDED } });
          return;
        }
        set({ entity: { id: entityId, status: 'ready', view, problem: null } });
      } catch (error) {
        if (ticket !== entityTicket) return;
        set({ entity: { id: entityId, status: 'error', view: null, problem: fail(error) } });
      }
    },

    async refresh() {
      const { id, status } = get().entity;
      if (id === null || status !== 'ready') return;
      const ticket = ++entityTicket;
      try {
        const view = await api.call('lineageEntity', { params: { id } });
        if (ticket !== entityTicket) return;
        set({ entity: { id, status: 'ready', view, problem: null } });
      } catch (error) {
        // The page keeps what it showed; the next sync tries again.
        if (isSessionProblem(error)) onSessionProblem();
      }
    },

    close() {
      entityTicket++;
      pitTicket++;
      set({ entity: IDLE_ENTITY, pointInTime: IDLE_PIT, output: IDLE_OUTPUT });
    },

    async askPointInTime(request) {
      const id = get().entity.id;
      if (id === null) return;
      const ticket = ++pitTicket;
      set((s) => ({ pointInTime: { ...s.pointInTime, status: 'loading', problem: null } }));
      try {
        const view = await api.call('lineagePointInTime', {
          params: { id },
          query: {
            at: request.at,
            mode: request.mode,
            ...(request.compareTo === undefined ? {} : { compareTo: request.compareTo }),
          },
        });
        if (ticket !== pitTicket) return;
        set({ pointInTime: { status: 'ready', view, problem: null } });
      } catch (error) {
        if (ticket !== pitTicket) return;
        set({ pointInTime: { status: 'error', view: null, problem: fail(error) } });
      }
    },

    async exportJson() {
      const id = get().entity.id;
      if (id === null) return null;
      set({ output: { busy: true, problem: null } });
      try {
        const recorded = await record({
          action: 'export',
          resourceType: 'entity_lineage',
          resourceId: id,
          entityId: id,
          details: { format: 'json' },
        });
        if (!recorded) {
          set({ output: { busy: false, problem: NOT_RECORDED } });
          return null;
        }
        const doc = await fetchExport(id);
        set({ output: IDLE_OUTPUT });
        return doc;
      } catch (error) {
        set({ output: { busy: false, problem: error instanceof ExportChanged ? error.message : fail(error) } });
        return null;
      }
    },

    async recordPrint() {
      const id = get().entity.id;
      if (id === null) return false;
      set({ output: { busy: true, problem: null } });
      const recorded = await record({
        action: 'print',
        resourceType: 'entity_lineage',
        resourceId: id,
        entityId: id,
        details: { format: 'print' },
      });
      set({ output: recorded ? IDLE_OUTPUT : { busy: false, problem: NOT_RECORDED } });
      return recorded;
    },

    reset() {
      searchTicket++;
      entityTicket++;
      pitTicket++;
      set({ search: IDLE_SEARCH, entity: IDLE_ENTITY, pointInTime: IDLE_PIT, output: IDLE_OUTPUT });
    },
  }));
};
