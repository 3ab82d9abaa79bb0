/**
 * World model storage: entities, their events (superseded ones kept), per-key enrichment and
 * `same_as` merges. Entity state is rebuilt from events after every verdict (projection.ts).
 */
import type { DatasetRecord } from '../dataset';
import { countCacheFor } from './count-cache';
import type { Db } from './db';
import { projectState } from './projection';
import type { JsonObject } from './values';
import { isJsonObject, isoOf, likeEscape, parseObject, str, toMs } from './values';

export interface EventRow {
  seq: number;
  id: string;
  workspace_id: string;
  entity_id: string;
  event_type: string | null;
  domain: string | null;
  source: string | null;
  source_system: string | null;
  confidence: number;
  review_status: string;
  is_current: number;
  supersedes: string | null;
  effective_ms: number | null;
  ingested_ms: number | null;
  created_ms: number | null;
  sync_status: string | null;
  sync_error: string | null;
  synced_at: string | null;
  verdict_reason: string | null;
  has_record: number;
  raw: string;
}

interface EntityRow {
  seq: number;
  id: string;
  workspace_id: string;
  entity_type: string;
  base_state: string | null;
  raw: string;
}

export interface EntityFilters {
  entityTypes: readonly string[];
  q: string | undefined;
  hasProjection: boolean | undefined;
  source: string | undefined;
  sourceSystem: string | undefined;
  tags: readonly string[];
  limit: number;
  offset: number;
}

/** The typed convenience fields of `EntityResponse` that mirror top-level state keys. */
const TYPED_STATE_FIELDS = ['name', 'email', 'phone', 'birth_date', 'gender', 'mrn', 'status'] as const;

const searchText = (e: JsonObject, id: string): string => {
  const parts = [e['display_name'], e['name'], e['entity_type'], e['canonical_id'], e['phone'], id];
  const phone = str(e['phone']);
  if (phone !== null) parts.push(phone.replace(/\D/g, ''));
  return parts
    .filter((p): p is string => typeof p === 'string' && p !== '')
    .join(' ')
    .toLowerCase();
};

/** The API shape of a stored event: its raw JSON with the mutable columns laid over it. */
export function toEntityEvent(row: EventRow): JsonObject {
  const raw = parseObject(row.raw);
  return {
    ...raw,
    id: row.id,
    event_type: row.event_type ?? str(raw['event_type']) ?? 'unknown',
    domain: row.domain ?? str(raw['domain']) ?? 'clinical',
    data: isJsonObject(raw['data']) ? raw['data'] : {},
    confidence: row.confidence,
    is_current: row.is_current === 1,
    supersedes: row.supersedes,
    sync_status: row.sync_status,
    sync_error: row.sync_error,
    synced_at: row.synced_at,
  };
}

/** `EventSummary` as inlined in review items and diffs. */
export function toEventSummary(row: EventRow): JsonObject {
  const raw = parseObject(row.raw);
  return {
    id: row.id,
    event_type: row.event_type ?? str(raw['event_type']),
    data: isJsonObject(raw['data']) ? raw['data'] : {},
    confidence: row.confidence,
    review_status: row.review_status,
    fhir_resource_type: str(raw['fhir_resource_type']),
    fhir_resource_id: str(raw['fhir_resource_id']),
    created_at: str(raw['created_at']) ?? (row.created_ms === null ? null : isoOf(row.created_ms)),
  };
}

export function eventData(row: EventRow): JsonObject {
  const data = parseObject(row.raw)['data'];
  return isJsonObject(data) ? data : {};
}

