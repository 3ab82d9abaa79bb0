/**
 * What the lineage screens show (product.md "Lineage"): one entity's provenance, value history,
 * sinks and reviews, rebuilt from the local copy so it reads the same with no network. Values are
 * arbitrary JSON (`z.unknown()`): the renderer shows them as text, never as markup.
 */
import { z } from 'zod';

const nstr = z.string().nullable();
const nnum = z.number().nullable();

/** "As of last sync": when the local copy was last completed, and when this entity was pulled. */
export const lineageFreshness = z.object({
  lastSyncAt: nstr,
  entityPulledAt: nstr,
});
export type LineageFreshness = z.infer<typeof lineageFreshness>;

export const SEARCH_MATCH_KINDS = ['entity_id', 'mrn', 'phone', 'call_id', 'name', 'canonical_id'] as const;
export const searchMatchKind = z.enum(SEARCH_MATCH_KINDS);
export type SearchMatchKind = z.infer<typeof searchMatchKind>;

export const entitySearchResult = z.object({
  id: z.string(),
  entityType: z.string(),
  displayName: nstr,
  mrn: nstr,
  phone: nstr,
  birthDate: nstr,
  lastEventAt: nstr,
  matchedOn: z.array(searchMatchKind),
});
export type EntitySearchResult = z.infer<typeof entitySearchResult>;

export const entitySearchView = z.object({
  results: z.array(entitySearchResult),
  /** True when more entities matched than were returned. */
  truncated: z.boolean(),
  freshness: lineageFreshness,
});
export type EntitySearchView = z.infer<typeof entitySearchView>;

export const lineageEntityHeader = z.object({
  id: z.string(),
  entityType: z.string(),
  displayName: nstr,
  canonicalId: nstr,
  name: nstr,
  mrn: nstr,
  phone: nstr,
  birthDate: nstr,
  confidence: nnum,
  eventCount: nnum,
  firstSeenAt: nstr,
  lastEventAt: nstr,
  externalIds: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
});
export type LineageEntityHeader = z.infer<typeof lineageEntityHeader>;

/** Where the local copy learned of an event. */
export const EVENT_ORIGINS = ['timeline', 'enrichment', 'review', 'provenance'] as const;
export const eventOrigin = z.enum(EVENT_ORIGINS);

export const confidenceChangeView = z.object({
  at: z.string(),
  confidence: z.number(),
  /** The review verdict behind the change. */
  action: z.string(),
  itemId: z.string(),
  reviewer: nstr,
});
export type ConfidenceChangeView = z.infer<typeof confidenceChangeView>;

export const lineageEventView = z.object({
  id: z.string(),
  eventType: z.string(),
  eventSubtype: nstr,
  domain: nstr,
  /** null when the local copy holds only the event's metadata, not its values. */
  data: z.record(z.string(), z.unknown()).nullable(),
  fields: z.array(z.string()),
  confidence: z.number(),
  /** Confidence before review changed it, when known. */
  initialConfidence: nnum,
  confidenceChanges: z.array(confidenceChangeView),
  source: z.string(),
  sourceSystem: nstr,
  producedByAgent: nstr,
  effectiveAt: nstr,
  ingestedAt: nstr,
  supersedes: nstr,
  supersededBy: z.array(z.string()),
  isCurrent: z.boolean(),
  reviewStatus: nstr,
  origin: eventOrigin,
  /** Where its values came from (another road may fill what the first lacked); null: not held. */
  valuesFrom: eventOrigin.nullable(),
  fhirResourceType: nstr,
  fhirResourceId: nstr,
  syncStatus: nstr,
  syncError: nstr,
  syncedAt: nstr,
  /** The call the event came from, when a review item names it. */
  callId: nstr,
});
export type LineageEventView = z.infer<typeof lineageEventView>;

export const fieldValueView = z.object({
  field: z.string(),
  value: z.unknown(),
  confidence: nnum,
  /** The event behind the value; null when only the backend's projection holds the field. */
  eventId: nstr,
  source: nstr,
  sourceSystem: nstr,
  ingestedAt: nstr,
  effectiveAt: nstr,
  /** The backend's projection disagrees with the replay of the local events (shown, not hidden). */
  projectionValue: z.unknown().optional(),
  projectionDiffers: z.boolean(),
});
export type FieldValueView = z.infer<typeof fieldValueView>;

