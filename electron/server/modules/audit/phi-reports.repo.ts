/**
 * SQL of the PHI access reports. "The patient" of an event is `subject_entity_id` (migration
 * 0005): the entity itself, or the patient a call or review item belongs to, so "who accessed
 * patient X" also sees who read X's transcripts and review items.
 */
import type { ReadDb } from '../../db/db-types';
import { sql, type SqlFragment } from '../../db/sql';
import {
  ROW_COLUMNS,
  ROW_FROM,
  newestFirstAfter,
  rangeSql,
  whereSql,
  type AuditRow,
  type KeysetCursor,
  type TimeRange,
} from './audit-rows';

export const rowsPage = (
  read: ReadDb,
  where: readonly SqlFragment[],
  cursor: KeysetCursor | null,
  limit: number,
): AuditRow[] =>
  read.all<AuditRow>(
    sql`SELECT ${ROW_COLUMNS} FROM ${ROW_FROM} ${whereSql([...where, ...newestFirstAfter(cursor)])}
      ORDER BY a.timestamp DESC, a.id DESC LIMIT ${limit}`,
  );

/**
 * Events about an entity: its own and its calls' and items' events, plus the backend's record of
 * this app's delivered access events about it (a delivered "opened review item" is audited on the
 * item, and only the local event knows the patient).
 */
const aboutEntity = (entityId: string): SqlFragment =>
  sql`(a.subject_entity_id = ${entityId}
    OR a.attest_event_id IN (SELECT l.id FROM local_access_log l WHERE l.entity_id = ${entityId}))`;

/** PHI events about one patient in a range. */
export const patientWhere = (entityId: string, range: TimeRange): SqlFragment[] => [
  aboutEntity(entityId),
  sql`a.phi_accessed = 1`,
  ...rangeSql(range),
];

/** Every event about one entity (the entity access log), PHI or not. */
export const entityWhere = (entityId: string, range: TimeRange): SqlFragment[] => [
  aboutEntity(entityId),
  ...rangeSql(range),
];

/** PHI events by one person in a range. */
export const personWhere = (actorId: string, range: TimeRange): SqlFragment[] => [
  sql`a.actor_entity_id = ${actorId}`,
  sql`a.phi_accessed = 1`,
  ...rangeSql(range),
];

export interface ActorAggregate {
  actor: string;
  n: number;
  first_at: string;
  last_at: string;
  ips: string | null;
  agents: string | null;
}

/** Who accessed the patient: one line per person, with where from. */
export const patientActors = (read: ReadDb, entityId: string, range: TimeRange): ActorAggregate[] =>
  read.all<ActorAggregate>(
    sql`SELECT coalesce(a.actor_entity_id, '') AS actor, count(*) AS n, min(a.timestamp) AS first_at,
        max(a.timestamp) AS last_at, group_concat(DISTINCT a.ip_address) AS ips,
        group_concat(DISTINCT a.user_agent) AS agents
      FROM audit_events a ${whereSql(patientWhere(entityId, range))}
      GROUP BY 1 ORDER BY last_at DESC`,
  );

export const countWhere = (read: ReadDb, where: readonly SqlFragment[]): number =>
  read.value<number>(sql`SELECT count(*) FROM audit_events a ${whereSql(where)}`) ?? 0;

export const countPhiWhere = (read: ReadDb, where: readonly SqlFragment[]): number =>
  read.value<number>(sql`SELECT count(*) FROM audit_events a ${whereSql([...where, sql`a.phi_accessed = 1`])}`) ?? 0;

/**
 * The person-centred queries name their index: without statistics the planner may take the
 * (actor, time) index of all events, which is not partial to PHI and lacks the patient, and so
 * reads and parses every row (a second for the busiest actor at 1M events instead of tens of ms).
 */
const PERSON_INDEX = sql`INDEXED BY audit_events_actor_phi_subject`;

/**
 * A person's PHI events counted per UTC minute, oldest first, and whether the minute's events are
 * inside `reportFrom` (a minute can straddle it). The review aids need no finer time than the
 * minute (working hours and days change on minute boundaries in every zone), and a busy person's
 * 100k events become a few thousand rows: one covering index range scan, grouped in SQLite.
 */
export const personAccessMinutes = (
  read: ReadDb,
  actorId: string,
  range: TimeRange,
  reportFrom: string | null,
): { minute: string; inReport: number; n: number }[] =>
  read.all<{ minute: string; inReport: number; n: number }>(
    sql`SELECT substr(a.timestamp, 1, 16) AS minute,
        ${reportFrom === null ? sql`1` : sql`a.timestamp >= ${reportFrom}`} AS inReport, count(*) AS n
      FROM audit_events a ${PERSON_INDEX} ${whereSql(personWhere(actorId, range))}
      GROUP BY 1, 2 ORDER BY 1`,
  );

