/**
 * Lineage reads over the local copy: the world-model tables the pull writes (entities and their
 * events, enrichment history, merges, raw lineage and provenance, sinks and deliveries, review
 * history), as defined in db/migrations/0001-initial.ts. Read-only: every function takes a
 * `ReadDb`, so nothing here can change what was pulled.
 */
import type { ReadDb } from '../../db/db-types';
import { sql, sqlIn } from '../../db/sql';

export interface EntityRow {
  id: string;
  entity_type: string;
  display_name: string | null;
  canonical_id: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  birth_date: string | null;
  mrn: string | null;
  status: string | null;
  confidence: number;
  has_projection: number;
  event_count: number | null;
  source: string | null;
  first_seen_at: string | null;
  last_event_at: string | null;
  raw_json: string;
  pulled_at: string;
}

export interface EventRow {
  id: string;
  entity_id: string;
  event_type: string;
  event_subtype: string | null;
  domain: string;
  entity_type: string | null;
  confidence: number;
  source: string;
  source_system: string | null;
  produced_by_agent: string | null;
  effective_at: string | null;
  ingested_at: string | null;
  created_at: string | null;
  supersedes: string | null;
  is_current: number;
  fhir_resource_type: string | null;
  fhir_resource_id: string | null;
  sync_status: string | null;
  sync_error: string | null;
  synced_at: string | null;
  raw_json: string;
  pulled_at: string;
}

export interface EnrichmentRow {
  key: string;
  event_id: string;
  value_json: string;
  value_type: string;
  confidence: number;
  source: string;
  source_system: string | null;
  effective_at: string | null;
  ingested_at: string;
  supersedes: string | null;
  is_current: number;
  pulled_at: string;
}

export interface MergeRow {
  other_id: string;
  confidence: number | null;
  /** The linked entity as the API's /merged answered it (only for edges stored from this side). */
  raw_json: string | null;
  held_entity_type: string | null;
  held_display_name: string | null;
  held_canonical_id: string | null;
  held: number;
}

export interface SinkRow {
  data_source_id: string;
  name: string;
  source_type: string;
}

export interface SyncEventRow {
  event_id: string;
  data_source_id: string;
  event_type: string;
  entity_id: string | null;
  sync_status: string;
  sync_error: string | null;
  synced_at: string | null;
  created_at: string | null;
}

export interface ReviewRow {
  id: string;
  session_id: string;
  status: string;
  completed_action: string | null;
  reviewed_by: string | null;
  created_at: string | null;
  completed_at: string | null;
  raw_json: string;
  /** `history` from /review-queue/history, `queue` from the open queue. */
  origin: 'history' | 'queue';
}

export interface RawJsonRow {
  raw_json: string;
  pulled_at: string;
}

const ENTITY_COLUMNS = sql`id, entity_type, display_name, canonical_id, name, email, phone, birth_date, mrn, status,
  confidence, has_projection, event_count, source, first_seen_at, last_event_at, raw_json, pulled_at`;

export const getEntity = (read: ReadDb, id: string): EntityRow | undefined =>
  read.get<EntityRow>(sql`SELECT ${ENTITY_COLUMNS} FROM entities WHERE id = ${id}`);

export const getEntities = (read: ReadDb, ids: readonly string[]): EntityRow[] =>
  ids.length === 0 ? [] : read.all<EntityRow>(sql`SELECT ${ENTITY_COLUMNS} FROM entities WHERE id IN ${sqlIn(ids)}`);

/** Every stored event of the entity, superseded ones included, in ingestion order. */
export const eventsOfEntity = (read: ReadDb, entityId: string): EventRow[] =>
  read.all<EventRow>(sql`SELECT * FROM entity_events WHERE entity_id = ${entityId} ORDER BY ingested_at, id`);

export const enrichmentOfEntity = (read: ReadDb, entityId: string): EnrichmentRow[] =>
  read.all<EnrichmentRow>(sql`SELECT key, event_id, value_json, value_type, confidence, source, source_system,
      effective_at, ingested_at, supersedes, is_current, pulled_at
    FROM enrichment_history WHERE entity_id = ${entityId} ORDER BY key, ingested_at, event_id`);

