import { describe, expect, it } from 'vitest';
import { retentionPolicyRequest } from '../../../shared/amigo';
import { PHI_MARKER } from '../dataset';
import type { DemoWorkspace } from '../directory';
import { DEMO_PEOPLE, DEMO_WORKSPACES } from '../directory';
import { EVIDENCE_FIELDS, SOURCES } from './catalog';
import { callTranscriptText, evidenceTokens, tokensContain, valueAppearsIn } from './evidence';
import { replayState } from './replay';
import { CRM_EVENT_TYPES } from './sync';
import { judgeFields, smallDataset } from './test-helpers';

const NOW = '2026-11-01T00:00:00.000Z';

describe('evidence in transcripts', () => {
  for (const seed of [7, 8, 9]) {
    it(`about 12.5% of extracted values are absent from their call and all others present (seed ${seed})`, () => {
      const { records } = smallDataset(seed);
      const calls = new Map(records.calls.map((c) => [c.id, c]));
      const events = new Map(records.entity_events.map((e) => [e.id, e]));
      const voice = records.entity_events.filter((e) => e.source === SOURCES.voice);
      const seen = new Set<string>();
      const missing = new Set<string>();
      for (const item of records.review_items) {
        const call = calls.get(item.session_id);
        if (!call) throw new Error(`item ${item.id}: no call ${item.session_id}`);
        const text = evidenceTokens(callTranscriptText(call));
        for (const f of judgeFields(item.judge_analysis)) {
          const event = events.get(f.event_id);
          expect(item.event_ids).toContain(f.event_id);
          expect(f.value).toEqual(event?.data?.[f.field]);
          // The independent check: the judge's verdict agrees with plain normalised matching.
          expect(tokensContain(text, f.value), `${f.event_type}.${f.field} = ${String(f.value)}`).toBe(
            f.evidence_found,
          );
          if (f.evidence_found) {
            expect(call.turns[f.turn_index ?? -1]?.user_transcript).toContain(f.quote);
            expect(valueAppearsIn(f.value, f.quote ?? '')).toBe(true);
          } else {
            missing.add(f.event_id);
            expect(f.quote).toBeNull();
            expect(call.turns[f.closest_turn_index ?? -1]?.user_transcript).toContain(f.closest_quote);
          }
          seen.add(f.event_id);
        }
        expect(item.judge_analysis?.evidence_found).toBe(
          !judgeFields(item.judge_analysis).some((f) => !f.evidence_found),
        );
      }
      // Every voice event is judged, on every field the caller states, in exactly one item.
      expect(seen.size).toBe(voice.length);
      const judged = new Map<string, string[]>();
      for (const item of records.review_items)
        for (const f of judgeFields(item.judge_analysis))
          judged.set(f.event_id, [...(judged.get(f.event_id) ?? []), f.field]);
      for (const e of voice) expect(judged.get(e.id)).toEqual(EVIDENCE_FIELDS[e.event_type]);
      const owners = records.review_items.flatMap((i) => i.event_ids);
      expect(new Set(owners).size).toBe(owners.length);
      expect(
        records.review_items.filter((i) => i.event_ids.some((id) => events.get(id)?.source === SOURCES.voice)).length,
      ).toBe(records.review_items.length);
      const rate = missing.size / voice.length;
      expect(rate).toBeGreaterThanOrEqual(0.1);
      expect(rate).toBeLessThanOrEqual(0.15);
      // Items with a missing value are flagged by the judge.
      for (const item of records.review_items) {
        if (judgeFields(item.judge_analysis).some((f) => !f.evidence_found)) expect(item.reason).toBe('judge_flagged');
      }
    });
  }
});

