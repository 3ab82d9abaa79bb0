/**
 * Audit store: the audit browser, the PHI access reports, the summary, the compliance views and
 * exports (admin and owner only; the server refuses everyone else). Reports show PHI (patient
 * names), so opening one is recorded as an access event first (`report.view`), like every other
 * screen that shows PHI; an export is recorded by the server when it starts.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RouteQuery } from '../../../shared/contract';
import type {
  AuditEventsPage,
  AuditSummaryView,
  EntityLogView,
  ExportFormat,
  ExportReport,
  PatientReportView,
  PersonReportView,
} from '../../../shared/contract/audit.views';
import type { RouteResponse } from '../../../shared/contract';
import { type ApiClient, describeApiFailure, isSessionProblem } from '../../api/client';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface Slot<V> {
  status: LoadStatus;
  view: V | null;
  problem: string | null;
}
const idle = <V>(): Slot<V> => ({ status: 'idle', view: null, problem: null });

/** A report read a page at a time: `loadingMore` while its next page is on the way. */
export type ReportSlot<V> = Slot<V> & { loadingMore: boolean };

/** What the paged reports have in common: their rows, the next page's cursor and the range shown. */
interface PagedReport {
  /** Only carried over from page to page, so any row type will do. */
  rows: readonly unknown[];
  nextCursor: string | null;
  from: string | null;
  to: string | null;
}

/** The range a shown report covers, as the date fields give it: to load more of it, or to drill down. */
export const shownRange = (view: { from: string | null; to: string | null }): RangeInput => ({
  from: view.from ?? undefined,
  to: view.to ?? undefined,
});

/** The review aids' settings: the person's working hours in their own time zone. */
export interface ReviewAidSettings {
  timeZone: string;
  workStart: string;
  workEnd: string;
  workDays: string;
  burstFactor: number;
}

export const defaultReviewAidSettings = (): ReviewAidSettings => ({
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  workStart: '07:00',
  workEnd: '19:00',
  workDays: '1,2,3,4,5',
  burstFactor: 3,
});

export type EventsQuery = Omit<RouteQuery<'auditEvents'>, 'cursor' | 'limit'>;
export interface RangeInput {
  from?: string | undefined;
  to?: string | undefined;
}

export interface ExportResult {
  fileName: string;
  format: ExportFormat;
  rowCount: number;
  bytes: number;
  sha256: string;
}

export interface ExportState {
  busy: boolean;
  /** Rows and bytes received so far while an export runs. */
  progress: { rows: number; bytes: number } | null;
  result: ExportResult | null;
  problem: string | null;
}

/** Hands a finished file to the person (a Blob link in the page; desktop blocks browser downloads). */
export type FileSaver = (file: { name: string; type: string; parts: string[] }) => void;

export interface AuditState {
  settings: ReviewAidSettings;
  facets: Slot<RouteResponse<'auditFacets'>>;
  events: Slot<AuditEventsPage> & { query: EventsQuery; loadingMore: boolean };
  detail: Slot<RouteResponse<'auditEvent'>>;
  patient: ReportSlot<PatientReportView>;
  person: ReportSlot<PersonReportView>;
  entity: ReportSlot<EntityLogView>;
  summary: Slot<AuditSummaryView>;
  hipaa: Slot<RouteResponse<'complianceHipaa'>>;
  dashboard: Slot<RouteResponse<'complianceDashboard'>>;
  retention: Slot<RouteResponse<'complianceRetention'>>;
  backendExport: Slot<RouteResponse<'auditBackendExport'>>;
  backendExports: Slot<RouteResponse<'auditBackendExports'>>;
  lookup: Slot<RouteResponse<'auditPatientLookup'>>;
  export: ExportState;
  setSettings(patch: Partial<ReviewAidSettings>): void;
  loadFacets(): Promise<void>;
  lookupPatients(q: string): Promise<void>;
  searchEvents(query: EventsQuery): Promise<void>;
  moreEvents(): Promise<void>;
  openEvent(id: string): Promise<void>;
  closeEvent(): void;
  runPatient(entityId: string, range: RangeInput): Promise<void>;
  morePatient(): Promise<void>;
  runPerson(actorId: string, range: RangeInput): Promise<void>;
  morePerson(): Promise<void>;
  runEntity(entityId: string, range: RangeInput): Promise<void>;
  moreEntity(): Promise<void>;
  runSummary(range: RangeInput): Promise<void>;
  loadHipaa(periodDays: number): Promise<void>;
  loadDashboard(): Promise<void>;
  loadRetention(): Promise<void>;
  requestBackendExport(input: BackendExportInput): Promise<void>;
  loadBackendExports(): Promise<void>;
  exportReport(report: ExportReport, format: ExportFormat): Promise<void>;
  reset(): void;
}

