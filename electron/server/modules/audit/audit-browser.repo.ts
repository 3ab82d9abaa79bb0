/**
 * The audit browser over the local copy: the API's filters, sortable by every column, keyset
 * paged so page 500 costs what page 1 does.
 *
 * Every order is a list of segments, each an index range scan: a nullable column puts its NULLs
 * in a segment of their own (ascending: first, descending: last, as SQLite orders them), and a
 * sort by the PHI flag is the PHI events and the others, each in time order. Within a segment the
 * order is (column, timestamp, id), so a cursor is the last row's key in its segment.
 */
import type { AuditSortColumn } from '../../../../shared/contract/audit.views';
import type { ReadDb } from '../../db/db-types';
import { sql, sqlDirection, sqlJoin, type SqlFragment } from '../../db/sql';
import {
  badCursor,
  ROW_COLUMNS,
  ROW_FROM,
  decodeCursor,
  encodeCursor,
  filterSql,
  whereSql,
  type AuditRow,
  type CursorValue,
  type EventFilters,
  type KeysetCursor,
} from './audit-rows';
import { rollupCount } from './audit-summary.repo';

interface Segment {
  /** What selects the segment's rows. */
  where: SqlFragment[];
  /** The ORDER BY columns, most significant first; the last two are always timestamp and id. */
  keys: readonly SqlFragment[];
  /** Reads a row's key values, in `keys` order. */
  keyOf(row: AuditRow): CursorValue[];
}

const byTime: Pick<Segment, 'keys' | 'keyOf'> = {
  keys: [sql`a.timestamp`, sql`a.id`],
  keyOf: (row) => [row.timestamp, row.id],
};

interface ColumnSpec {
  column: SqlFragment;
  nullable: boolean;
  value(row: AuditRow): string | null;
}

const COLUMNS: Record<Exclude<AuditSortColumn, 'timestamp' | 'phi'>, ColumnSpec> = {
  service: { column: sql`a.service`, nullable: false, value: (r) => r.service },
  action: { column: sql`a.action`, nullable: false, value: (r) => r.action },
  resourceType: { column: sql`a.resource_type`, nullable: false, value: (r) => r.resource_type },
  actor: { column: sql`a.actor_entity_id`, nullable: true, value: (r) => r.actor_entity_id },
  resourceId: { column: sql`a.resource_id`, nullable: true, value: (r) => r.resource_id },
  resourceName: { column: sql`a.resource_name`, nullable: true, value: (r) => r.resource_name },
  ipAddress: { column: sql`a.ip_address`, nullable: true, value: (r) => r.ip_address },
  userAgent: { column: sql`a.user_agent`, nullable: true, value: (r) => r.user_agent },
};

const segmentsFor = (sort: AuditSortColumn, dir: 'asc' | 'desc'): Segment[] => {
  if (sort === 'timestamp') return [{ where: [], ...byTime }];
  if (sort === 'phi') {
    const phi: Segment = { where: [sql`a.phi_accessed = 1`], ...byTime };
    const other: Segment = { where: [sql`a.phi_accessed = 0`], ...byTime };
    return dir === 'asc' ? [other, phi] : [phi, other];
  }
  const spec = COLUMNS[sort];
  const values: Segment = {
    where: spec.nullable ? [sql`${spec.column} IS NOT NULL`] : [],
    keys: [spec.column, sql`a.timestamp`, sql`a.id`],
    keyOf: (row) => [spec.value(row), row.timestamp, row.id],
  };
  if (!spec.nullable) return [values];
  const nulls: Segment = { where: [sql`${spec.column} IS NULL`], ...byTime };
  return dir === 'asc' ? [nulls, values] : [values, nulls];
};

/** `(k1, k2, …) > (v1, v2, …)`: a row value comparison SQLite answers with an index range. */
const after = (segment: Segment, values: readonly CursorValue[], dir: 'asc' | 'desc'): SqlFragment => {
  const left = sqlJoin(segment.keys, ', ');
  const right = sqlJoin(
    values.map((v) => sql`${v}`),
    ', ',
  );
  return dir === 'asc' ? sql`(${left}) > (${right})` : sql`(${left}) < (${right})`;
};

export interface EventPage {
  rows: AuditRow[];
  nextCursor: string | null;
}

