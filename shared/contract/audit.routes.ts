/**
 * Local API: the audit browser, PHI access reports, exports and compliance views (issue 7),
 * over the local copy. Admin and owner only: the server refuses every other role (403
 * forbidden_role), whatever the screen shows.
 */
import { z } from 'zod';
import { route } from './define';
import {
  auditEventDetail,
  auditEventsPage,
  auditEventsQuery,
  auditFacetsView,
  auditSummaryQuery,
  auditSummaryView,
  backendExportInput,
  backendExportView,
  backendExportsView,
  complianceDashboardView,
  entityLogQuery,
  entityLogView,
  exportChunkView,
  exportStartInput,
  exportStartView,
  hipaaReportView,
  patientLookupView,
  patientReportQuery,
  patientReportView,
  personReportQuery,
  personReportView,
  retentionView,
} from './audit.views';

export const auditContract = {
  auditEvents: route({
    method: 'GET',
    path: '/api/audit/events',
    access: 'session',
    query: auditEventsQuery,
    response: auditEventsPage,
  }),
  auditEvent: route({ method: 'GET', path: '/api/audit/events/:id', access: 'session', response: auditEventDetail }),
  auditFacets: route({ method: 'GET', path: '/api/audit/facets', access: 'session', response: auditFacetsView }),
  auditPatientLookup: route({
    method: 'GET',
    path: '/api/audit/patients',
    access: 'session',
    query: z.strictObject({ q: z.string().trim().min(1).max(200) }),
    response: patientLookupView,
  }),
  auditPatientReport: route({
    method: 'GET',
    path: '/api/audit/reports/patient',
    access: 'session',
    query: patientReportQuery,
    response: patientReportView,
  }),
  auditPersonReport: route({
    method: 'GET',
    path: '/api/audit/reports/person',
    access: 'session',
    query: personReportQuery,
    response: personReportView,
  }),
  auditEntityLog: route({
    method: 'GET',
    path: '/api/audit/reports/entity',
    access: 'session',
    query: entityLogQuery,
    response: entityLogView,
  }),
  auditSummary: route({
    method: 'GET',
    path: '/api/audit/summary',
    access: 'session',
    query: auditSummaryQuery,
    response: auditSummaryView,
  }),
  /** Starts an export; the file is then read piece by piece (large reports never sit in memory). */
  auditExportStart: route({
    method: 'POST',
    path: '/api/audit/exports',
    access: 'session',
    body: exportStartInput,
    response: exportStartView,
  }),
  auditExportNext: route({
    method: 'POST',
    path: '/api/audit/exports/:id/next',
    access: 'session',
    response: exportChunkView,
  }),
  auditExportCancel: route({
    method: 'POST',
    path: '/api/audit/exports/:id/cancel',
    access: 'session',
    response: z.object({ cancelled: z.boolean() }),
  }),
  /** The backend's own audit export (POST /audit/export): NDJSON behind a presigned URL. */
  auditBackendExport: route({
    method: 'POST',
    path: '/api/audit/backend-exports',
    access: 'session',
    body: backendExportInput,
    response: backendExportView,
  }),
  auditBackendExports: route({
    method: 'GET',
    path: '/api/audit/backend-exports',
    access: 'session',
    response: backendExportsView,
  }),
  complianceHipaa: route({
    method: 'GET',
    path: '/api/compliance/hipaa',
    access: 'session',
    query: z.strictObject({ periodDays: z.coerce.number().int().min(1).max(365).optional() }),
    response: hipaaReportView,
  }),
  complianceDashboard: route({
    method: 'GET',
    path: '/api/compliance/dashboard',
    access: 'session',
    response: complianceDashboardView,
  }),
  complianceRetention: route({
    method: 'GET',
    path: '/api/compliance/retention',
    access: 'session',
    response: retentionView,
  }),
} as const;
