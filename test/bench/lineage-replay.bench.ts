/**
 * Benchmark (not a test): point-in-time replay of one entity with 10,000 events from the
 * encrypted local copy, against a raw SQLite read of the same rows as the baseline.
 *
 *   npx tsx test/bench/lineage-replay.bench.ts [--events 10000] [--runs 30]
 *
 * The entity is written through the pull's own applier (applyEntityBundle) and review history
 * applier, in the API's shapes: a dozen fields, enrichment chains with supersedes links, voice
 * events approved or rejected by review items. Measured, each `runs` times after warm-up:
 * - baseline: SELECT of the entity's event rows (every column, raw JSON included);
 * - replay: the point-in-time route's work (read every table that holds the entity's events,
 *   merge, index, replay at an instant);
 * - replay (in memory): prepareLog + stateAt over events already in memory;
 * - entity page: the whole lineage view (current state, every field's series, sinks, reviews).
 * Writes test/bench/results/lineage-replay.json.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EnrichmentHistory, EntityEvent, ReviewItem } from '../../shared/amigo';
import { prepareLog, stateAt, type ReplayEvent } from '../../shared/lineage/replay';
import { openEncryptedDatabase } from '../../electron/server/db/connection';
import { bindWorkspace } from '../../electron/server/db/meta.repo';
import { migrate } from '../../electron/server/db/migrate';
import { sql } from '../../electron/server/db/sql';
import { entityLineage, pointInTime } from '../../electron/server/modules/lineage/lineage.service';
import { applyEntityBundle } from '../../electron/server/sync/apply/entities.apply';
import { applyReviewHistory } from '../../electron/server/sync/apply/review-history.apply';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const EVENTS = arg('events', 10_000);
const RUNS = arg('runs', 30);
const WARMUP = 3;

const WS = '6f1c2a4e-8b0d-4c57-9e21-3a5b7c9d1e01';
const ENTITY = '0bbe0000-0000-4000-8000-000000000001';
const uuid = (kind: number, n: number): string =>
  `0bbe${String(kind).padStart(4, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`;
const T0 = Date.parse('2024-01-01T00:00:00.000Z');
const iso = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

const FIELDS = ['phone', 'address_line', 'city', 'postal_code', 'pharmacy_name', 'medication', 'dose', 'frequency'];
const KEYS = ['preferred_pharmacy', 'callback_phone', 'preferred_language', 'preferred_contact_time'];

/** A deterministic pseudo-random sequence (xorshift32): the same entity on every run. */
const rng = (() => {
  let x = 0x9e3779b9;
  return (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
})();

type HistoryEntry = EnrichmentHistory['history'][number];

interface Built {
  timeline: EntityEvent[];
  history: { key: string; entries: HistoryEntry[] }[];
  reviews: ReviewItem[];
  provenance: { entity_id: string; confidence_history: unknown[] };
}

const build = (): Built => {
  const timeline: EntityEvent[] = [];
  const headByKey = new Map<string, string>();
  const entriesByKey = new Map<string, HistoryEntry[]>();
  const reviews: ReviewItem[] = [];
  for (let n = 0; n < EVENTS; n++) {
    const at = iso(n * 7);
    const id = uuid(1, n);
    if (n % 3 === 0) {
      const key = KEYS[n % KEYS.length] ?? 'preferred_pharmacy';
      const previous = headByKey.get(key) ?? null;
      const value = `${key}-${n}`;
      timeline.push({
        id,
        event_type: 'entity.enriched',
        domain: 'operational',
        data: { key, value, value_type: 'string' },
        confidence: 0.7,
        source: 'connector_runner',
        source_system: 'hubspot',
        effective_at: at,
        ingested_at: at,
        created_at: at,
        supersedes: previous,
        is_current: true,
      });
      for (const e of entriesByKey.get(key) ?? []) e.is_current = false;
      const list = entriesByKey.get(key) ?? [];
      list.push({
        event_id: id,
        value,
        value_type: 'string',
        confidence: 0.7,
        source: 'connector_runner',
        source_system: 'hubspot',
        effective_at: at,
        ingested_at: at,
        supersedes: previous,
        is_current: true,
      });
      entriesByKey.set(key, list);
      headByKey.set(key, id);
      continue;
    }
    const field = FIELDS[n % FIELDS.length] ?? 'phone';
    const fromEhr = rng() < 0.2;
    const verdict = fromEhr ? null : rng() < 0.5 ? 'approved' : rng() < 0.5 ? 'rejected' : null;
    timeline.push({
      id,
      event_type: `patient.${field}_updated`,
      domain: 'operational',
      data: { [field]: `${field}-${n}` },
      confidence: fromEhr ? 1 : verdict === 'approved' ? 0.95 : verdict === 'rejected' ? 0 : 0.5,
      source: fromEhr ? 'connector_runner' : 'voice_agent',
      source_system: fromEhr ? 'revolution' : null,
      produced_by_agent: fromEhr ? null : 'intake-voice-agent/bench',
      effective_at: at,
      ingested_at: at,
      created_at: at,
      is_current: true,
    });
    if (verdict !== null) {
      const done = iso(n * 7 + 3);
      reviews.push({
        id: uuid(2, n),
        workspace_id: WS,
        session_id: uuid(3, n),
        event_ids: [id],
        entity_id: ENTITY,
        entity_type: 'patient',
        priority: 3,
        reason: 'low_confidence',
        judge_analysis: null,
        status: verdict === 'rejected' ? 'rejected' : 'completed',
        assigned_to: 'bench-reviewer',
        created_at: at,
        completed_at: done,
        completed_action: verdict,
      });
    }
  }
  // The timeline lists current events only; the superseded ones reach the local copy the way the
  // simulator reports them: in the provenance's confidence history (and the enrichment history).
  const superseded = new Set(timeline.map((e) => e.supersedes).filter((s): s is string => typeof s === 'string'));
  const confidenceHistory = timeline
    .filter((e) => superseded.has(e.id))
    .map((e) => ({
      event_id: e.id,
      event_type: e.event_type,
      domain: e.domain,
      confidence: e.confidence,
      original_confidence: e.confidence,
      is_current: false,
      supersedes: e.supersedes ?? null,
      source: e.source,
      source_system: e.source_system ?? null,
      produced_by_agent: null,
      fhir_resource_type: null,
      effective_at: e.effective_at ?? null,
      ingested_at: e.ingested_at ?? null,
    }));
  return {
    timeline: timeline.filter((e) => !superseded.has(e.id)),
    history: [...entriesByKey.entries()].map(([key, entries]) => ({ key, entries })),
    reviews,
    provenance: { entity_id: ENTITY, confidence_history: confidenceHistory },
  };
};

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  const round = (v: number): number => Math.round(v * 1000) / 1000;
  return {
    median_ms: round(at(0.5)),
    p95_ms: round(at(0.95)),
    min_ms: round(sorted[0] ?? Number.NaN),
    n: samples.length,
  };
};