/** The raw JSON of every event row and enrichment entry of the entity, as pulled (for the export). */
export const rawRecordsOfEntity = (
  read: ReadDb,
  entityId: string,
): { events: Map<string, string>; enrichment: Map<string, string> } => ({
  events: new Map(
    read
      .all<{ id: string; raw_json: string }>(sql`SELECT id, raw_json FROM entity_events WHERE entity_id = ${entityId}`)
      .map((r) => [r.id, r.raw_json]),
  ),
  enrichment: new Map(
    read
      .all<{ event_id: string; raw_json: string }>(
        sql`SELECT event_id, raw_json FROM enrichment_history WHERE entity_id = ${entityId}`,
      )
      .map((r) => [r.event_id, r.raw_json]),
  ),
});

/** `same_as` edges from either side, with what the local copy knows of the other entity. */
export const mergesOfEntity = (read: ReadDb, entityId: string): MergeRow[] =>
  read.all<MergeRow>(sql`
    SELECT m.other_id, m.confidence, m.raw_json, e.entity_type AS held_entity_type,
      e.display_name AS held_display_name, e.canonical_id AS held_canonical_id, e.id IS NOT NULL AS held
    FROM (
      SELECT linked_entity_id AS other_id, confidence, raw_json FROM entity_merges WHERE entity_id = ${entityId}
      UNION ALL
      SELECT entity_id AS other_id, confidence, NULL AS raw_json FROM entity_merges
        WHERE linked_entity_id = ${entityId}
          AND entity_id NOT IN (SELECT linked_entity_id FROM entity_merges WHERE entity_id = ${entityId})
    ) m LEFT JOIN entities e ON e.id = m.other_id
    ORDER BY m.confidence DESC, m.other_id`);

export const lineageRawOf = (read: ReadDb, entityId: string): RawJsonRow | undefined =>
  read.get<RawJsonRow>(sql`SELECT raw_json, pulled_at FROM entity_lineage WHERE entity_id = ${entityId}`);

export const provenanceRawOf = (read: ReadDb, entityId: string): RawJsonRow | undefined =>
  read.get<RawJsonRow>(sql`SELECT raw_json, pulled_at FROM entity_provenance WHERE entity_id = ${entityId}`);

export const allSinks = (read: ReadDb): SinkRow[] =>
  read.all<SinkRow>(sql`SELECT data_source_id, name, source_type FROM sinks ORDER BY name, data_source_id`);

/**
 * Delivery rows of the entity: by its id, and by the ids of its events (a sync row need not name
 * the entity), whether the event came with the timeline or the enrichment history.
 */
export const syncEventsOfEntity = (read: ReadDb, entityId: string): SyncEventRow[] =>
  read.all<SyncEventRow>(sql`
    SELECT event_id, data_source_id, event_type, entity_id, sync_status, sync_error, synced_at, created_at
    FROM sync_events WHERE entity_id = ${entityId}
    UNION
    SELECT event_id, data_source_id, event_type, entity_id, sync_status, sync_error, synced_at, created_at
    FROM sync_events WHERE event_id IN (
      SELECT id FROM entity_events WHERE entity_id = ${entityId}
      UNION SELECT event_id FROM enrichment_history WHERE entity_id = ${entityId})
    ORDER BY created_at, event_id, data_source_id`);

/** Decided items (history) and items still in the queue, for one entity; history wins a tie. */
export const reviewsOfEntity = (read: ReadDb, entityId: string): ReviewRow[] =>
  read.all<ReviewRow>(sql`
    SELECT id, session_id, status, completed_action, reviewed_by, created_at, completed_at, raw_json,
      'history' AS origin
    FROM review_history WHERE entity_id = ${entityId}
    UNION ALL
    SELECT id, session_id, status, completed_action, assigned_to AS reviewed_by, created_at, completed_at, raw_json,
      'queue' AS origin
    FROM review_items WHERE entity_id = ${entityId} AND id NOT IN (SELECT id FROM review_history WHERE entity_id = ${entityId})
    ORDER BY created_at, id`);

