/**
 * The review desk's rules: what one item's view holds (fields grouped per event with evidence
 * computed here from the transcript, never taken from the judge alone; the judge's word beside
 * it; the entity's current value and whether approving would change it), and the correction form
 * (the backend's schema when it can be asked, the cached one offline, else one built from the
 * events' own data).
 */
import { callDetail, correctionSchemaResponse, reviewItem, type ReviewItem } from '../../../../shared/amigo';
import type {
  CorrectionFieldType,
  CorrectionSchemaView,
  FieldView,
  ItemDetailView,
  QueueRowView,
  TurnView,
} from '../../../../shared/contract/review.views';
import { correctionFieldType } from '../../../../shared/contract/review.views';
import { indexTranscript, type TranscriptIndex } from '../../../../shared/evidence/transcript-evidence';
import { confidenceBand } from '../../../../shared/review/review-risk';
import type { ReadDb, WriteDb } from '../../db/db-types';
import { ApiFailure } from '../../http/api-failure';
import type { RemoteClient } from '../../remote/remote-client';
import { RemoteError } from '../../remote/remote-error';
import {
  eventSources,
  getCachedCorrectionSchema,
  getCallWithTurns,
  getEntityRaw,
  getItemRow,
  putCachedCorrectionSchema,
  type LocalIntent,
  type QueueRow,
} from './review-queue.repo';

/** Loopback UI waits on the backend no longer than this; offline answers come from the local copy. */
export const LIVE_FETCH_TIMEOUT_MS = 4000;

export const toRowView = (row: QueueRow, me: string, local: LocalIntent | undefined): QueueRowView => ({
  id: row.id,
  status: row.status,
  callId: row.session_id,
  entityId: row.entity_id,
  entityType: row.entity_type,
  displayName: row.entity_display_name,
  priority: row.priority,
  reason: row.reason,
  assignedTo: row.assigned_to,
  assignedToMe: row.assigned_to !== null && row.assigned_to === me,
  createdAt: row.created_at,
  minConfidence: row.min_confidence,
  eventCount: row.event_count,
  risk: row.risk,
  local: local ? { kind: local.kind, state: local.state } : null,
});

/** "pharmacy_name" → "Pharmacy name". */
export const fieldLabel = (key: string): string =>
  key.replace(/[_-]+/g, ' ').replace(/^\s*\w/, (c) => c.trimStart().toUpperCase());

const valueText = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
};

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Keys that link records rather than state facts: shown nowhere as a field to verify. */
const isLinkKey = (key: string): boolean => key === 'id' || key.endsWith('_id') || key.endsWith('_ids');

