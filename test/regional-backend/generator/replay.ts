/**
 * The world model's projection rule (amigo-platform-api.md §4.2, §9.3), as the generator applies it
 * to build `entity.state`: for every field, among the current events that set it and were not
 * rejected (confidence 0), the highest confidence wins; ties go to the latest `ingested_at`.
 *
 * Field naming convention of the synthetic dataset: every key of an event's `data` is a state
 * field, except for `entity.enriched` events, whose `data` is `{ key, value, value_type }` and which
 * set the field named by `key`.
 */

export interface ReplayableEvent {
  id: string;
  event_type: string;
  data?: Record<string, unknown> | null | undefined;
  confidence: number;
  ingested_at?: string | null | undefined;
  supersedes?: string | null | undefined;
  is_current: boolean;
}

export interface FieldWinner {
  value: unknown;
  confidence: number;
  event_id: string;
  ingested_at: string | null;
}

export interface ReplayOptions {
  /**
   * Point in time: only events ingested at or before this instant count, and an event counts as
   * current unless an event ingested by then supersedes it (the stored `is_current` describes
   * today, not the past). Confidence changes made later by review verdicts are not undone.
   */
  asOf?: string;
}

const ms = (iso: string | null | undefined): number => (iso ? Date.parse(iso) : Number.NEGATIVE_INFINITY);

/** The (field, value) pairs an event sets. */
export function fieldsOf(event: Pick<ReplayableEvent, 'event_type' | 'data'>): Array<[string, unknown]> {
  const data = event.data ?? {};
  if (event.event_type === 'entity.enriched') {
    return typeof data.key === 'string' ? [[data.key, data.value]] : [];
  }
  return Object.entries(data);
}

/** Per field, the winning value and the event it came from. */
export function replayFields(
  events: readonly ReplayableEvent[],
  options: ReplayOptions = {},
): Map<string, FieldWinner> {
  let considered = events;
  let current: (e: ReplayableEvent) => boolean = (e) => e.is_current;
  if (options.asOf !== undefined) {
    const cutoff = ms(options.asOf);
    considered = events.filter((e) => ms(e.ingested_at) <= cutoff);
    const superseded = new Set(considered.map((e) => e.supersedes).filter((s): s is string => typeof s === 'string'));
    current = (e) => !superseded.has(e.id);
  }
  const winners = new Map<string, FieldWinner>();
  for (const event of considered) {
    if (!current(event) || event.confidence <= 0) continue;
    const at = ms(event.ingested_at);
    for (const [field, value] of fieldsOf(event)) {
      const best = winners.get(field);
      // `>=` on time: of two equally confident events ingested at the same instant, the later one in
      // the list wins, which is the order the log was written in.
      if (
        !best ||
        event.confidence > best.confidence ||
        (event.confidence === best.confidence && at >= ms(best.ingested_at))
      ) {
        winners.set(field, {
          value,
          confidence: event.confidence,
          event_id: event.id,
          ingested_at: event.ingested_at ?? null,
        });
      }
    }
  }
  return winners;
}

/** The projected state: field → winning value, keys sorted so equal states serialise equally. */
export function replayState(events: readonly ReplayableEvent[], options: ReplayOptions = {}): Record<string, unknown> {
  const winners = replayFields(events, options);
  const state: Record<string, unknown> = {};
  for (const field of [...winners.keys()].sort()) state[field] = winners.get(field)?.value;
  return state;
}