export interface BackendExportInput {
  from: string;
  to: string;
  phiOnly?: boolean;
  service?: string;
  action?: string;
}

export type AuditStore = StoreApi<AuditState>;

const PAGE = 100;

const initial = () => ({
  facets: idle<RouteResponse<'auditFacets'>>(),
  events: { ...idle<AuditEventsPage>(), query: {}, loadingMore: false },
  detail: idle<RouteResponse<'auditEvent'>>(),
  patient: { ...idle<PatientReportView>(), loadingMore: false },
  person: { ...idle<PersonReportView>(), loadingMore: false },
  entity: { ...idle<EntityLogView>(), loadingMore: false },
  summary: idle<AuditSummaryView>(),
  hipaa: idle<RouteResponse<'complianceHipaa'>>(),
  dashboard: idle<RouteResponse<'complianceDashboard'>>(),
  retention: idle<RouteResponse<'complianceRetention'>>(),
  backendExport: idle<RouteResponse<'auditBackendExport'>>(),
  backendExports: idle<RouteResponse<'auditBackendExports'>>(),
  lookup: idle<RouteResponse<'auditPatientLookup'>>(),
  export: { busy: false, progress: null, result: null, problem: null } as ExportState,
});

/** Drops undefined keys: the client sends every present key, and the schemas are strict. */
const defined = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as T;

