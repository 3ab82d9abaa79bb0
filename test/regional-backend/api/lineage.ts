/**
 * Lineage and provenance. Both are untyped objects in the spec ("provenance + outbound sinks +
 * review history"; "sources, confidence history, merge history"), so the simulator returns a rich,
 * stable object built from the same rows the typed endpoints serve.
 */
import type { Store } from '../store';
import type { JsonObject } from '../store/values';
import { isoOf, isoOrNull, parseObject, str } from '../store/values';
import type { EventRow } from '../store/world.store';
import { itemBase } from '../store/review.store';

/** Enough history for any demo entity without unbounded responses. */
const MAX_EVENTS = 500;

function sourcesOf(events: readonly EventRow[]) {
  const bySource = new Map<
    string,
    {
      source: string;
      source_system: string | null;
      event_count: number;
      first_seen_at: number | null;
      last_seen_at: number | null;
      agents: Set<string>;
    }
  >();
  for (const e of events) {
    const source = e.source ?? 'manual';
    const key = `${source}\u0000${e.source_system ?? ''}`;
    const cur = bySource.get(key) ?? {
      source,
      source_system: e.source_system,
      event_count: 0,
      first_seen_at: null,
      last_seen_at: null,
      agents: new Set<string>(),
    };
    cur.event_count += 1;
    const at = e.ingested_ms;
    if (at !== null) {
      cur.first_seen_at = cur.first_seen_at === null ? at : Math.min(cur.first_seen_at, at);
      cur.last_seen_at = cur.last_seen_at === null ? at : Math.max(cur.last_seen_at, at);
    }
    const agent = str(parseObject(e.raw)['produced_by_agent']);
    if (agent !== null) cur.agents.add(agent);
    bySource.set(key, cur);
  }
  return [...bySource.values()].map((s) => ({
    source: s.source,
    source_system: s.source_system,
    event_count: s.event_count,
    first_seen_at: isoOrNull(s.first_seen_at),
    last_seen_at: isoOrNull(s.last_seen_at),
    agents: [...s.agents].sort(),
  }));
}

function confidenceHistory(events: readonly EventRow[]) {
  const successor = new Map(events.filter((e) => e.supersedes !== null).map((e) => [e.supersedes ?? '', e.id]));
  return events.map((e) => {
    const raw = parseObject(e.raw);
    return {
      event_id: e.id,
      event_type: e.event_type,
      domain: e.domain,
      confidence: e.confidence,
      original_confidence: typeof raw['confidence'] === 'number' ? raw['confidence'] : null,
      review_status: e.review_status,
      verdict_reason: e.verdict_reason,
      is_current: e.is_current === 1,
      supersedes: e.supersedes,
      superseded_by: successor.get(e.id) ?? null,
      source: e.source,
      source_system: e.source_system,
      produced_by_agent: str(raw['produced_by_agent']),
      fhir_resource_type: str(raw['fhir_resource_type']),
      effective_at: isoOrNull(e.effective_ms),
      ingested_at: isoOrNull(e.ingested_ms),
    };
  });
}

function mergeHistory(store: Store, workspaceId: string, entityId: string) {
  return store.world.merges(entityId).map((m) => {
    const other = store.world.entityJson(workspaceId, m.other);
    return {
      relationship: 'same_as',
      linked_entity_id: m.other,
      linked_entity_type: other?.['entity_type'] ?? null,
      display_name: other?.['display_name'] ?? null,
      canonical_id: other?.['canonical_id'] ?? null,
      confidence: m.confidence,
    };
  });
}

export function provenanceOf(store: Store, workspaceId: string, entity: JsonObject, nowMs: number): JsonObject {
  const entityId = String(entity['id']);
  const events = store.world.eventsOfEntity(entityId).slice(-MAX_EVENTS);
  const sources = sourcesOf(events);
  return {
    entity_id: entityId,
    entity_type: entity['entity_type'] ?? null,
    canonical_id: entity['canonical_id'] ?? null,
    external_ids: entity['external_ids'] ?? {},
    sources,
    source_systems: [...new Set(sources.map((s) => s.source_system).filter((s): s is string => s !== null))].sort(),
    agents: [...new Set(sources.flatMap((s) => s.agents))].sort(),
    confidence_history: confidenceHistory(events),
    merge_history: mergeHistory(store, workspaceId, entityId),
    generated_at: isoOf(nowMs),
  };
}

export function lineageOf(store: Store, workspaceId: string, entity: JsonObject, nowMs: number): JsonObject {
  const entityId = String(entity['id']);
  const provenance = provenanceOf(store, workspaceId, entity, nowMs);
  const events = store.world.eventsOfEntity(entityId).slice(-MAX_EVENTS);
  const sinks = new Map(store.sync.sinks(workspaceId).map((s) => [s.data_source_id, s]));
  const outbound = events
    .map((e) => ({
      event_id: e.id,
      event_type: e.event_type,
      is_current: e.is_current === 1,
      confidence: e.confidence,
      sinks: store.sync.forEvent(e.id).map((r) => ({
        data_source_id: r.data_source_id,
        name: sinks.get(r.data_source_id)?.name ?? null,
        source_type: sinks.get(r.data_source_id)?.source_type ?? null,
        sync_status: r.sync_status,
        sync_error: r.sync_error,
        synced_at: r.synced_at,
      })),
    }))
    .filter((e) => e.sinks.length > 0);
  const reviews = store.review.itemsOfEntity(workspaceId, entityId).map((row) => {
    const base = itemBase(row, store.review.eventIds(row.id));
    return {
      item_id: row.id,
      session_id: row.session_id,
      status: row.status,
      priority: row.priority,
      reason: row.reason,
      created_at: base['created_at'],
      assigned_to: row.assigned_to,
      completed_at: base['completed_at'],
      completed_action: row.completed_action,
      completed_by: row.completed_by,
      rejection_reason: row.verdict_reason,
      event_ids: base['event_ids'],
    };
  });
  return {
    entity_id: entityId,
    entity_type: entity['entity_type'] ?? null,
    display_name: entity['display_name'] ?? null,
    canonical_id: entity['canonical_id'] ?? null,
    provenance: {
      sources: provenance['sources'],
      source_systems: provenance['source_systems'],
      agents: provenance['agents'],
      confidence_history: provenance['confidence_history'],
    },
    merges: provenance['merge_history'],
    outbound_sinks: outbound,
    review_history: reviews,
    generated_at: isoOf(nowMs),
  };
}