/**
 * "As of last sync": the last complete pass of the sync engine (its `pass` mark), or, before the
 * first complete pass, the latest stream that completed.
 */
export const lastSyncAt = (read: ReadDb): string | null =>
  read.value<string>(sql`SELECT coalesce(
      (SELECT last_success_at FROM sync_cursors WHERE stream = 'pass'),
      (SELECT max(last_success_at) FROM sync_cursors))`) ?? null;

// Search ------------------------------------------------------------------------------------------

/** `%`, `_` and the escape character itself, escaped for `LIKE … ESCAPE '\'`. */
const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export const entityIdsById = (read: ReadDb, id: string): string[] =>
  read.all<{ id: string }>(sql`SELECT id FROM entities WHERE id = ${id} COLLATE NOCASE`).map((r) => r.id);

export const entityIdsByCanonicalId = (read: ReadDb, canonicalId: string): string[] =>
  read.all<{ id: string }>(sql`SELECT id FROM entities WHERE canonical_id = ${canonicalId} LIMIT 50`).map((r) => r.id);

export const entityIdsByMrn = (read: ReadDb, mrn: string, limit: number): string[] =>
  read
    .all<{ id: string }>(
      sql`SELECT id FROM entities WHERE mrn = ${mrn} OR mrn LIKE ${`${likeEscape(mrn)}%`} ESCAPE '\\'
        ORDER BY mrn = ${mrn} DESC, mrn LIMIT ${limit}`,
    )
    .map((r) => r.id);

/** Phone digits anywhere in the stored number: "555 010-2030" finds "+1 (555) 010-2030". */
export const entityIdsByPhoneDigits = (read: ReadDb, digits: string, limit: number): string[] =>
  read
    .all<{ id: string }>(
      sql`SELECT id FROM entities WHERE phone IS NOT NULL AND instr(phone_digits, ${digits}) > 0
        ORDER BY phone_digits = ${digits} DESC, display_name COLLATE NOCASE LIMIT ${limit}`,
    )
    .map((r) => r.id);

export const entityIdsByName = (read: ReadDb, text: string, limit: number): string[] => {
  const contains = `%${likeEscape(text)}%`;
  const prefix = `${likeEscape(text)}%`;
  return read
    .all<{ id: string }>(
      sql`SELECT id FROM entities
        WHERE display_name LIKE ${contains} ESCAPE '\\' OR name LIKE ${contains} ESCAPE '\\'
        ORDER BY (display_name LIKE ${prefix} ESCAPE '\\' OR name LIKE ${prefix} ESCAPE '\\') DESC,
          display_name COLLATE NOCASE, id
        LIMIT ${limit}`,
    )
    .map((r) => r.id);
};

/**
 * Entities a call concerns: review items name the call as their `session_id` (the simulator and
 * Attest treat it as the call id), and a call SID leads to the call's id first.
 */
export const entityIdsByCall = (read: ReadDb, callIdOrSid: string): string[] => {
  const sessions = read
    .all<{ id: string }>(sql`SELECT id FROM calls WHERE id = ${callIdOrSid} OR call_sid = ${callIdOrSid}`)
    .map((r) => r.id);
  const keys = [...new Set([callIdOrSid, ...sessions])];
  return read
    .all<{ entity_id: string }>(
      sql`SELECT entity_id FROM review_items WHERE session_id IN ${sqlIn(keys)} AND entity_id IS NOT NULL
        UNION SELECT entity_id FROM review_history WHERE session_id IN ${sqlIn(keys)} AND entity_id IS NOT NULL
        LIMIT 50`,
    )
    .map((r) => r.entity_id);
};

/** The call ids that review items of this entity name, per event id (for "which call said this"). */
export const callIdsByEvent = (read: ReadDb, entityId: string): Map<string, string> => {
  const rows = read.all<{ event_id: string; session_id: string }>(sql`
    SELECT e.event_id, i.session_id FROM review_items i JOIN review_item_events e ON e.review_item_id = i.id
    WHERE i.entity_id = ${entityId}`);
  return new Map(rows.map((r) => [r.event_id, r.session_id]));
};