export const seriesPointView = z.object({
  at: z.string(),
  eventId: nstr,
  value: z.unknown(),
  confidence: nnum,
});
export type SeriesPointView = z.infer<typeof seriesPointView>;

export const reviewMarkView = z.object({
  at: z.string(),
  action: z.string(),
  itemId: z.string(),
  reviewer: nstr,
});
export type ReviewMarkView = z.infer<typeof reviewMarkView>;

export const fieldHistoryView = z.object({
  field: z.string(),
  /**
   * The current value's supersedes chain, newest first (at most LINEAGE_CHAIN_LINKS links);
   * `held: false` marks an id not in the local copy.
   */
  chain: z.array(z.object({ id: z.string(), held: z.boolean() })),
  /** The whole chain's length (more than `chain` holds for a long one). */
  chainLength: z.number().int().nonnegative(),
  /** How many events set the field. */
  eventCount: z.number().int().nonnegative(),
  /** The believed value's confidence over time (a step series), replayed over every event. */
  series: z.array(seriesPointView),
  /** Review decisions on events that set the field. */
  decisions: z.array(reviewMarkView),
});
export type FieldHistoryView = z.infer<typeof fieldHistoryView>;

export const provenanceSourceView = z.object({
  source: z.string(),
  sourceSystem: nstr,
  eventCount: z.number().int().nonnegative(),
  firstSeenAt: nstr,
  lastSeenAt: nstr,
  agents: z.array(z.string()),
});

export const mergeView = z.object({
  entityId: z.string(),
  relationship: z.literal('same_as'),
  entityType: nstr,
  displayName: nstr,
  canonicalId: nstr,
  confidence: nnum,
  /** Whether the linked entity is in the local copy (and can be opened). */
  held: z.boolean(),
});
export type MergeView = z.infer<typeof mergeView>;

export const provenanceView = z.object({
  sources: z.array(provenanceSourceView),
  sourceSystems: z.array(z.string()),
  agents: z.array(z.string()),
  merges: z.array(mergeView),
});
export type ProvenanceView = z.infer<typeof provenanceView>;

export const sinkDeliveryView = z.object({
  eventId: z.string(),
  eventType: nstr,
  dataSourceId: z.string(),
  sinkName: nstr,
  sinkType: nstr,
  status: z.string(),
  error: nstr,
  syncedAt: nstr,
  createdAt: nstr,
  eventIsCurrent: z.boolean().nullable(),
  fields: z.array(z.string()),
});
export type SinkDeliveryView = z.infer<typeof sinkDeliveryView>;

export const SINK_FLAG_KINDS = ['correction_not_delivered', 'stale_value_at_sink', 'rejected_value_delivered'] as const;

/** A value that has not reached every system, or a system still holding a value that was replaced. */
export const sinkFlagView = z.object({
  kind: z.enum(SINK_FLAG_KINDS),
  /** The current (correcting) event, or the rejected one. */
  eventId: z.string(),
  /** The event it replaced, for corrections. */
  replacesEventId: nstr,
  fields: z.array(z.string()),
  dataSourceId: z.string(),
  sinkName: nstr,
  status: nstr,
  error: nstr,
  message: z.string(),
});
export type SinkFlagView = z.infer<typeof sinkFlagView>;

export const sinksView = z.object({
  sinks: z.array(z.object({ dataSourceId: z.string(), name: nstr, sourceType: nstr })),
  deliveries: z.array(sinkDeliveryView),
  flags: z.array(sinkFlagView),
});
export type SinksView = z.infer<typeof sinksView>;

export const reviewDiffView = z.object({
  eventId: z.string(),
  correctedBy: z.string(),
  field: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});

export const reviewRecordView = z.object({
  itemId: z.string(),
  callId: nstr,
  status: z.string(),
  action: nstr,
  reviewer: nstr,
  reason: nstr,
  priority: nnum,
  createdAt: nstr,
  completedAt: nstr,
  rejectionReason: nstr,
  notes: nstr,
  eventIds: z.array(z.string()),
  /** What the reviewer's correction changed, field by field. */
  diffs: z.array(reviewDiffView),
  /** Values the reviewer rejected. */
  rejectedValues: z.array(z.object({ eventId: z.string(), field: z.string(), value: z.unknown() })),
});
export type ReviewRecordView = z.infer<typeof reviewRecordView>;

