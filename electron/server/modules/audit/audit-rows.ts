/**
 * The pieces every audit query shares: the row columns, their mapping to the local view, the
 * API's filters as SQL, and opaque keyset cursors. Times are compared as normalized UTC text
 * (db/timestamps.ts), so a filter's instants are normalized the same way first.
 */
import type { AuditRowView } from '../../../../shared/contract/audit.views';
import type { ReadDb } from '../../db/db-types';
import { sql, sqlEmpty, sqlJoin, type SqlFragment } from '../../db/sql';
import { toUtcIso } from '../../db/timestamps';
import { ApiFailure } from '../../http/api-failure';
import { AUDIT_EVENTS_STREAM } from '../../sync/streams/audit-events.stream';

/** Columns of a row as the browser and reports need them (raw_json stays out: it is large). */
export const ROW_COLUMNS = sql`a.id, a.timestamp, a.service, a.action, a.actor_entity_id, a.actor_credential_id,
  a.resource_type, a.resource_id, a.resource_name, a.phi_accessed, a.ip_address, a.user_agent, a.subject_entity_id,
  a.attest_event_id, l.device_id AS attest_device_id`;

/** The matched local access event (if any) names the device. */
export const ROW_FROM = sql`audit_events a LEFT JOIN local_access_log l ON l.id = a.attest_event_id`;

export interface AuditRow {
  id: string;
  timestamp: string;
  service: string;
  action: string;
  actor_entity_id: string | null;
  actor_credential_id: string | null;
  resource_type: string;
  resource_id: string | null;
  resource_name: string | null;
  phi_accessed: number;
  ip_address: string | null;
  user_agent: string | null;
  subject_entity_id: string | null;
  attest_event_id: string | null;
  attest_device_id: string | null;
}

export const toRowView = (r: AuditRow): AuditRowView => ({
  id: r.id,
  timestamp: r.timestamp,
  service: r.service,
  action: r.action,
  actorId: r.actor_entity_id,
  credentialId: r.actor_credential_id,
  resourceType: r.resource_type,
  resourceId: r.resource_id,
  resourceName: r.resource_name,
  phi: r.phi_accessed === 1,
  ipAddress: r.ip_address,
  userAgent: r.user_agent,
  subjectId: r.subject_entity_id,
  attestEventId: r.attest_event_id,
  device: r.attest_device_id === null ? null : `Attest on device ${r.attest_device_id}`,
});

export interface TimeRange {
  /** Normalized UTC, inclusive; null = open. */
  from: string | null;
  to: string | null;
}

/** Normalizes a filter's instants; refuses a range that ends before it starts. */
export const timeRange = (input: { from?: string | undefined; to?: string | undefined }): TimeRange => {
  const from = input.from === undefined ? null : toUtcIso(input.from);
  const to = input.to === undefined ? null : toUtcIso(input.to);
  if ((input.from !== undefined && from === null) || (input.to !== undefined && to === null)) {
    throw new ApiFailure(422, 'validation', 'The date range holds a time Attest cannot read.');
  }
  if (from !== null && to !== null && from > to) {
    throw new ApiFailure(422, 'validation', 'The date range ends before it starts.');
  }
  return { from, to };
};

export const rangeSql = (range: TimeRange, column: SqlFragment = sql`a.timestamp`): SqlFragment[] => [
  ...(range.from === null ? [] : [sql`${column} >= ${range.from}`]),
  ...(range.to === null ? [] : [sql`${column} <= ${range.to}`]),
];

export interface EventFilters extends TimeRange {
  service: string | null;
  action: string | null;
  actorId: string | null;
  resourceType: string | null;
  resourceId: string | null;
  phiOnly: boolean;
}

export const filterSql = (f: EventFilters): SqlFragment[] => [
  ...(f.service === null ? [] : [sql`a.service = ${f.service}`]),
  ...(f.action === null ? [] : [sql`a.action = ${f.action}`]),
  ...(f.actorId === null ? [] : [sql`a.actor_entity_id = ${f.actorId}`]),
  ...(f.resourceType === null ? [] : [sql`a.resource_type = ${f.resourceType}`]),
  ...(f.resourceId === null ? [] : [sql`a.resource_id = ${f.resourceId}`]),
  // A literal, so SQLite sees the partial index's own condition.
  ...(f.phiOnly ? [sql`a.phi_accessed = 1`] : []),
  ...rangeSql(f),
];

export const whereSql = (conditions: readonly SqlFragment[]): SqlFragment =>
  conditions.length === 0 ? sqlEmpty : sql`WHERE ${sqlJoin(conditions, ' AND ')}`;

// ------------------------------------------------------------------------------ cursors

export type CursorValue = string | number | null;

/** Where the next page starts: opaque to the renderer, checked on the way back in. */
export interface KeysetCursor {
  /** What the cursor belongs to (a sort, a report); a cursor for something else is refused. */
  scope: string;
  /** Segment of a segmented order (NULLs apart from values, PHI apart from non-PHI). */
  segment: number;
  values: CursorValue[];
}

export const encodeCursor = (cursor: KeysetCursor): string =>
  Buffer.from(JSON.stringify([cursor.scope, cursor.segment, cursor.values]), 'utf8').toString('base64url');

export const badCursor = (): ApiFailure =>
  new ApiFailure(
    422,
    'bad_cursor',
    'This page link is no longer valid for the current view. Start from the first page.',
  );

export const decodeCursor = (text: string | undefined, scope: string): KeysetCursor | null => {
  if (text === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw badCursor();
  const [s, segment, values] = parsed as unknown[];
  if (s !== scope || typeof segment !== 'number' || !Number.isInteger(segment) || segment < 0 || segment > 8) {
    throw badCursor();
  }
  if (!Array.isArray(values) || values.length > 4) throw badCursor();
  const checked: CursorValue[] = [];
  for (const v of values as unknown[]) {
    if (v !== null && typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) throw badCursor();
    if (typeof v === 'string' && v.length > 1000) throw badCursor();
    checked.push(v as CursorValue);
  }
  return { scope, segment, values: checked };
};

/** When the audit log was last pulled completely (the reports' data-freshness stamp). */
export const auditAsOf = (read: ReadDb): string | null =>
  read.value<string>(sql`SELECT last_success_at FROM sync_cursors WHERE stream = ${AUDIT_EVENTS_STREAM}`) ?? null;

/** "Newest first" paging over (timestamp, id), for the reports. */
export const newestFirstAfter = (cursor: KeysetCursor | null): SqlFragment[] => {
  if (cursor === null) return [];
  const [ts, id] = cursor.values;
  if (typeof ts !== 'string' || typeof id !== 'string') throw badCursor();
  return [sql`(a.timestamp, a.id) < (${ts}, ${id})`];
};