interface JudgeField {
  eventId: string | null;
  field: string;
  evidenceFound: boolean | null;
  quote: string | null;
  turnIndex: number | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** judge_analysis is untyped in the API: read what is there, defensively. */
function judgeFieldsOf(analysis: Record<string, unknown> | null): JudgeField[] {
  const fields = analysis?.['fields'];
  if (!Array.isArray(fields)) return [];
  const out: JudgeField[] = [];
  for (const f of fields as unknown[]) {
    if (typeof f !== 'object' || f === null) continue;
    const o = f as Record<string, unknown>;
    const field = str(o['field']);
    if (field === null) continue;
    out.push({
      eventId: str(o['event_id']),
      field,
      evidenceFound: typeof o['evidence_found'] === 'boolean' ? o['evidence_found'] : null,
      quote: str(o['quote']) ?? str(o['closest_quote']),
      turnIndex: num(o['turn_index']) ?? num(o['closest_turn_index']),
    });
  }
  return out;
}

function judgeSummary(analysis: Record<string, unknown> | null): ItemDetailView['judge'] {
  if (analysis === null) return null;
  const flags = analysis['flags'];
  return {
    model: str(analysis['model']),
    verdict: str(analysis['verdict']),
    confidence: num(analysis['confidence']),
    reasoning: str(analysis['reasoning']),
    flags: Array.isArray(flags) ? flags.filter((f): f is string => typeof f === 'string') : [],
  };
}

function buildFields(
  item: ReviewItem,
  transcript: TranscriptIndex | null,
  entityState: Record<string, unknown>,
  sources: Map<string, string>,
): FieldView[] {
  const judged = judgeFieldsOf(item.judge_analysis);
  const fields: FieldView[] = [];
  for (const event of item.events ?? []) {
    const judgeFor = (field: string): JudgeField | undefined =>
      judged.find((j) => j.field === field && (j.eventId === null || j.eventId === event.id));
    // The judge's fields first (what the caller states), then any other fact the event carries.
    const keys = [
      ...judged.filter((j) => j.eventId === event.id && j.field in event.data).map((j) => j.field),
      ...Object.keys(event.data),
    ];
    for (const field of new Set(keys)) {
      const judge = judgeFor(field);
      if (isLinkKey(field) && judge === undefined) continue;
      const value = event.data[field];
      const current = entityState[field];
      fields.push({
        key: `${event.id}:${field}`,
        field,
        label: fieldLabel(field),
        eventId: event.id,
        eventType: event.event_type,
        fhirResourceType: event.fhir_resource_type,
        source: sources.get(event.id) ?? null,
        value: value ?? null,
        valueText: valueText(value),
        confidence: event.confidence,
        band: confidenceBand(event.confidence),
        reviewStatus: event.review_status,
        stated: judge !== undefined,
        evidence: transcript?.find(value) ?? null,
        judge: judge ? { evidenceFound: judge.evidenceFound, quote: judge.quote, turnIndex: judge.turnIndex } : null,
        current: current ?? null,
        currentText: current === undefined ? null : valueText(current),
        changes: !sameValue(current, value),
      });
    }
  }
  return fields;
}

type DetailCall = NonNullable<ItemDetailView['call']>;

const turnOffset = (agentMs: number | null | undefined, userMs: number | null | undefined): number | null =>
  agentMs ?? userMs ?? null;

function localCall(read: ReadDb, sessionId: string): DetailCall | null {
  const found = getCallWithTurns(read, sessionId);
  if (!found || found.turns.length === 0) return null;
  return {
    id: found.call.id,
    callSid: found.call.call_sid,
    direction: found.call.direction,
    startedAt: found.call.call_start_time,
    durationSeconds: found.call.duration_seconds,
    origin: 'local',
    turns: found.turns.map((t, index): TurnView => ({
      index,
      timestamp: t.timestamp,
      offsetMs: turnOffset(t.agent_speech_start_ms, t.user_speech_start_ms),
      agent: t.agent_transcript,
      user: t.user_transcript,
      sttConfidence: t.stt_confidence,
    })),
  };
}

/** Races a backend call against the UI's patience; the loser is ignored, never retried here. */
async function withinPatience<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RemoteError('timeout', 'The backend did not answer in time; using the local copy.')),
      LIVE_FETCH_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** The transcript when sync has not brought it yet: fetched for display only, never stored here. */
async function liveCall(remote: RemoteClient, sessionId: string): Promise<DetailCall> {
  const { data } = await withinPatience(
    remote.get(remote.workspacePath(`calls/${encodeURIComponent(sessionId)}`), callDetail),
  );
  return {
    id: data.id,
    callSid: data.call_sid ?? null,
    direction: data.direction ?? null,
    startedAt: data.call_start_time ?? null,
    durationSeconds: data.call_duration_seconds,
    origin: 'live',
    turns: data.turns.map((t, index) => ({
      index,
      timestamp: t.timestamp ?? null,
      offsetMs: turnOffset(t.agent_speech_start_ms, t.user_speech_start_ms),
      agent: t.agent_transcript ?? null,
      user: t.user_transcript ?? null,
      sttConfidence: t.stt_confidence ?? null,
    })),
  };
}

const parseItem = (raw: string): ReviewItem => {
  const parsed = reviewItem.safeParse(JSON.parse(raw));
  if (!parsed.success) {
    throw new ApiFailure(500, 'local_copy_unreadable', 'This item could not be read from the local copy. Sync again.');
  }
  return parsed.data;
};

export async function itemDetail(
  read: ReadDb,
  options: {
    id: string;
    me: string;
    nowIso: string;
    local: LocalIntent | undefined;
    remote: RemoteClient | null;
  },
): Promise<ItemDetailView> {
  const row = getItemRow(read, options.id, options.nowIso);
  if (!row)
    throw new ApiFailure(
      404,
      'not_found',
      'This review item is not in the local copy (it may have been decided elsewhere).',
    );
  const item = parseItem(row.raw_json);

  let call = localCall(read, row.session_id);
  let transcriptProblem: string | null = null;
  if (call === null) {
    if (options.remote) {
      try {
        call = await liveCall(options.remote, row.session_id);
      } catch (error) {
        transcriptProblem =
          error instanceof RemoteError && (error.kind === 'network' || error.kind === 'timeout')
            ? 'Transcript not synced yet, and the backend cannot be reached to show it now.'
            : 'Transcript not synced yet.';
      }
    } else {
      transcriptProblem = 'Transcript not synced yet.';
    }
  }
  const transcript = call ? indexTranscript(call.turns.map((t) => ({ agent: t.agent, user: t.user }))) : null;

  let entity: ItemDetailView['entity'] = null;
  if (item.entity_id) {
    const stored = getEntityRaw(read, item.entity_id);
    const storedState = stored ? (JSON.parse(stored.raw_json) as Record<string, unknown>)['state'] : undefined;
    if (stored && typeof storedState === 'object' && storedState !== null) {
      entity = {
        id: item.entity_id,
        entityType: stored.entity_type,
        displayName: stored.display_name,
        state: storedState as Record<string, unknown>,
        origin: 'entities',
      };
    } else if (item.entity) {
      entity = {
        id: item.entity.id,
        entityType: item.entity.entity_type,
        displayName: item.entity.display_name,
        state: item.entity.state ?? {},
        origin: 'review_item',
      };
    }
  }

  const sources = eventSources(
    read,
    (item.events ?? []).map((e) => e.id),
  );
  return {
    item: {
      ...toRowView(row, options.me, options.local),
      completedAt: row.completed_at,
      completedAction: row.completed_action,
      pulledAt: row.pulled_at,
    },
    call,
    transcriptProblem,
    fields: buildFields(item, transcript, entity?.state ?? {}, sources),
    judge: judgeSummary(item.judge_analysis),
    entity,
  };
}

