/**
 * Lineage rules over the local copy: which events an entity has (merged from every table that
 * holds some of them), what each value is and where it came from, how it changed, which systems
 * received it, who reviewed it, and what was believed at any instant (shared/lineage/replay.ts).
 *
 * The timeline endpoint returns current events only (amigo-platform-api.md §4.2), so superseded
 * events may reach the local copy by other roads: the enrichment history (full values), the
 * review items that flagged them (inline summaries with values) or the provenance's confidence
 * history (metadata only). Each is used, in that order of preference, for an event the timeline
 * rows do not hold; the view says where each event came from.
 *
 * Review verdicts change an event's confidence in place (approve → 0.95, reject → 0.0; §9.1). The
 * review history says when; the provenance's confidence history, when the backend gives one, says
 * what the confidence was before. With both, the replay applies the verdict from its time on;
 * without the earlier value, the event is replayed at today's confidence throughout (and the view
 * says the initial confidence is unknown).
 */
import { z } from 'zod';
import { CONFIDENCE_APPROVED } from '../../../../shared/amigo/review';
import type {
  EntityLineageView,
  EntitySearchView,
  FieldHistoryView,
  FieldValueView,
  LineageEventView,
  LineageExportPageView,
  LineageFreshness,
  MergeView,
  PointInTimeView,
  ReplayFieldView,
  ReviewMarkView,
  ReviewRecordView,
  SearchMatchKind,
  SinkDeliveryView,
  SinkFlagView,
  SinksView,
} from '../../../../shared/contract/lineage.views';
import {
  LINEAGE_EXPORT_FORMAT,
  LINEAGE_CHAIN_LINKS,
  LINEAGE_EXPORT_PAGE_EVENTS,
  LINEAGE_VIEW_EVENTS,
  SEARCH_MATCH_KINDS,
} from '../../../../shared/contract/lineage.views';
import {
  canonicalJson,
  diffStates,
  fieldSeries,
  fieldsOf,
  prepareLog,
  presentState,
  stateAt,
  supersedesChain,
  type EntityState,
  type FieldWinner,
  type PreparedLog,
  type ReplayEvent,
  type ReplayMode,
} from '../../../../shared/lineage/replay';
import type { ReadDb } from '../../db/db-types';
import { toUtcIso } from '../../db/timestamps';
import { ApiFailure } from '../../http/api-failure';
import {
  allSinks,
  callIdsByEvent,
  enrichmentOfEntity,
  entityIdsByCall,
  entityIdsByCanonicalId,
  entityIdsById,
  entityIdsByMrn,
  entityIdsByName,
  entityIdsByPhoneDigits,
  eventsOfEntity,
  getEntities,
  getEntity,
  lastSyncAt,
  lineageRawOf,
  mergesOfEntity,
  provenanceRawOf,
  rawRecordsOfEntity,
  reviewsOfEntity,
  syncEventsOfEntity,
  type EntityRow,
  type ReviewRow,
} from './lineage.repo';

// Raw JSON, read defensively ---------------------------------------------------------------------

type JsonRecord = Record<string, unknown>;

const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The raw columns hold what the pull validated; a damaged one reads as empty, never as a crash. */
const parseRecord = (text: string | null | undefined): JsonRecord => {
  if (text === null || text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
};

const parseValue = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

/** Code-unit order: time order for the UTC ISO columns, and the same on every machine and locale. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

const confidenceHistoryEntry = z.object({
  event_id: z.string().min(1),
  event_type: z.string().nullish(),
  domain: z.string().nullish(),
  confidence: z.number().min(0).max(1).nullish(),
  original_confidence: z.number().min(0).max(1).nullish(),
  review_status: z.string().nullish(),
  verdict_reason: z.string().nullish(),
  is_current: z.boolean().nullish(),
  supersedes: z.string().nullish(),
  source: z.string().nullish(),
  source_system: z.string().nullish(),
  produced_by_agent: z.string().nullish(),
  fhir_resource_type: z.string().nullish(),
  effective_at: z.string().nullish(),
  ingested_at: z.string().nullish(),
});
type ConfidenceHistoryEntry = z.infer<typeof confidenceHistoryEntry>;

/** The confidence history the lineage or provenance object carries, wherever it sits, if any. */
const confidenceHistoryOf = (lineage: JsonRecord, provenance: JsonRecord): Map<string, ConfidenceHistoryEntry> => {
  const lists: unknown[] = [provenance['confidence_history']];
  const nested = lineage['provenance'];
  if (isRecord(nested)) lists.push(nested['confidence_history']);
  lists.push(lineage['confidence_history']);
  const out = new Map<string, ConfidenceHistoryEntry>();
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const parsed = confidenceHistoryEntry.safeParse(item);
      if (parsed.success && !out.has(parsed.data.event_id)) out.set(parsed.data.event_id, parsed.data);
    }
  }
  return out;
};

