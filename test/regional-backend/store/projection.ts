/**
 * The world model's replay rule (amigo-platform-api.md §9.3): an entity's state is a projection
 * of its events. Per field, the highest confidence wins and ties go to the latest `ingested_at`.
 * Superseded events (is_current false) and rejected events (confidence 0.0) take no part.
 * Every key of an event's `data` is a state field, except for `entity.enriched` events, whose data
 * is `{ key, value, value_type }` and which set the field named by `key` (the convention the
 * synthetic generator's replay follows too).
 *
 * Fields that no event has ever written keep the value the dataset gave the entity (they came from
 * a source the simulator does not model); a field some event wrote is owned by the projection, so
 * rejecting the only event that carried it removes it from the state.
 */
import type { JsonObject } from './values';

export interface ProjectionEvent {
  eventType: string | null;
  data: JsonObject;
  confidence: number;
  ingestedMs: number | null;
  isCurrent: boolean;
  /** Insertion order: the last tie-breaker, so a replay is deterministic. */
  seq: number;
}

export interface Projection {
  state: JsonObject;
  /** Mean confidence of the winning fields (1.0 when no event contributes). */
  confidence: number;
}

interface Winner {
  value: unknown;
  confidence: number;
  ingestedMs: number;
  seq: number;
}

/** The (field, value) pairs an event sets. */
export function fieldsOf(eventType: string | null, data: JsonObject): Array<[string, unknown]> {
  if (eventType === 'entity.enriched') return typeof data['key'] === 'string' ? [[data['key'], data['value']]] : [];
  return Object.entries(data);
}

const beats = (a: Winner, b: Winner): boolean =>
  a.confidence !== b.confidence
    ? a.confidence > b.confidence
    : a.ingestedMs !== b.ingestedMs
      ? a.ingestedMs > b.ingestedMs
      : a.seq > b.seq;

export function projectState(baseState: JsonObject, events: readonly ProjectionEvent[]): Projection {
  const touched = new Set<string>();
  const winners = new Map<string, Winner>();
  for (const e of events) {
    const fields = fieldsOf(e.eventType, e.data);
    for (const [key] of fields) touched.add(key);
    if (!e.isCurrent || e.confidence <= 0) continue;
    for (const [key, value] of fields) {
      const candidate: Winner = { value, confidence: e.confidence, ingestedMs: e.ingestedMs ?? 0, seq: e.seq };
      const current = winners.get(key);
      if (current === undefined || beats(candidate, current)) winners.set(key, candidate);
    }
  }
  const state: JsonObject = {};
  for (const [key, value] of Object.entries(baseState)) if (!touched.has(key)) state[key] = value;
  let total = 0;
  for (const [key, w] of winners) {
    state[key] = w.value;
    total += w.confidence;
  }
  return { state, confidence: winners.size === 0 ? 1 : total / winners.size };
}