const measure = (work: () => unknown): ReturnType<typeof stats> => {
  for (let i = 0; i < WARMUP; i++) work();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    work();
    samples.push(performance.now() - start);
  }
  return stats(samples);
};

const main = (): void => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-bench-lineage-'));
  const db = openEncryptedDatabase({ file: path.join(dir, 'bench.db'), key: randomBytes(32) });
  try {
    migrate(db.write);
    bindWorkspace(db.write, { region: 'us-east-1', workspaceId: WS }, new Date().toISOString());
    const built = build();
    const pulledAt = new Date().toISOString();
    const loadStart = performance.now();
    db.write.transaction(() => {
      applyEntityBundle(
        db.write,
        {
          entity: {
            value: {
              id: ENTITY,
              workspace_id: WS,
              entity_type: 'patient',
              display_name: 'Bench Patient',
              has_projection: true,
              confidence: 0.5,
            },
            raw: { id: ENTITY, workspace_id: WS, entity_type: 'patient', display_name: 'Bench Patient' },
          },
          timeline: built.timeline.map((value) => ({ value, raw: value })),
          enrichment: [],
          histories: built.history.map(({ key, entries }) => ({
            key,
            entries: entries.map((value) => ({ value, raw: value })),
          })),
          merged: { value: { entity_id: ENTITY, linked_entities: [], total: 0 }, linked: [] },
          lineage: { entity_id: ENTITY },
          provenance: built.provenance,
        },
        pulledAt,
      );
      applyReviewHistory(
        db.write,
        built.reviews.map((value) => ({ value, raw: value })),
        pulledAt,
      );
    });
    const loadMs = performance.now() - loadStart;
    const stored = db.read.value<number>(sql`SELECT count(*) FROM entity_events WHERE entity_id = ${ENTITY}`) ?? 0;
    const enrichment =
      db.read.value<number>(sql`SELECT count(*) FROM enrichment_history WHERE entity_id = ${ENTITY}`) ?? 0;

    const instant = iso(EVENTS * 7 * 0.6);
    const baseline = measure(() => db.read.all(sql`SELECT * FROM entity_events WHERE entity_id = ${ENTITY}`));
    const replay = measure(() => pointInTime(db.read, ENTITY, 'believed', instant));
    const inMemoryEvents: ReplayEvent[] = db.read
      .all<{
        id: string;
        event_type: string;
        raw_json: string;
        confidence: number;
        effective_at: string | null;
        ingested_at: string | null;
        supersedes: string | null;
        is_current: number;
      }>(
        sql`SELECT id, event_type, raw_json, confidence, effective_at, ingested_at, supersedes, is_current FROM entity_events WHERE entity_id = ${ENTITY} ORDER BY ingested_at`,
      )
      .map((r) => ({
        id: r.id,
        eventType: r.event_type,
        data: (JSON.parse(r.raw_json) as { data?: Record<string, unknown> }).data ?? null,
        confidence: r.confidence,
        effectiveAt: r.effective_at,
        ingestedAt: r.ingested_at,
        supersedes: r.supersedes,
        isCurrent: r.is_current === 1,
      }));
    const pure = measure(() => stateAt(prepareLog(inMemoryEvents), 'believed', instant));
    const page = measure(() => entityLineage(db.read, ENTITY));
    const fields = pointInTime(db.read, ENTITY, 'believed', instant).state.length;
    const pageBytes = Buffer.byteLength(JSON.stringify(entityLineage(db.read, ENTITY)));

    const result = {
      name: 'lineage-replay',
      description:
        'Point-in-time replay of one entity (as believed at an instant) from the encrypted local copy, vs a raw SQLite read of the same event rows.',
      events: EVENTS,
      stored_event_rows: stored,
      enrichment_rows: enrichment,
      review_items: built.reviews.length,
      fields_at_instant: fields,
      n: replay.n,
      median_ms: replay.median_ms,
      p95_ms: replay.p95_ms,
      baseline: { what: 'SELECT * FROM entity_events WHERE entity_id = ? (same rows, raw JSON included)', ...baseline },
      ratio_to_baseline: Math.round((replay.median_ms / baseline.median_ms) * 100) / 100,
      replay_in_memory: { what: 'prepareLog + stateAt over events already in memory', ...pure },
      entity_page: {
        what: 'the whole lineage view (current state, every field series, sinks, reviews, newest events)',
        ...page,
        json_bytes: pageBytes,
      },
      load_ms: Math.round(loadMs),
      warmup_runs: WARMUP,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: os.cpus().length,
      // Other work on the machine inflates every figure alike; the ratio is the comparable number.
      load_average_1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
      at: new Date().toISOString(),
    };
    const out = path.join(import.meta.dirname, 'results', 'lineage-replay.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

main();
