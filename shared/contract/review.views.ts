/** What the review desk's routes answer with: the queue, its counts, one item, its correction form. */
import { z } from 'zod';
import { REVIEW_STATUSES } from '../amigo/review';
import { CONFIDENCE_BANDS } from '../review/review-risk';

export const QUEUE_SORTS = ['risk', 'priority', 'age', 'confidence'] as const;
export const queueSort = z.enum(QUEUE_SORTS);
export type QueueSort = z.infer<typeof queueSort>;

export const QUEUE_SORT_LABELS: Readonly<Record<QueueSort, string>> = {
  risk: 'Risk (low confidence × criticality × age)',
  priority: 'Priority',
  age: 'Oldest first',
  confidence: 'Lowest confidence',
};

/** `open` = pending or in progress: what a reviewer works. */
export const QUEUE_STATUSES = ['open', ...REVIEW_STATUSES] as const;
export const queueStatus = z.enum(QUEUE_STATUSES);
export type QueueStatus = z.infer<typeof queueStatus>;

export const QUEUE_PAGE_MAX = 200;

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/, 'Use a date such as 2026-10-31.');

/** The filters of the queue, also used for its counts. Query strings: numbers are coerced. */
export const queueFilterShape = {
  status: queueStatus.default('open'),
  entityType: z.string().min(1).max(64).optional(),
  priority: z.coerce.number().int().min(0).max(10).optional(),
  reason: z.string().min(1).max(64).optional(),
  /** `me`: "My queue"; `unassigned`; or a person's sub. */
  assignee: z.string().min(1).max(128).optional(),
  createdFrom: isoDay.optional(),
  /** Inclusive: a plain date means up to the end of that day. */
  createdTo: isoDay.optional(),
  /** Patient name, MRN, phone (any punctuation), call id or SID, item or entity id. */
  q: z.string().trim().max(200).optional(),
};
export const queueFilters = z.strictObject(queueFilterShape);
export type QueueFilters = z.infer<typeof queueFilters>;

export const queueQuery = z.strictObject({
  ...queueFilterShape,
  sort: queueSort.default('risk'),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(QUEUE_PAGE_MAX).default(50),
});
export type QueueQuery = z.input<typeof queueQuery>;

export const queueRowView = z.object({
  id: z.string(),
  status: z.string(),
  callId: z.string(),
  entityId: z.string().nullable(),
  entityType: z.string().nullable(),
  displayName: z.string().nullable(),
  priority: z.number().int(),
  reason: z.string(),
  assignedTo: z.string().nullable(),
  assignedToMe: z.boolean(),
  createdAt: z.string().nullable(),
  minConfidence: z.number().nullable(),
  eventCount: z.number().int().nonnegative(),
  /** The risk score the risk sort orders by (higher first). */
  risk: z.number(),
  /** The latest local intent not yet settled by the backend (a decision waiting to send…). */
  local: z.object({ kind: z.string(), state: z.string() }).nullable(),
});
export type QueueRowView = z.infer<typeof queueRowView>;

export const queuePageView = z.object({
  rows: z.array(queueRowView),
  offset: z.number().int().nonnegative(),
  /** Rows matching the filters (all pages). */
  total: z.number().int().nonnegative(),
  /** When the review queue was last pulled: the "as of" stamp. */
  asOf: z.string().nullable(),
});
export type QueuePageView = z.infer<typeof queuePageView>;

const countList = z.array(z.object({ value: z.string(), count: z.number().int().nonnegative() }));

/** Per facet, how many items each value has under every other active filter. */
export const queueCountsView = z.object({
  total: z.number().int().nonnegative(),
  status: countList,
  entityType: countList,
  priority: countList,
  reason: countList,
  mine: z.number().int().nonnegative(),
  unassigned: z.number().int().nonnegative(),
});
export type QueueCountsView = z.infer<typeof queueCountsView>;

export const evidenceView = z.object({
  turnIndex: z.number().int().nonnegative(),
  speaker: z.enum(['user', 'agent']),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});
