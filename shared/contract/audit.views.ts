/**
 * Shapes of the audit and compliance part of the local API (issue 7): the audit browser, the PHI
 * access reports, exports and the review aids. Field names are camelCase like every local view;
 * exports in NDJSON keep the Amigo API's own snake_case shape.
 */
import { z } from 'zod';
import { auditEvent } from '../amigo/audit';
import { isoDateTime } from '../amigo/common';
import { complianceDashboard, hipaaReport, retentionPolicy } from '../amigo/settings';

// ------------------------------------------------------------------------------ query pieces

const text = (max: number) => z.string().trim().min(1).max(max);
/** Query strings carry text: booleans arrive as "true"/"false". */
const flag = z.stringbool();
const time = isoDateTime;

/** A working-hours clock, "HH:MM" (24:00 allowed as an end). */
const clock = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'Use HH:MM, 24-hour.');

/**
 * What the review aids need to judge "after hours" and "burst": the person's working hours in
 * their own time zone (IANA name), and how many times the usual daily volume counts as a burst.
 */
export const reviewAidSettings = {
  timeZone: text(64).optional(),
  workStart: clock.optional(),
  workEnd: clock.optional(),
  /** ISO weekdays, 1 = Monday … 7 = Sunday, comma-separated: "1,2,3,4,5". */
  workDays: z
    .string()
    .regex(/^[1-7](?:,[1-7]){0,6}$/, 'List weekdays as numbers 1 (Monday) to 7 (Sunday), comma-separated.')
    .optional(),
  burstFactor: z.coerce.number().min(1.5).max(50).optional(),
};

export const dateRange = {
  from: time.optional(),
  to: time.optional(),
};

const pageQuery = {
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
};

export const AUDIT_SORT_COLUMNS = [
  'timestamp',
  'service',
  'action',
  'actor',
  'resourceType',
  'resourceId',
  'resourceName',
  'phi',
  'ipAddress',
  'userAgent',
] as const;
export const auditSortColumn = z.enum(AUDIT_SORT_COLUMNS);
export type AuditSortColumn = z.infer<typeof auditSortColumn>;
export const sortDirection = z.enum(['asc', 'desc']);

/** The API's filters of GET /audit, over the local copy. */
export const auditFilters = {
  service: text(64).optional(),
  action: text(128).optional(),
  actorId: text(64).optional(),
  resourceType: text(64).optional(),
  resourceId: text(200).optional(),
  phiOnly: flag.optional(),
  ...dateRange,
};

export const auditEventsQuery = z.strictObject({
  ...auditFilters,
  sort: auditSortColumn.optional(),
  dir: sortDirection.optional(),
  ...pageQuery,
});
export type AuditEventsQuery = z.infer<typeof auditEventsQuery>;

export const patientReportQuery = z.strictObject({
  entityId: text(200),
  ...dateRange,
  ...reviewAidSettings,
  ...pageQuery,
});
export const personReportQuery = z.strictObject({
  actorId: text(64),
  ...dateRange,
  ...reviewAidSettings,
  ...pageQuery,
});
export const entityLogQuery = z.strictObject({ entityId: text(200), ...dateRange, ...pageQuery });
export const auditSummaryQuery = z.strictObject({ ...dateRange, timeZone: text(64).optional() });

// ------------------------------------------------------------------------------ rows

export const REVIEW_RULES = ['outside-queue', 'after-hours', 'burst'] as const;
export const reviewRule = z.enum(REVIEW_RULES);
export type ReviewRule = z.infer<typeof reviewRule>;

/** A review aid's finding, with the reason said in words (never a bare score). */
export const reviewFlag = z.object({ rule: reviewRule, reason: z.string() });
export type ReviewFlag = z.infer<typeof reviewFlag>;

const nullableText = z.string().nullable();

/** One backend audit event as the browser and reports show it. */
export const auditRowView = z.object({
  id: z.string(),
  timestamp: z.string(),
  service: z.string(),
  action: z.string(),
  actorId: nullableText,
  credentialId: nullableText,
  resourceType: z.string(),
  resourceId: nullableText,
  resourceName: nullableText,
  phi: z.boolean(),
  ipAddress: nullableText,
  userAgent: nullableText,
  /** The patient the event is about (resource or metadata.entity_id). */
  subjectId: nullableText,
  /** Set when this row is the backend's record of one of this app's own local access events. */
  attestEventId: nullableText,
  /** The device, when known (a matched local event names it). */
  device: nullableText,
});
export type AuditRowView = z.infer<typeof auditRowView>;

export const reportRowView = auditRowView.extend({ flags: z.array(reviewFlag) });
export type ReportRowView = z.infer<typeof reportRowView>;

export const LOCAL_ACCESS_STATUSES = ['not-delivered', 'awaiting-sync', 'kept-on-device'] as const;