/** Rejection reasons the lineage object reports per review item, if it does. */
const rejectionReasonsOf = (lineage: JsonRecord): Map<string, string> => {
  const out = new Map<string, string>();
  const list = lineage['review_history'];
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    if (!isRecord(item)) continue;
    const id = str(item['item_id']) ?? str(item['id']);
    const reason = str(item['rejection_reason']);
    if (id !== null && reason !== null) out.set(id, reason);
  }
  return out;
};

const inlineEvent = z.object({
  id: z.string().min(1),
  event_type: z.string().nullish(),
  data: z.record(z.string(), z.unknown()).nullish(),
  confidence: z.number().min(0).max(1).nullish(),
  review_status: z.string().nullish(),
  fhir_resource_type: z.string().nullish(),
  fhir_resource_id: z.string().nullish(),
  created_at: z.string().nullish(),
});
type InlineEvent = z.infer<typeof inlineEvent>;

interface ReviewRecord {
  row: ReviewRow;
  raw: JsonRecord;
  eventIds: string[];
  inline: InlineEvent[];
  completedAt: string | null;
  action: string | null;
}

const reviewRecordOf = (row: ReviewRow): ReviewRecord => {
  const raw = parseRecord(row.raw_json);
  const inline: InlineEvent[] = [];
  if (Array.isArray(raw['events'])) {
    for (const e of raw['events']) {
      const parsed = inlineEvent.safeParse(e);
      if (parsed.success) inline.push(parsed.data);
    }
  }
  const listed = Array.isArray(raw['event_ids'])
    ? raw['event_ids'].filter((v): v is string => typeof v === 'string')
    : [];
  const eventIds = [...new Set([...listed, ...inline.map((e) => e.id)])];
  const action = row.completed_action ?? (row.status === 'rejected' ? 'rejected' : null);
  return { row, raw, eventIds, inline, completedAt: toUtcIso(row.completed_at), action };
};

// The merged event log ---------------------------------------------------------------------------

type Origin = LineageEventView['origin'];

interface LogEvent extends ReplayEvent {
  eventSubtype: string | null;
  domain: string | null;
  source: string;
  sourceSystem: string | null;
  producedByAgent: string | null;
  reviewStatus: string | null;
  origin: Origin;
  valuesFrom: Origin | null;
  fhirResourceType: string | null;
  fhirResourceId: string | null;
  syncStatus: string | null;
  syncError: string | null;
  syncedAt: string | null;
  /** The verdicts that changed the confidence (for the view). */
  changes: Array<{ at: string; confidence: number; action: string; itemId: string; reviewer: string | null }>;
  /** The record as pulled, for the export, when it is not a stored row's raw JSON (read then). */
  record: unknown;
}

interface EntityLog {
  entity: EntityRow;
  events: LogEvent[];
  byId: Map<string, LogEvent>;
  log: PreparedLog;
  reviews: ReviewRecord[];
  /** The untyped objects as pulled: parsed for what lineage reads, text for the raw view. */
  lineageRaw: { json: JsonRecord; text: string; pulledAt: string } | null;
  provenanceRaw: { json: JsonRecord; text: string; pulledAt: string } | null;
}

const ORIGIN_RANK: Readonly<Record<Origin, number>> = { timeline: 0, enrichment: 1, review: 2, provenance: 3 };

const notFound = (): ApiFailure =>
  new ApiFailure(404, 'entity_not_found', 'This entity is not in the local copy. Sync, or search again.');