describe('calls', () => {
  it('have ordered, consistent turn timing and caller-stated facts in varied phrasing', () => {
    const { records } = smallDataset();
    const text = records.calls.map((c) => c.turns.map((t) => t.user_transcript ?? '').join('\n')).join('\n');
    for (const call of records.calls) {
      expect(call.turns.length).toBeGreaterThanOrEqual(4);
      expect(call.call_sid).toMatch(/^CA[0-9a-f]{32}$/);
      expect(call.caller_id).toMatch(/^\+1\d{10}$/);
      const start = Date.parse(call.call_start_time ?? '');
      const end = Date.parse(call.call_end_time ?? '');
      let previous = -1;
      for (const t of call.turns) {
        const agentStart = t.agent_speech_start_ms ?? 0;
        expect(agentStart).toBeGreaterThan(previous);
        expect(Date.parse(t.timestamp ?? '')).toBe(start + agentStart);
        expect(t.agent_speech_end_ms ?? 0).toBeGreaterThan(agentStart);
        if (t.user_transcript) {
          const userStart = t.user_speech_start_ms ?? 0;
          expect(t.user_speech_end_ms ?? 0).toBeGreaterThan(userStart);
          // Interrupted: the caller started before the agent stopped.
          expect(userStart < (t.agent_speech_end_ms ?? 0)).toBe(t.interrupted);
          previous = Math.max(t.user_speech_end_ms ?? 0, t.agent_speech_end_ms ?? 0);
        } else {
          previous = t.agent_speech_end_ms ?? 0;
        }
      }
      expect(start + previous).toBeLessThanOrEqual(end);
      expect(call.call_duration_seconds).toBe(Math.round((end - start) / 1000));
    }
    // Digits and words both occur, for phone numbers and for dates.
    expect(text).toMatch(/\b(oh|zero) (one|two|three|four|five|six|seven|eight|nine|oh|zero) /);
    expect(text).toMatch(/\(\d{3}\) 555-01\d\d/);
    expect(text).toMatch(
      /(January|February|March|April|May|June|July|August|September|October|November|December) [a-z]+(-[a-z]+)?, nineteen/,
    );
    expect(text).toMatch(/\d{2}\/\d{2}\/(19|20)\d\d/);
  });
});

describe('supersedes chains', () => {
  it('are well formed: same entity, no cycles, the superseded event is not current', () => {
    const { records } = smallDataset();
    const byId = new Map(records.entity_events.map((e) => [e.id, e]));
    const supersededBy = new Map<string, string>();
    for (const e of records.entity_events) {
      if (!e.supersedes) continue;
      const old = byId.get(e.supersedes);
      expect(old, `event ${e.id} supersedes a missing event`).toBeDefined();
      expect(old?.entity_id).toBe(e.entity_id);
      expect(old?.is_current).toBe(false);
      expect((old?.ingested_at ?? '') <= (e.ingested_at ?? '')).toBe(true);
      expect(supersededBy.has(e.supersedes), 'an event is superseded at most once').toBe(false);
      supersededBy.set(e.supersedes, e.id);
    }
    for (const e of records.entity_events) {
      // Not current ⇔ something supersedes it.
      expect(e.is_current).toBe(!supersededBy.has(e.id));
      const visited = new Set<string>();
      for (let cur: string | null | undefined = e.id; cur; cur = byId.get(cur)?.supersedes) {
        expect(visited.has(cur), 'cycle').toBe(false);
        visited.add(cur);
      }
    }
    // There are chains of EHR updates, corrections and enrichment values.
    const subtypes = new Set(records.entity_events.filter((e) => e.supersedes).map((e) => e.event_subtype));
    expect(subtypes).toContain('ehr_update');
    expect(subtypes).toContain('human_correction');
    expect(records.entity_events.some((e) => e.supersedes && e.event_type === 'entity.enriched')).toBe(true);
  });

  it('enrichment values mirror their entity.enriched events, one current value per key', () => {
    const { records } = smallDataset();
    const byId = new Map(records.entity_events.map((e) => [e.id, e]));
    const current = new Map<string, number>();
    for (const v of records.enrichment) {
      const event = byId.get(v.event_id);
      expect(event?.event_type).toBe('entity.enriched');
      expect(event?.entity_id).toBe(v.entity_id);
      expect(event?.data).toEqual({ key: v.key, value: v.value, value_type: v.value_type });
      expect(event?.supersedes ?? null).toBe(v.supersedes ?? null);
      expect(event?.is_current).toBe(v.is_current);
      expect(event?.confidence).toBe(v.confidence);
      if (v.is_current) current.set(`${v.entity_id}|${v.key}`, (current.get(`${v.entity_id}|${v.key}`) ?? 0) + 1);
    }
    for (const n of current.values()) expect(n).toBe(1);
    expect(records.enrichment.some((v) => v.key === 'preferred_pharmacy' && v.source === SOURCES.review)).toBe(true);
  });
});