/** One of this app's own access events that the backend's audit log does not show yet. */
export const localAccessView = z.object({
  id: z.string(),
  localTime: z.string(),
  actorId: z.string(),
  actorName: nullableText,
  action: z.string(),
  resourceType: z.string(),
  resourceId: nullableText,
  entityId: nullableText,
  deviceId: z.string(),
  online: z.boolean(),
  deliveredAt: nullableText,
  status: z.enum(LOCAL_ACCESS_STATUSES),
  /** "Recorded on this device, not yet delivered", said for the screen and the exports. */
  statusText: z.string(),
});
export type LocalAccessView = z.infer<typeof localAccessView>;

/** How fresh the local copy of the audit log is. */
export const auditFreshness = z.object({
  /** When the audit log was last pulled completely; null before the first pull. */
  asOf: nullableText,
});

export const auditEventsPage = z.object({
  rows: z.array(auditRowView),
  total: z.number().int().nonnegative(),
  nextCursor: nullableText,
  asOf: nullableText,
  /** This app's access events not yet in the backend's log (all of them, newest first, ≤ 200). */
  localPending: z.array(localAccessView),
});
export type AuditEventsPage = z.infer<typeof auditEventsPage>;

export const auditEventDetail = z.object({
  /** The event as the backend sent it (API shape); metadata is shown as text. */
  event: auditEvent,
  pulledAt: z.string(),
  attestEventId: nullableText,
  localEvent: localAccessView.nullable(),
});

export const actorSummary = z.object({
  actorId: z.string(),
  isYou: z.boolean(),
  count: z.number().int().nonnegative(),
  firstAt: z.string(),
  lastAt: z.string(),
  ipAddresses: z.array(z.string()),
  userAgents: z.array(z.string()),
  flags: z.array(reviewFlag),
});

export const patientReportView = z.object({
  patient: z.object({ entityId: z.string(), displayName: nullableText, entityType: nullableText }),
  from: nullableText,
  to: nullableText,
  timeZone: z.string(),
  totals: z.object({
    accesses: z.number().int().nonnegative(),
    actors: z.number().int().nonnegative(),
    localPending: z.number().int().nonnegative(),
  }),
  actors: z.array(actorSummary),
  rows: z.array(reportRowView),
  nextCursor: nullableText,
  local: z.array(localAccessView),
  asOf: nullableText,
});
export type PatientReportView = z.infer<typeof patientReportView>;

export const personPatientView = z.object({
  entityId: z.string(),
  name: nullableText,
  count: z.number().int().nonnegative(),
  firstAt: z.string(),
  lastAt: z.string(),
  inQueue: z.boolean(),
  flags: z.array(reviewFlag),
});

export const dailyVolumeView = z.object({
  day: z.string(),
  count: z.number().int().nonnegative(),
  burst: reviewFlag.nullable(),
});

export const personReportView = z.object({
  actorId: z.string(),
  isYou: z.boolean(),
  from: nullableText,
  to: nullableText,
  timeZone: z.string(),
  totals: z.object({
    accesses: z.number().int().nonnegative(),
    patients: z.number().int().nonnegative(),
    afterHours: z.number().int().nonnegative(),
    outsideQueuePatients: z.number().int().nonnegative(),
    burstDays: z.number().int().nonnegative(),
    localPending: z.number().int().nonnegative(),
  }),
  /** Median PHI accesses a day over the person's active days in the baseline; null when too few. */
  medianDaily: z.number().nullable(),
  activeDays: z.number().int().nonnegative(),
  days: z.array(dailyVolumeView),
  patients: z.array(personPatientView),
  patientsTruncated: z.boolean(),
  rows: z.array(reportRowView),
  nextCursor: nullableText,
  local: z.array(localAccessView),
  asOf: nullableText,
});
export type PersonReportView = z.infer<typeof personReportView>;

export const entityLogView = z.object({
  entity: z.object({ entityId: z.string(), displayName: nullableText, entityType: nullableText }),
  from: nullableText,
  to: nullableText,
  totals: z.object({ events: z.number().int().nonnegative(), phi: z.number().int().nonnegative() }),
  rows: z.array(auditRowView),
  nextCursor: nullableText,
  local: z.array(localAccessView),
  asOf: nullableText,
});
export type EntityLogView = z.infer<typeof entityLogView>;

const countPair = { total: z.number().int().nonnegative(), phi: z.number().int().nonnegative() };

