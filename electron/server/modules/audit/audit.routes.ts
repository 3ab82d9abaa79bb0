/**
 * Audit routes: the browser, the PHI access reports, exports and the backend's own export.
 * Admin and owner only (the API's own rule for /audit*): every handler starts with
 * `requireCapability('audit')`, so a viewer or member gets 403 even if the screen is bypassed.
 */
import { auditEvent, auditExportList, auditExportResponse } from '../../../../shared/amigo';
import type { SessionManager } from '../../auth/session-manager';
import type { HandlersFor } from '../../http/handlers-for';
import { ApiFailure } from '../../http/api-failure';
import { RemoteError } from '../../remote/remote-error';
import { auditEventRaw, auditFacets, countAuditEvents } from './audit-browser.repo';
import {
  auditEventsPage,
  auditSummary,
  DEFAULT_PAGE,
  entityLog,
  patientReport,
  personReport,
  type ReportContext,
} from './audit-reports.service';
import { timeRange, type EventFilters } from './audit-rows';
import { AuditExports } from './export/audit-exports.service';
import { localAccessById } from './local-access.repo';
import { lookupPatients } from './phi-reports.repo';

type AuditRouteName =
  | 'auditEvents'
  | 'auditEvent'
  | 'auditFacets'
  | 'auditPatientLookup'
  | 'auditPatientReport'
  | 'auditPersonReport'
  | 'auditEntityLog'
  | 'auditSummary'
  | 'auditExportStart'
  | 'auditExportNext'
  | 'auditExportCancel'
  | 'auditBackendExport'
  | 'auditBackendExports';

/** The backend's refusal or silence, said for the screen (the local data is untouched). */
export const remoteProblem = (error: unknown): ApiFailure => {
  if (error instanceof RemoteError) {
    if (error.details.status === 503) {
      return new ApiFailure(
        503,
        'backend_export_unavailable',
        `The backend cannot export audit events here: ${error.message}`,
      );
    }
    const status = error.kind === 'forbidden' ? 403 : error.kind === 'network' || error.kind === 'timeout' ? 503 : 502;
    return new ApiFailure(status, `backend_${error.kind.replace(/-/g, '_')}`, error.message);
  }
  throw error;
};

export function auditRoutes(session: SessionManager, exports = new AuditExports()): HandlersFor<AuditRouteName> {
  const context = (): ReportContext & { active: ReturnType<SessionManager['requireCapability']> } => {
    const active = session.requireCapability('audit');
    return { active, read: active.store.db.read, userSub: active.user.sub };
  };

  return {
    auditEvents: async ({ query }) => {
      const ctx = context();
      const filters: EventFilters = {
        ...timeRange(query),
        service: query.service ?? null,
        action: query.action ?? null,
        actorId: query.actorId ?? null,
        resourceType: query.resourceType ?? null,
        resourceId: query.resourceId ?? null,
        phiOnly: query.phiOnly ?? false,
      };
      return auditEventsPage(ctx, {
        filters,
        sort: query.sort ?? 'timestamp',
        dir: query.dir ?? 'desc',
        limit: query.limit ?? DEFAULT_PAGE,
        cursor: query.cursor,
      });
    },

    auditEvent: async ({ params }) => {
      const ctx = context();
      const found = auditEventRaw(ctx.read, params.id);
      if (found === null) throw new ApiFailure(404, 'not_found', 'This audit event is not in the local copy.');
      const parsed = auditEvent.safeParse(JSON.parse(found.raw));
      if (!parsed.success) {
        throw new ApiFailure(
          500,
          'stored_event_unreadable',
          'The stored copy of this audit event cannot be read; sync again.',
        );
      }
      return {
        event: parsed.data,
        pulledAt: found.pulledAt,
        attestEventId: found.attestEventId,
        localEvent: found.attestEventId === null ? null : localAccessById(ctx.read, found.attestEventId),
      };
    },

    auditFacets: async () => {
      const ctx = context();
      const facets = auditFacets(ctx.read);
      return { ...facets, actors: facets.actors.map((actorId) => ({ actorId, isYou: actorId === ctx.userSub })) };
    },

    auditPatientLookup: async ({ query }) => {
      const ctx = context();
      return {
        patients: lookupPatients(ctx.read, query.q).map((p) => ({
          entityId: p.id,
          displayName: p.display_name,
          entityType: p.entity_type,
        })),
      };
    },

    auditPatientReport: async ({ query }) =>
      patientReport(context(), { ...query, range: timeRange(query), limit: query.limit ?? DEFAULT_PAGE }),

    auditPersonReport: async ({ query }) =>
      personReport(context(), { ...query, range: timeRange(query), limit: query.limit ?? DEFAULT_PAGE }),

    auditEntityLog: async ({ query }) =>
      entityLog(context(), {
        entityId: query.entityId,
        range: timeRange(query),
        limit: query.limit ?? DEFAULT_PAGE,
        cursor: query.cursor,
      }),

    auditSummary: async ({ query }) => auditSummary(context(), { range: timeRange(query), timeZone: query.timeZone }),

    auditExportStart: async ({ body }) => {
      const { active } = context();
      const started = exports.start(
        {
          token: active.store,
          read: active.store.db.read,
          write: active.store.db.write,
          user: { sub: active.user.sub, name: active.user.name },
          online: active.sync.status().online,
          kickDelivery: () => active.outbox.kick(),
        },
        body,
      );
      return { ...started, format: body.format };
    },

    auditExportNext: async ({ params }) => {
      const { active } = context();
      return exports.next(params.id, active.store);
    },

    auditExportCancel: async ({ params }) => {
      const { active } = context();
      return { cancelled: exports.cancel(params.id, active.store) };
    },

    auditBackendExport: async ({ body }) => {
      const { active, read } = context();
      const range = timeRange(body);
      let answer;
      try {
        answer = (
          await active.remote.post(active.remote.workspacePath('audit/export'), auditExportResponse, {
            date_from: body.from,
            date_to: body.to,
            phi_only: body.phiOnly ?? false,
            ...(body.service === undefined ? {} : { service: body.service }),
            ...(body.action === undefined ? {} : { action: body.action }),
          })
        ).data;
      } catch (error) {
        throw remoteProblem(error);
      }
      const localRowCount = countAuditEvents(read, {
        ...range,
        service: body.service ?? null,
        action: body.action ?? null,
        actorId: null,
        resourceType: null,
        resourceId: null,
        phiOnly: body.phiOnly ?? false,
      });
      // The API documents no row cap, but one is rumoured (50,000): say so when the counts differ.
      const warning =
        answer.row_count < localRowCount
          ? `The backend's export holds ${answer.row_count} rows, fewer than the ${localRowCount} the local copy has ` +
            'for the same filters: it may be capped. Split the date range and export each part.'
          : null;
      return {
        exportId: answer.export_id,
        rowCount: answer.row_count,
        downloadUrl: answer.download_url,
        createdAt: answer.created_at,
        localRowCount,
        warning,
      };
    },

    auditBackendExports: async () => {
      const { active } = context();
      try {
        const { data } = await active.remote.get(active.remote.workspacePath('audit/exports'), auditExportList, {
          limit: 50,
        });
        return {
          exports: data.exports.map((e) => ({
            key: e.key,
            size: e.size,
            lastModified: e.last_modified ?? null,
            downloadUrl: e.download_url ?? null,
          })),
        };
      } catch (error) {
        throw remoteProblem(error);
      }
    },
  };
}
