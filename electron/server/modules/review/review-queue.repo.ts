/**
 * The review desk's reads over the local copy: one window of the queue (filters, search, a sort,
 * offset paging), the counts per facet, and what one item's view is built from (the item, its
 * call and turns, its entity, its events' sources). Every filter is a bound parameter; sorts and
 * facets are chosen from fixed lists. Shapes follow the indexes of migrations 0001 and 0004.
 */
import type { QueueFilters, QueueSort } from '../../../../shared/contract/review.views';
import { RISK_MAX_AGE_BONUS, RISK_SLA_HOURS } from '../../../../shared/review/review-risk';
import type { ReadDb, WriteDb } from '../../db/db-types';
import { sql, sqlEmpty, sqlIn, sqlJoin, type SqlFragment } from '../../db/sql';

export interface QueueRow {
  id: string;
  status: string;
  session_id: string;
  entity_id: string | null;
  entity_type: string | null;
  entity_display_name: string | null;
  priority: number;
  reason: string;
  assigned_to: string | null;
  created_at: string | null;
  min_confidence: number | null;
  event_count: number;
  risk: number;
}

export type Facet = 'status' | 'entityType' | 'priority' | 'reason' | 'assignee';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PHONE_LIKE = /^[\d\s()+.-]+$/;

/** `%` and `_` in a person's search are literal characters, not wildcards. */
const likeContains = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A plain date means the whole day (UTC); a full timestamp is used as given. */
const dayStart = (value: string): string => (value.length === 10 ? `${value}T00:00:00.000Z` : value);
const dayEndExclusive = (value: string): string => {
  if (value.length !== 10) return value;
  const next = new Date(`${value}T00:00:00.000Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString();
};

/** The search box: ids, a phone number, or text (patient name, MRN, call SID). */
function searchCondition(q: string): SqlFragment {
  if (UUID.test(q)) {
    const id = q.toLowerCase();
    return sql`(id = ${id} OR session_id = ${id} OR entity_id = ${id} OR patient_entity_id = ${id})`;
  }
  const digits = q.replace(/\D/g, '');
  if (PHONE_LIKE.test(q) && digits.length >= 7) {
    const national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
    return sql`(patient_entity_id IN (
        SELECT id FROM entities WHERE phone IS NOT NULL AND phone_digits IN (${national}, ${`1${national}`}))
      OR session_id IN (
        SELECT id FROM calls WHERE caller_id IN (${`+1${national}`}, ${`+${national}`}, ${national})))`;
  }
  const like = likeContains(q);
  return sql`(entity_display_name LIKE ${like} ESCAPE '\\'
    OR patient_entity_id IN (
      SELECT id FROM entities WHERE mrn IN (${q}, ${q.toUpperCase()})
        OR name LIKE ${like} ESCAPE '\\' OR display_name LIKE ${like} ESCAPE '\\')
    OR session_id IN (SELECT id FROM calls WHERE call_sid = ${q}))`;
}

/** The WHERE clause of the filters, leaving out one facet (for that facet's counts). */
export function queueWhere(filters: QueueFilters, me: string, omit?: Facet): SqlFragment {
  const parts: SqlFragment[] = [];
  if (omit !== 'status') {
    parts.push(filters.status === 'open' ? sql`status IN ('pending', 'in_progress')` : sql`status = ${filters.status}`);
  }
  if (omit !== 'entityType' && filters.entityType !== undefined) parts.push(sql`entity_type = ${filters.entityType}`);
  if (omit !== 'priority' && filters.priority !== undefined) parts.push(sql`priority = ${filters.priority}`);
  if (omit !== 'reason' && filters.reason !== undefined) parts.push(sql`reason = ${filters.reason}`);
  if (omit !== 'assignee' && filters.assignee !== undefined) {
    if (filters.assignee === 'me') parts.push(sql`assigned_to = ${me}`);
    else if (filters.assignee === 'unassigned') parts.push(sql`(assigned_to IS NULL OR assigned_to = '')`);
    else parts.push(sql`assigned_to = ${filters.assignee}`);
  }
  if (filters.createdFrom !== undefined) parts.push(sql`created_at >= ${dayStart(filters.createdFrom)}`);
  if (filters.createdTo !== undefined) parts.push(sql`created_at < ${dayEndExclusive(filters.createdTo)}`);
  if (filters.q !== undefined && filters.q !== '') parts.push(searchCondition(filters.q));
  return parts.length === 0 ? sqlEmpty : sql`WHERE ${sqlJoin(parts, ' AND ')}`;
}

/**
 * risk = (1 − lowest confidence) × criticality × age factor (shared/review/review-risk.ts), with
 * the age factor growing linearly over RISK_SLA_HOURS-long periods up to 1 + RISK_MAX_AGE_BONUS.
 */
const riskExpression = (nowIso: string): SqlFragment => sql`round(
  (1.0 - coalesce(min_confidence, 0.0)) * criticality *
  (1.0 + min(max(coalesce((julianday(${nowIso}) - julianday(created_at)) * 24.0, 0.0), 0.0) / ${RISK_SLA_HOURS},
    ${RISK_MAX_AGE_BONUS})), 4)`;

const ORDER: Readonly<Record<QueueSort, SqlFragment>> = {
  risk: sql`risk DESC, created_at ASC, id ASC`,
  priority: sql`priority ASC, created_at ASC, id ASC`,
  age: sql`created_at ASC, id ASC`,
  // Items without inline events (no confidence known) go last.
  confidence: sql`min_confidence IS NULL, min_confidence ASC, id ASC`,
};

export function listQueue(
  read: ReadDb,
  filters: QueueFilters,
  options: { sort: QueueSort; offset: number; limit: number; me: string; nowIso: string },
): { rows: QueueRow[]; total: number } {
  const where = queueWhere(filters, options.me);
  const rows = read.all<QueueRow>(sql`
    SELECT id, status, session_id, entity_id, entity_type, entity_display_name, priority, reason, assigned_to,
      created_at, min_confidence, event_count, ${riskExpression(options.nowIso)} AS risk
    FROM review_items ${where}
    ORDER BY ${ORDER[options.sort]}
    LIMIT ${options.limit} OFFSET ${options.offset}`);
  const total = read.value<number>(sql`SELECT count(*) FROM review_items ${where}`) ?? 0;
  return { rows, total };
}

export interface FacetCount {
  value: string;
  count: number;
}

const FACET_COLUMNS = {
  status: sql`status`,
  entityType: sql`coalesce(entity_type, '')`,
  priority: sql`CAST(priority AS TEXT)`,
  reason: sql`reason`,
} as const;

export function queueCounts(
  read: ReadDb,
  filters: QueueFilters,
  me: string,
): {
  total: number;
  facets: Record<keyof typeof FACET_COLUMNS, FacetCount[]>;
  mine: number;
  unassigned: number;
} {
  const facet = (name: keyof typeof FACET_COLUMNS): FacetCount[] =>
    read.all<FacetCount>(sql`
      SELECT ${FACET_COLUMNS[name]} AS value, count(*) AS count FROM review_items ${queueWhere(filters, me, name)}
      GROUP BY 1 ORDER BY 1`);
  const totals = read.get<{ total: number; mine: number | null; unassigned: number | null }>(sql`
    SELECT count(*) AS total,
      sum(assigned_to = ${me}) AS mine,
      sum(assigned_to IS NULL OR assigned_to = '') AS unassigned
    FROM review_items ${queueWhere(filters, me, 'assignee')}`);
  const total = read.value<number>(sql`SELECT count(*) FROM review_items ${queueWhere(filters, me)}`) ?? 0;
  return {
    total,
    facets: {
      status: facet('status'),
      entityType: facet('entityType'),
      priority: facet('priority'),
      reason: facet('reason'),
    },
    mine: totals?.mine ?? 0,
    unassigned: totals?.unassigned ?? 0,
  };
}

/** The latest live local intent per item (migration 0003's view), for the rows of one page. */
export interface LocalIntent {
  item_id: string;
  kind: string;
  state: string;
}

/** Per connection: whether the outbox's view exists (it comes with migration 0003). */
const hasLocalIntentView = new WeakMap<ReadDb, boolean>();

export function localIntents(read: ReadDb, itemIds: readonly string[]): LocalIntent[] {
  if (itemIds.length === 0) return [];
  let present = hasLocalIntentView.get(read);
  if (present === undefined) {
    present =
      read.value<number>(sql`SELECT count(*) FROM sqlite_master WHERE type = 'view' AND name = 'review_item_local'`) ===
      1;
    hasLocalIntentView.set(read, present);
  }
  // Without the outbox's schema there are no local intents to show.
  if (!present) return [];
  return read.all<LocalIntent>(sql`
    SELECT item_id, kind, state FROM review_item_local WHERE item_id IN ${sqlIn(itemIds)}`);
}

export interface ItemRow extends QueueRow {
  completed_at: string | null;
  completed_action: string | null;
  raw_json: string;
  pulled_at: string;
}

export function getItemRow(read: ReadDb, id: string, nowIso: string): ItemRow | undefined {
  return read.get<ItemRow>(sql`
    SELECT id, status, session_id, entity_id, entity_type, entity_display_name, priority, reason, assigned_to,
      created_at, min_confidence, event_count, ${riskExpression(nowIso)} AS risk, completed_at, completed_action,
      raw_json, pulled_at
    FROM review_items WHERE id = ${id}`);
}

export interface CallRow {
  id: string;
  call_sid: string | null;
  direction: string | null;
  call_start_time: string | null;
  duration_seconds: number | null;
}

export interface TurnRow {
  position: number;
  timestamp: string | null;
  agent_transcript: string | null;
  user_transcript: string | null;
  agent_speech_start_ms: number | null;
  user_speech_start_ms: number | null;
  stt_confidence: number | null;
}

/** The call behind an item (session_id is the call id, or its SID) with its turns in order. */
export function getCallWithTurns(read: ReadDb, sessionId: string): { call: CallRow; turns: TurnRow[] } | undefined {
  const call =
    read.get<CallRow>(sql`SELECT id, call_sid, direction, call_start_time, duration_seconds FROM calls
      WHERE id = ${sessionId}`) ??
    read.get<CallRow>(sql`SELECT id, call_sid, direction, call_start_time, duration_seconds FROM calls
      WHERE call_sid = ${sessionId}`);
  if (!call) return undefined;
  const turns = read.all<TurnRow>(sql`
    SELECT position, timestamp, agent_transcript, user_transcript, agent_speech_start_ms, user_speech_start_ms,
      stt_confidence
    FROM call_turns WHERE call_id = ${call.id} ORDER BY position`);
  return { call, turns };
}

export function getEntityRaw(
  read: ReadDb,
  id: string,
): { entity_type: string; display_name: string | null; raw_json: string } | undefined {
  return read.get(sql`SELECT entity_type, display_name, raw_json FROM entities WHERE id = ${id}`);
}

/** `source` of each event the local copy has in its timelines (inline review events carry none). */
export function eventSources(read: ReadDb, eventIds: readonly string[]): Map<string, string> {
  if (eventIds.length === 0) return new Map();
  const rows = read.all<{ id: string; source: string }>(sql`
    SELECT id, source FROM entity_events WHERE id IN ${sqlIn(eventIds)}`);
  return new Map(rows.map((r) => [r.id, r.source]));
}

export function getCachedCorrectionSchema(
  read: ReadDb,
  itemId: string,
): { raw_json: string; fetched_at: string } | undefined {
  return read.get(sql`SELECT raw_json, fetched_at FROM review_correction_schemas WHERE item_id = ${itemId}`);
}

export function putCachedCorrectionSchema(write: WriteDb, itemId: string, raw: unknown, fetchedAt: string): void {
  write.transaction(() => {
    write.run(sql`
      INSERT INTO review_correction_schemas (item_id, raw_json, fetched_at)
      VALUES (${itemId}, ${JSON.stringify(raw)}, ${fetchedAt})
      ON CONFLICT (item_id) DO UPDATE SET raw_json = excluded.raw_json, fetched_at = excluded.fetched_at`);
  });
}
