/**
 * Writes one entity's local copy from what the entities stream fetched for it: the entity, its
 * timeline (every page), its enrichment values and per-key histories (supersedes chains), its
 * same_as merges, and its lineage and provenance kept whole as the API returned them. A bundle is
 * applied whole or not at all (inside the caller's transaction), so an entity is never half new.
 *
 * Superseded events: the timeline lists CURRENT events only (amigo-platform-api.md §4.2). An event
 * stored earlier that the complete timeline no longer lists, or that a listed event supersedes,
 * stays in `entity_events` with is_current = 0 (the supersedes chain is kept, never deleted).
 * Superseded events first seen now are filled from provenance's confidence history when its
 * entries carry an event's fields (the simulator's do; the real API leaves provenance untyped, so
 * entries that do not parse are skipped, and that object is kept whole in entity_provenance).
 */
import { z } from 'zod';
import type {
  EnrichmentHistory,
  EnrichmentValues,
  Entity,
  EntityEvent,
  MergedEntities,
} from '../../../../shared/amigo';
import { isoDateTime, uuid } from '../../../../shared/amigo';
import type { WriteDb } from '../../db/db-types';
import { requireBoundWorkspace, WorkspaceMismatchError } from '../../db/meta.repo';
import { sql, sqlIn } from '../../db/sql';
import { toUtcIso } from '../../db/timestamps';
import { rawJson, type Pulled } from '../pulled';

export interface EntityBundle {
  entity: Pulled<Entity>;
  /** Every page of the timeline, in the API's order. */
  timeline: Pulled<EntityEvent>[];
  enrichment: Pulled<EnrichmentValues['values'][number]>[];
  histories: { key: string; entries: Pulled<EnrichmentHistory['history'][number]>[] }[];
  merged: { value: MergedEntities; linked: Pulled<Entity>[] };
  lineage: unknown;
  provenance: unknown;
}

const nstr = z.string().nullable().optional();
/** An entry of provenance.confidence_history that carries enough of an event to store it. */
const historyEvent = z.object({
  event_id: uuid,
  event_type: z.string(),
  domain: z.string(),
  confidence: z.number().min(0).max(1),
  is_current: z.boolean(),
  supersedes: uuid.nullable().optional(),
  source: z.string(),
  source_system: nstr,
  produced_by_agent: nstr,
  fhir_resource_type: nstr,
  effective_at: isoDateTime.nullable().optional(),
  ingested_at: isoDateTime.nullable().optional(),
});
const provenanceHistory = z.object({ confidence_history: z.array(z.unknown()) });
/** Per-edge confidence, when lineage's merges carry it (untyped in the spec). */
const lineageMerge = z.object({ linked_entity_id: uuid, confidence: z.number().min(0).max(1).nullable().optional() });
const lineageMerges = z.object({ merges: z.array(z.unknown()) });

const checkWorkspace = (bound: string, entity: Entity, what: string): void => {
  if (entity.workspace_id !== bound) {
    throw new WorkspaceMismatchError(`The server sent ${what} of another workspace; nothing of it was stored.`);
  }
};

const upsertEntity = (tx: WriteDb, { value: e, raw }: Pulled<Entity>, pulledAt: string): void => {
  tx.run(sql`
    INSERT INTO entities (id, entity_type, display_name, canonical_id, name, email, phone, birth_date, gender, mrn,
      status, confidence, has_projection, event_count, source, first_seen_at, last_event_at, created_at, updated_at,
      raw_json, pulled_at)
    VALUES (${e.id}, ${e.entity_type}, ${e.display_name ?? null}, ${e.canonical_id ?? null}, ${e.name ?? null},
      ${e.email ?? null}, ${e.phone ?? null}, ${e.birth_date ?? null}, ${e.gender ?? null}, ${e.mrn ?? null},
      ${e.status ?? null}, ${e.confidence}, ${e.has_projection}, ${e.event_count ?? null}, ${e.source ?? null},
      ${toUtcIso(e.first_seen_at)}, ${toUtcIso(e.last_event_at)}, ${toUtcIso(e.created_at)}, ${toUtcIso(e.updated_at)},
      ${rawJson(raw)}, ${pulledAt})
    ON CONFLICT (id) DO UPDATE SET
      entity_type = excluded.entity_type, display_name = excluded.display_name, canonical_id = excluded.canonical_id,
      name = excluded.name, email = excluded.email, phone = excluded.phone, birth_date = excluded.birth_date,
      gender = excluded.gender, mrn = excluded.mrn, status = excluded.status, confidence = excluded.confidence,
      has_projection = excluded.has_projection, event_count = excluded.event_count, source = excluded.source,
      first_seen_at = excluded.first_seen_at, last_event_at = excluded.last_event_at,
      created_at = excluded.created_at, updated_at = excluded.updated_at, raw_json = excluded.raw_json,
      pulled_at = excluded.pulled_at`);
};

