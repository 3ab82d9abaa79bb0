/**
 * Point-in-time replay of one entity's event log (product.md "Lineage", amigo-platform-api.md
 * §4.2 and §9.3). Pure functions: the workspace server runs them over the local copy, tests run
 * them over hand-made logs, and nothing here touches a clock, a database or the network.
 *
 * The backend's projection rule (§4.2, from the world-model docs): when several events set the
 * same field, the highest confidence wins, and ties go to the most recent `ingested_at`.
 * Confidence 0.0 means a human rejected the event: it takes no part (§9.1). This module applies
 * that rule to the events that counted at an instant T, in one of two senses:
 *
 * - **As believed at T** (`believed`): what the world model said at T. An event counts when it was
 *   ingested at or before T. It counts as current unless an event ingested at or before T
 *   supersedes it: the stored `is_current` flag describes today, and an event that was replaced
 *   on Tuesday was still the current one on Monday, so superseded events stay part of history as
 *   it was believed then. Superseding depends on the successor being known, not on its
 *   confidence: a correction that is itself rejected later does not bring the original back
 *   (the backend keeps the original non-current). Confidence is the one the event had at T: a
 *   review verdict changes an event's confidence in place (approve → 0.95, reject → 0.0), so each
 *   event may carry the changes with their times, and before the first change it had its initial
 *   confidence. Ties: latest `ingested_at`, then log order.
 * - **As true at T** (`true`): today's best knowledge of what was true at T, by `effective_at`.
 *   An event counts when it became effective at or before T (no `effective_at`: its ingestion
 *   time), it is superseded when a successor effective at or before T exists (a correction keeps
 *   the original's `effective_at`, so it replaces it over the whole of its life; a newer value
 *   effective later does not rewrite the past), and confidence is today's (a rejected event was
 *   never true). Ties: latest `effective_at`, then latest `ingested_at`, then log order.
 *
 * An event with no time at all counts as known (or effective) since ever. An event the backend
 * marks not current whose successor the local copy does not hold is treated as replaced at the
 * last instant the log records (the latest ingestion, or effective time, of any of the entity's
 * events): before that the log cannot say, and keeping it keeps the past as complete as it can be.
 *
 * Field convention (the one the simulator and the backend's enrichment API follow): every key of
 * an event's `data` is a state field, except for `entity.enriched` events, whose data is
 * `{ key, value, value_type }` and which set the field named by `key`.
 */

export type ReplayMode = 'believed' | 'true';

/** A change of an event's confidence after it was written (a review verdict). */
export interface ConfidenceChange {
  at: string;
  confidence: number;
}

export interface ReplayEvent {
  id: string;
  eventType: string;
  /** null when the local copy holds only the event's metadata (no values to replay). */
  data: Readonly<Record<string, unknown>> | null;
  /** Confidence as the backend states it today. */
  confidence: number;
  /** Confidence before the first change; defaults to `confidence` when no changes are known. */
  initialConfidence?: number | null;
  /** Changes in any order; sorted here. */
  confidenceChanges?: readonly ConfidenceChange[];
  effectiveAt: string | null;
  ingestedAt: string | null;
  supersedes: string | null;
  isCurrent: boolean;
}

export interface FieldWinner {
  field: string;
  value: unknown;
  confidence: number;
  eventId: string;
  ingestedAt: string | null;
  effectiveAt: string | null;
}

export type EntityState = ReadonlyMap<string, FieldWinner>;

interface PreparedEvent {
  readonly src: ReplayEvent;
  /** Position in the log: the last tie-breaker, so a replay is deterministic. */
  readonly index: number;
  readonly ingestMs: number;
  readonly effectiveMs: number;
  readonly fields: ReadonlyArray<readonly [string, unknown]>;
  readonly initial: number;
  readonly changes: ReadonlyArray<{ ms: number; confidence: number }>;
  /** Not current, and no successor in the log: replaced at an unknown time. */
  readonly orphanSuperseded: boolean;
}

/** An event log indexed once, replayed at as many instants as needed. */
export interface PreparedLog {
  readonly events: readonly PreparedEvent[];
  readonly byId: ReadonlyMap<string, PreparedEvent>;
  /** Events that name each id in `supersedes`, in log order. */
  readonly successors: ReadonlyMap<string, readonly PreparedEvent[]>;
  /** The last instant the log records, per mode (−∞ for an empty or timeless log). */
  readonly lastIngestMs: number;
  readonly lastEffectiveMs: number;
}

const msOf = (iso: string | null | undefined): number => {
  if (iso === null || iso === undefined || iso === '') return Number.NEGATIVE_INFINITY;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : Number.NEGATIVE_INFINITY;
};