const loadEntityLog = (read: ReadDb, entityId: string): EntityLog => {
  const entity = getEntity(read, entityId);
  if (!entity) throw notFound();

  const lineageRow = lineageRawOf(read, entityId);
  const provenanceRow = provenanceRawOf(read, entityId);
  const lineageJson = parseRecord(lineageRow?.raw_json);
  const provenanceJson = parseRecord(provenanceRow?.raw_json);
  const history = confidenceHistoryOf(lineageJson, provenanceJson);
  const reviews = reviewsOfEntity(read, entityId).map(reviewRecordOf);

  const events = new Map<string, LogEvent>();
  // The first road an event arrived by keeps it; a later one fills in values the first lacked
  // (a superseded event stored from the provenance's metadata gets its values from the review item).
  const add = (e: LogEvent): void => {
    const known = events.get(e.id);
    if (!known) {
      events.set(e.id, e);
      return;
    }
    if (known.data === null && e.data !== null) {
      known.data = e.data;
      known.valuesFrom = e.origin;
    }
    if (known.eventType === 'unknown') known.eventType = e.eventType;
  };

  for (const row of eventsOfEntity(read, entityId)) {
    const raw = parseRecord(row.raw_json);
    const data = isRecord(raw['data']) ? raw['data'] : null;
    // The pull stores a superseded event it only saw in the provenance's confidence history
    // with that entry as its raw JSON (keyed `event_id`, no values).
    const origin: Origin = raw['id'] === undefined && raw['event_id'] === row.id ? 'provenance' : 'timeline';
    add({
      id: row.id,
      eventType: row.event_type,
      eventSubtype: row.event_subtype,
      domain: row.domain,
      data,
      confidence: row.confidence,
      effectiveAt: row.effective_at,
      ingestedAt: row.ingested_at ?? row.created_at ?? row.pulled_at,
      supersedes: row.supersedes,
      isCurrent: row.is_current === 1,
      source: row.source,
      sourceSystem: row.source_system,
      producedByAgent: row.produced_by_agent,
      reviewStatus: str(raw['review_status']),
      origin,
      valuesFrom: data === null ? null : origin,
      fhirResourceType: row.fhir_resource_type,
      fhirResourceId: row.fhir_resource_id,
      syncStatus: row.sync_status,
      syncError: row.sync_error,
      syncedAt: row.synced_at,
      changes: [],
      record: null,
    });
  }
  for (const row of enrichmentOfEntity(read, entityId)) {
    add({
      id: row.event_id,
      eventType: 'entity.enriched',
      eventSubtype: null,
      domain: null,
      data: { key: row.key, value: parseValue(row.value_json), value_type: row.value_type },
      confidence: row.confidence,
      effectiveAt: row.effective_at,
      ingestedAt: row.ingested_at,
      supersedes: row.supersedes,
      isCurrent: row.is_current === 1,
      source: row.source,
      sourceSystem: row.source_system,
      producedByAgent: null,
      reviewStatus: null,
      origin: 'enrichment',
      valuesFrom: 'enrichment',
      fhirResourceType: null,
      fhirResourceId: null,
      syncStatus: null,
      syncError: null,
      syncedAt: null,
      changes: [],
      record: null,
    });
  }
  for (const review of reviews) {
    for (const e of review.inline) {
      add({
        id: e.id,
        eventType: e.event_type ?? 'unknown',
        eventSubtype: null,
        domain: null,
        data: e.data ?? null,
        confidence: e.confidence ?? 0,
        effectiveAt: null,
        ingestedAt: toUtcIso(e.created_at) ?? toUtcIso(review.row.created_at),
        supersedes: null,
        isCurrent: e.review_status !== 'corrected',
        source: 'unknown',
        sourceSystem: null,
        producedByAgent: null,
        reviewStatus: e.review_status ?? null,
        origin: 'review',
        valuesFrom: e.data ? 'review' : null,
        fhirResourceType: e.fhir_resource_type ?? null,
        fhirResourceId: e.fhir_resource_id ?? null,
        syncStatus: null,
        syncError: null,
        syncedAt: null,
        changes: [],
        record: e,
      });
    }
  }
  for (const h of history.values()) {
    add({
      id: h.event_id,
      eventType: h.event_type ?? 'unknown',
      eventSubtype: null,
      domain: h.domain ?? null,
      data: null,
      confidence: h.confidence ?? 0,
      effectiveAt: toUtcIso(h.effective_at),
      ingestedAt: toUtcIso(h.ingested_at),
      supersedes: h.supersedes ?? null,
      isCurrent: h.is_current ?? true,
      source: h.source ?? 'unknown',
      sourceSystem: h.source_system ?? null,
      producedByAgent: h.produced_by_agent ?? null,
      reviewStatus: h.review_status ?? null,
      origin: 'provenance',
      valuesFrom: null,
      fhirResourceType: h.fhir_resource_type ?? null,
      fhirResourceId: null,
      syncStatus: null,
      syncError: null,
      syncedAt: null,
      changes: [],
      record: h,
    });
  }

  // What other sources know about events the timeline holds: review status, prior confidence.
  for (const review of reviews) {
    for (const e of review.inline) {
      const known = events.get(e.id);
      if (known && known.reviewStatus === null && e.review_status) known.reviewStatus = e.review_status;
    }
  }
  for (const e of events.values()) {
    const h = history.get(e.id);
    if (h?.review_status && e.reviewStatus === null) e.reviewStatus = h.review_status;
    // A link the timeline row lacks but the provenance states.
    if (e.supersedes === null && h?.supersedes) e.supersedes = h.supersedes;
    if (h?.is_current === false && e.origin !== 'timeline') e.isCurrent = false;
  }
  // An event some held event supersedes is not current, whatever its source said.
  for (const e of events.values()) {
    const target = e.supersedes === null ? undefined : events.get(e.supersedes);
    if (target && target !== e) target.isCurrent = false;
  }

  // Verdicts: when each approve/reject took effect, and the confidence before, when known.
  const decided = reviews
    .filter((r) => r.completedAt !== null && (r.action === 'approved' || r.action === 'rejected'))
    .sort((a, b) => byText(a.completedAt ?? '', b.completedAt ?? ''));
  for (const review of decided) {
    for (const id of review.eventIds) {
      const e = events.get(id);
      if (!e || review.completedAt === null || review.action === null) continue;
      const confidence = review.action === 'rejected' ? 0 : e.confidence > 0 ? e.confidence : CONFIDENCE_APPROVED;
      e.changes.push({
        at: review.completedAt,
        confidence,
        action: review.action,
        itemId: review.row.id,
        reviewer: review.row.reviewed_by,
      });
    }
  }
  for (const e of events.values()) {
    if (e.changes.length === 0) continue;
    const before = num(history.get(e.id)?.original_confidence);
    e.initialConfidence = before;
    e.confidenceChanges = e.changes.map((c) => ({ at: c.at, confidence: c.confidence }));
  }

  const ordered = [...events.values()].sort(
    (a, b) =>
      byText(a.ingestedAt ?? '', b.ingestedAt ?? '') ||
      ORIGIN_RANK[a.origin] - ORIGIN_RANK[b.origin] ||
      byText(a.id, b.id),
  );
  return {
    entity,
    events: ordered,
    byId: new Map(ordered.map((e) => [e.id, e])),
    log: prepareLog(ordered),
    reviews,
    lineageRaw: lineageRow ? { json: lineageJson, text: lineageRow.raw_json, pulledAt: lineageRow.pulled_at } : null,
    provenanceRaw: provenanceRow
      ? { json: provenanceJson, text: provenanceRow.raw_json, pulledAt: provenanceRow.pulled_at }
      : null,
  };
};