export function createWorldStore(db: Db) {
  const cache = countCacheFor(db, 'world');
  const insertEntityStmt = db.prepare(
    `INSERT INTO entities (id, workspace_id, entity_type, source, has_projection, search, base_state, raw)
     VALUES (@id, @workspace_id, @entity_type, @source, @has_projection, @search, @base_state, @raw)
     ON CONFLICT(id) DO UPDATE SET workspace_id = excluded.workspace_id, entity_type = excluded.entity_type,
       source = excluded.source, has_projection = excluded.has_projection, search = excluded.search,
       base_state = excluded.base_state, raw = excluded.raw`,
  );
  // An event may first arrive as a stub from a review item's inline summary; the full record then
  // replaces it but keeps the review status the item gave it.
  const upsertEventStmt = db.prepare(
    `INSERT INTO entity_events (id, workspace_id, entity_id, event_type, domain, source, source_system, confidence,
       review_status, is_current, supersedes, effective_ms, ingested_ms, created_ms, sync_status, sync_error, synced_at,
       has_record, raw)
     VALUES (@id, @workspace_id, @entity_id, @event_type, @domain, @source, @source_system, @confidence,
       @review_status, @is_current, @supersedes, @effective_ms, @ingested_ms, @created_ms, @sync_status, @sync_error,
       @synced_at, @has_record, @raw)
     ON CONFLICT(id) DO UPDATE SET workspace_id = excluded.workspace_id, entity_id = excluded.entity_id,
       event_type = excluded.event_type, domain = excluded.domain, source = excluded.source,
       source_system = excluded.source_system, confidence = excluded.confidence, is_current = excluded.is_current,
       supersedes = excluded.supersedes, effective_ms = excluded.effective_ms, ingested_ms = excluded.ingested_ms,
       created_ms = excluded.created_ms, sync_status = excluded.sync_status, sync_error = excluded.sync_error,
       synced_at = excluded.synced_at, has_record = 1, raw = excluded.raw
     WHERE excluded.has_record = 1`,
  );
  const setReviewStatusStmt = db.prepare(`UPDATE entity_events SET review_status = ? WHERE id = ?`);
  const insertEnrichmentStmt = db.prepare(
    `INSERT OR REPLACE INTO enrichment (event_id, workspace_id, entity_id, key, confidence, is_current, ingested_ms, raw)
     VALUES (@event_id, @workspace_id, @entity_id, @key, @confidence, @is_current, @ingested_ms, @raw)`,
  );
  const insertMergeStmt = db.prepare(
    `INSERT OR REPLACE INTO merges (workspace_id, entity_id, linked_entity_id, confidence) VALUES (?, ?, ?, ?)`,
  );
  const entityRowStmt = db.prepare<[string, string], EntityRow>(
    `SELECT seq, id, workspace_id, entity_type, base_state, raw FROM entities WHERE workspace_id = ? AND id = ?`,
  );
  const entityWsStmt = db.prepare<[string], { workspace_id: string }>(`SELECT workspace_id FROM entities WHERE id = ?`);
  const eventsOfEntityStmt = db.prepare<[string], EventRow>(
    `SELECT * FROM entity_events WHERE entity_id = ? ORDER BY seq`,
  );
  const eventStmt = db.prepare<[string], EventRow>(`SELECT * FROM entity_events WHERE id = ?`);
  const supersededByStmt = db.prepare<[string], EventRow>(
    `SELECT * FROM entity_events WHERE supersedes = ? ORDER BY seq`,
  );
  const updateEntityStmt = db.prepare(`UPDATE entities SET raw = ?, search = ?, has_projection = 1 WHERE id = ?`);
  const verdictEventStmt = db.prepare(
    `UPDATE entity_events SET confidence = ?, review_status = ?, verdict_reason = ? WHERE id = ?`,
  );
  const supersedeStmt = db.prepare(`UPDATE entity_events SET is_current = 0, review_status = ? WHERE id = ?`);
  const syncColumnsStmt = db.prepare(`UPDATE entity_events SET sync_status = ?, sync_error = NULL WHERE id = ?`);
  const enrichmentCurrentStmt = db.prepare<
    [string],
    { raw: string; key: string; confidence: number; ingested_ms: number | null; seq: number }
  >(`SELECT raw, key, confidence, ingested_ms, seq FROM enrichment WHERE entity_id = ? AND is_current = 1`);
  const enrichmentHistoryStmt = db.prepare<[string, string, number], { raw: string }>(
    `SELECT raw FROM enrichment WHERE entity_id = ? AND key = ? ORDER BY ingested_ms DESC, seq DESC LIMIT ?`,
  );
  const mergedStmt = db.prepare<[string, string, string], { raw: string }>(
    `SELECT e.raw FROM entities e JOIN (
       SELECT linked_entity_id AS other FROM merges WHERE entity_id = ?
       UNION SELECT entity_id AS other FROM merges WHERE linked_entity_id = ?
     ) m ON m.other = e.id WHERE e.workspace_id = ? ORDER BY e.seq`,
  );
  const mergesStmt = db.prepare<[string, string], { other: string; confidence: number }>(
    `SELECT linked_entity_id AS other, confidence FROM merges WHERE entity_id = ?
     UNION ALL SELECT entity_id AS other, confidence FROM merges WHERE linked_entity_id = ?`,
  );

  function insertEntity(r: DatasetRecord<'entities'>): void {
    cache.bump();
    const raw = r as JsonObject;
    insertEntityStmt.run({
      id: r.id,
      workspace_id: r.workspace_id,
      entity_type: r.entity_type,
      source: r.source ?? null,
      has_projection: r.has_projection ? 1 : 0,
      search: searchText(raw, r.id),
      base_state: JSON.stringify(r.state ?? {}),
      raw: JSON.stringify(r),
    });
  }

  function upsertEvent(r: DatasetRecord<'entity_events'>, workspaceId: string): void {
    upsertEventStmt.run({
      id: r.id,
      workspace_id: workspaceId,
      entity_id: r.entity_id,
      event_type: r.event_type,
      domain: r.domain,
      source: r.source,
      source_system: r.source_system ?? null,
      confidence: r.confidence,
      review_status: 'raw',
      is_current: r.is_current ? 1 : 0,
      supersedes: r.supersedes ?? null,
      effective_ms: toMs(r.effective_at),
      ingested_ms: toMs(r.ingested_at),
      created_ms: toMs(r.created_at),
      sync_status: r.sync_status ?? null,
      sync_error: r.sync_error ?? null,
      synced_at: r.synced_at ?? null,
      has_record: 1,
      raw: JSON.stringify(r),
    });
  }

  /** A review item's inline event whose full record has not (yet) arrived. */
  function upsertEventStub(summary: JsonObject, entityId: string, workspaceId: string, reviewStatus: string): void {
    const id = String(summary['id']);
    const created = str(summary['created_at']);
    upsertEventStmt.run({
      id,
      workspace_id: workspaceId,
      entity_id: entityId,
      event_type: str(summary['event_type']),
      domain: 'clinical',
      source: 'voice_agent',
      source_system: null,
      confidence: typeof summary['confidence'] === 'number' ? summary['confidence'] : 0.5,
      review_status: reviewStatus,
      is_current: 1,
      supersedes: null,
      effective_ms: toMs(created),
      ingested_ms: toMs(created),
      created_ms: toMs(created),
      sync_status: null,
      sync_error: null,
      synced_at: null,
      has_record: 0,
      raw: JSON.stringify({ ...summary, domain: 'clinical', source: 'voice_agent', entity_type: null }),
    });
    setReviewStatusStmt.run(reviewStatus, id);
  }

  function entityJson(workspaceId: string, id: string): JsonObject | null {
    const row = entityRowStmt.get(workspaceId, id);
    return row === undefined ? null : parseObject(row.raw);
  }

  function listEntities(workspaceId: string, f: EntityFilters): { entities: JsonObject[]; total: number } {
    const where = ['workspace_id = ?'];
    const params: unknown[] = [workspaceId];
    if (f.entityTypes.length > 0) {
      where.push(`entity_type IN (${f.entityTypes.map(() => '?').join(', ')})`);
      params.push(...f.entityTypes);
    }
    const q = f.q?.trim().toLowerCase();
    if (q !== undefined && q !== '') {
      where.push(`search LIKE ? ESCAPE '\\'`);
      params.push(`%${likeEscape(q)}%`);
    }
    if (f.hasProjection !== undefined) {
      where.push('has_projection = ?');
      params.push(f.hasProjection ? 1 : 0);
    }
    if (f.source !== undefined) {
      where.push('source = ?');
      params.push(f.source);
    }
    if (f.sourceSystem !== undefined) {
      where.push('EXISTS (SELECT 1 FROM entity_events ev WHERE ev.entity_id = entities.id AND ev.source_system = ?)');
      params.push(f.sourceSystem);
    }
    if (f.tags.length > 0) {
      where.push(
        `EXISTS (SELECT 1 FROM json_each(json_extract(entities.raw, '$.tags')) t WHERE t.value IN (${f.tags.map(() => '?').join(', ')}))`,
      );
      params.push(...f.tags);
    }
    const clause = where.join(' AND ');
    const total = cache.get(
      `count ${clause} ${JSON.stringify(params)}`,
      () =>
        db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM entities WHERE ${clause}`).get(...params)?.n ??
        0,
    );
    // Two steps: pick the page's rows by key (a search scans the narrow search index), then read
    // only those rows' JSON, instead of walking the wide rows of every match.
    const seqs = db
      .prepare<unknown[], { seq: number }>(`SELECT seq FROM entities WHERE ${clause} ORDER BY seq LIMIT ? OFFSET ?`)
      .all(...params, f.limit, f.offset)
      .map((r) => r.seq);
    const rows =
      seqs.length === 0
        ? []
        : db
            .prepare<unknown[], { raw: string }>(
              `SELECT raw FROM entities WHERE seq IN (${seqs.map(() => '?').join(', ')}) ORDER BY seq`,
            )
            .all(...seqs);
    return { entities: rows.map((r) => parseObject(r.raw)), total };
  }

  function timeline(entityId: string, domain: string | undefined, limit: number, offset: number) {
    const domainClause = domain === undefined ? '' : ' AND domain = ?';
    const params: unknown[] = domain === undefined ? [entityId] : [entityId, domain];
    const total =
      db
        .prepare<unknown[], { n: number }>(
          `SELECT count(*) AS n FROM entity_events WHERE entity_id = ? AND is_current = 1${domainClause}`,
        )
        .get(...params)?.n ?? 0;
    // Newest effective date first; events without one sort last.
    const rows = db
      .prepare<unknown[], EventRow>(
        `SELECT * FROM entity_events WHERE entity_id = ? AND is_current = 1${domainClause}
         ORDER BY effective_ms IS NULL, effective_ms DESC, seq DESC LIMIT ? OFFSET ?`,
      )
      .all(...params, limit, offset);
    return { events: rows.map(toEntityEvent), total };
  }

  function eventsByIds(ids: readonly string[]): EventRow[] {
    if (ids.length === 0) return [];
    const rows = db
      .prepare<unknown[], EventRow>(`SELECT * FROM entity_events WHERE id IN (${ids.map(() => '?').join(', ')})`)
      .all(...ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)).filter((r): r is EventRow => r !== undefined);
  }

  function enrichmentValues(entityId: string, limit: number, offset: number): JsonObject[] {
    // Current winners per key: highest confidence, then latest ingested_at.
    const best = new Map<string, { raw: string; confidence: number; ingested: number; seq: number }>();
    for (const r of enrichmentCurrentStmt.iterate(entityId)) {
      const cur = best.get(r.key);
      const ingested = r.ingested_ms ?? 0;
      if (
        cur === undefined ||
        r.confidence > cur.confidence ||
        (r.confidence === cur.confidence && (ingested > cur.ingested || (ingested === cur.ingested && r.seq > cur.seq)))
      ) {
        best.set(r.key, { raw: r.raw, confidence: r.confidence, ingested, seq: r.seq });
      }
    }
    return [...best.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .slice(offset, offset + limit)
      .map(([key, v]) => {
        const raw = parseObject(v.raw);
        return {
          key,
          value: raw['value'] ?? null,
          value_type: raw['value_type'],
          confidence: raw['confidence'],
          source: raw['source'],
          source_system: raw['source_system'] ?? null,
          event_id: raw['event_id'],
          effective_at: raw['effective_at'] ?? null,
          ingested_at: raw['ingested_at'] ?? null,
        };
      });
  }

  function enrichmentHistory(entityId: string, key: string, limit: number): JsonObject[] {
    return enrichmentHistoryStmt.all(entityId, key, limit).map((r) => {
      const raw = parseObject(r.raw);
      delete raw['entity_id'];
      delete raw['key'];
      return raw;
    });
  }

  /**
   * Replays the entity's events into its state and refreshes the typed convenience fields.
   * Runs inside the verdict's transaction, so no reader sees an event without its projection.
   */
  function rebuildProjection(workspaceId: string, entityId: string, nowMs: number): void {
    const row = entityRowStmt.get(workspaceId, entityId);
    if (row === undefined) return;
    const events = eventsOfEntityStmt.all(entityId);
    const base = parseObject(row.base_state);
    const projection = projectState(
      base,
      events.map((e) => ({
        eventType: e.event_type,
        data: eventData(e),
        confidence: e.confidence,
        ingestedMs: e.ingested_ms,
        isCurrent: e.is_current === 1,
        seq: e.seq,
      })),
    );
    const entity = parseObject(row.raw);
    const previous = isJsonObject(entity['state']) ? entity['state'] : {};
    for (const field of TYPED_STATE_FIELDS) {
      const value = projection.state[field];
      if (typeof value === 'string') entity[field] = value;
      else if (field in previous && !(field in projection.state)) entity[field] = null;
    }
    if (typeof projection.state['display_name'] === 'string') entity['display_name'] = projection.state['display_name'];
    else if (entity['display_name'] === previous['name'] && typeof projection.state['name'] === 'string') {
      entity['display_name'] = projection.state['name'];
    }
    const latest = events.reduce((m, e) => Math.max(m, e.ingested_ms ?? 0), 0);
    entity['state'] = projection.state;
    entity['has_projection'] = true;
    entity['confidence'] = Math.round(projection.confidence * 1000) / 1000;
    entity['event_count'] = events.length;
    if (latest > 0) entity['last_event_at'] = isoOf(latest);
    entity['updated_at'] = isoOf(nowMs);
    cache.bump();
    updateEntityStmt.run(JSON.stringify(entity), searchText(entity, entityId), entityId);
  }

  return {
    insertEntity,
    upsertEvent,
    upsertEventStub,
    setReviewStatus: (eventId: string, status: string): void => void setReviewStatusStmt.run(status, eventId),
    insertEnrichment(r: DatasetRecord<'enrichment'>, workspaceId: string): void {
      insertEnrichmentStmt.run({
        event_id: r.event_id,
        workspace_id: workspaceId,
        entity_id: r.entity_id,
        key: r.key,
        confidence: r.confidence,
        is_current: r.is_current ? 1 : 0,
        ingested_ms: toMs(r.ingested_at),
        raw: JSON.stringify(r),
      });
    },
    insertMerge(r: DatasetRecord<'merges'>, workspaceId: string): void {
      insertMergeStmt.run(workspaceId, r.entity_id, r.linked_entity_id, r.confidence);
    },
    /** The workspace an entity belongs to (dataset records for events carry only the entity id). */
    workspaceOfEntity: (entityId: string): string | undefined => entityWsStmt.get(entityId)?.workspace_id,
    entityJson,
    listEntities,
    timeline,
    event: (id: string): EventRow | undefined => eventStmt.get(id),
    eventsByIds,
    eventsOfEntity: (entityId: string): EventRow[] => eventsOfEntityStmt.all(entityId),
    supersededBy: (eventId: string): EventRow[] => supersededByStmt.all(eventId),
    enrichmentValues,
    enrichmentHistory,
    merged: (workspaceId: string, entityId: string): JsonObject[] =>
      mergedStmt.all(entityId, entityId, workspaceId).map((r) => parseObject(r.raw)),
    merges: (entityId: string) => mergesStmt.all(entityId, entityId),
    rebuildProjection,
    setEventVerdict(eventId: string, confidence: number, reviewStatus: string, reason: string | null): void {
      verdictEventStmt.run(confidence, reviewStatus, reason, eventId);
    },
    markSuperseded(eventId: string, reviewStatus: string): void {
      supersedeStmt.run(reviewStatus, eventId);
    },
    setEventSyncStatus(eventId: string, status: string): void {
      syncColumnsStmt.run(status, eventId);
    },
  };
}

export type WorldStore = ReturnType<typeof createWorldStore>;