export const rawJsonView = z.object({
  /** Pretty-printed JSON text exactly as pulled (shown as text), or null when never pulled. */
  lineage: nstr,
  lineagePulledAt: nstr,
  provenance: nstr,
  provenancePulledAt: nstr,
});

/** Supersedes links per field the entity page lists at most (the export holds every event). */
export const LINEAGE_CHAIN_LINKS = 50;

/** Events the entity page lists at most (plus the older ones it refers to): a bounded answer. */
export const LINEAGE_VIEW_EVENTS = 1000;

export const entityLineageView = z.object({
  entity: lineageEntityHeader,
  freshness: lineageFreshness,
  currentState: z.array(fieldValueView),
  /**
   * Newest ingestion first: at most LINEAGE_VIEW_EVENTS of them, plus every older event the page
   * refers to (a value's chain, a delivery, a review). The replay, the series and the export use
   * all of them.
   */
  events: z.array(lineageEventView),
  /** How many events the entity has in the local copy (more than `events` holds for a long history). */
  eventsTotal: z.number().int().nonnegative(),
  fields: z.array(fieldHistoryView),
  provenance: provenanceView,
  sinks: sinksView,
  reviews: z.array(reviewRecordView),
  raw: rawJsonView,
  /** Earliest and latest instants the log records, to bound the point-in-time picker. */
  timeRange: z.object({ first: nstr, last: nstr }),
});
export type EntityLineageView = z.infer<typeof entityLineageView>;

export const REPLAY_MODES = ['believed', 'true'] as const;
export const replayMode = z.enum(REPLAY_MODES);

export const replayFieldView = z.object({
  field: z.string(),
  value: z.unknown(),
  confidence: z.number(),
  eventId: z.string(),
  ingestedAt: nstr,
  effectiveAt: nstr,
});
export type ReplayFieldView = z.infer<typeof replayFieldView>;

export const pointInTimeView = z.object({
  entityId: z.string(),
  mode: replayMode,
  at: z.string(),
  state: z.array(replayFieldView),
  /** Present when a second instant was asked for: its state and the diff from `at` to it. */
  compare: z
    .object({
      at: z.string(),
      state: z.array(replayFieldView),
      diff: z.array(
        z.object({
          field: z.string(),
          change: z.enum(['added', 'removed', 'changed', 'unchanged']),
          before: replayFieldView.nullable(),
          after: replayFieldView.nullable(),
        }),
      ),
    })
    .nullable(),
  freshness: lineageFreshness,
});
export type PointInTimeView = z.infer<typeof pointInTimeView>;

export const LINEAGE_EXPORT_FORMAT = 'attest.lineage-export/1';

/** The JSON export as saved: the whole view with every event, plus each event's record as pulled. */
export const lineageExportView = z.object({
  format: z.literal(LINEAGE_EXPORT_FORMAT),
  exportedAt: z.string(),
  workspace: z.object({ id: z.string(), region: z.string() }),
  lineage: entityLineageView,
  rawEvents: z.array(z.object({ id: z.string(), origin: eventOrigin, record: z.unknown() })),
});
export type LineageExportView = z.infer<typeof lineageExportView>;

/** Events per export page: each answer stays well inside what the renderer accepts. */
export const LINEAGE_EXPORT_PAGE_EVENTS = 1000;

/**
 * One page of the export. Page 0 carries the view (without events); every page carries a slice of
 * the events with their raw records. `entityPulledAt` lets the renderer notice a sync that changed
 * the entity between pages (and start over rather than mix two versions).
 */
export const lineageExportPageView = z.object({
  format: z.literal(LINEAGE_EXPORT_FORMAT),
  exportedAt: z.string(),
  workspace: z.object({ id: z.string(), region: z.string() }),
  entityPulledAt: nstr,
  page: z.number().int().nonnegative(),
  pageCount: z.number().int().positive(),
  lineage: entityLineageView.nullable(),
  events: z.array(lineageEventView),
  rawEvents: z.array(z.object({ id: z.string(), origin: eventOrigin, record: z.unknown() })),
});
export type LineageExportPageView = z.infer<typeof lineageExportPageView>;