export interface BrowseOptions {
  filters: EventFilters;
  sort: AuditSortColumn;
  dir: 'asc' | 'desc';
  limit: number;
  cursor?: string | undefined;
}

const scopeOf = (sort: AuditSortColumn, dir: 'asc' | 'desc'): string => `events:${sort}:${dir}`;

/** One page of the browser. */
export const browseAuditEvents = (read: ReadDb, options: BrowseOptions): EventPage => {
  const { sort, dir, limit } = options;
  const scope = scopeOf(sort, dir);
  const segments = segmentsFor(sort, dir);
  const cursor = decodeCursor(options.cursor, scope);
  const base = filterSql(options.filters);
  const rows: AuditRow[] = [];
  let last: { segment: number; row: AuditRow } | null = null;
  for (let s = cursor?.segment ?? 0; s < segments.length && rows.length < limit; s++) {
    const segment = segments[s];
    if (segment === undefined) break;
    if (cursor !== null && s === cursor.segment && cursor.values.length !== segment.keys.length) throw badCursor();
    const conditions = [
      ...base,
      ...segment.where,
      ...(cursor !== null && s === cursor.segment ? [after(segment, cursor.values, dir)] : []),
    ];
    const order = sqlJoin(
      segment.keys.map((k) => sql`${k} ${sqlDirection(dir)}`),
      ', ',
    );
    const found = read.all<AuditRow>(
      sql`SELECT ${ROW_COLUMNS} FROM ${ROW_FROM} ${whereSql(conditions)} ORDER BY ${order} LIMIT ${limit - rows.length}`,
    );
    for (const row of found) {
      rows.push(row);
      last = { segment: s, row };
    }
  }
  const nextCursor: KeysetCursor | null =
    rows.length === limit && last !== null
      ? { scope, segment: last.segment, values: segments[last.segment]?.keyOf(last.row) ?? [] }
      : null;
  return { rows, nextCursor: nextCursor === null ? null : encodeCursor(nextCursor) };
};

/**
 * How many events match. Filters the rollup can answer (service, action, resource type, actor,
 * PHI, dates) are counted there; a resource id (selective) is counted on its own index.
 */
export const countAuditEvents = (read: ReadDb, filters: EventFilters): number => {
  if (filters.resourceId === null) return rollupCount(read, filters);
  return read.value<number>(sql`SELECT count(*) FROM audit_events a ${whereSql(filterSql(filters))}`) ?? 0;
};

/** One event in the API's shape (its raw JSON), for the detail drawer and NDJSON exports. */
export const auditEventRaw = (
  read: ReadDb,
  id: string,
): { raw: string; pulledAt: string; attestEventId: string | null } | null => {
  const row = read.get<{ raw_json: string; pulled_at: string; attest_event_id: string | null }>(
    sql`SELECT raw_json, pulled_at, attest_event_id FROM audit_events WHERE id = ${id}`,
  );
  return row === undefined ? null : { raw: row.raw_json, pulledAt: row.pulled_at, attestEventId: row.attest_event_id };
};

/**
 * Distinct values of an indexed column by skipping from one value to the next (one index seek
 * each): a handful of services or actors among a million events cost a handful of seeks.
 */
const distinctValues = (
  read: ReadDb,
  column: 'service' | 'action' | 'resource_type' | 'actor_entity_id',
  max = 500,
) => {
  const col = {
    service: sql`service`,
    action: sql`action`,
    resource_type: sql`resource_type`,
    actor_entity_id: sql`actor_entity_id`,
  }[column];
  const values: string[] = [];
  let previous: string | null = null;
  while (values.length < max) {
    const next: string | undefined =
      previous === null
        ? read.value<string>(sql`SELECT ${col} FROM audit_events WHERE ${col} IS NOT NULL ORDER BY ${col} LIMIT 1`)
        : read.value<string>(sql`SELECT ${col} FROM audit_events WHERE ${col} > ${previous} ORDER BY ${col} LIMIT 1`);
    if (next === undefined) break;
    values.push(next);
    previous = next;
  }
  return values;
};

export const auditFacets = (read: ReadDb) => ({
  services: distinctValues(read, 'service'),
  actions: distinctValues(read, 'action'),
  resourceTypes: distinctValues(read, 'resource_type'),
  actors: distinctValues(read, 'actor_entity_id'),
});