const upsertEvent = (
  tx: WriteDb,
  entityId: string,
  { value: ev, raw }: Pulled<EntityEvent>,
  pulledAt: string,
): void => {
  tx.run(sql`
    INSERT INTO entity_events (id, entity_id, event_type, event_subtype, domain, entity_type, confidence, source,
      source_system, produced_by_agent, effective_at, ingested_at, created_at, supersedes, is_current,
      fhir_resource_type, fhir_resource_id, sync_status, sync_error, synced_at, raw_json, pulled_at)
    VALUES (${ev.id}, ${entityId}, ${ev.event_type}, ${ev.event_subtype ?? null}, ${ev.domain},
      ${ev.entity_type ?? null}, ${ev.confidence}, ${ev.source}, ${ev.source_system ?? null},
      ${ev.produced_by_agent ?? null}, ${toUtcIso(ev.effective_at)}, ${toUtcIso(ev.ingested_at)},
      ${toUtcIso(ev.created_at)}, ${ev.supersedes ?? null}, ${ev.is_current}, ${ev.fhir_resource_type ?? null},
      ${ev.fhir_resource_id ?? null}, ${ev.sync_status ?? null}, ${ev.sync_error ?? null}, ${toUtcIso(ev.synced_at)},
      ${rawJson(raw)}, ${pulledAt})
    ON CONFLICT (id) DO UPDATE SET
      entity_id = excluded.entity_id, event_type = excluded.event_type, event_subtype = excluded.event_subtype,
      domain = excluded.domain, entity_type = excluded.entity_type, confidence = excluded.confidence,
      source = excluded.source, source_system = excluded.source_system,
      produced_by_agent = excluded.produced_by_agent, effective_at = excluded.effective_at,
      ingested_at = excluded.ingested_at, created_at = excluded.created_at, supersedes = excluded.supersedes,
      is_current = excluded.is_current, fhir_resource_type = excluded.fhir_resource_type,
      fhir_resource_id = excluded.fhir_resource_id, sync_status = excluded.sync_status,
      sync_error = excluded.sync_error, synced_at = excluded.synced_at, raw_json = excluded.raw_json,
      pulled_at = excluded.pulled_at`);
};

/** Superseded events the timeline cannot show, from provenance's confidence history. */
const applySupersededFromProvenance = (
  tx: WriteDb,
  entityId: string,
  provenance: unknown,
  listed: ReadonlySet<string>,
  pulledAt: string,
): void => {
  const parsed = provenanceHistory.safeParse(provenance);
  if (!parsed.success) return;
  for (const entry of parsed.data.confidence_history) {
    const h = historyEvent.safeParse(entry);
    if (!h.success || h.data.is_current || listed.has(h.data.event_id)) continue;
    const ev = h.data;
    // A row the timeline stored earlier keeps its full raw JSON; only its state moves.
    tx.run(sql`
      INSERT INTO entity_events (id, entity_id, event_type, domain, confidence, source, source_system,
        produced_by_agent, effective_at, ingested_at, supersedes, is_current, fhir_resource_type, raw_json, pulled_at)
      VALUES (${ev.event_id}, ${entityId}, ${ev.event_type}, ${ev.domain}, ${ev.confidence}, ${ev.source},
        ${ev.source_system ?? null}, ${ev.produced_by_agent ?? null}, ${toUtcIso(ev.effective_at)},
        ${toUtcIso(ev.ingested_at)}, ${ev.supersedes ?? null}, 0, ${ev.fhir_resource_type ?? null},
        ${rawJson(entry)}, ${pulledAt})
      ON CONFLICT (id) DO UPDATE SET is_current = 0, confidence = excluded.confidence,
        pulled_at = excluded.pulled_at`);
  }
};

const upsertEnrichmentEntry = (
  tx: WriteDb,
  entityId: string,
  key: string,
  entry: {
    event_id: string;
    value: unknown;
    value_type: string;
    confidence: number;
    source: string;
    source_system?: string | null | undefined;
    effective_at?: string | null | undefined;
    ingested_at?: string | null | undefined;
    supersedes?: string | null | undefined;
    is_current: boolean;
  },
  raw: unknown,
  pulledAt: string,
  options: { keepExisting: boolean },
): void => {
  const valueJson = rawJson(entry.value ?? null);
  // ingested_at is NOT NULL: the history always has it; a current value may not (then: pulled time).
  const ingestedAt = toUtcIso(entry.ingested_at) ?? pulledAt;
  const insert = sql`
    INSERT INTO enrichment_history (entity_id, key, event_id, value_json, value_type, confidence, source,
      source_system, effective_at, ingested_at, supersedes, is_current, raw_json, pulled_at)
    VALUES (${entityId}, ${key}, ${entry.event_id}, ${valueJson}, ${entry.value_type}, ${entry.confidence},
      ${entry.source}, ${entry.source_system ?? null}, ${toUtcIso(entry.effective_at)}, ${ingestedAt},
      ${entry.supersedes ?? null}, ${entry.is_current}, ${rawJson(raw)}, ${pulledAt})`;
  if (options.keepExisting) {
    tx.run(sql`${insert} ON CONFLICT (entity_id, key, event_id) DO NOTHING`);
  } else {
    tx.run(sql`${insert} ON CONFLICT (entity_id, key, event_id) DO UPDATE SET
      value_json = excluded.value_json, value_type = excluded.value_type, confidence = excluded.confidence,
      source = excluded.source, source_system = excluded.source_system, effective_at = excluded.effective_at,
      ingested_at = excluded.ingested_at, supersedes = excluded.supersedes, is_current = excluded.is_current,
      raw_json = excluded.raw_json, pulled_at = excluded.pulled_at`);
  }
};