/** Parses an instant given by a person or a route; throws a RangeError for anything else. */
export const instantMs = (iso: string): number => {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new RangeError(`Not a date and time: ${JSON.stringify(iso)}`);
  return ms;
};

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The (field, value) pairs an event sets. */
export const fieldsOf = (event: Pick<ReplayEvent, 'eventType' | 'data'>): Array<readonly [string, unknown]> => {
  const data = event.data;
  if (!isRecord(data)) return [];
  if (event.eventType === 'entity.enriched') {
    const key = data['key'];
    return typeof key === 'string' && key !== '' ? [[key, data['value']]] : [];
  }
  return Object.entries(data);
};

const NO_CHANGES: ReadonlyArray<{ ms: number; confidence: number }> = [];

export const prepareLog = (events: readonly ReplayEvent[]): PreparedLog => {
  const successorIds = new Set<string>();
  for (const e of events) if (e.supersedes !== null) successorIds.add(e.supersedes);
  let lastIngestMs = Number.NEGATIVE_INFINITY;
  let lastEffectiveMs = Number.NEGATIVE_INFINITY;
  const prepared: PreparedEvent[] = events.map((src, index) => {
    const ingestMs = msOf(src.ingestedAt);
    const effective = msOf(src.effectiveAt);
    const effectiveMs = effective === Number.NEGATIVE_INFINITY ? ingestMs : effective;
    if (ingestMs > lastIngestMs) lastIngestMs = ingestMs;
    if (effectiveMs > lastEffectiveMs) lastEffectiveMs = effectiveMs;
    const given = src.confidenceChanges;
    const changes =
      given === undefined || given.length === 0
        ? NO_CHANGES
        : given.map((c) => ({ ms: msOf(c.at), confidence: c.confidence })).sort((a, b) => a.ms - b.ms);
    return {
      src,
      index,
      ingestMs,
      effectiveMs,
      fields: fieldsOf(src),
      initial: changes.length > 0 ? (src.initialConfidence ?? src.confidence) : src.confidence,
      changes,
      orphanSuperseded: !src.isCurrent && !successorIds.has(src.id),
    };
  });
  const byId = new Map<string, PreparedEvent>();
  const successors = new Map<string, PreparedEvent[]>();
  for (const e of prepared) {
    // A repeated id keeps its first occurrence: the log is a set with an order.
    if (!byId.has(e.src.id)) byId.set(e.src.id, e);
    const target = e.src.supersedes;
    // An event naming itself would hide itself forever; ignore such a link.
    if (target !== null && target !== e.src.id) {
      const list = successors.get(target);
      if (list) list.push(e);
      else successors.set(target, [e]);
    }
  }
  return { events: prepared, byId, successors, lastIngestMs, lastEffectiveMs };
};

const timeIn = (mode: ReplayMode, e: PreparedEvent): number => (mode === 'believed' ? e.ingestMs : e.effectiveMs);

/** The event's confidence at `ms` (believed mode) given its recorded changes. */
const confidenceAtMs = (e: PreparedEvent, ms: number): number => {
  let confidence = e.initial;
  for (const change of e.changes) {
    if (change.ms > ms) break;
    confidence = change.confidence;
  }
  return confidence;
};

export const confidenceAt = (log: PreparedLog, eventId: string, at: string): number | null => {
  const e = log.byId.get(eventId);
  return e ? confidenceAtMs(e, instantMs(at)) : null;
};

const isSupersededAt = (log: PreparedLog, mode: ReplayMode, e: PreparedEvent, ms: number): boolean => {
  for (const s of log.successors.get(e.src.id) ?? []) if (timeIn(mode, s) <= ms) return true;
  if (e.orphanSuperseded) return ms >= (mode === 'believed' ? log.lastIngestMs : log.lastEffectiveMs);
  return false;
};

interface Candidate {
  event: PreparedEvent;
  confidence: number;
}

/** Does `a` beat `b` under the mode's tie rules (confidence first, always)? */
const beats = (mode: ReplayMode, a: Candidate, b: Candidate): boolean => {
  if (a.confidence !== b.confidence) return a.confidence > b.confidence;
  if (mode === 'true' && a.event.effectiveMs !== b.event.effectiveMs) return a.event.effectiveMs > b.event.effectiveMs;
  if (a.event.ingestMs !== b.event.ingestMs) return a.event.ingestMs > b.event.ingestMs;
  return a.event.index > b.event.index;
};

const isoOrNull = (ms: number): string | null => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);

const winnerOf = (field: string, value: unknown, c: Candidate): FieldWinner => ({
  field,
  value,
  confidence: c.confidence,
  eventId: c.event.src.id,
  ingestedAt: c.event.src.ingestedAt,
  effectiveAt: c.event.src.effectiveAt,
});