const prettyJson = (text: string): string => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

const freshnessOf = (read: ReadDb, entity: EntityRow | null): LineageFreshness => ({
  lastSyncAt: lastSyncAt(read),
  entityPulledAt: entity?.pulled_at ?? null,
});

// Search ----------------------------------------------------------------------------------------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A phone number as people type it: digits with spaces, dots, dashes, brackets, a leading +. */
const PHONE_LIKE = /^\+?[\d\s().-]+$/;
const MIN_PHONE_DIGITS = 4;

export const searchEntities = (read: ReadDb, query: string, limit: number): EntitySearchView => {
  const q = query.trim();
  const matches = new Map<string, Set<SearchMatchKind>>();
  const note = (ids: readonly string[], kind: SearchMatchKind): void => {
    for (const id of ids) {
      const kinds = matches.get(id) ?? new Set<SearchMatchKind>();
      kinds.add(kind);
      matches.set(id, kinds);
    }
  };
  const probe = limit + 1;
  if (UUID.test(q)) note(entityIdsById(read, q), 'entity_id');
  note(entityIdsByCall(read, q), 'call_id');
  note(entityIdsByCanonicalId(read, q), 'canonical_id');
  note(entityIdsByMrn(read, q, probe), 'mrn');
  const digits = q.replace(/\D/g, '');
  if (PHONE_LIKE.test(q) && digits.length >= MIN_PHONE_DIGITS)
    note(entityIdsByPhoneDigits(read, digits, probe), 'phone');
  if (!UUID.test(q)) note(entityIdsByName(read, q, probe), 'name');

  const rank = (kinds: ReadonlySet<SearchMatchKind>): number =>
    Math.min(...[...kinds].map((k) => SEARCH_MATCH_KINDS.indexOf(k)));
  const rows = new Map(getEntities(read, [...matches.keys()]).map((r) => [r.id, r]));
  const ranked = [...matches.entries()]
    .filter(([id]) => rows.has(id))
    .sort(
      ([a, ka], [b, kb]) =>
        rank(ka) - rank(kb) ||
        (rows.get(a)?.display_name ?? '').localeCompare(rows.get(b)?.display_name ?? '') ||
        a.localeCompare(b),
    );
  const results = ranked.slice(0, limit).flatMap(([id, kinds]) => {
    const row = rows.get(id);
    if (!row) return [];
    return [
      {
        id: row.id,
        entityType: row.entity_type,
        displayName: row.display_name,
        mrn: row.mrn,
        phone: row.phone,
        birthDate: row.birth_date,
        lastEventAt: row.last_event_at,
        matchedOn: SEARCH_MATCH_KINDS.filter((k) => kinds.has(k)),
      },
    ];
  });
  return { results, truncated: ranked.length > limit, freshness: freshnessOf(read, null) };
};