/** The replay rule written out again, independently of replay.ts. */
function project(
  events: ReadonlyArray<{
    event_type: string;
    data?: Record<string, unknown> | null;
    confidence: number;
    ingested_at?: string | null;
    is_current: boolean;
  }>,
): Record<string, unknown> {
  const best = new Map<string, { v: unknown; c: number; t: string }>();
  for (const e of events) {
    if (!e.is_current || e.confidence === 0) continue;
    const pairs: Array<[string, unknown]> =
      e.event_type === 'entity.enriched' ? [[String(e.data?.key), e.data?.value]] : Object.entries(e.data ?? {});
    for (const [k, v] of pairs) {
      const b = best.get(k);
      const t = e.ingested_at ?? '';
      if (!b || e.confidence > b.c || (e.confidence === b.c && t >= b.t)) best.set(k, { v, c: e.confidence, t });
    }
  }
  return Object.fromEntries([...best.entries()].map(([k, b]) => [k, b.v]));
}

describe('entities and projections', () => {
  it('state follows the replay rule and the typed fields mirror it', () => {
    const { records } = smallDataset();
    const byEntity = new Map<string, typeof records.entity_events>();
    for (const e of records.entity_events) byEntity.set(e.entity_id, [...(byEntity.get(e.entity_id) ?? []), e]);
    for (const entity of records.entities) {
      const events = byEntity.get(entity.id) ?? [];
      expect(entity.state).toEqual(project(events));
      expect(entity.state).toEqual(replayState(events));
      expect(entity.event_count).toBe(events.length);
      const times = events.map((e) => e.ingested_at ?? '').sort();
      expect(entity.first_seen_at).toBe(times[0]);
      expect(entity.last_event_at).toBe(times[times.length - 1]);
      for (const k of ['name', 'phone', 'birth_date', 'mrn', 'gender', 'email', 'status'] as const) {
        const v = entity.state?.[k];
        expect(entity[k] ?? null).toBe(typeof v === 'string' ? v : null);
      }
    }
    const patient = records.entities.find((e) => e.entity_type === 'patient' && e.state?.pharmacy_name);
    expect(patient?.phone).toMatch(/^\+1\d{3}55501\d{2}$/);
    expect(patient?.mrn).toMatch(/^RC-\d{6}$/);
    expect(patient?.birth_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('applies verdicts: approve 0.95, reject 0.0, correct = superseding 1.0 event', () => {
    const { records } = smallDataset();
    const byId = new Map(records.entity_events.map((e) => [e.id, e]));
    const correctionOf = new Map(records.entity_events.filter((e) => e.supersedes).map((e) => [e.supersedes ?? '', e]));
    const actions = new Set<string>();
    for (const item of records.review_items) {
      for (const summary of item.events ?? []) {
        const event = byId.get(summary.id);
        expect(summary.confidence).toBe(event?.confidence);
        if (item.completed_action) actions.add(item.completed_action);
        switch (item.completed_action) {
          case 'approved':
            expect(event?.confidence).toBe(0.95);
            expect(summary.review_status).toBe('human_approved');
            break;
          case 'rejected':
            expect(event?.confidence).toBe(0);
            expect(summary.review_status).toBe('rejected');
            break;
          case 'corrected': {
            const fix = correctionOf.get(summary.id);
            expect(fix?.confidence).toBe(1);
            expect(fix?.source).toBe(SOURCES.review);
            expect(fix?.ingested_at).toBe(item.completed_at);
            expect(event?.is_current).toBe(false);
            expect(summary.review_status).toBe('corrected');
            break;
          }
          default:
            expect([0.2, 0.3, 0.5]).toContain(event?.confidence);
            expect(['pending', 'flagged']).toContain(summary.review_status);
        }
      }
    }
    expect([...actions].sort()).toEqual(['approved', 'corrected', 'rejected']);
  });

  it('inline entity summaries carry the projected state', () => {
    const { records } = smallDataset();
    const entities = new Map(records.entities.map((e) => [e.id, e]));
    for (const item of records.review_items) {
      const entity = entities.get(item.entity_id ?? '');
      expect(item.entity?.state).toEqual(entity?.state);
      expect(item.entity_type).toBe(entity?.entity_type);
      expect(item.entity?.display_name).toBe(entity?.display_name);
    }
  });

  it('links some patients to CRM duplicates with same_as edges', () => {
    const { records } = smallDataset();
    const entities = new Map(records.entities.map((e) => [e.id, e]));
    expect(records.merges.length).toBeGreaterThan(0);
    for (const m of records.merges) {
      expect(entities.get(m.entity_id)?.entity_type).toBe('patient');
      expect(entities.get(m.linked_entity_id)?.source).toBe(SOURCES.connector);
      expect(entities.get(m.linked_entity_id)?.tags).toContain('crm-contact');
    }
    expect(records.entities.some((e) => e.entity_type === 'practitioner')).toBe(true);
    expect(records.entities.some((e) => e.entity_type === 'pharmacy')).toBe(true);
  });
});

describe('PHI marker', () => {
  it('is planted in every PHI free-text field', () => {
    const { records } = smallDataset();
    const has = (s: unknown): boolean => typeof s === 'string' && s.includes(PHI_MARKER);
    const patients = records.entities.filter((e) => e.entity_type === 'patient');
    for (const p of patients) {
      expect(has(p.display_name)).toBe(true);
      expect(has(p.name)).toBe(true);
      if (p.state?.address_line) expect(has(p.state.address_line)).toBe(true);
    }
    for (const e of records.entities.filter((x) => ['medication', 'allergy', 'appointment'].includes(x.entity_type)))
      expect(has(e.display_name)).toBe(true);
    for (const e of records.entity_events.filter((x) => x.entity_type === 'patient')) {
      if (e.data?.name) expect(has(e.data.name)).toBe(true);
      if (e.data?.address_line) expect(has(e.data.address_line)).toBe(true);
      if (e.data?.email) expect(has(e.data.email)).toBe(true);
    }
    const families = new Set(patients.map((p) => String(p.name).split(' ').pop()));
    for (const call of records.calls) {
      expect(has(call.verified_transcript)).toBe(true);
      expect(has(call.conversation_summary?.summary)).toBe(true);
      for (const turn of call.turns) {
        for (const line of [turn.agent_transcript, turn.user_transcript]) {
          // Any line that names the patient or gives a street address carries the marker.
          const words = (line ?? '').split(/[\s,.?]+/);
          if (words.some((w) => families.has(w)) || /\d+ \S+ (Lane|Street|Road|Avenue|Drive|Court)\b/.test(line ?? ''))
            expect(has(line), line ?? '').toBe(true);
        }
      }
    }
    for (const a of records.audit_events)
      if (a.resource_type === 'patient' && a.resource_name) expect(has(a.resource_name)).toBe(true);
    for (const s of records.sync_events) if (s.entity_type === 'patient') expect(has(s.display_name)).toBe(true);
  });
});

describe('outbound sync', () => {
  it('only reviewed or EHR-sourced contact data leaves, clinical data never reaches the CRM', () => {
    const { records } = smallDataset();
    const byId = new Map(records.entity_events.map((e) => [e.id, e]));
    const sinks = new Map(records.sinks.map((s) => [s.data_source_id, s]));
    for (const row of records.sync_events) {
      const event = byId.get(row.event_id);
      const sink = sinks.get(row.data_source_id ?? '');
      expect(sink).toBeDefined();
      expect(row.event_type).toBe(event?.event_type);
      if (event?.source === SOURCES.voice) expect(event.confidence).toBe(0.95);
      expect(event?.confidence).not.toBe(0);
      if (sink?.source_type === 'crm') expect(CRM_EVENT_TYPES.has(row.event_type)).toBe(true);
      if (row.sync_status === 'failed') expect(row.sync_error).toBeTruthy();
      if (row.sync_status === 'synced') expect(row.synced_at).toBeTruthy();
    }
    const statuses = new Set(records.sync_events.map((r) => r.sync_status));
    expect(statuses).toContain('synced');
    expect(statuses).toContain('failed');
  });

  it('has a correction that has not reached every sink', () => {
    const { records } = smallDataset();
    const corrections = new Set(
      records.entity_events.filter((e) => e.event_subtype === 'human_correction').map((e) => e.id),
    );
    const byEvent = new Map<string, string[]>();
    for (const r of records.sync_events)
      if (corrections.has(r.event_id)) byEvent.set(r.event_id, [...(byEvent.get(r.event_id) ?? []), r.sync_status]);
    const partial = [...byEvent.values()].filter((s) => s.includes('synced') && s.some((x) => x !== 'synced'));
    expect(partial.length).toBeGreaterThan(0);
    for (const ws of DEMO_WORKSPACES) {
      const r = smallDataset(7, ws as DemoWorkspace).records;
      const ids = new Set(r.entity_events.filter((e) => e.event_subtype === 'human_correction').map((e) => e.id));
      const rows = r.sync_events.filter((x) => ids.has(x.event_id));
      const grouped = new Map<string, string[]>();
      for (const x of rows) grouped.set(x.event_id, [...(grouped.get(x.event_id) ?? []), x.sync_status]);
      expect(
        [...grouped.values()].some((s) => s.includes('synced') && s.some((x) => x !== 'synced')),
        ws.slug,
      ).toBe(true);
    }
  });
});

describe('audit events', () => {
  it('come from workspace members and service credentials, within 90 days, mostly in working hours', () => {
    const { records } = smallDataset();
    const members = new Set(
      DEMO_PEOPLE.filter((p) => p.memberships.some((m) => m.workspaceId === records.workspaces[0]?.id)).map(
        (p) => p.sub,
      ),
    );
    const from = new Date(Date.parse(NOW) - 91 * 86_400_000).toISOString();
    let human = 0;
    let afterHours = 0;
    const services = new Set<string>();
    const actors = new Set<string>();
    for (const a of records.audit_events) {
      expect(a.timestamp >= from && a.timestamp <= NOW, a.timestamp).toBe(true);
      services.add(a.service);
      actors.add(a.actor_entity_id ?? '');
      if (members.has(a.actor_entity_id ?? '')) {
        human++;
        const localHour = (new Date(a.timestamp).getUTCHours() + 24 - 5) % 24;
        if (localHour < 7 || localHour >= 19) afterHours++;
      }
      if (['entity.read', 'call.transcript.read', 'review.read', 'entity.lineage.read'].includes(a.action))
        expect(a.phi_accessed).toBe(true);
      if (['auth.login', 'review.list', 'audit.read'].includes(a.action)) expect(a.phi_accessed).toBe(false);
    }
    expect([...services].sort()).toEqual(['api', 'calls', 'identity', 'review-queue', 'world']);
    for (const m of members) expect(actors.has(m)).toBe(true);
    expect(human / records.audit_events.length).toBeGreaterThan(0.3);
    expect(afterHours / human).toBeGreaterThan(0.02);
    expect(afterHours / human).toBeLessThan(0.25);
  });

  it('records every review decision', () => {
    const { records } = smallDataset();
    const decisions = records.audit_events.filter(
      (a) => a.action.startsWith('review.') && ['review.approve', 'review.correct', 'review.reject'].includes(a.action),
    );
    const closed = records.review_items.filter((i) => i.completed_action);
    expect(decisions).toHaveLength(closed.length);
    for (const item of closed) {
      const d = decisions.find((a) => a.resource_id === item.id);
      expect(d?.actor_entity_id).toBe(item.assigned_to);
      expect(d?.timestamp).toBe(item.completed_at);
      expect(d?.metadata?.entity_id).toBe(item.entity_id);
    }
  });
});

describe('workspace, sinks and retention', () => {
  it('mirror the demo directory; one workspace is under legal hold', () => {
    const held: string[] = [];
    for (const ws of DEMO_WORKSPACES) {
      const { records } = smallDataset(7, ws);
      expect(records.workspaces).toHaveLength(1);
      expect(records.workspaces[0]).toMatchObject({ id: ws.id, slug: ws.slug, name: ws.name, region: ws.region });
      expect(records.retention).toHaveLength(1);
      expect(records.sinks.length).toBeGreaterThanOrEqual(2);
      expect(records.sinks.map((s) => s.source_type)).toEqual(expect.arrayContaining(['ehr', 'crm']));
      // Every policy could have been set through PUT /settings/retention.
      const { workspace_id: _ws, ...policy } = records.retention[0] ?? { workspace_id: '' };
      expect(retentionPolicyRequest.safeParse(policy).success, ws.slug).toBe(true);
      if (records.retention[0]?.legal_hold) {
        held.push(ws.slug);
        expect(records.retention[0].legal_hold_reason).toBeTruthy();
      }
    }
    expect(held).toEqual(['riverbend-clinic']);
  });
});
