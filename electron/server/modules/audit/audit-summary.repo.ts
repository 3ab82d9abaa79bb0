/**
 * Counts over the audit log from `audit_rollup` (migration 0005: events per UTC hour, service,
 * action, resource type, actor and PHI flag, kept by triggers). A range is split into the whole hours inside it,
 * answered by the rollup, and at most two partial hours at its ends, counted on the events
 * themselves: exact for any instants, and a few thousand rollup rows instead of a million events.
 *
 * Days in charts are the person's local days: an hour that a local midnight cuts (zones with a
 * half-hour offset) is split on its events too.
 */
import type { ReadDb } from '../../db/db-types';
import { sql, type SqlFragment } from '../../db/sql';
import { filterSql, whereSql, type EventFilters, type TimeRange } from './audit-rows';
import type { LocalClock } from './local-clock';

const HOUR_MS = 3_600_000;
const hourKey = (ms: number): string => new Date(ms).toISOString().slice(0, 13);
const iso = (ms: number): string => new Date(ms).toISOString();

export interface RangeSplit {
  /** Whole UTC hours inside the range (inclusive keys), or null when there are none. */
  hours: { from: string | null; to: string | null } | null;
  /** Partial hours at the ends, as inclusive instant ranges. */
  edges: TimeRange[];
}

/** Splits an inclusive instant range into whole hours and the partial hours around them. */
export const splitRange = (range: TimeRange): RangeSplit => {
  const fromMs = range.from === null ? null : Date.parse(range.from);
  const toMs = range.to === null ? null : Date.parse(range.to);
  // First whole hour starts at or after `from`; last whole hour ends at or before `to` (inclusive).
  const firstHour = fromMs === null ? null : Math.ceil(fromMs / HOUR_MS) * HOUR_MS;
  const lastHourEnd = toMs === null ? null : Math.floor((toMs + 1) / HOUR_MS) * HOUR_MS;
  if (firstHour !== null && lastHourEnd !== null && lastHourEnd <= firstHour) {
    return { hours: null, edges: [range] };
  }
  const edges: TimeRange[] = [];
  if (fromMs !== null && firstHour !== null && firstHour > fromMs)
    edges.push({ from: iso(fromMs), to: iso(firstHour - 1) });
  if (toMs !== null && lastHourEnd !== null && lastHourEnd <= toMs)
    edges.push({ from: iso(lastHourEnd), to: iso(toMs) });
  return {
    hours: {
      from: firstHour === null ? null : hourKey(firstHour),
      to: lastHourEnd === null ? null : hourKey(lastHourEnd - 1),
    },
    edges,
  };
};

const rollupWhere = (hours: { from: string | null; to: string | null }, f: Partial<EventFilters>): SqlFragment[] => [
  sql`r.n > 0`,
  ...(hours.from === null ? [] : [sql`r.hour >= ${hours.from}`]),
  ...(hours.to === null ? [] : [sql`r.hour <= ${hours.to}`]),
  ...(f.service === null || f.service === undefined ? [] : [sql`r.service = ${f.service}`]),
  ...(f.action === null || f.action === undefined ? [] : [sql`r.action = ${f.action}`]),
  ...(f.resourceType === null || f.resourceType === undefined ? [] : [sql`r.resource_type = ${f.resourceType}`]),
  ...(f.actorId === null || f.actorId === undefined ? [] : [sql`r.actor = ${f.actorId}`]),
  ...(f.phiOnly === true ? [sql`r.phi = 1`] : []),
];

/** Events matching service/action/resource type/actor/PHI filters and a time range. */
export const rollupCount = (read: ReadDb, filters: EventFilters): number => {
  const split = splitRange(filters);
  let total = 0;
  if (split.hours !== null) {
    total +=
      read.value<number>(
        sql`SELECT coalesce(sum(r.n), 0) FROM audit_rollup r ${whereSql(rollupWhere(split.hours, filters))}`,
      ) ?? 0;
  }
  for (const edge of split.edges) {
    total +=
      read.value<number>(sql`SELECT count(*) FROM audit_events a ${whereSql(filterSql({ ...filters, ...edge }))}`) ?? 0;
  }
  return total;
};

export interface Counted {
  total: number;
  phi: number;
}

