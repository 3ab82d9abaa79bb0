/**
 * The point-in-time replay rule (shared/lineage/replay.ts) over small hand-made logs: each case
 * names the history it builds and the value each instant must show.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  diffStates,
  eventConfidencePoints,
  fieldSeries,
  prepareLog,
  presentState,
  stateAt,
  supersedesChain,
  type ReplayEvent,
} from '../../../shared/lineage/replay';

const ev = (id: string, over: Partial<ReplayEvent> & { at: string; data: Record<string, unknown> }): ReplayEvent => ({
  id,
  eventType: 'patient.updated',
  confidence: 0.5,
  effectiveAt: over.effectiveAt ?? over.at,
  ingestedAt: over.at,
  supersedes: null,
  isCurrent: true,
  ...over,
});

const valueAt = (events: ReplayEvent[], field: string, at: string, mode: 'believed' | 'true' = 'believed') =>
  stateAt(prepareLog(events), mode, at).get(field)?.value;

describe('as believed at T', () => {
  it('counts only events ingested at or before T', () => {
    const log = [
      ev('a', { at: '2026-03-01T09:00:00.000Z', data: { phone: '111' } }),
      ev('b', { at: '2026-03-05T09:00:00.000Z', data: { city: 'Port Ellis' } }),
    ];
    expect(valueAt(log, 'phone', '2026-02-28T00:00:00.000Z')).toBeUndefined();
    expect(valueAt(log, 'phone', '2026-03-01T09:00:00.000Z')).toBe('111');
    expect(valueAt(log, 'city', '2026-03-04T23:59:59.999Z')).toBeUndefined();
    expect(valueAt(log, 'city', '2026-03-05T09:00:00.000Z')).toBe('Port Ellis');
  });

  it('lets the highest confidence win, ties going to the latest ingested_at', () => {
    const log = [
      ev('ehr', { at: '2026-03-01T09:00:00.000Z', confidence: 1, data: { phone: 'ehr' } }),
      ev('voice', { at: '2026-03-02T09:00:00.000Z', confidence: 0.5, data: { phone: 'voice' } }),
      ev('voice2', { at: '2026-03-03T09:00:00.000Z', confidence: 0.5, data: { city: 'new' } }),
      ev('voice1', { at: '2026-03-02T09:00:00.000Z', confidence: 0.5, data: { city: 'old' } }),
    ];
    expect(valueAt(log, 'phone', '2026-04-01T00:00:00.000Z')).toBe('ehr');
    // Same confidence: the later ingestion wins even though it comes earlier in the log.
    expect(valueAt(log, 'city', '2026-04-01T00:00:00.000Z')).toBe('new');
    expect(valueAt(log, 'city', '2026-03-02T12:00:00.000Z')).toBe('old');
  });

  it('keeps a superseded event current until its successor was ingested', () => {
    const log = [
      ev('v1', {
        at: '2026-03-02T10:00:00.000Z',
        confidence: 0.7,
        isCurrent: false,
        eventType: 'entity.enriched',
        data: { key: 'preferred_pharmacy', value: 'Oak', value_type: 'string' },
      }),
      ev('v2', {
        at: '2026-03-08T09:00:00.000Z',
        confidence: 0.7,
        supersedes: 'v1',
        eventType: 'entity.enriched',
        data: { key: 'preferred_pharmacy', value: 'Cedar', value_type: 'string' },
      }),
    ];
    expect(valueAt(log, 'preferred_pharmacy', '2026-03-07T00:00:00.000Z')).toBe('Oak');
    expect(valueAt(log, 'preferred_pharmacy', '2026-03-08T09:00:00.000Z')).toBe('Cedar');
    expect(presentState(prepareLog(log)).get('preferred_pharmacy')?.eventId).toBe('v2');
  });

  it('drops a superseded event even when its successor has lower confidence or was rejected', () => {
    const log = [
      ev('orig', { at: '2026-03-01T00:00:00.000Z', confidence: 1, isCurrent: false, data: { dose: '10 mg' } }),
      ev('fix', { at: '2026-03-02T00:00:00.000Z', confidence: 0, supersedes: 'orig', data: { dose: '20 mg' } }),
    ];
    expect(valueAt(log, 'dose', '2026-03-01T12:00:00.000Z')).toBe('10 mg');
    expect(valueAt(log, 'dose', '2026-03-03T00:00:00.000Z')).toBeUndefined();
  });

  it('excludes rejected events, and applies a verdict from the time it was made', () => {
    const log = [
      ev('addr', {
        at: '2026-03-10T15:00:00.000Z',
        confidence: 0,
        initialConfidence: 0.3,
        confidenceChanges: [{ at: '2026-03-12T08:00:00.000Z', confidence: 0 }],
        data: { address_line: '12 Harbor Rd' },
      }),
      ev('med', {
        at: '2026-03-03T11:00:00.000Z',
        confidence: 0.95,
        initialConfidence: 0.5,
        confidenceChanges: [{ at: '2026-03-04T09:00:00.000Z', confidence: 0.95 }],
        data: { medication: 'Lisinopril' },
      }),
      ev('never', { at: '2026-03-01T00:00:00.000Z', confidence: 0, data: { allergy: 'none' } }),
    ];
    const p = prepareLog(log);
    expect(stateAt(p, 'believed', '2026-03-11T00:00:00.000Z').get('address_line')?.value).toBe('12 Harbor Rd');
    expect(stateAt(p, 'believed', '2026-03-12T08:00:00.000Z').has('address_line')).toBe(false);
    expect(stateAt(p, 'believed', '2026-03-03T12:00:00.000Z').get('medication')?.confidence).toBe(0.5);
    expect(stateAt(p, 'believed', '2026-03-05T00:00:00.000Z').get('medication')?.confidence).toBe(0.95);
    expect(stateAt(p, 'believed', '2026-03-05T00:00:00.000Z').has('allergy')).toBe(false);
    // Without the initial confidence, the event is taken at today's confidence throughout.
    const unknownStart = prepareLog([{ ...log[1], initialConfidence: null } as ReplayEvent]);
    expect(stateAt(unknownStart, 'believed', '2026-03-03T12:00:00.000Z').get('medication')?.confidence).toBe(0.95);
  });

  it('treats a non-current event without a known successor as replaced at the end of the log', () => {
    const log = [
      ev('lost', { at: '2026-03-01T00:00:00.000Z', isCurrent: false, data: { phone: 'old' } }),
      ev('other', { at: '2026-03-09T00:00:00.000Z', data: { city: 'X' } }),
    ];
    expect(valueAt(log, 'phone', '2026-03-05T00:00:00.000Z')).toBe('old');
    expect(valueAt(log, 'phone', '2026-03-09T00:00:00.000Z')).toBeUndefined();
  });

  it('ignores events whose data is not held and rejects an unreadable instant', () => {
    const p = prepareLog([
      ev('meta', { at: '2026-03-01T00:00:00.000Z', data: {} }),
      { ...ev('x', { at: '2026-03-01T00:00:00.000Z', data: {} }), data: null },
    ]);
    expect(stateAt(p, 'believed', '2026-04-01T00:00:00.000Z').size).toBe(0);
    expect(() => stateAt(p, 'believed', 'yesterday')).toThrow(RangeError);
  });
});

describe('as true at T', () => {
  it('uses effective_at and today’s knowledge: a correction rewrites the past, a newer value does not', () => {
    const log = [
      ev('said', {
        at: '2026-03-05T10:00:00.000Z',
        effectiveAt: '2026-03-05T09:40:00.000Z',
        isCurrent: false,
        data: { pharmacy_name: 'Cedar Pharmacy' },
      }),
      ev('fix', {
        at: '2026-03-06T12:00:00.000Z',
        effectiveAt: '2026-03-05T09:40:00.000Z',
        confidence: 1,
        supersedes: 'said',
        data: { pharmacy_name: 'Cedar Row Pharmacy' },
      }),
      ev('move', {
        at: '2026-03-01T00:00:00.000Z',
        effectiveAt: '2026-04-01T00:00:00.000Z',
        data: { city: 'Later' },
      }),
      ev('home', { at: '2026-03-01T00:00:00.000Z', effectiveAt: '2026-01-01T00:00:00.000Z', data: { city: 'Before' } }),
    ];
    expect(valueAt(log, 'pharmacy_name', '2026-03-05T11:00:00.000Z', 'believed')).toBe('Cedar Pharmacy');
    expect(valueAt(log, 'pharmacy_name', '2026-03-05T11:00:00.000Z', 'true')).toBe('Cedar Row Pharmacy');
    expect(valueAt(log, 'city', '2026-03-15T00:00:00.000Z', 'true')).toBe('Before');
    expect(valueAt(log, 'city', '2026-04-02T00:00:00.000Z', 'true')).toBe('Later');
  });

  it('never counts a rejected event as true', () => {
    const log = [
      ev('r', {
        at: '2026-03-10T00:00:00.000Z',
        confidence: 0,
        initialConfidence: 0.3,
        confidenceChanges: [{ at: '2026-03-12T00:00:00.000Z', confidence: 0 }],
        data: { city: 'Wrong' },
      }),
    ];
    expect(valueAt(log, 'city', '2026-03-11T00:00:00.000Z', 'true')).toBeUndefined();
    expect(valueAt(log, 'city', '2026-03-11T00:00:00.000Z', 'believed')).toBe('Wrong');
  });
});

describe('diffs, chains, series', () => {
  const log = [
    ev('a', { at: '2026-03-01T00:00:00.000Z', confidence: 1, data: { name: 'Ann', phone: '1' } }),
    ev('b', { at: '2026-03-02T00:00:00.000Z', confidence: 0.5, isCurrent: false, data: { city: 'A' } }),
    ev('c', { at: '2026-03-03T00:00:00.000Z', confidence: 1, supersedes: 'b', data: { city: 'B' } }),
    ev('d', { at: '2026-03-04T00:00:00.000Z', confidence: 1, data: { phone: '1' } }),
  ];
  const p = prepareLog(log);

  it('compares two moments field by field', () => {
    const diff = diffStates(
      stateAt(p, 'believed', '2026-03-01T12:00:00.000Z'),
      stateAt(p, 'believed', '2026-03-05T00:00:00.000Z'),
    );
    expect(diff.map((d) => [d.field, d.change])).toEqual([['city', 'added']]);
    const all = diffStates(
      stateAt(p, 'believed', '2026-03-02T12:00:00.000Z'),
      stateAt(p, 'believed', '2026-03-05T00:00:00.000Z'),
      true,
    );
    expect(all.map((d) => [d.field, d.change])).toEqual([
      ['city', 'changed'],
      ['name', 'unchanged'],
      ['phone', 'unchanged'],
    ]);
    expect(diffStates(stateAt(p, 'believed', '2026-03-05T00:00:00.000Z'), new Map())[0]?.change).toBe('removed');
  });

  it('follows supersedes links newest first, marking gaps and stopping at cycles', () => {
    expect(supersedesChain(p, 'c')).toEqual([
      { id: 'c', held: true },
      { id: 'b', held: true },
    ]);
    const gap = prepareLog([ev('x', { at: '2026-03-01T00:00:00.000Z', supersedes: 'gone', data: { a: 1 } })]);
    expect(supersedesChain(gap, 'x')).toEqual([
      { id: 'x', held: true },
      { id: 'gone', held: false },
    ]);
    const loop = prepareLog([
      ev('p', { at: '2026-03-01T00:00:00.000Z', supersedes: 'q', data: { a: 1 } }),
      ev('q', { at: '2026-03-01T00:00:00.000Z', supersedes: 'p', data: { a: 2 } }),
    ]);
    expect(supersedesChain(loop, 'p').map((l) => l.id)).toEqual(['p', 'q']);
  });

  it('gives a step series of the believed value, with verdicts and supersessions as steps', () => {
    const history = prepareLog([
      ev('v', {
        at: '2026-03-01T00:00:00.000Z',
        confidence: 0.95,
        initialConfidence: 0.5,
        confidenceChanges: [{ at: '2026-03-02T00:00:00.000Z', confidence: 0.95 }],
        data: { med: 'L' },
      }),
      ev('w', {
        at: '2026-03-03T00:00:00.000Z',
        confidence: 0,
        initialConfidence: 0.3,
        isCurrent: false,
        data: { med: 'X' },
      }),
      ev('z', { at: '2026-03-04T00:00:00.000Z', confidence: 1, supersedes: 'v', data: { med: 'M' } }),
    ]);
    expect(fieldSeries(history, 'med')).toEqual([
      { at: '2026-03-01T00:00:00.000Z', eventId: 'v', value: 'L', confidence: 0.5 },
      { at: '2026-03-02T00:00:00.000Z', eventId: 'v', value: 'L', confidence: 0.95 },
      { at: '2026-03-04T00:00:00.000Z', eventId: 'z', value: 'M', confidence: 1 },
    ]);
    expect(eventConfidencePoints(history, 'v')).toEqual([
      { at: '2026-03-01T00:00:00.000Z', confidence: 0.5 },
      { at: '2026-03-02T00:00:00.000Z', confidence: 0.95 },
    ]);
    expect(fieldSeries(history, 'nothing')).toEqual([]);
  });

  it('agrees with stateAt at every step of random logs', () => {
    const day = 86_400_000;
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    const arb = fc.array(
      fc.record({
        day: fc.integer({ min: 0, max: 20 }),
        confidence: fc.constantFrom(0, 0.3, 0.5, 0.95, 1),
        value: fc.integer({ min: 0, max: 5 }),
        supersedes: fc.option(fc.nat(30), { nil: null }),
        verdict: fc.option(fc.record({ after: fc.integer({ min: 0, max: 5 }), confidence: fc.constantFrom(0, 0.95) }), {
          nil: null,
        }),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(arb, (specs) => {
        const events: ReplayEvent[] = specs.map((s, i) => ({
          id: `e${i}`,
          eventType: 't',
          data: { f: s.value },
          confidence: s.verdict?.confidence ?? s.confidence,
          initialConfidence: s.confidence,
          confidenceChanges: s.verdict
            ? [{ at: new Date(base + (s.day + s.verdict.after) * day).toISOString(), confidence: s.verdict.confidence }]
            : [],
          effectiveAt: null,
          ingestedAt: new Date(base + s.day * day).toISOString(),
          supersedes: s.supersedes === null || s.supersedes === i ? null : `e${s.supersedes}`,
          isCurrent: true,
        }));
        const prepared = prepareLog(events);
        for (const point of fieldSeries(prepared, 'f')) {
          const w = stateAt(prepared, 'believed', point.at).get('f');
          expect(w?.eventId ?? null).toBe(point.eventId);
          expect(w?.confidence ?? null).toBe(point.confidence);
        }
        for (let d = 0; d <= 26; d++) {
          const at = new Date(base + d * day + day / 2).toISOString();
          const series = fieldSeries(prepared, 'f')
            .filter((pt) => pt.at <= at)
            .at(-1);
          expect(stateAt(prepared, 'believed', at).get('f')?.eventId ?? null).toBe(series?.eventId ?? null);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('writes JSON values canonically', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 1 }] })).toBe('{"a":[{"c":1,"d":2}],"b":1}');
    expect(canonicalJson(undefined)).toBe('null');
  });
});