// Correction form ----------------------------------------------------------------------------------

const inferType = (value: unknown): CorrectionFieldType => {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object' && value !== null) return 'object';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return 'date';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return 'datetime';
  return 'string';
};

type SchemaField = CorrectionSchemaView['fields'][number];

/** The backend's `fields` is an untyped object of hints: each is read on its own, leniently. */
function fieldsFromBackend(fields: Record<string, unknown>, current: Record<string, unknown>): SchemaField[] {
  const out: SchemaField[] = [];
  for (const [name, hint] of Object.entries(fields)) {
    const o = typeof hint === 'object' && hint !== null ? (hint as Record<string, unknown>) : {};
    const type = correctionFieldType.safeParse(o['type']);
    out.push({
      name,
      label: str(o['label']) ?? fieldLabel(name),
      type: type.success ? type.data : inferType(current[name]),
      required: o['required'] === true,
      current: current[name] ?? null,
    });
  }
  // A current value the hints do not name is still correctable.
  for (const [name, value] of Object.entries(current)) {
    if (!(name in fields) && !isLinkKey(name)) {
      out.push({ name, label: fieldLabel(name), type: inferType(value), required: false, current: value });
    }
  }
  return out;
}

function fieldsFromEvents(item: ReviewItem): SchemaField[] {
  const current: Record<string, unknown> = {};
  for (const event of item.events ?? []) Object.assign(current, event.data);
  return Object.entries(current)
    .filter(([name]) => !isLinkKey(name))
    .map(([name, value]) => ({
      name,
      label: fieldLabel(name),
      type: inferType(value),
      required: false,
      current: value,
    }));
}

export async function correctionSchema(
  db: { read: ReadDb; write: WriteDb },
  options: { id: string; nowIso: string; remote: RemoteClient },
): Promise<CorrectionSchemaView> {
  const row = getItemRow(db.read, options.id, options.nowIso);
  if (!row) throw new ApiFailure(404, 'not_found', 'This review item is not in the local copy.');
  const item = parseItem(row.raw_json);
  const fromCache = (notice: string): CorrectionSchemaView | null => {
    const cached = getCachedCorrectionSchema(db.read, options.id);
    const parsed = cached ? correctionSchemaResponse.safeParse(JSON.parse(cached.raw_json)) : null;
    if (!cached || !parsed?.success) return null;
    return {
      origin: 'cache',
      fetchedAt: cached.fetched_at,
      fhirResourceType: parsed.data.fhir_resource_type,
      fields: fieldsFromBackend(parsed.data.fields, parsed.data.current_values),
      notice,
    };
  };
  const local = (notice: string): CorrectionSchemaView => ({
    origin: 'local',
    fetchedAt: null,
    fhirResourceType: item.events?.[0]?.fhir_resource_type ?? null,
    fields: fieldsFromEvents(item),
    notice,
  });
  try {
    const { data, raw } = await withinPatience(
      options.remote.get(
        options.remote.workspacePath(`review-queue/${encodeURIComponent(options.id)}/correction-schema`),
        correctionSchemaResponse,
      ),
    );
    putCachedCorrectionSchema(db.write, options.id, raw, options.nowIso);
    return {
      origin: 'backend',
      fetchedAt: options.nowIso,
      fhirResourceType: data.fhir_resource_type,
      fields: fieldsFromBackend(data.fields, data.current_values),
      notice: null,
    };
  } catch (error) {
    if (!(error instanceof RemoteError)) throw error;
    const offline = error.kind === 'network' || error.kind === 'timeout' || error.transient;
    const why = offline
      ? 'The backend cannot be reached'
      : `The backend did not give this item's correction form (${error.message})`;
    return (
      fromCache(`${why}; using the form fetched earlier.`) ??
      local(`${why}; the form is built from the extracted values.`)
    );
  }
}