// The entity page --------------------------------------------------------------------------------

const header = (entity: EntityRow): EntityLineageView['entity'] => {
  const raw = parseRecord(entity.raw_json);
  const tags = Array.isArray(raw['tags']) ? raw['tags'].filter((t): t is string => typeof t === 'string') : [];
  return {
    id: entity.id,
    entityType: entity.entity_type,
    displayName: entity.display_name,
    canonicalId: entity.canonical_id,
    name: entity.name,
    mrn: entity.mrn,
    phone: entity.phone,
    birthDate: entity.birth_date,
    confidence: entity.confidence,
    eventCount: entity.event_count,
    firstSeenAt: entity.first_seen_at,
    lastEventAt: entity.last_event_at,
    externalIds: isRecord(raw['external_ids']) ? raw['external_ids'] : {},
    tags,
  };
};

const currentStateOf = (el: EntityLog): FieldValueView[] => {
  const replayed = presentState(el.log);
  const projection = parseRecord(el.entity.raw_json)['state'];
  const projected = isRecord(projection) ? projection : {};
  const fields = [...new Set([...replayed.keys(), ...Object.keys(projected)])].sort();
  return fields.map((field): FieldValueView => {
    const w = replayed.get(field);
    const inProjection = Object.hasOwn(projected, field);
    const projectionValue = projected[field];
    if (!w) {
      return {
        field,
        value: projectionValue,
        confidence: null,
        eventId: null,
        source: null,
        sourceSystem: null,
        ingestedAt: null,
        effectiveAt: null,
        projectionValue,
        projectionDiffers: false,
      };
    }
    const e = el.byId.get(w.eventId);
    return {
      field,
      value: w.value,
      confidence: w.confidence,
      eventId: w.eventId,
      source: e?.source ?? null,
      sourceSystem: e?.sourceSystem ?? null,
      ingestedAt: w.ingestedAt,
      effectiveAt: w.effectiveAt,
      ...(inProjection ? { projectionValue } : {}),
      projectionDiffers: inProjection && canonicalJson(projectionValue) !== canonicalJson(w.value),
    };
  });
};

const callIdsOf = (read: ReadDb, el: EntityLog): Map<string, string> => {
  const calls = callIdsByEvent(read, el.entity.id);
  for (const review of el.reviews)
    for (const id of review.eventIds) if (!calls.has(id)) calls.set(id, review.row.session_id);
  return calls;
};

const eventViews = (
  el: EntityLog,
  calls: ReadonlyMap<string, string>,
  selected: readonly LogEvent[],
): LineageEventView[] =>
  selected.map((e) => ({
    id: e.id,
    eventType: e.eventType,
    eventSubtype: e.eventSubtype,
    domain: e.domain,
    data: e.data === null ? null : { ...e.data },
    fields: fieldsOf(e).map(([f]) => f),
    confidence: e.confidence,
    initialConfidence: e.changes.length > 0 ? (e.initialConfidence ?? null) : e.confidence,
    confidenceChanges: e.changes,
    source: e.source,
    sourceSystem: e.sourceSystem,
    producedByAgent: e.producedByAgent,
    effectiveAt: e.effectiveAt,
    ingestedAt: e.ingestedAt,
    supersedes: e.supersedes,
    supersededBy: (el.log.successors.get(e.id) ?? []).map((s) => s.src.id),
    isCurrent: e.isCurrent,
    reviewStatus: e.reviewStatus,
    origin: e.origin,
    valuesFrom: e.valuesFrom,
    fhirResourceType: e.fhirResourceType,
    fhirResourceId: e.fhirResourceId,
    syncStatus: e.syncStatus,
    syncError: e.syncError,
    syncedAt: e.syncedAt,
    callId: calls.get(e.id) ?? null,
  }));

/** Review decisions as marks, by the fields of the events they concerned (and of corrections). */
const decisionMarks = (el: EntityLog): Map<string, ReviewMarkView[]> => {
  const byField = new Map<string, ReviewMarkView[]>();
  for (const review of el.reviews) {
    if (review.completedAt === null || review.action === null) continue;
    const touched = new Set<string>(review.eventIds);
    if (review.action === 'corrected') {
      for (const id of review.eventIds) for (const s of el.log.successors.get(id) ?? []) touched.add(s.src.id);
    }
    const fields = new Set<string>();
    for (const id of touched) {
      const e = el.byId.get(id);
      if (e) for (const [f] of fieldsOf(e)) fields.add(f);
    }
    const mark: ReviewMarkView = {
      at: review.completedAt,
      action: review.action,
      itemId: review.row.id,
      reviewer: review.row.reviewed_by,
    };
    for (const f of fields) {
      const list = byField.get(f);
      if (list) list.push(mark);
      else byField.set(f, [mark]);
    }
  }
  return byField;
};