const collect = (
  log: PreparedLog,
  mode: ReplayMode,
  take: (e: PreparedEvent) => Candidate | null,
): Map<string, FieldWinner> => {
  const best = new Map<string, { candidate: Candidate; value: unknown }>();
  for (const e of log.events) {
    if (e.fields.length === 0) continue;
    const candidate = take(e);
    if (candidate === null || candidate.confidence <= 0) continue;
    for (const [field, value] of e.fields) {
      const current = best.get(field);
      if (current === undefined || beats(mode, candidate, current.candidate)) best.set(field, { candidate, value });
    }
  }
  const state = new Map<string, FieldWinner>();
  for (const field of [...best.keys()].sort()) {
    const entry = best.get(field);
    if (entry) state.set(field, winnerOf(field, entry.value, entry.candidate));
  }
  return state;
};

/** The entity as the backend states it today: stored `is_current` flags and today's confidences. */
export const presentState = (log: PreparedLog): EntityState =>
  collect(log, 'believed', (e) => (e.src.isCurrent ? { event: e, confidence: e.src.confidence } : null));

/** The entity at instant `at` (ISO date-time), as believed then or as true then (see the module doc). */
export const stateAt = (log: PreparedLog, mode: ReplayMode, at: string): EntityState => {
  const ms = instantMs(at);
  return collect(log, mode, (e) => {
    if (timeIn(mode, e) > ms || isSupersededAt(log, mode, e, ms)) return null;
    return { event: e, confidence: mode === 'believed' ? confidenceAtMs(e, ms) : e.src.confidence };
  });
};

export type FieldChange = 'added' | 'removed' | 'changed' | 'unchanged';

export interface FieldDiff {
  field: string;
  before: FieldWinner | null;
  after: FieldWinner | null;
  /** `changed` when the value differs; a new winning event with the same value is `unchanged`. */
  change: FieldChange;
}

/** A stable text form of a JSON value (object keys sorted), for equality and display. */
export const canonicalJson = (value: unknown): string => {
  const seen = new Set<unknown>();
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      if (seen.has(v)) return '[circular]';
      seen.add(v);
      const out = v.map(walk);
      seen.delete(v);
      return out;
    }
    if (isRecord(v)) {
      if (seen.has(v)) return '[circular]';
      seen.add(v);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) out[key] = walk(v[key]);
      seen.delete(v);
      return out;
    }
    return v;
  };
  return JSON.stringify(walk(value)) ?? 'null';
};

/** Field by field, from `before` to `after`; `unchanged` fields only when asked for. */
export const diffStates = (before: EntityState, after: EntityState, includeUnchanged = false): FieldDiff[] => {
  const fields = [...new Set([...before.keys(), ...after.keys()])].sort();
  const out: FieldDiff[] = [];
  for (const field of fields) {
    const a = before.get(field) ?? null;
    const b = after.get(field) ?? null;
    const change: FieldChange =
      a === null
        ? 'added'
        : b === null
          ? 'removed'
          : canonicalJson(a.value) === canonicalJson(b.value)
            ? 'unchanged'
            : 'changed';
    if (change !== 'unchanged' || includeUnchanged) out.push({ field, before: a, after: b, change });
  }
  return out;
};

/**
 * The supersedes chain that ends at `eventId`, newest first: the event, the one it replaced, and
 * so on. Stops at an id the log does not hold (listed, so the gap shows) and at a cycle (hostile
 * or broken data must not hang the page).
 */
export const supersedesChain = (log: PreparedLog, eventId: string): Array<{ id: string; held: boolean }> => {
  const chain: Array<{ id: string; held: boolean }> = [];
  const seen = new Set<string>();
  let id: string | null = eventId;
  while (id !== null && !seen.has(id)) {
    seen.add(id);
    const e = log.byId.get(id);
    chain.push({ id, held: e !== undefined });
    id = e?.src.supersedes ?? null;
  }
  return chain;
};

export interface SeriesPoint {
  /** ISO instant from which this point holds (until the next point). */
  at: string;
  /** The winning event, or null when no event gives the field a value from here on. */
  eventId: string | null;
  value: unknown;
  confidence: number | null;
}

/** A max-heap of candidates under the believed-mode order, with lazy deletion by version. */
class CandidateHeap {
  private readonly items: Array<{ candidate: Candidate; version: number }> = [];

  push(candidate: Candidate, version: number): void {
    const items = this.items;
    items.push({ candidate, version });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const a = items[i];
      const b = items[parent];
      if (a === undefined || b === undefined || !beats('believed', a.candidate, b.candidate)) break;
      items[i] = b;
      items[parent] = a;
      i = parent;
    }
  }

  peek(): { candidate: Candidate; version: number } | undefined {
    return this.items[0];
  }

  pop(): void {
    const items = this.items;
    const last = items.pop();
    if (last === undefined || items.length === 0) return;
    items[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      const at = (k: number) => items[k];
      const lc = at(l);
      const rc = at(r);
      const tc = at(top);
      if (lc && tc && beats('believed', lc.candidate, tc.candidate)) top = l;
      const tc2 = at(top);
      if (rc && tc2 && beats('believed', rc.candidate, tc2.candidate)) top = r;
      if (top === i) break;
      const a = items[i];
      const b = items[top];
      if (a === undefined || b === undefined) break;
      items[i] = b;
      items[top] = a;
      i = top;
    }
  }
}

