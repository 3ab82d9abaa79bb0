/**
 * The simulator's dataset: what one workspace holds. A dataset file (`--dataset FILE`) is JSON
 * with one array per resource, each record in the API's own response shape (plus the owning
 * entity id or workspace id where the API shape has none), so anyone can replay a workspace. The synthetic
 * generator and the file loader both feed records through a `DatasetSink`, so a large workspace
 * (1M audit events) streams into the store instead of sitting in memory.
 */
import { z } from 'zod';
import {
  auditEvent,
  callDetail,
  enrichmentHistoryEntry,
  entity,
  entityEvent,
  retentionPolicy,
  reviewItem,
  syncEvent,
  uuid,
  workspace,
} from '../../shared/amigo';

export const SCALES = ['small', 'medium', 'large'] as const;
export type Scale = (typeof SCALES)[number];

/** A marker planted in every synthetic PHI field (names, addresses, transcript lines, notes). */
export const PHI_MARKER = 'Zq7PhiMarker';

export const datasetSink = z.object({
  workspace_id: uuid,
  data_source_id: uuid,
  name: z.string(),
  source_type: z.string(),
});

export const datasetRecords = {
  workspaces: workspace,
  review_items: reviewItem,
  entities: entity,
  /** Every event of every entity, superseded ones included, each with its entity. */
  entity_events: entityEvent.extend({ entity_id: uuid }),
  /** Per-key enrichment values with supersedes chains. */
  enrichment: enrichmentHistoryEntry.extend({ entity_id: uuid, key: z.string() }),
  /** `same_as` edges between entities. */
  merges: z.object({ entity_id: uuid, linked_entity_id: uuid, confidence: z.number().min(0).max(1) }),
  /** Calls carry their workspace (optional in the API shape, required here). */
  calls: callDetail.extend({ workspace_id: uuid }),
  sinks: datasetSink,
  /** Outbound sync state per (event, sink). */
  sync_events: syncEvent.extend({ data_source_id: uuid }),
  audit_events: auditEvent,
  /** Review history rows for completed items are ordinary review items with a completed status. */
  retention: retentionPolicy.extend({ workspace_id: uuid }),
} as const;

export type DatasetResource = keyof typeof datasetRecords;
export type DatasetRecord<R extends DatasetResource> = z.infer<(typeof datasetRecords)[R]>;

/** Receives a dataset record by record. Implemented by the simulator's store. */
export type DatasetSink = {
  [R in DatasetResource]: (record: DatasetRecord<R>) => void;
};

/** A whole dataset file, for small and medium replays. */
export const datasetFile = z.object({
  version: z.literal(1),
  workspaces: z.array(datasetRecords.workspaces),
  review_items: z.array(datasetRecords.review_items).default([]),
  entities: z.array(datasetRecords.entities).default([]),
  entity_events: z.array(datasetRecords.entity_events).default([]),
  enrichment: z.array(datasetRecords.enrichment).default([]),
  merges: z.array(datasetRecords.merges).default([]),
  calls: z.array(datasetRecords.calls).default([]),
  sinks: z.array(datasetRecords.sinks).default([]),
  sync_events: z.array(datasetRecords.sync_events).default([]),
  audit_events: z.array(datasetRecords.audit_events).default([]),
  retention: z.array(datasetRecords.retention).default([]),
});
export type DatasetFile = z.infer<typeof datasetFile>;