const fieldHistories = (el: EntityLog): FieldHistoryView[] => {
  const present = presentState(el.log);
  const marks = decisionMarks(el);
  const eventsByField = new Map<string, string[]>();
  for (const e of el.events) {
    for (const [f] of fieldsOf(e)) {
      const list = eventsByField.get(f);
      if (list) list.push(e.id);
      else eventsByField.set(f, [e.id]);
    }
  }
  return [...eventsByField.keys()].sort().map((field) => {
    const eventIds = eventsByField.get(field) ?? [];
    const head = present.get(field)?.eventId ?? eventIds.at(-1) ?? null;
    const chain = head === null ? [] : supersedesChain(el.log, head);
    return {
      field,
      chain: chain.slice(0, LINEAGE_CHAIN_LINKS),
      chainLength: chain.length,
      eventCount: eventIds.length,
      series: fieldSeries(el.log, field),
      decisions: (marks.get(field) ?? []).sort((a, b) => byText(a.at, b.at)),
    };
  });
};

const provenanceOf = (read: ReadDb, el: EntityLog): EntityLineageView['provenance'] => {
  const groups = new Map<
    string,
    {
      source: string;
      sourceSystem: string | null;
      count: number;
      first: string | null;
      last: string | null;
      agents: Set<string>;
    }
  >();
  for (const e of el.events) {
    const key = `${e.source}\u0000${e.sourceSystem ?? ''}`;
    const g = groups.get(key) ?? {
      source: e.source,
      sourceSystem: e.sourceSystem,
      count: 0,
      first: null,
      last: null,
      agents: new Set<string>(),
    };
    g.count += 1;
    if (e.ingestedAt !== null) {
      if (g.first === null || e.ingestedAt < g.first) g.first = e.ingestedAt;
      if (g.last === null || e.ingestedAt > g.last) g.last = e.ingestedAt;
    }
    if (e.producedByAgent !== null) g.agents.add(e.producedByAgent);
    groups.set(key, g);
  }
  const sources = [...groups.values()]
    .sort((a, b) => b.count - a.count || byText(a.source, b.source))
    .map((g) => ({
      source: g.source,
      sourceSystem: g.sourceSystem,
      eventCount: g.count,
      firstSeenAt: g.first,
      lastSeenAt: g.last,
      agents: [...g.agents].sort(),
    }));
  const merges: MergeView[] = mergesOfEntity(read, el.entity.id).map((m) => {
    const raw = parseRecord(m.raw_json);
    return {
      entityId: m.other_id,
      relationship: 'same_as',
      entityType: m.held_entity_type ?? str(raw['entity_type']),
      displayName: m.held_display_name ?? str(raw['display_name']),
      canonicalId: m.held_canonical_id ?? str(raw['canonical_id']),
      confidence: m.confidence,
      held: m.held === 1,
    };
  });
  return {
    sources,
    sourceSystems: [...new Set(sources.map((s) => s.sourceSystem).filter((s): s is string => s !== null))].sort(),
    agents: [...new Set(sources.flatMap((s) => s.agents))].sort(),
    merges,
  };
};