/**
 * How the believed value of one field evolved: a step series with a point at every instant its
 * winner or the winner's confidence changed (an event ingested, superseded, approved, rejected).
 * One sweep with a heap: O(n log n) in the field's events, so a 10k-event field stays fast.
 */
export const fieldSeries = (log: PreparedLog, field: string): SeriesPoint[] => {
  type Action = { ms: number; event: PreparedEvent; kind: 'on' | 'off' | 'conf'; confidence: number; value: unknown };
  const actions: Action[] = [];
  for (const e of log.events) {
    const pair = e.fields.find(([f]) => f === field);
    if (pair === undefined) continue;
    const value = pair[1];
    actions.push({ ms: e.ingestMs, event: e, kind: 'on', confidence: e.initial, value });
    for (const c of e.changes)
      actions.push({ ms: Math.max(c.ms, e.ingestMs), event: e, kind: 'conf', confidence: c.confidence, value });
    let offMs = Number.POSITIVE_INFINITY;
    for (const s of log.successors.get(e.src.id) ?? []) offMs = Math.min(offMs, s.ingestMs);
    if (e.orphanSuperseded) offMs = Math.min(offMs, log.lastIngestMs);
    if (offMs !== Number.POSITIVE_INFINITY) {
      actions.push({ ms: Math.max(offMs, e.ingestMs), event: e, kind: 'off', confidence: 0, value });
    }
  }
  if (actions.length === 0) return [];
  // Same instant: switch on before changing and before switching off, so an event ingested and
  // superseded at once never shows as a winner.
  const order = { on: 0, conf: 1, off: 2 } as const;
  actions.sort((a, b) => a.ms - b.ms || order[a.kind] - order[b.kind] || a.event.index - b.event.index);
  const firstFinite = actions.find((a) => Number.isFinite(a.ms))?.ms ?? null;

  const heap = new CandidateHeap();
  const state = new Map<number, { version: number; active: boolean; confidence: number; value: unknown }>();
  const points: SeriesPoint[] = [];
  let i = 0;
  while (i < actions.length) {
    const groupMs = actions[i]?.ms ?? 0;
    for (; i < actions.length; i++) {
      const a = actions[i];
      if (a === undefined || a.ms !== groupMs) break;
      const s = state.get(a.event.index) ?? { version: 0, active: false, confidence: a.confidence, value: a.value };
      s.version += 1;
      if (a.kind === 'on') s.active = true;
      if (a.kind === 'off') s.active = false;
      if (a.kind !== 'off') s.confidence = a.confidence;
      state.set(a.event.index, s);
      if (s.active) heap.push({ event: a.event, confidence: s.confidence }, s.version);
    }
    // Drop stale or excluded tops; the rest of the heap is cleaned when it surfaces.
    let top = heap.peek();
    while (top !== undefined) {
      const s = state.get(top.candidate.event.index);
      if (s !== undefined && s.active && s.version === top.version && s.confidence > 0) break;
      heap.pop();
      top = heap.peek();
    }
    const at = Number.isFinite(groupMs) ? groupMs : firstFinite;
    if (at === null) continue;
    const winner = top?.candidate ?? null;
    const point: SeriesPoint = {
      at: new Date(at).toISOString(),
      eventId: winner?.event.src.id ?? null,
      value: winner === null ? null : state.get(winner.event.index)?.value,
      confidence: winner?.confidence ?? null,
    };
    const last = points.at(-1);
    if (last && last.eventId === point.eventId && last.confidence === point.confidence) continue;
    if (last && last.at === point.at) points[points.length - 1] = point;
    else points.push(point);
  }
  return points;
};

/** One event's own confidence over time: its initial value at ingestion, then each change. */
export const eventConfidencePoints = (log: PreparedLog, eventId: string): Array<{ at: string; confidence: number }> => {
  const e = log.byId.get(eventId);
  if (!e) return [];
  const out: Array<{ at: string; confidence: number }> = [];
  const start = isoOrNull(e.ingestMs);
  if (start !== null) out.push({ at: start, confidence: e.initial });
  for (const c of e.changes) {
    const at = isoOrNull(Math.max(c.ms, e.ingestMs));
    if (at !== null) out.push({ at, confidence: c.confidence });
  }
  return out;
};