const mergeConfidences = (lineage: unknown): Map<string, number | null> => {
  const out = new Map<string, number | null>();
  const parsed = lineageMerges.safeParse(lineage);
  if (!parsed.success) return out;
  for (const entry of parsed.data.merges) {
    const m = lineageMerge.safeParse(entry);
    if (m.success) out.set(m.data.linked_entity_id, m.data.confidence ?? null);
  }
  return out;
};

/** Stores one entity bundle. Run inside a transaction (the stream's applyPage). */
export const applyEntityBundle = (tx: WriteDb, bundle: EntityBundle, pulledAt: string): void => {
  const bound = requireBoundWorkspace(tx);
  const entity = bundle.entity.value;
  const entityId = entity.id;
  checkWorkspace(bound, entity, 'an entity');
  for (const linked of bundle.merged.linked) checkWorkspace(bound, linked.value, 'a merged entity');

  upsertEntity(tx, bundle.entity, pulledAt);

  const listed = new Set<string>();
  for (const event of bundle.timeline) {
    upsertEvent(tx, entityId, event, pulledAt);
    listed.add(event.value.id);
  }
  // The timeline was read completely: what it no longer lists is no longer current.
  // (`NOT IN (NULL)` would match nothing, so an empty timeline is its own statement.)
  if (listed.size === 0) {
    tx.run(sql`UPDATE entity_events SET is_current = 0 WHERE entity_id = ${entityId} AND is_current = 1`);
  } else {
    tx.run(sql`UPDATE entity_events SET is_current = 0
      WHERE entity_id = ${entityId} AND is_current = 1 AND id NOT IN ${sqlIn([...listed])}`);
  }
  const superseded = bundle.timeline.map((e) => e.value.supersedes).filter((s): s is string => typeof s === 'string');
  if (superseded.length > 0) {
    tx.run(sql`UPDATE entity_events SET is_current = 0 WHERE id IN ${sqlIn(superseded)}`);
  }
  applySupersededFromProvenance(tx, entityId, bundle.provenance, listed, pulledAt);

  for (const { key, entries } of bundle.histories) {
    for (const entry of entries)
      upsertEnrichmentEntry(tx, entityId, key, entry.value, entry.raw, pulledAt, { keepExisting: false });
  }
  // A current value whose history entry was beyond the history's page limit still gets a row.
  for (const value of bundle.enrichment) {
    upsertEnrichmentEntry(tx, entityId, value.value.key, { ...value.value, is_current: true }, value.raw, pulledAt, {
      keepExisting: true,
    });
  }

  // The merge set is replaced whole: an edge the backend dropped must not linger.
  const confidences = mergeConfidences(bundle.lineage);
  tx.run(sql`DELETE FROM entity_merges WHERE entity_id = ${entityId}`);
  for (const linked of bundle.merged.linked) {
    tx.run(sql`INSERT INTO entity_merges (entity_id, linked_entity_id, confidence, raw_json, pulled_at)
      VALUES (${entityId}, ${linked.value.id}, ${confidences.get(linked.value.id) ?? null}, ${rawJson(linked.raw)},
        ${pulledAt})
      ON CONFLICT (entity_id, linked_entity_id) DO NOTHING`);
  }

  tx.run(sql`INSERT INTO entity_lineage (entity_id, raw_json, pulled_at) VALUES (${entityId}, ${rawJson(bundle.lineage)}, ${pulledAt})
    ON CONFLICT (entity_id) DO UPDATE SET raw_json = excluded.raw_json, pulled_at = excluded.pulled_at`);
  tx.run(sql`INSERT INTO entity_provenance (entity_id, raw_json, pulled_at)
    VALUES (${entityId}, ${rawJson(bundle.provenance)}, ${pulledAt})
    ON CONFLICT (entity_id) DO UPDATE SET raw_json = excluded.raw_json, pulled_at = excluded.pulled_at`);
};

export const countEntities = (tx: WriteDb): number => tx.value<number>(sql`SELECT count(*) FROM entities`) ?? 0;