export type EvidenceView = z.infer<typeof evidenceView>;

export const fieldView = z.object({
  /** Unique within the item: `<eventId>:<field>`. */
  key: z.string(),
  field: z.string(),
  label: z.string(),
  eventId: z.string(),
  eventType: z.string().nullable(),
  fhirResourceType: z.string().nullable(),
  source: z.string().nullable(),
  value: z.unknown(),
  valueText: z.string(),
  confidence: z.number(),
  band: z.enum(CONFIDENCE_BANDS),
  reviewStatus: z.string().nullable(),
  /** A field the caller states (the judge checks it); others are context (ids, flags). */
  stated: z.boolean(),
  /** Computed locally from the transcript; null = not found (or no transcript to search). */
  evidence: evidenceView.nullable(),
  /** What the judge said for this field, shown beside (never instead of) the local finding. */
  judge: z
    .object({
      evidenceFound: z.boolean().nullable(),
      quote: z.string().nullable(),
      turnIndex: z.number().int().nullable(),
    })
    .nullable(),
  /** The entity's current value of this field, and whether approving would change it. */
  current: z.unknown(),
  currentText: z.string().nullable(),
  changes: z.boolean(),
});
export type FieldView = z.infer<typeof fieldView>;

export const turnView = z.object({
  index: z.number().int().nonnegative(),
  timestamp: z.string().nullable(),
  /** Milliseconds from the start of the call, when the backend gave speech timings. */
  offsetMs: z.number().nullable(),
  agent: z.string().nullable(),
  user: z.string().nullable(),
  sttConfidence: z.number().nullable(),
});
export type TurnView = z.infer<typeof turnView>;

export const itemDetailView = z.object({
  item: queueRowView.extend({
    completedAt: z.string().nullable(),
    completedAction: z.string().nullable(),
    pulledAt: z.string(),
  }),
  /** The transcript; null when the call has not been synced (and could not be fetched). */
  call: z
    .object({
      id: z.string(),
      callSid: z.string().nullable(),
      direction: z.string().nullable(),
      startedAt: z.string().nullable(),
      durationSeconds: z.number().nullable(),
      turns: z.array(turnView),
      /** `local`: from the local copy; `live`: fetched for display only (not synced yet). */
      origin: z.enum(['local', 'live']),
    })
    .nullable(),
  transcriptProblem: z.string().nullable(),
  fields: z.array(fieldView),
  judge: z
    .object({
      model: z.string().nullable(),
      verdict: z.string().nullable(),
      confidence: z.number().nullable(),
      reasoning: z.string().nullable(),
      flags: z.array(z.string()),
    })
    .nullable(),
  entity: z
    .object({
      id: z.string(),
      entityType: z.string().nullable(),
      displayName: z.string().nullable(),
      state: z.record(z.string(), z.unknown()),
      /** `entities`: the synced entity; `review_item`: the snapshot inline in the review item. */
      origin: z.enum(['entities', 'review_item']),
    })
    .nullable(),
});
export type ItemDetailView = z.infer<typeof itemDetailView>;

export const CORRECTION_FIELD_TYPES = ['string', 'number', 'boolean', 'date', 'datetime', 'object', 'array'] as const;
export const correctionFieldType = z.enum(CORRECTION_FIELD_TYPES);
export type CorrectionFieldType = z.infer<typeof correctionFieldType>;

export const correctionSchemaView = z.object({
  /** `backend`: fetched now; `cache`: fetched earlier (offline now); `local`: built from the events. */
  origin: z.enum(['backend', 'cache', 'local']),
  fetchedAt: z.string().nullable(),
  fhirResourceType: z.string().nullable(),
  fields: z.array(
    z.object({
      name: z.string(),
      label: z.string(),
      type: correctionFieldType,
      required: z.boolean(),
      current: z.unknown(),
    }),
  ),
  /** Why the backend's schema is not used, when it is not. */
  notice: z.string().nullable(),
});
export type CorrectionSchemaView = z.infer<typeof correctionSchemaView>;