/**
 * The patients a person accessed in a range, with counts and first/last times: one range scan of
 * the (actor, time, patient) index of PHI events (migration 0006), no table reads.
 */
export const personPatients = (
  read: ReadDb,
  actorId: string,
  range: TimeRange,
): { subject: string; n: number; first_at: string; last_at: string }[] =>
  read.all<{ subject: string; n: number; first_at: string; last_at: string }>(
    sql`SELECT a.subject_entity_id AS subject, count(*) AS n, min(a.timestamp) AS first_at,
        max(a.timestamp) AS last_at
      FROM audit_events a ${PERSON_INDEX}
      ${whereSql([...personWhere(actorId, range), sql`a.subject_entity_id IS NOT NULL`])}
      GROUP BY 1 ORDER BY last_at DESC`,
  );

export interface EntityInfo {
  displayName: string | null;
  entityType: string | null;
}

/** The entity's name: the local world copy, else the name the audit log gave the resource. */
export const entityInfo = (read: ReadDb, entityId: string): EntityInfo => {
  const entity = read.get<{ display_name: string | null; entity_type: string }>(
    sql`SELECT display_name, entity_type FROM entities WHERE id = ${entityId}`,
  );
  if (entity !== undefined) return { displayName: entity.display_name, entityType: entity.entity_type };
  const named = read.get<{ resource_name: string | null; resource_type: string }>(
    sql`SELECT resource_name, resource_type FROM audit_events WHERE subject_entity_id = ${entityId}
      AND resource_id = ${entityId} AND resource_name IS NOT NULL LIMIT 1`,
  );
  if (named !== undefined) return { displayName: named.resource_name, entityType: named.resource_type };
  const any = read.get<{ resource_name: string | null }>(
    sql`SELECT resource_name FROM audit_events WHERE subject_entity_id = ${entityId} AND resource_name IS NOT NULL LIMIT 1`,
  );
  return { displayName: any?.resource_name ?? null, entityType: null };
};

/**
 * Who had review work on an entity: assigned to or decided an item about it (open items and the
 * pulled history). Answers the people and how many items were checked.
 */
export const reviewersOfEntity = (read: ReadDb, entityId: string): { people: Set<string>; items: number } => {
  const open = read.all<{ who: string | null }>(
    sql`SELECT assigned_to AS who FROM review_items WHERE entity_id = ${entityId}`,
  );
  const done = read.all<{ who: string | null }>(
    sql`SELECT reviewed_by AS who FROM review_history WHERE entity_id = ${entityId}`,
  );
  const people = new Set<string>();
  for (const r of [...open, ...done]) if (r.who !== null) people.add(r.who);
  return { people, items: open.length + done.length };
};

/** The entities a person had review work on (assigned or decided). */
export const entitiesReviewedBy = (read: ReadDb, actorId: string): Set<string> => {
  const rows = read.all<{ entity_id: string | null }>(
    sql`SELECT entity_id FROM review_items WHERE assigned_to = ${actorId}
      UNION SELECT entity_id FROM review_history WHERE reviewed_by = ${actorId}`,
  );
  return new Set(rows.flatMap((r) => (r.entity_id === null ? [] : [r.entity_id])));
};

export const reviewItemCount = (read: ReadDb, entityId: string): number =>
  (read.value<number>(sql`SELECT count(*) FROM review_items WHERE entity_id = ${entityId}`) ?? 0) +
  (read.value<number>(sql`SELECT count(*) FROM review_history WHERE entity_id = ${entityId}`) ?? 0);

/** Patients found by name or id in the local world copy, for the report's patient picker. */
export const lookupPatients = (
  read: ReadDb,
  q: string,
): { id: string; display_name: string | null; entity_type: string }[] => {
  const prefix = `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return read.all<{ id: string; display_name: string | null; entity_type: string }>(
    sql`SELECT id, display_name, entity_type FROM entities WHERE id = ${q}
      UNION ALL
      SELECT id, display_name, entity_type FROM (
        SELECT id, display_name, entity_type FROM entities
        WHERE display_name LIKE ${prefix} ESCAPE '\\' AND id <> ${q}
        ORDER BY display_name COLLATE NOCASE LIMIT 10)`,
  );
};