export interface SummaryCounts {
  totals: { totalEvents: number; phiAccessEvents: number; uniqueActors: number; servicesWithEvents: number };
  perDay: Map<string, Counted>;
  perService: Map<string, Counted>;
  /** Keyed by actor id; '' for events without an actor. */
  perActor: Map<string, Counted>;
}

const bump = (map: Map<string, Counted>, key: string, total: number, phi: number): void => {
  const c = map.get(key) ?? { total: 0, phi: 0 };
  c.total += total;
  c.phi += phi;
  map.set(key, c);
};

interface RawEdgeRow {
  timestamp: string;
  service: string;
  actor_entity_id: string | null;
  phi_accessed: number;
}

const noFilters: EventFilters = {
  from: null,
  to: null,
  service: null,
  action: null,
  actorId: null,
  resourceType: null,
  resourceId: null,
  phiOnly: false,
};

/** The audit summary (the API's four totals) plus the series its charts draw. */
export const summaryCounts = (read: ReadDb, range: TimeRange, clock: LocalClock): SummaryCounts => {
  const split = splitRange(range);
  const perDay = new Map<string, Counted>();
  const perService = new Map<string, Counted>();
  const perActor = new Map<string, Counted>();
  const rawRows = (r: TimeRange): RawEdgeRow[] =>
    read.all<RawEdgeRow>(
      sql`SELECT a.timestamp, a.service, a.actor_entity_id, a.phi_accessed FROM audit_events a
        ${whereSql(filterSql({ ...noFilters, ...r }))}`,
    );

  if (split.hours !== null) {
    const where = whereSql(rollupWhere(split.hours, {}));
    const phiN = sql`sum(CASE WHEN r.phi = 1 THEN r.n ELSE 0 END)`;
    for (const row of read.all<{ key: string; total: number; phi: number }>(
      sql`SELECT r.service AS key, sum(r.n) AS total, ${phiN} AS phi FROM audit_rollup r ${where} GROUP BY r.service`,
    )) {
      bump(perService, row.key, row.total, row.phi);
    }
    for (const row of read.all<{ key: string; total: number; phi: number }>(
      sql`SELECT r.actor AS key, sum(r.n) AS total, ${phiN} AS phi FROM audit_rollup r ${where} GROUP BY r.actor`,
    )) {
      bump(perActor, row.key, row.total, row.phi);
    }
    for (const row of read.all<{ key: string; total: number; phi: number }>(
      sql`SELECT r.hour AS key, sum(r.n) AS total, ${phiN} AS phi FROM audit_rollup r ${where} GROUP BY r.hour`,
    )) {
      const start = Date.parse(`${row.key}:00:00.000Z`);
      const first = clock.parts(start);
      const last = clock.parts(start + HOUR_MS - 1);
      if (first.day === last.day) {
        bump(perDay, first.day, row.total, row.phi);
      } else {
        // A local midnight falls inside this hour: place its events one by one.
        for (const e of rawRows({ from: iso(start), to: iso(start + HOUR_MS - 1) })) {
          bump(perDay, clock.parts(Date.parse(e.timestamp)).day, 1, e.phi_accessed);
        }
      }
    }
  }
  for (const edge of split.edges) {
    for (const e of rawRows(edge)) {
      const phi = e.phi_accessed;
      bump(perDay, clock.parts(Date.parse(e.timestamp)).day, 1, phi);
      bump(perService, e.service, 1, phi);
      bump(perActor, e.actor_entity_id ?? '', 1, phi);
    }
  }
  let totalEvents = 0;
  let phiAccessEvents = 0;
  for (const c of perService.values()) {
    totalEvents += c.total;
    phiAccessEvents += c.phi;
  }
  return {
    totals: {
      totalEvents,
      phiAccessEvents,
      uniqueActors: [...perActor.entries()].filter(([k, c]) => k !== '' && c.total > 0).length,
      servicesWithEvents: [...perService.values()].filter((c) => c.total > 0).length,
    },
    perDay,
    perService,
    perActor,
  };
};

/** The oldest and newest event times, for an open-ended range's chart axis. */
export const auditTimeBounds = (read: ReadDb): { first: string | null; last: string | null } => ({
  first: read.value<string>(sql`SELECT min(timestamp) FROM audit_events`) ?? null,
  last: read.value<string>(sql`SELECT max(timestamp) FROM audit_events`) ?? null,
});