const sinksOf = (read: ReadDb, el: EntityLog): SinksView => {
  const sinkRows = allSinks(read);
  const sinkById = new Map(sinkRows.map((s) => [s.data_source_id, s]));
  const rows = syncEventsOfEntity(read, el.entity.id);
  const deliveries: SinkDeliveryView[] = rows.map((r) => {
    const e = el.byId.get(r.event_id);
    return {
      eventId: r.event_id,
      eventType: r.event_type,
      dataSourceId: r.data_source_id,
      sinkName: sinkById.get(r.data_source_id)?.name ?? null,
      sinkType: sinkById.get(r.data_source_id)?.source_type ?? null,
      status: r.sync_status,
      error: r.sync_error,
      syncedAt: r.synced_at,
      createdAt: r.created_at,
      eventIsCurrent: e ? e.isCurrent : null,
      fields: e ? fieldsOf(e).map(([f]) => f) : [],
    };
  });
  const at = new Map<string, Map<string, SinkDeliveryView>>();
  for (const d of deliveries) {
    const bySink = at.get(d.eventId) ?? new Map<string, SinkDeliveryView>();
    bySink.set(d.dataSourceId, d);
    at.set(d.eventId, bySink);
  }
  const name = (id: string): string => sinkById.get(id)?.name ?? (id === '' ? 'an unnamed system' : id);

  const flags: SinkFlagView[] = [];
  for (const e of el.events) {
    const fields = fieldsOf(e).map(([f]) => f);
    if (e.isCurrent && e.supersedes !== null && e.confidence > 0) {
      const older = supersedesChain(el.log, e.supersedes).map((l) => l.id);
      const involved = new Set<string>();
      for (const id of [e.id, ...older]) for (const sink of at.get(id)?.keys() ?? []) involved.add(sink);
      for (const sink of [...involved].sort()) {
        const mine = at.get(e.id)?.get(sink);
        if (mine?.status === 'synced' || mine?.status === 'not_applicable') continue;
        const stale = older.some((id) => at.get(id)?.get(sink)?.status === 'synced');
        const status = mine?.status ?? null;
        const what = status === null ? 'was never sent' : status === 'failed' ? 'failed' : `is ${status}`;
        flags.push({
          kind: stale ? 'stale_value_at_sink' : 'correction_not_delivered',
          eventId: e.id,
          replacesEventId: e.supersedes,
          fields,
          dataSourceId: sink,
          sinkName: sinkById.get(sink)?.name ?? null,
          status,
          error: mine?.error ?? null,
          message: stale
            ? `${name(sink)} still holds the replaced value: the new one ${what}.`
            : `The corrected value has not reached ${name(sink)}: it ${what}.`,
        });
      }
    }
    if (e.confidence === 0) {
      for (const d of at.get(e.id)?.values() ?? []) {
        if (d.status !== 'synced') continue;
        flags.push({
          kind: 'rejected_value_delivered',
          eventId: e.id,
          replacesEventId: null,
          fields,
          dataSourceId: d.dataSourceId,
          sinkName: d.sinkName,
          status: d.status,
          error: d.error,
          message: `${name(d.dataSourceId)} received a value that was later rejected.`,
        });
      }
    }
  }
  const used = new Set(deliveries.map((d) => d.dataSourceId));
  return {
    sinks: sinkRows
      .filter((s) => used.has(s.data_source_id))
      .map((s) => ({ dataSourceId: s.data_source_id, name: s.name, sourceType: s.source_type })),
    deliveries,
    flags,
  };
};

const reviewViews = (el: EntityLog): ReviewRecordView[] => {
  const reasons = rejectionReasonsOf(el.lineageRaw?.json ?? {});
  return [...el.reviews]
    .sort((a, b) => byText(b.completedAt ?? b.row.created_at ?? '', a.completedAt ?? a.row.created_at ?? ''))
    .map((review) => {
      const diffs: ReviewRecordView['diffs'] = [];
      const rejectedValues: ReviewRecordView['rejectedValues'] = [];
      for (const id of review.eventIds) {
        const e = el.byId.get(id);
        if (!e) continue;
        if (review.action === 'rejected') {
          for (const [field, value] of fieldsOf(e)) rejectedValues.push({ eventId: id, field, value });
        }
        if (review.action !== 'corrected') continue;
        for (const s of el.log.successors.get(id) ?? []) {
          const before = new Map(fieldsOf(e));
          const after = new Map(fieldsOf(s.src));
          for (const field of [...new Set([...before.keys(), ...after.keys()])].sort()) {
            if (canonicalJson(before.get(field)) === canonicalJson(after.get(field))) continue;
            diffs.push({
              eventId: id,
              correctedBy: s.src.id,
              field,
              before: before.get(field),
              after: after.get(field),
            });
          }
        }
      }
      return {
        itemId: review.row.id,
        callId: review.row.session_id,
        status: review.row.status,
        action: review.action,
        reviewer: review.row.reviewed_by,
        reason: str(review.raw['reason']),
        priority: num(review.raw['priority']),
        createdAt: toUtcIso(review.row.created_at),
        completedAt: review.completedAt,
        rejectionReason: reasons.get(review.row.id) ?? str(review.raw['rejection_reason']),
        notes: str(review.raw['notes']),
        eventIds: review.eventIds,
        diffs,
        rejectedValues,
      };
    });
};

const timeRangeOf = (el: EntityLog): EntityLineageView['timeRange'] => {
  const times: string[] = [];
  for (const e of el.events) {
    for (const t of [e.ingestedAt, e.effectiveAt, ...e.changes.map((c) => c.at)]) if (t !== null) times.push(t);
  }
  times.sort();
  return { first: times[0] ?? null, last: times.at(-1) ?? null };
};

/**
 * The events the page lists: the newest `limit`, plus every older one behind a current value (its
 * supersedes chain) or a sink flag, newest first. Other references to older events show their id.
 */
