/** World model: entities, timelines, enrichment, merges, lineage, sinks (api.md §4–5). */
import { z } from 'zod';
import { isoDateTime, jsonObject, uuid } from './common';

const nstr = z.string().nullable().optional();
const ndate = isoDateTime.nullable().optional();

export const entity = z.object({
  id: uuid,
  workspace_id: uuid,
  entity_type: z.string(),
  display_name: nstr,
  canonical_id: nstr,
  external_ids: jsonObject.nullable().optional(),
  tags: z.array(z.string()).nullable().optional(),
  state: jsonObject.nullable().optional(),
  has_projection: z.boolean().default(false),
  confidence: z.number().min(0).max(1).default(1),
  event_count: z.number().int().nonnegative().nullable().optional(),
  source: nstr,
  first_seen_at: ndate,
  last_event_at: ndate,
  created_at: ndate,
  updated_at: ndate,
  name: nstr,
  email: nstr,
  phone: nstr,
  birth_date: nstr,
  gender: nstr,
  mrn: nstr,
  status: nstr,
});
export type Entity = z.infer<typeof entity>;

export const entityList = z.object({
  entities: z.array(entity),
  total: z.number().int().nonnegative(),
  has_more: z.boolean(),
  next_offset: z.number().int().nonnegative().nullable().optional(),
});
export type EntityList = z.infer<typeof entityList>;

export const SYNC_STATUSES = ['pending', 'synced', 'failed', 'processing', 'not_applicable'] as const;
export const syncStatus = z.enum(SYNC_STATUSES);
export type SyncStatus = z.infer<typeof syncStatus>;

export const entityEvent = z.object({
  id: uuid,
  event_type: z.string(),
  event_subtype: nstr,
  domain: z.string(),
  entity_type: nstr,
  data: jsonObject.nullable().optional(),
  confidence: z.number().min(0).max(1).default(1),
  source: z.string().default('manual'),
  source_system: nstr,
  produced_by_agent: nstr,
  effective_at: ndate,
  ingested_at: ndate,
  created_at: ndate,
  supersedes: uuid.nullable().optional(),
  is_current: z.boolean().default(true),
  fhir_resource_type: nstr,
  fhir_resource_id: nstr,
  sync_status: syncStatus.nullable().optional(),
  sync_error: nstr,
  synced_at: ndate,
});
export type EntityEvent = z.infer<typeof entityEvent>;

export const entityTimeline = z.object({
  entity_id: uuid,
  events: z.array(entityEvent),
  total: z.number().int().nonnegative(),
  has_more: z.boolean(),
  next_offset: z.number().int().nonnegative().nullable().optional(),
});
export type EntityTimeline = z.infer<typeof entityTimeline>;

export const VALUE_TYPES = ['string', 'number', 'boolean', 'date', 'enum', 'json'] as const;
export const enrichmentValue = z.object({
  key: z.string(),
  value: z.unknown(),
  value_type: z.enum(VALUE_TYPES),
  confidence: z.number().min(0).max(1),
  source: z.string(),
  source_system: nstr,
  event_id: uuid,
  effective_at: ndate,
  ingested_at: ndate,
});
export const enrichmentValues = z.object({ entity_id: uuid, values: z.array(enrichmentValue) });
export type EnrichmentValues = z.infer<typeof enrichmentValues>;

export const enrichmentHistoryEntry = z.object({
  event_id: uuid,
  value: z.unknown(),
  value_type: z.enum(VALUE_TYPES),
  confidence: z.number().min(0).max(1),
  source: z.string(),
  source_system: nstr,
  effective_at: ndate,
  ingested_at: isoDateTime,
  supersedes: uuid.nullable().optional(),
  is_current: z.boolean(),
});
/** `EnrichmentHistoryResponse`: newest first, superseded entries included. */
export const enrichmentHistory = z.object({
  entity_id: uuid,
  key: z.string(),
  history: z.array(enrichmentHistoryEntry),
});
export type EnrichmentHistory = z.infer<typeof enrichmentHistory>;

export const mergedEntities = z.object({
  entity_id: uuid,
  linked_entities: z.array(entity),
  total: z.number().int().nonnegative(),
});
export type MergedEntities = z.infer<typeof mergedEntities>;

/** Lineage and provenance are untyped objects in the spec: stored and shown as raw JSON. */
export const lineage = jsonObject;
export const provenance = jsonObject;

export const syncBySink = z.object({
  sinks: z.array(
    z.object({
      data_source_id: uuid,
      name: z.string(),
      source_type: z.string(),
      total: z.number().int().nonnegative(),
      synced: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
      pending: z.number().int().nonnegative(),
    }),
  ),
});
export type SyncBySink = z.infer<typeof syncBySink>;

export const syncQueue = z.object({
  pending_count: z.number().int().nonnegative(),
  failed_count: z.number().int().nonnegative(),
  oldest_pending_at: ndate,
  last_sync_success_at: ndate,
  by_resource_type: z.record(z.string(), z.record(z.string(), z.number().int())).nullable().optional(),
});
export type SyncQueue = z.infer<typeof syncQueue>;

export const syncEvent = z.object({
  event_id: uuid,
  event_type: z.string(),
  entity_id: uuid.nullable().optional(),
  entity_type: nstr,
  display_name: nstr,
  source: z.string(),
  source_system: nstr,
  data_source_id: uuid.nullable().optional(),
  fhir_resource_type: nstr,
  fhir_resource_id: nstr,
  sync_status: syncStatus,
  sync_error: nstr,
  synced_at: ndate,
  created_at: ndate,
});
export const syncEvents = z.object({
  events: z.array(syncEvent),
  total: z.number().int().nonnegative(),
  has_more: z.boolean(),
  next_offset: z.number().int().nonnegative().nullable().optional(),
});
export type SyncEvents = z.infer<typeof syncEvents>;