export const createAuditStore = (api: ApiClient, onSessionProblem: () => void, save: FileSaver): AuditStore => {
  const store = createStore<AuditState>()((set, get) => {
    const failed = (error: unknown): string => {
      if (isSessionProblem(error)) onSessionProblem();
      return describeApiFailure(error);
    };
    const aids = () => {
      const s = get().settings;
      return {
        timeZone: s.timeZone,
        workStart: s.workStart,
        workEnd: s.workEnd,
        workDays: s.workDays,
        burstFactor: s.burstFactor,
      };
    };
    /** Records that a report showing PHI is opened; false (with the reason shown) if it cannot be. */
    const recordView = async (
      resourceType: string,
      ids: { resourceId?: string; entityId?: string },
    ): Promise<string | null> => {
      try {
        await api.call('recordAccess', { body: { action: 'report.view', resourceType, ...ids } });
        return null;
      } catch (error) {
        return `The report was not opened because its access could not be recorded: ${failed(error)}`;
      }
    };
    /**
     * The run/more pair of a paged PHI report. Nothing is fetched until the view is recorded; a
     * further page is asked for with the shown report's subject and range (the form may have
     * changed since), and only its rows and cursor are taken.
     */
    const pagedReport = <V extends PagedReport>(report: {
      read(state: AuditState): ReportSlot<V>;
      write(slot: ReportSlot<V>): void;
      /** What the access event names as the report's subject. */
      recorded(subject: string): { resourceId?: string; entityId?: string };
      subjectOf(view: V): string;
      fetch(subject: string, range: RangeInput, cursor?: string): Promise<V>;
    }) => ({
      run: async (subject: string, range: RangeInput): Promise<void> => {
        report.write({ status: 'loading', view: null, problem: null, loadingMore: false });
        const refused = await recordView('audit_report', report.recorded(subject));
        if (refused !== null)
          return report.write({ status: 'error', view: null, problem: refused, loadingMore: false });
        try {
          const view = await report.fetch(subject, range);
          report.write({ status: 'ready', view, problem: null, loadingMore: false });
        } catch (error) {
          report.write({ status: 'error', view: null, problem: failed(error), loadingMore: false });
        }
      },
      more: async (): Promise<void> => {
        const slot = report.read(get());
        const view = slot.view;
        if (view === null || view.nextCursor === null || slot.loadingMore) return;
        report.write({ ...slot, loadingMore: true });
        try {
          const next = await report.fetch(report.subjectOf(view), shownRange(view), view.nextCursor);
          report.write({
            ...report.read(get()),
            loadingMore: false,
            view: { ...view, rows: [...view.rows, ...next.rows], nextCursor: next.nextCursor },
          });
        } catch (error) {
          report.write({ ...report.read(get()), loadingMore: false, problem: failed(error) });
        }
      },
    });
    const patientReport = pagedReport({
      read: (state) => state.patient,
      write: (patient) => set({ patient }),
      recorded: (entityId) => ({ entityId }),
      subjectOf: (view) => view.patient.entityId,
      fetch: (entityId, range, cursor) =>
        api.call('auditPatientReport', { query: defined({ entityId, ...range, ...aids(), limit: PAGE, cursor }) }),
    });
    const personReport = pagedReport({
      read: (state) => state.person,
      write: (person) => set({ person }),
      recorded: (actorId) => ({ resourceId: actorId }),
      subjectOf: (view) => view.actorId,
      fetch: (actorId, range, cursor) =>
        api.call('auditPersonReport', { query: defined({ actorId, ...range, ...aids(), limit: PAGE, cursor }) }),
    });
    // No review-aid settings here: the entity log's query schema is strict and has none.
    const entityReport = pagedReport({
      read: (state) => state.entity,
      write: (entity) => set({ entity }),
      recorded: (entityId) => ({ entityId }),
      subjectOf: (view) => view.entity.entityId,
      fetch: (entityId, range, cursor) =>
        api.call('auditEntityLog', { query: defined({ entityId, ...range, limit: PAGE, cursor }) }),
    });
    // Each load remembers its own request; a slower earlier answer never overwrites a later one.
    let generation = 0;

    return {
      settings: defaultReviewAidSettings(),
      ...initial(),

      setSettings(patch) {
        set({ settings: { ...get().settings, ...patch } });
      },

      async loadFacets() {
        set({ facets: { ...get().facets, status: 'loading' } });
        try {
          set({ facets: { status: 'ready', view: await api.call('auditFacets'), problem: null } });
        } catch (error) {
          set({ facets: { status: 'error', view: null, problem: failed(error) } });
        }
      },

      async lookupPatients(q) {
        set({ lookup: { ...get().lookup, status: 'loading' } });
        try {
          set({
            lookup: { status: 'ready', view: await api.call('auditPatientLookup', { query: { q } }), problem: null },
          });
        } catch (error) {
          set({ lookup: { status: 'error', view: null, problem: failed(error) } });
        }
      },

      async searchEvents(query) {
        const mine = ++generation;
        set({ events: { ...get().events, status: 'loading', query, problem: null } });
        const refused = get().events.view === null ? await recordView('audit_log', {}) : null;
        if (refused !== null) {
          set({ events: { ...get().events, status: 'error', problem: refused } });
          return;
        }
        try {
          const view = await api.call('auditEvents', { query: defined({ ...query, limit: PAGE }) });
          if (mine === generation) set({ events: { status: 'ready', view, problem: null, query, loadingMore: false } });
        } catch (error) {
          if (mine === generation) set({ events: { ...get().events, status: 'error', problem: failed(error) } });
        }
      },

      async moreEvents() {
        const { events } = get();
        const cursor = events.view?.nextCursor;
        if (!cursor || events.loadingMore || events.view === null) return;
        set({ events: { ...events, loadingMore: true } });
        try {
          const next = await api.call('auditEvents', { query: defined({ ...events.query, limit: PAGE, cursor }) });
          const view = get().events.view;
          if (view === null) return;
          set({
            events: { ...get().events, loadingMore: false, view: { ...next, rows: [...view.rows, ...next.rows] } },
          });
        } catch (error) {
          set({ events: { ...get().events, loadingMore: false, problem: failed(error) } });
        }
      },

      async openEvent(id) {
        set({ detail: { status: 'loading', view: null, problem: null } });
        try {
          set({ detail: { status: 'ready', view: await api.call('auditEvent', { params: { id } }), problem: null } });
        } catch (error) {
          set({ detail: { status: 'error', view: null, problem: failed(error) } });
        }
      },

      closeEvent() {
        set({ detail: idle() });
      },

      runPatient: patientReport.run,
      morePatient: patientReport.more,
      runPerson: personReport.run,
      morePerson: personReport.more,
      runEntity: entityReport.run,
      moreEntity: entityReport.more,

      async runSummary(range) {
        set({ summary: { ...get().summary, status: 'loading', problem: null } });
        try {
          const view = await api.call('auditSummary', {
            query: defined({ ...range, timeZone: get().settings.timeZone }),
          });
          set({ summary: { status: 'ready', view, problem: null } });
        } catch (error) {
          set({ summary: { status: 'error', view: null, problem: failed(error) } });
        }
      },

      async loadHipaa(periodDays) {
        set({ hipaa: { ...get().hipaa, status: 'loading' } });
        try {
          set({
            hipaa: {
              status: 'ready',
              view: await api.call('complianceHipaa', { query: { periodDays } }),
              problem: null,
            },
          });
        } catch (error) {
          set({ hipaa: { status: 'error', view: null, problem: failed(error) } });
        }
      },

      async loadDashboard() {
        set({ dashboard: { ...get().dashboard, status: 'loading' } });
        try {
          set({ dashboard: { status: 'ready', view: await api.call('complianceDashboard'), problem: null } });
        } catch (error) {
          set({ dashboard: { status: 'error', view: null, problem: failed(error) } });
        }
      },

      async loadRetention() {
        set({ retention: { ...get().retention, status: 'loading' } });
        try {
          set({ retention: { status: 'ready', view: await api.call('complianceRetention'), problem: null } });
        } catch (error) {
          set({ retention: { status: 'error', view: null, problem: failed(error) } });
        }
      },

      async requestBackendExport(input) {
        set({ backendExport: { status: 'loading', view: null, problem: null } });
        try {
          set({
            backendExport: {
              status: 'ready',
              view: await api.call('auditBackendExport', { body: defined({ ...input }) }),
              problem: null,
            },
          });
          void get().loadBackendExports();
        } catch (error) {
          set({ backendExport: { status: 'error', view: null, problem: failed(error) } });
        }
      },

      async loadBackendExports() {
        set({ backendExports: { ...get().backendExports, status: 'loading' } });
        try {
          set({ backendExports: { status: 'ready', view: await api.call('auditBackendExports'), problem: null } });
        } catch (error) {
          set({ backendExports: { status: 'error', view: null, problem: failed(error) } });
        }
      },

      async exportReport(report, format) {
        if (get().export.busy) return;
        set({ export: { busy: true, progress: { rows: 0, bytes: 0 }, result: null, problem: null } });
        try {
          const started = await api.call('auditExportStart', { body: { report, format } });
          const parts: string[] = [];
          for (;;) {
            const piece = await api.call('auditExportNext', {
              params: { id: started.exportId },
              body: {},
              timeoutMs: 120_000,
            });
            parts.push(piece.chunk);
            set({ export: { ...get().export, progress: { rows: piece.rowCount, bytes: piece.bytes } } });
            if (piece.done) {
              save({ name: started.fileName, type: started.mediaType, parts });
              set({
                export: {
                  busy: false,
                  progress: null,
                  problem: null,
                  result: {
                    fileName: started.fileName,
                    format,
                    rowCount: piece.rowCount,
                    bytes: piece.bytes,
                    sha256: piece.sha256 ?? '',
                  },
                },
              });
              return;
            }
          }
        } catch (error) {
          set({ export: { busy: false, progress: null, result: null, problem: failed(error) } });
        }
      },

      reset() {
        generation++;
        set({ ...initial(), settings: get().settings });
      },
    };
  });
  return store;
};