const eventsForPage = (
  el: EntityLog,
  fields: readonly FieldHistoryView[],
  sinks: SinksView,
  limit: number,
): LogEvent[] => {
  const newestFirst = [...el.events].reverse();
  if (newestFirst.length <= limit) return newestFirst;
  const wanted = new Set<string>();
  for (const f of fields) for (const link of f.chain) wanted.add(link.id);
  for (const f of sinks.flags) {
    wanted.add(f.eventId);
    if (f.replacesEventId !== null) wanted.add(f.replacesEventId);
  }
  return newestFirst.filter((e, index) => index < limit || wanted.has(e.id));
};

const buildView = (read: ReadDb, el: EntityLog, eventLimit: number): EntityLineageView => {
  const fields = fieldHistories(el);
  const sinks = sinksOf(read, el);
  return {
    entity: header(el.entity),
    freshness: freshnessOf(read, el.entity),
    currentState: currentStateOf(el),
    events: eventLimit === 0 ? [] : eventViews(el, callIdsOf(read, el), eventsForPage(el, fields, sinks, eventLimit)),
    eventsTotal: el.events.length,
    fields,
    provenance: provenanceOf(read, el),
    sinks,
    reviews: reviewViews(el),
    raw: {
      lineage: el.lineageRaw ? prettyJson(el.lineageRaw.text) : null,
      lineagePulledAt: el.lineageRaw?.pulledAt ?? null,
      provenance: el.provenanceRaw ? prettyJson(el.provenanceRaw.text) : null,
      provenancePulledAt: el.provenanceRaw?.pulledAt ?? null,
    },
    timeRange: timeRangeOf(el),
  };
};

export const entityLineage = (read: ReadDb, entityId: string): EntityLineageView =>
  buildView(read, loadEntityLog(read, entityId), LINEAGE_VIEW_EVENTS);

// Point in time ------------------------------------------------------------------------------------

const replayFields = (state: EntityState): ReplayFieldView[] =>
  [...state.values()].map((w: FieldWinner) => ({
    field: w.field,
    value: w.value,
    confidence: w.confidence,
    eventId: w.eventId,
    ingestedAt: w.ingestedAt,
    effectiveAt: w.effectiveAt,
  }));

export const pointInTime = (
  read: ReadDb,
  entityId: string,
  mode: ReplayMode,
  at: string,
  compareTo?: string,
): PointInTimeView => {
  const el = loadEntityLog(read, entityId);
  const first = stateAt(el.log, mode, at);
  const normalizedAt = new Date(Date.parse(at)).toISOString();
  let compare: PointInTimeView['compare'] = null;
  if (compareTo !== undefined) {
    const second = stateAt(el.log, mode, compareTo);
    compare = {
      at: new Date(Date.parse(compareTo)).toISOString(),
      state: replayFields(second),
      diff: diffStates(first, second, true).map((d) => ({
        field: d.field,
        change: d.change,
        before: d.before === null ? null : (replayFields(new Map([[d.field, d.before]]))[0] ?? null),
        after: d.after === null ? null : (replayFields(new Map([[d.field, d.after]]))[0] ?? null),
      })),
    };
  }
  return {
    entityId,
    mode,
    at: normalizedAt,
    state: replayFields(first),
    compare,
    freshness: freshnessOf(read, el.entity),
  };
};

// Export -------------------------------------------------------------------------------------------

/**
 * One page of the JSON export: page 0 carries the view (its events travel in the pages), every
 * page a slice of the events, newest first, with each one's record as pulled.
 */
export const lineageExportPage = (
  read: ReadDb,
  entityId: string,
  workspace: { id: string; region: string },
  now: string,
  page: number,
): LineageExportPageView => {
  const el = loadEntityLog(read, entityId);
  const pageCount = Math.max(1, Math.ceil(el.events.length / LINEAGE_EXPORT_PAGE_EVENTS));
  if (!Number.isInteger(page) || page < 0 || page >= pageCount) {
    throw new ApiFailure(
      400,
      'export_page_out_of_range',
      `The export has ${pageCount} page(s); page ${page} does not exist.`,
    );
  }
  const slice = [...el.events]
    .reverse()
    .slice(page * LINEAGE_EXPORT_PAGE_EVENTS, (page + 1) * LINEAGE_EXPORT_PAGE_EVENTS);
  const raw = rawRecordsOfEntity(read, entityId);
  return {
    format: LINEAGE_EXPORT_FORMAT,
    exportedAt: now,
    workspace,
    entityPulledAt: el.entity.pulled_at,
    page,
    pageCount,
    lineage: page === 0 ? buildView(read, el, 0) : null,
    events: eventViews(el, callIdsOf(read, el), slice),
    rawEvents: slice.map((e) => {
      const stored = raw.events.get(e.id) ?? raw.enrichment.get(e.id);
      return { id: e.id, origin: e.origin, record: stored === undefined ? e.record : parseValue(stored) };
    }),
  };
};