export const auditSummaryView = z.object({
  from: nullableText,
  to: nullableText,
  timeZone: z.string(),
  /** The API's AuditSummaryResponse, over the local copy. */
  totals: z.object({
    totalEvents: z.number().int().nonnegative(),
    phiAccessEvents: z.number().int().nonnegative(),
    uniqueActors: z.number().int().nonnegative(),
    servicesWithEvents: z.number().int().nonnegative(),
  }),
  perDay: z.array(z.object({ day: z.string(), ...countPair })),
  perService: z.array(z.object({ service: z.string(), ...countPair })),
  perActor: z.array(z.object({ actorId: z.string().nullable(), isYou: z.boolean(), ...countPair })),
  /** Actors beyond the top ones, summed. */
  otherActors: z.object({ actors: z.number().int().nonnegative(), ...countPair }).nullable(),
  localPending: z.number().int().nonnegative(),
  asOf: nullableText,
});
export type AuditSummaryView = z.infer<typeof auditSummaryView>;

export const auditFacetsView = z.object({
  services: z.array(z.string()),
  actions: z.array(z.string()),
  resourceTypes: z.array(z.string()),
  actors: z.array(z.object({ actorId: z.string(), isYou: z.boolean() })),
});

export const patientLookupView = z.object({
  patients: z.array(z.object({ entityId: z.string(), displayName: nullableText, entityType: nullableText })),
});

// ------------------------------------------------------------------------------ exports

export const EXPORT_FORMATS = ['csv', 'ndjson', 'pdf'] as const;
export const exportFormat = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof exportFormat>;

const bodyWorkingHours = {
  timeZone: text(64).optional(),
  workStart: clock.optional(),
  workEnd: clock.optional(),
  workDays: reviewAidSettings.workDays,
  burstFactor: z.number().min(1.5).max(50).optional(),
};
const bodyRange = { from: time.optional(), to: time.optional() };

/** Which report an export holds: the same parameters as the screen that offered it. */
export const exportReport = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('events'),
    service: text(64).optional(),
    action: text(128).optional(),
    actorId: text(64).optional(),
    resourceType: text(64).optional(),
    resourceId: text(200).optional(),
    phiOnly: z.boolean().optional(),
    ...bodyRange,
    sort: auditSortColumn.optional(),
    dir: sortDirection.optional(),
  }),
  z.strictObject({ kind: z.literal('patient'), entityId: text(200), ...bodyRange, ...bodyWorkingHours }),
  z.strictObject({ kind: z.literal('person'), actorId: text(64), ...bodyRange, ...bodyWorkingHours }),
  z.strictObject({ kind: z.literal('entity'), entityId: text(200), ...bodyRange }),
  z.strictObject({ kind: z.literal('summary'), ...bodyRange, timeZone: text(64).optional() }),
]);
export type ExportReport = z.infer<typeof exportReport>;

export const exportStartInput = z.strictObject({
  report: exportReport,
  format: exportFormat,
  /** PDF only: whose SHA-256 the PDF certifies (default CSV). */
  certifies: z.enum(['csv', 'ndjson']).optional(),
});
export type ExportStartInput = z.infer<typeof exportStartInput>;

export const exportStartView = z.object({
  exportId: z.string(),
  fileName: z.string(),
  mediaType: z.string(),
  format: exportFormat,
  /** The local access event that records this export (null when the access log is unavailable). */
  accessEventId: nullableText,
});

export const exportChunkView = z.object({
  /** The next piece of the file (text: CSV, NDJSON, or a PDF written in 7-bit ASCII). */
  chunk: z.string(),
  done: z.boolean(),
  rowCount: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  /** SHA-256 (hex) of the whole file, once done. */
  sha256: nullableText,
});
export type ExportChunkView = z.infer<typeof exportChunkView>;

export const backendExportInput = z.strictObject({
  from: time,
  to: time,
  phiOnly: z.boolean().optional(),
  service: text(64).optional(),
  action: text(128).optional(),
});

export const backendExportView = z.object({
  exportId: z.string(),
  rowCount: z.number().int().nonnegative(),
  downloadUrl: z.string(),
  createdAt: z.string(),
  /** Rows the local copy holds for the same filters, to spot a capped export. */
  localRowCount: z.number().int().nonnegative(),
  warning: nullableText,
});

export const backendExportsView = z.object({
  exports: z.array(
    z.object({
      key: z.string(),
      size: z.number().int().nonnegative(),
      lastModified: nullableText,
      downloadUrl: nullableText,
    }),
  ),
});

// ------------------------------------------------------------------------------ compliance

const reportSource = z.enum(['online', 'cache', 'none']);

export const hipaaReportView = z.object({
  report: hipaaReport.nullable(),
  source: reportSource,
  /** When this copy was fetched from the backend. */
  fetchedAt: nullableText,
  /** Why the online copy could not be had, when it could not. */
  problem: nullableText,
  /** Periods (days) with a cached copy, for offline use. */
  cachedPeriods: z.array(z.number().int()),
});

export const complianceDashboardView = z.object({
  dashboard: complianceDashboard.nullable(),
  source: reportSource,
  fetchedAt: nullableText,
  problem: nullableText,
});

export const retentionView = z.object({
  policy: retentionPolicy.nullable(),
  source: reportSource,
  fetchedAt: nullableText,
  problem: nullableText,
});
