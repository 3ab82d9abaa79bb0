/**
 * One patient's slice of the world model, built completely and then emitted: EHR baseline events
 * (confidence 1.0) with supersedes chains, enrichment chains, linked medication / allergy /
 * appointment entities, calls with transcripts, voice-extracted events (0.2 / 0.3 / 0.5), review
 * items with the judge's analysis, the verdicts of completed items (0.95 approved, 0.0 rejected,
 * a superseding 1.0 event for a correction), outbound sync rows per sink, projections, and the
 * audit rows of review decisions.
 *
 * Building per patient keeps memory flat at any scale: nothing of patient n is kept once it is
 * emitted, except its index in `callPatient` / `itemPatient` for the audit stream.
 */
import type { DatasetRecord } from '../dataset';
import { PHI_MARKER } from '../dataset';
import type { Actor, GeneratorContext } from './context';
import { DAY, HOUR, MINUTE, fictionalPhone, iso, isoDate, patientIdentity } from './context';
import type { Address, BuiltCall, CallRecord, ConfirmationLevel, FactKind, FactPlan } from './calls';
import { LEVEL_CONFIDENCE, addressLine, buildCall } from './calls';
import type { EnrichmentKey, ReviewReason } from './catalog';
import {
  CRM_SYSTEM,
  DOMAIN_BY_KIND,
  ENRICHMENT_KEYS,
  FHIR_TYPE_BY_KIND,
  SOURCES,
  VOICE_AGENT,
  VOICE_EVENT_TYPES,
} from './catalog';
import { tokensContain } from './evidence';
import type { JudgedEvent } from './judge';
import { ALWAYS_REVIEW_KINDS, itemReason, judgeAnalysis, priorityOf } from './judge';
import { replayFields, replayState } from './replay';
import { Rng } from './rng';
import type { MedicationSpec } from './vocab';
import {
  ALLERGENS,
  APPOINTMENT_REASONS,
  APPOINTMENT_TYPES,
  FREQUENCIES,
  INSURERS,
  MEDICATIONS,
  PHARMACIES,
  PRACTITIONERS,
  REACTIONS,
  SEVERITIES,
  STREET_NAMES,
  STREET_SUFFIXES,
  TIMES_OF_DAY,
} from './vocab';
import { auditRecord } from './audit';
import { planSync } from './sync';

export type EventRecord = DatasetRecord<'entity_events'>;
type EntityRecord = DatasetRecord<'entities'>;
type EnrichmentRecord = DatasetRecord<'enrichment'>;
type ItemRecord = DatasetRecord<'review_items'>;
type SyncRecord = DatasetRecord<'sync_events'>;
type AuditRecord = DatasetRecord<'audit_events'>;
type MergeRecord = DatasetRecord<'merges'>;
type ItemStatus = ItemRecord['status'];
type CompletedAction = NonNullable<ItemRecord['completed_action']>;
type EventReviewStatus = NonNullable<ItemRecord['events']>[number]['review_status'];

/** Share of voice-extracted events whose value the caller never said (hallucinated or mis-heard). */
export const NO_EVIDENCE_RATE = 0.125;
/** Share of review items still open (pending or in progress). */
const OPEN_RATE = 0.77;
/** Share of open items someone has claimed. */
const IN_PROGRESS_RATE = 0.09;

export interface EntityDraft {
  id: string;
  entityType: string;
  displayName: string;
  canonicalId: string | null;
  externalIds: Record<string, unknown>;
  tags: string[];
  source: string;
  events: EventRecord[];
}

interface EventSpec {
  type: string;
  subtype: string | null;
  domain: string;
  data: Record<string, unknown>;
  confidence: number;
  source: string;
  sourceSystem: string | null;
  agent: string | null;
  effectiveMs: number;
  ingestedMs: number;
  fhirType: string | null;
  fhirId: string | null;
  supersedes?: EventRecord | undefined;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Records of one patient (or of the workspace directory), emitted together when complete. */
export class Bundle {
  readonly entities: EntityDraft[] = [];
  readonly events: EventRecord[] = [];
  readonly enrichment: EnrichmentRecord[] = [];
  readonly merges: MergeRecord[] = [];
  readonly calls: CallRecord[] = [];
  readonly syncs: SyncRecord[] = [];
  readonly audits: AuditRecord[] = [];
  private readonly enrichHead = new Map<string, { event: EventRecord; entry: EnrichmentRecord }>();

  constructor(private readonly ctx: GeneratorContext) {}

  entity(d: Omit<EntityDraft, 'events'>): EntityDraft {
    const draft: EntityDraft = { ...d, events: [] };
    this.entities.push(draft);
    return draft;
  }

  event(entity: EntityDraft, spec: EventSpec): EventRecord {
    const id = this.ctx.ids.uuid('event', this.ctx.counters.event++);
    const ingested = iso(spec.ingestedMs);
    const record: EventRecord = {
      id,
      entity_id: entity.id,
      event_type: spec.type,
      event_subtype: spec.subtype,
      domain: spec.domain,
      entity_type: entity.entityType,
      data: spec.data,
      confidence: spec.confidence,
      source: spec.source,
      source_system: spec.sourceSystem,
      produced_by_agent: spec.agent,
      effective_at: iso(Math.min(spec.effectiveMs, spec.ingestedMs)),
      ingested_at: ingested,
      created_at: ingested,
      supersedes: spec.supersedes?.id ?? null,
      is_current: true,
      fhir_resource_type: spec.fhirType,
      fhir_resource_id: spec.fhirId,
      sync_status: null,
      sync_error: null,
      synced_at: null,
    };
    if (spec.supersedes) spec.supersedes.is_current = false;
    entity.events.push(record);
    this.events.push(record);
    return record;
  }

  /** Writes an `entity.enriched` event and its enrichment entry; the previous value of the key is superseded. */
  enrich(
    entity: EntityDraft,
    key: EnrichmentKey,
    value: unknown,
    confidence: number,
    source: string,
    sourceSystem: string | null,
    atMs: number,
    subtype: string,
  ): void {
    const head = `${entity.id}|${key}`;
    const previous = this.enrichHead.get(head);
    const valueType = ENRICHMENT_KEYS[key];
    const event = this.event(entity, {
      type: 'entity.enriched',
      subtype,
      domain: 'operational',
      data: { key, value, value_type: valueType },
      confidence,
      source,
      sourceSystem,
      agent: null,
      effectiveMs: atMs,
      ingestedMs: atMs,
      fhirType: null,
      fhirId: null,
      supersedes: previous?.event,
    });
    const entry: EnrichmentRecord = {
      entity_id: entity.id,
      key,
      event_id: event.id,
      value,
      value_type: valueType,
      confidence,
      source,
      source_system: sourceSystem,
      effective_at: event.effective_at,
      ingested_at: event.ingested_at ?? iso(atMs),
      supersedes: previous?.event.id ?? null,
      is_current: true,
    };
    if (previous) previous.entry.is_current = false;
    this.enrichment.push(entry);
    this.enrichHead.set(head, { event, entry });
  }

  /**
   * Projects every entity and hands all records to the sink, entities first. Review items are
   * built last because they embed the projected entity state.
   */
  emit(buildItems: (projected: ReadonlyMap<string, EntityRecord>) => ItemRecord[] = () => []): void {
    const projected = new Map<string, EntityRecord>();
    for (const d of this.entities) projected.set(d.id, entityRecord(this.ctx, d));
    const items = buildItems(projected);
    const { emitter } = this.ctx;
    for (const e of projected.values()) emitter.emit('entities', e);
    for (const e of this.events) emitter.emit('entity_events', e);
    for (const e of this.enrichment) emitter.emit('enrichment', e);
    for (const m of this.merges) emitter.emit('merges', m);
    for (const c of this.calls) emitter.emit('calls', c);
    for (const i of items) emitter.emit('review_items', i);
    for (const s of this.syncs) emitter.emit('sync_events', s);
    for (const a of this.audits) emitter.emit('audit_events', a);
  }
}

function entityRecord(ctx: GeneratorContext, d: EntityDraft): EntityRecord {
  const winners = replayFields(d.events);
  const state = replayState(d.events);
  const times = d.events
    .map((e) => e.ingested_at ?? '')
    .filter(Boolean)
    .sort();
  const first = times[0] ?? null;
  const last = times[times.length - 1] ?? null;
  const confidences = [...winners.values()].map((w) => w.confidence);
  const str = (k: string): string | null => {
    const v = state[k];
    return typeof v === 'string' ? v : null;
  };
  return {
    id: d.id,
    workspace_id: ctx.workspace.id,
    entity_type: d.entityType,
    display_name: d.displayName,
    canonical_id: d.canonicalId,
    external_ids: d.externalIds,
    tags: d.tags,
    state,
    has_projection: winners.size > 0,
    // The weakest field decides how far the projection as a whole can be trusted.
    confidence: confidences.length > 0 ? round2(Math.min(...confidences)) : 0,
    event_count: d.events.length,
    source: d.source,
    first_seen_at: first,
    last_event_at: last,
    created_at: first,
    updated_at: last,
    name: str('name'),
    email: str('email'),
    phone: str('phone'),
    birth_date: str('birth_date'),
    gender: str('gender'),
    mrn: str('mrn'),
    status: str('status'),
  };
}

/** Practitioners and pharmacies: a small directory of non-patient entities from the EHR. */
export function buildDirectory(ctx: GeneratorContext): void {
  const rng = Rng.keyed(ctx.seed, ctx.workspace.id, 'directory');
  const b = new Bundle(ctx);
  const base = ctx.nowMs - 1400 * DAY;
  PRACTITIONERS.forEach(([name, specialty], n) => {
    const id = ctx.ids.uuid('practitioner', n);
    const fhirId = `${ctx.ehrPrefix}-prac-${String(n + 1).padStart(4, '0')}`;
    const d = b.entity({
      id,
      entityType: 'practitioner',
      displayName: name,
      canonicalId: fhirId,
      externalIds: { [ctx.ehrSystem]: fhirId },
      tags: ['practitioner'],
      source: SOURCES.connector,
    });
    const at = base + rng.int(0, 300) * DAY;
    b.event(d, {
      type: 'practitioner.registered',
      subtype: 'ehr_sync',
      domain: 'operational',
      data: { name, specialty, npi: `9${String(rng.int(0, 999_999_999)).padStart(9, '0')}`, status: 'active' },
      confidence: 1,
      source: SOURCES.connector,
      sourceSystem: ctx.ehrSystem,
      agent: null,
      effectiveMs: at,
      ingestedMs: at,
      fhirType: 'Practitioner',
      fhirId,
    });
  });
  PHARMACIES.forEach(([name, location], n) => {
    const id = ctx.ids.uuid('pharmacy', n);
    const fhirId = `${ctx.ehrPrefix}-org-${String(n + 1).padStart(4, '0')}`;
    const d = b.entity({
      id,
      entityType: 'pharmacy',
      displayName: `${name}, ${location}`,
      canonicalId: fhirId,
      externalIds: { [ctx.ehrSystem]: fhirId },
      tags: ['pharmacy'],
      source: SOURCES.connector,
    });
    const at = base + rng.int(0, 300) * DAY;
    b.event(d, {
      type: 'pharmacy.registered',
      subtype: 'ehr_sync',
      domain: 'operational',
      data: {
        name,
        location,
        phone: fictionalPhone(rng),
        ncpdp_id: String(rng.int(1_000_000, 9_999_999)),
        status: 'active',
      },
      confidence: 1,
      source: SOURCES.connector,
      sourceSystem: ctx.ehrSystem,
      agent: null,
      effectiveMs: at,
      ingestedMs: at,
      fhirType: 'Organization',
      fhirId,
    });
  });
  b.emit();
}

function makeAddress(ctx: GeneratorContext, rng: Rng): Address {
  const digit = (): number => rng.int(0, 9);
  const letter = (): string => 'ABCEGHJKLMNPRSTVXY'.charAt(rng.int(0, 17));
  return {
    number: String(rng.int(2, 1999)),
    street: `${PHI_MARKER} ${rng.pick(STREET_NAMES)} ${rng.pick(STREET_SUFFIXES)}`,
    city: rng.pick(ctx.locale.cities),
    region: rng.pick(ctx.locale.regions),
    postal_code: ctx.locale.postalCode(digit, letter),
  };
}

const addressData = (a: Address): Record<string, string> => ({
  address_line: addressLine(a),
  city: a.city,
  region: a.region,
  postal_code: a.postal_code,
});

interface MedTruth {
  entity: EntityDraft;
  spec: MedicationSpec;
  dose: string;
  frequency: string;
  ehrId: string | null;
}

/** Everything known about one extracted event while the patient is being built. */
interface VoiceEvent extends JudgedEvent {
  record: EventRecord;
  entity: EntityDraft;
  call: BuiltCall;
  reviewStatus: EventReviewStatus;
  correction: EventRecord | null;
  /** When it became eligible for outbound sync (approved or corrected), if it did. */
  releasedMs: number | null;
}

interface ItemDraft {
  id: string;
  entity: EntityDraft;
  call: BuiltCall;
  events: VoiceEvent[];
  createdMs: number;
  reason: ReviewReason;
  priority: number;
  judge: Record<string, unknown>;
  status: ItemStatus;
  action: CompletedAction | null;
  completedMs: number | null;
  assignee: Actor | null;
}

const FREQUENCY_CODED: Readonly<Record<string, string>> = {
  'once a day': 'once daily',
  'twice a day': 'twice daily',
  'every morning': 'once daily in the morning',
  'at bedtime': 'once daily at bedtime',
  'three times a day': 'three times daily',
  'as needed': 'as needed (PRN)',
};

/** A plausible wrong value for one stated field: what a hallucinating or mis-hearing extractor writes. */
function mutate(kind: FactKind, data: Record<string, unknown>, rng: Rng): { field: string; value: string } | null {
  const s = (k: string): string => String(data[k] ?? '');
  switch (kind) {
    case 'pharmacy': {
      const others = PHARMACIES.filter(([n]) => n !== s('pharmacy_name'));
      return { field: 'pharmacy_name', value: rng.pick(others)[0] };
    }
    case 'phone': {
      const digits = s('phone').split('');
      const i = rng.int(digits.length - 4, digits.length - 1);
      const old = Number(digits[i]);
      digits[i] = String((old + rng.int(1, 9)) % 10);
      return { field: 'phone', value: digits.join('') };
    }
    case 'address': {
      const [num, ...rest] = s('address_line').split(' ');
      const n = Number(num);
      const swapped = num && num.length > 1 ? num.split('').reverse().join('') : '';
      const next = swapped && swapped !== num && !swapped.startsWith('0') ? swapped : String(n + rng.int(1, 9) * 10);
      return { field: 'address_line', value: [next, ...rest].join(' ') };
    }
    case 'dob': {
      const [y, m, d] = s('birth_date').split('-').map(Number);
      if (y === undefined || m === undefined || d === undefined) return null;
      const shifted = rng.chance(0.5)
        ? new Date(Date.UTC(y, m - 1, d + rng.pick([-2, -1, 1, 2, 10])))
        : new Date(Date.UTC(y + rng.pick([-10, -1, 1, 10]), m - 1, d));
      return { field: 'birth_date', value: shifted.toISOString().slice(0, 10) };
    }
    case 'medication': {
      if (rng.chance(0.5)) {
        const spec = MEDICATIONS.find((m) => m.name === s('medication'));
        return { field: 'medication', value: spec?.soundAlike ?? rng.pick(MEDICATIONS).name };
      }
      const match = /^(\d+) (mg|mcg)$/.exec(s('dose'));
      return match ? { field: 'dose', value: `${Number(match[1]) * 10} ${match[2] ?? 'mg'}` } : null;
    }
    case 'allergy':
      return { field: 'substance', value: rng.pick(ALLERGENS.filter((a) => a !== s('substance'))) };
    case 'appointment': {
      const [y, m, d] = s('requested_date').split('-').map(Number);
      if (y === undefined || m === undefined || d === undefined) return null;
      return {
        field: 'requested_date',
        value: new Date(Date.UTC(y, m - 1, d + rng.pick([-3, -2, -1, 1, 2, 3, 7]))).toISOString().slice(0, 10),
      };
    }
  }
}

/** What a reviewer's correction writes: the true value for a wrong field, else a normalising tweak. */
function correctedData(e: VoiceEvent, rng: Rng): Record<string, unknown> | null {
  const data = { ...e.data };
  if (e.mutatedField) {
    data[e.mutatedField] = e.fact.values[e.mutatedField];
    return data;
  }
  switch (e.kind) {
    case 'pharmacy':
      data.pharmacy_name = `${String(data.pharmacy_name)} #${rng.int(100, 999)}`;
      return data;
    case 'phone':
      data.phone_use = data.phone_use === 'mobile' ? 'home' : 'mobile';
      return data;
    case 'address':
      data.address_line = `${String(data.address_line)}, Apt ${rng.int(1, 40)}`;
      return data;
    case 'medication':
      data.frequency = FREQUENCY_CODED[String(data.frequency)] ?? data.frequency;
      return data;
    case 'allergy':
      data.severity = rng.pick(SEVERITIES);
      return data;
    case 'appointment':
      data.time_of_day = rng.pick(TIMES_OF_DAY.filter((t) => t !== data.time_of_day));
      return data;
    case 'dob':
      return null;
  }
}

/** Call start times in the last 90 days, during the clinic's phone hours, at least 2 h apart. */
function callTimes(ctx: GeneratorContext, rng: Rng, n: number): number[] {
  const offset = ctx.locale.utcOffsetHours * HOUR;
  const latest = ctx.nowMs - 3 * HOUR;
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const localNow = ctx.nowMs + offset;
    const day = localNow - (localNow % DAY) - rng.int(0, 89) * DAY;
    const hour = rng.chance(0.9) ? rng.float(8, 18) : rng.float(18, 21);
    out.push(Math.min(day + hour * HOUR - offset, latest - rng.int(0, 3600) * 1000));
  }
  out.sort((a, b) => a - b);
  for (let k = 1; k < out.length; k++) {
    const prev = out[k - 1] ?? 0;
    if ((out[k] ?? 0) - prev < 2 * HOUR) out[k] = prev + 2 * HOUR + rng.int(0, 3600) * 1000;
  }
  return out.filter((t) => t <= latest);
}

const KIND_WEIGHTS: ReadonlyArray<readonly [FactKind, number]> = [
  ['pharmacy', 16],
  ['phone', 14],
  ['address', 9],
  ['dob', 8],
  ['medication', 20],
  ['allergy', 12],
  ['appointment', 21],
];

export function buildPatient(ctx: GeneratorContext, index: number): void {
  const who = patientIdentity(ctx, index);
  const rng = Rng.keyed(ctx.seed, ctx.workspace.id, 'patient-world', index);
  const b = new Bundle(ctx);
  const now = ctx.nowMs;
  const serial = who.ehrId.split('-').pop() ?? String(index);
  const callWindowStart = now - 90 * DAY;
  const regMs = now - rng.int(120, 1500) * DAY - rng.int(0, DAY - 1);
  // EHR history happens before the call window, so a call always sees the EHR's latest values.
  const ehrEnd = Math.max(regMs + 2 * HOUR, callWindowStart - DAY);
  const ehrTime = (): number => regMs + HOUR + Math.floor(rng.next() * (ehrEnd - regMs - HOUR));
  const fhirId = (kind: string): string => `${ctx.ehrPrefix}-${kind}-${String(++ctx.counters.fhir).padStart(7, '0')}`;

  const patient = b.entity({
    id: who.entityId,
    entityType: 'patient',
    displayName: who.name,
    canonicalId: who.mrn,
    externalIds: { [ctx.ehrSystem]: who.ehrId, mrn: who.mrn },
    tags: ['patient'],
    source: SOURCES.connector,
  });
  const lastEhr = new Map<string, EventRecord>();
  const ehrEvent = (
    entity: EntityDraft,
    type: string,
    data: Record<string, unknown>,
    atMs: number,
    fhirType: string | null,
    id: string | null,
    domain = 'operational',
  ): EventRecord => {
    const key = `${entity.id}|${type}`;
    const previous = lastEhr.get(key);
    const record = b.event(entity, {
      type,
      subtype: previous ? 'ehr_update' : 'ehr_sync',
      domain,
      data,
      confidence: 1,
      source: SOURCES.connector,
      sourceSystem: ctx.ehrSystem,
      agent: null,
      effectiveMs: atMs - rng.int(0, 3 * 24) * HOUR,
      ingestedMs: atMs,
      fhirType,
      fhirId: id,
      supersedes: previous,
    });
    lastEhr.set(key, record);
    return record;
  };

  // --- EHR baseline ------------------------------------------------------------------------
  const truth = {
    phone: who.phone,
    address: makeAddress(ctx, rng),
    pharmacy: rng.chance(0.85) ? rng.pick(PHARMACIES) : null,
    meds: [] as MedTruth[],
    allergies: [] as string[],
  };
  /** What the EHR says now, for "conflicting_values". */
  const ehrValue: Record<string, string> = {
    birth_date: who.birthDate,
    phone: who.phone,
    address_line: addressLine(truth.address),
  };
  ehrEvent(
    patient,
    'patient.registered',
    { name: who.name, birth_date: who.birthDate, gender: who.gender, mrn: who.mrn, status: 'active' },
    regMs,
    'Patient',
    who.ehrId,
  );
  ehrEvent(
    patient,
    'patient.phone_updated',
    { phone: who.phone, phone_use: 'mobile' },
    regMs + 1000,
    'Patient',
    who.ehrId,
  );
  ehrEvent(patient, 'patient.address_changed', addressData(truth.address), regMs + 2000, 'Patient', who.ehrId);
  if (truth.pharmacy) {
    ehrEvent(
      patient,
      'patient.pharmacy_changed',
      { pharmacy_name: truth.pharmacy[0], pharmacy_location: truth.pharmacy[1] },
      regMs + 3000,
      'Patient',
      who.ehrId,
    );
    ehrValue.pharmacy_name = truth.pharmacy[0];
  }
  const coverageId = `${ctx.ehrPrefix}-cov-${serial}`;
  if (rng.chance(0.9)) {
    ehrEvent(
      patient,
      'patient.insurance_updated',
      {
        insurance_payer: rng.pick(INSURERS),
        insurance_member_id: `${rng.pick(['BHP', 'NSM', 'EVC', 'HBI'])}${rng.int(10_000_000, 99_999_999)}`,
      },
      regMs + 4000,
      'Coverage',
      coverageId,
    );
  }
  if (rng.chance(0.6))
    ehrEvent(patient, 'patient.email_updated', { email: who.email }, regMs + 5000, 'Patient', who.ehrId);

  b.enrich(
    patient,
    'preferred_language',
    ctx.locale.language === 'de' && rng.chance(0.7)
      ? 'de'
      : rng.weighted<string>([
          ['en', 8],
          ['es', 1],
          ['fr', 1],
        ]),
    1,
    SOURCES.connector,
    ctx.ehrSystem,
    regMs + 10_000,
    'ehr_sync',
  );
  if (rng.chance(0.8))
    b.enrich(patient, 'callback_phone', who.phone, 1, SOURCES.connector, ctx.ehrSystem, regMs + 11_000, 'ehr_sync');
  if (truth.pharmacy)
    b.enrich(
      patient,
      'preferred_pharmacy',
      `${truth.pharmacy[0]}, ${truth.pharmacy[1]}`,
      1,
      SOURCES.connector,
      ctx.ehrSystem,
      regMs + 12_000,
      'ehr_sync',
    );
  if (rng.chance(0.5))
    b.enrich(
      patient,
      'appointment_reminders_opt_in',
      rng.chance(0.8),
      1,
      SOURCES.connector,
      ctx.ehrSystem,
      regMs + 13_000,
      'ehr_sync',
    );

  // Later EHR corrections (1.0) supersede the earlier EHR value: chains of length 2 or 3.
  const updates = rng.weighted<number>([
    [0, 70],
    [1, 22],
    [2, 8],
  ]);
  const updateTimes = Array.from({ length: updates }, ehrTime).sort((x, y) => x - y);
  for (const at of updateTimes) {
    const what = rng.weighted<'phone' | 'address' | 'insurance'>([
      ['phone', 4],
      ['address', 4],
      ['insurance', 2],
    ]);
    if (what === 'phone') {
      truth.phone = fictionalPhone(rng);
      ehrValue.phone = truth.phone;
      ehrEvent(
        patient,
        'patient.phone_updated',
        { phone: truth.phone, phone_use: rng.pick(['mobile', 'home']) },
        at,
        'Patient',
        who.ehrId,
      );
    } else if (what === 'address') {
      truth.address = makeAddress(ctx, rng);
      ehrValue.address_line = addressLine(truth.address);
      ehrEvent(patient, 'patient.address_changed', addressData(truth.address), at, 'Patient', who.ehrId);
    } else {
      ehrEvent(
        patient,
        'patient.insurance_updated',
        {
          insurance_payer: rng.pick(INSURERS),
          insurance_member_id: `${rng.pick(['BHP', 'NSM', 'EVC', 'HBI'])}${rng.int(10_000_000, 99_999_999)}`,
        },
        at,
        'Coverage',
        coverageId,
      );
    }
  }
  if (rng.chance(0.25))
    b.enrich(
      patient,
      'preferred_contact_time',
      rng.pick(['morning', 'afternoon', 'evening']),
      1,
      SOURCES.manual,
      null,
      ehrTime(),
      'front_desk',
    );

  const medEntity = (spec: MedicationSpec, source: string, ehrId: string | null): EntityDraft =>
    b.entity({
      id: ctx.ids.uuid('medication', ctx.counters.medication++),
      entityType: 'medication',
      displayName: `${spec.name} (${who.name})`,
      canonicalId: ehrId,
      externalIds: ehrId ? { [ctx.ehrSystem]: ehrId } : {},
      tags: ['medication'],
      source,
    });
  for (const spec of rng.sample(
    MEDICATIONS,
    rng.weighted<number>([
      [0, 25],
      [1, 35],
      [2, 25],
      [3, 15],
    ]),
  )) {
    const id = fhirId('ms');
    const entity = medEntity(spec, SOURCES.connector, id);
    const med: MedTruth = { entity, spec, dose: rng.pick(spec.doses), frequency: rng.pick(FREQUENCIES), ehrId: id };
    const at = ehrTime();
    ehrEvent(
      entity,
      'medication.recorded',
      {
        patient_entity_id: patient.id,
        medication: spec.name,
        dose: med.dose,
        frequency: med.frequency,
        status: 'active',
      },
      at,
      'MedicationStatement',
      id,
      'clinical',
    );
    if (spec.doses.length > 1 && rng.chance(0.12)) {
      med.dose = rng.pick(spec.doses.filter((d) => d !== med.dose));
      const later = at + Math.floor(rng.next() * Math.max(HOUR, ehrEnd - at));
      ehrEvent(
        entity,
        'medication.recorded',
        {
          patient_entity_id: patient.id,
          medication: spec.name,
          dose: med.dose,
          frequency: med.frequency,
          status: 'active',
        },
        later,
        'MedicationStatement',
        id,
        'clinical',
      );
    }
    truth.meds.push(med);
  }
  for (const substance of rng.sample(
    ALLERGENS,
    rng.weighted<number>([
      [0, 45],
      [1, 40],
      [2, 15],
    ]),
  )) {
    const id = fhirId('ai');
    const entity = b.entity({
      id: ctx.ids.uuid('allergy', ctx.counters.allergy++),
      entityType: 'allergy',
      displayName: `Allergy to ${substance} (${who.name})`,
      canonicalId: id,
      externalIds: { [ctx.ehrSystem]: id },
      tags: ['allergy'],
      source: SOURCES.connector,
    });
    ehrEvent(
      entity,
      'allergy.recorded',
      {
        patient_entity_id: patient.id,
        substance,
        reaction: rng.pick(REACTIONS),
        severity: rng.pick(SEVERITIES),
        clinical_status: 'active',
      },
      ehrTime(),
      'AllergyIntolerance',
      id,
      'clinical',
    );
    truth.allergies.push(substance);
  }

  // Cross-source duplicate: the same person as a CRM contact, linked by a same_as edge.
  if (rng.chance(0.05)) {
    const dup = b.entity({
      id: ctx.ids.uuid('patient-dup', index),
      entityType: 'patient',
      displayName: `${who.family}, ${who.firstName}`,
      canonicalId: null,
      externalIds: { [CRM_SYSTEM]: `contact-${rng.int(100_000, 999_999)}` },
      tags: ['patient', 'crm-contact'],
      source: SOURCES.connector,
    });
    const at = regMs + rng.int(1, 60) * DAY;
    b.event(dup, {
      type: 'contact.synced',
      subtype: 'crm_sync',
      domain: 'operational',
      data: { name: `${who.family}, ${who.firstName}`, phone: who.phone, email: who.email },
      confidence: 1,
      source: SOURCES.connector,
      sourceSystem: CRM_SYSTEM,
      agent: null,
      effectiveMs: at,
      ingestedMs: Math.min(at, now - HOUR),
      fhirType: null,
      fhirId: null,
    });
    b.merges.push({ entity_id: patient.id, linked_entity_id: dup.id, confidence: round2(rng.float(0.82, 0.99)) });
  }

  // --- Calls and what the agent extracted -----------------------------------------------------
  const fb = ctx.feedback;
  const perPatient = ctx.spec.reviewItems / ctx.spec.patients;
  const itemsPerCall = ctx.counters.call > 20 ? fb.itemsProduced / ctx.counters.call : 1.7;
  const deficit = perPatient * (index + 1) - fb.itemsProduced;
  const nCalls = rng.chance(0.08) ? 0 : Math.max(0, Math.min(5, Math.floor(deficit / itemsPerCall + rng.next())));
  const voiceEvents: VoiceEvent[] = [];
  const drafts: ItemDraft[] = [];

  for (const startMs of callTimes(ctx, rng, nCalls)) {
    const callIndex = ctx.counters.call++;
    const callId = ctx.ids.uuid('call', callIndex);
    ctx.callPatient.push(index);
    const dobSpoken = rng.chance(0.75);
    const k = rng.weighted<number>([
      [1, 45],
      [2, 35],
      [3, 15],
      [4, 5],
    ]);
    const kinds = new Set<FactKind>();
    for (let guard = 0; kinds.size < k && guard < 20; guard++) {
      const kind = rng.weighted(KIND_WEIGHTS);
      if (kind === 'dob' && !dobSpoken) continue;
      if (kind === 'allergy' && truth.allergies.length >= ALLERGENS.length - 1) continue;
      kinds.add(kind);
    }

    const plans: Array<{ plan: FactPlan; target: () => EntityDraft; med?: MedTruth }> = [];
    for (const kind of kinds) {
      fb.voiceEvents++;
      fb.hallucinationCredit += NO_EVIDENCE_RATE;
      const misheard = rng.next() < fb.hallucinationCredit;
      const level: ConfirmationLevel = misheard
        ? rng.weighted<ConfirmationLevel>([
            ['mentioned', 6],
            ['inferred', 4],
          ])
        : rng.weighted<ConfirmationLevel>([
            ['confirmed', 35],
            ['mentioned', 45],
            ['inferred', 20],
          ]);
      const plan: FactPlan = {
        kind,
        values: {},
        level,
        readBack: !misheard && level === 'confirmed',
        misheard,
        doseChange: false,
      };
      let target: () => EntityDraft = () => patient;
      let med: MedTruth | undefined;
      switch (kind) {
        case 'pharmacy': {
          const [name, location] = rng.pick(PHARMACIES.filter(([n]) => n !== truth.pharmacy?.[0]));
          plan.values = { pharmacy_name: name, pharmacy_location: location };
          break;
        }
        case 'phone': {
          let phone = fictionalPhone(rng);
          while (phone === truth.phone) phone = fictionalPhone(rng);
          plan.values = {
            phone,
            phone_use: rng.weighted<string>([
              ['mobile', 6],
              ['home', 3],
              ['work', 1],
            ]),
          };
          break;
        }
        case 'address':
          plan.values = addressData(makeAddress(ctx, rng));
          break;
        case 'dob':
          plan.values = { birth_date: who.birthDate };
          break;
        case 'medication': {
          const changeable = truth.meds.filter((m) => m.spec.doses.length > 1);
          const existing = changeable.length > 0 && rng.chance(0.3) ? rng.pick(changeable) : undefined;
          if (existing) {
            plan.doseChange = true;
            plan.values = {
              medication: existing.spec.name,
              dose: rng.pick(existing.spec.doses.filter((d) => d !== existing.dose)),
              frequency: existing.frequency,
            };
            med = existing;
            target = () => existing.entity;
          } else {
            const taken = new Set(truth.meds.map((m) => m.spec.name));
            const spec = rng.pick(
              MEDICATIONS.filter((m) => !taken.has(m.name)).concat(
                taken.size === MEDICATIONS.length ? MEDICATIONS : [],
              ),
            );
            plan.values = { medication: spec.name, dose: rng.pick(spec.doses), frequency: rng.pick(FREQUENCIES) };
            let created: EntityDraft | undefined;
            target = () => (created ??= medEntity(spec, SOURCES.voice, null));
            med = {
              entity: patient,
              spec,
              dose: plan.values.dose ?? '',
              frequency: plan.values.frequency ?? '',
              ehrId: null,
            };
          }
          break;
        }
        case 'allergy': {
          const substance = rng.pick(ALLERGENS.filter((a) => !truth.allergies.includes(a)));
          plan.values = { substance, reaction: rng.pick(REACTIONS) };
          let created: EntityDraft | undefined;
          target = () =>
            (created ??= b.entity({
              id: ctx.ids.uuid('allergy', ctx.counters.allergy++),
              entityType: 'allergy',
              displayName: `Allergy to ${substance} (${who.name})`,
              canonicalId: null,
              externalIds: {},
              tags: ['allergy'],
              source: SOURCES.voice,
            }));
          break;
        }
        case 'appointment': {
          plan.values = {
            appointment_type: rng.pick(APPOINTMENT_TYPES),
            requested_date: isoDate(startMs + rng.int(2, 30) * DAY),
            time_of_day: rng.pick(TIMES_OF_DAY),
            reason: rng.pick(APPOINTMENT_REASONS),
          };
          let created: EntityDraft | undefined;
          target = () =>
            (created ??= b.entity({
              id: ctx.ids.uuid('appointment', ctx.counters.appointment++),
              entityType: 'appointment',
              displayName: `${plan.values.appointment_type ?? 'Appointment'} for ${who.name}`,
              canonicalId: null,
              externalIds: {},
              tags: ['appointment'],
              source: SOURCES.voice,
            }));
          break;
        }
      }
      plans.push({ plan, target, ...(med ? { med } : {}) });
    }

    const built = buildCall(ctx, rng, {
      callIndex,
      callId,
      who,
      patientPhone: truth.phone,
      startMs,
      outbound: rng.chance(0.1),
      dobSpoken,
      facts: plans.map((p) => p.plan),
    });
    b.calls.push(built.call);

    const callEvents: VoiceEvent[] = [];
    plans.forEach(({ plan, target, med }, n) => {
      const entity = target();
      // Linked entities (medication, allergy, appointment) name their patient.
      const linked = plan.kind === 'medication' || plan.kind === 'allergy' || plan.kind === 'appointment';
      const data: Record<string, unknown> = linked
        ? { patient_entity_id: patient.id, ...plan.values }
        : { ...plan.values };
      if (plan.kind === 'appointment') data.status = 'proposed';
      let mutatedField: string | null = null;
      if (plan.misheard) {
        for (let attempt = 0; attempt < 6 && mutatedField === null; attempt++) {
          const m = mutate(plan.kind, data, rng);
          // Only a value that really is absent from the call counts as "no evidence".
          if (m && m.value !== data[m.field] && !tokensContain(built.tokens, m.value)) {
            data[m.field] = m.value;
            mutatedField = m.field;
          }
        }
        if (mutatedField !== null) fb.hallucinationCredit -= 1;
      }
      const evidence = built.evidence[n] ?? { turnIndex: 0, quotes: {} };
      const confidence = LEVEL_CONFIDENCE[plan.level];
      const record = b.event(entity, {
        type: VOICE_EVENT_TYPES[plan.kind],
        subtype: plan.level,
        domain: DOMAIN_BY_KIND[plan.kind],
        data,
        confidence,
        source: SOURCES.voice,
        sourceSystem: null,
        agent: VOICE_AGENT,
        effectiveMs: startMs + (built.turnOffsetsMs[evidence.turnIndex] ?? 0),
        ingestedMs: built.endMs + rng.int(4, 60) * 1000,
        fhirType: FHIR_TYPE_BY_KIND[plan.kind],
        fhirId: plan.doseChange
          ? (med?.ehrId ?? null)
          : plan.kind === 'medication' || plan.kind === 'allergy' || plan.kind === 'appointment'
            ? null
            : who.ehrId,
      });

      let reason: ReviewReason = 'low_confidence';
      let conflict: VoiceEvent['conflict'] = null;
      const conflictField =
        plan.kind === 'phone'
          ? 'phone'
          : plan.kind === 'address'
            ? 'address_line'
            : plan.kind === 'pharmacy'
              ? 'pharmacy_name'
              : plan.kind === 'dob'
                ? 'birth_date'
                : null;
      const onFile = conflictField ? ehrValue[conflictField] : undefined;
      if (mutatedField) reason = 'judge_flagged';
      else if (ALWAYS_REVIEW_KINDS.has(plan.kind)) reason = 'always_review_category';
      else if (
        conflictField &&
        onFile !== undefined &&
        onFile !== data[conflictField] &&
        plan.kind !== 'dob' &&
        rng.chance(0.35)
      ) {
        reason = 'conflicting_values';
        conflict = { field: conflictField, ehrValue: onFile };
      }
      if (plan.kind === 'dob' && mutatedField && onFile !== undefined && onFile !== data.birth_date)
        conflict = { field: 'birth_date', ehrValue: onFile };

      const voice: VoiceEvent = {
        eventId: record.id,
        eventType: record.event_type,
        kind: plan.kind,
        level: plan.level,
        confidence,
        data,
        fact: plan,
        evidence,
        mutatedField,
        reason,
        conflict,
        record,
        entity,
        call: built,
        reviewStatus: 'pending',
        correction: null,
        releasedMs: null,
      };
      callEvents.push(voice);
      voiceEvents.push(voice);

      // The caller's statement is the truth from now on, whatever the extractor made of it.
      if (plan.kind === 'pharmacy')
        truth.pharmacy = [plan.values.pharmacy_name ?? '', plan.values.pharmacy_location ?? ''];
      if (plan.kind === 'phone') truth.phone = plan.values.phone ?? truth.phone;
      if (plan.kind === 'allergy') truth.allergies.push(plan.values.substance ?? '');
      if (plan.kind === 'medication' && med) {
        if (plan.doseChange) med.dose = plan.values.dose ?? med.dose;
        else truth.meds.push({ ...med, entity });
      }
    });

    // One item per (call, entity): the dedup rule groups a call's events for the same entity.
    const byEntity = new Map<string, VoiceEvent[]>();
    for (const e of callEvents) byEntity.set(e.entity.id, [...(byEntity.get(e.entity.id) ?? []), e]);
    for (const events of byEntity.values()) {
      const first = events[0];
      if (!first) continue;
      const itemIndex = ctx.counters.item++;
      ctx.itemPatient.push(index);
      drafts.push({
        id: ctx.ids.uuid('item', itemIndex),
        entity: first.entity,
        call: built,
        events,
        createdMs: built.endMs + rng.int(1, 20) * MINUTE,
        reason: itemReason(events),
        priority: Math.min(...events.map((e) => priorityOf(e, rng))),
        judge: judgeAnalysis(events, rng),
        status: 'pending',
        action: null,
        completedMs: null,
        assignee: null,
      });
    }
  }
  fb.itemsProduced += drafts.length;

  // --- Review state: only an entity's latest item may still be open ------------------------------
  const nextCreated = new Map<ItemDraft, number>();
  const lastOf = new Map<string, ItemDraft>();
  for (const d of drafts) {
    const prev = lastOf.get(d.entity.id);
    if (prev) nextCreated.set(prev, d.createdMs);
    lastOf.set(d.entity.id, d);
  }
  for (const d of drafts) {
    fb.itemsSeen++;
    const eligible = lastOf.get(d.entity.id) === d;
    const want = OPEN_RATE * fb.itemsSeen - fb.opens;
    if (eligible && rng.next() < Math.min(0.98, Math.max(0.03, 0.5 + want))) {
      fb.opens++;
      const claimed = rng.chance(IN_PROGRESS_RATE);
      d.status = claimed ? 'in_progress' : 'pending';
      for (const e of d.events) e.reviewStatus = e.mutatedField || e.conflict ? 'flagged' : 'pending';
      if (claimed) {
        const reviewer = rng.pick(ctx.reviewers);
        d.assignee = reviewer;
        const claimMs = Math.min(d.createdMs + rng.int(1, 48 * 60) * MINUTE, now - rng.int(1, 30) * MINUTE);
        reviewAudit(ctx, rng, b, reviewer, 'review.claim', Math.max(claimMs, d.createdMs + 1000), d, false);
        reviewAudit(
          ctx,
          rng,
          b,
          reviewer,
          'call.transcript.read',
          Math.max(claimMs, d.createdMs + 1000) + rng.int(2, 20) * 1000,
          d,
          true,
        );
      }
      continue;
    }
    decide(ctx, rng, b, d, nextCreated.get(d) ?? Number.POSITIVE_INFINITY, patient);
  }

  // --- Outbound sync, then emit -----------------------------------------------------------------
  const released = new Map<string, number>();
  for (const e of voiceEvents) {
    if (e.releasedMs !== null) released.set(e.correction?.id ?? e.record.id, e.releasedMs);
  }
  const openEvents = new Set(
    drafts
      .filter((d) => d.status === 'pending' || d.status === 'in_progress')
      .flatMap((d) => d.events.map((e) => e.record.id)),
  );
  planSync(ctx, rng, b, released, openEvents);

  b.emit((projected) => drafts.map((d) => itemRecord(ctx, d, projected.get(d.entity.id))));
}

/** Applies a verdict to a closed item, with its audit trail, enrichment and follow-up EHR events. */
function decide(
  ctx: GeneratorContext,
  rng: Rng,
  b: Bundle,
  d: ItemDraft,
  nextCreatedMs: number,
  patient: EntityDraft,
): void {
  const hasMissing = d.events.some((e) => e.mutatedField !== null);
  let action: CompletedAction = hasMissing
    ? rng.weighted<CompletedAction>([
        ['rejected', 55],
        ['corrected', 45],
      ])
    : rng.weighted<CompletedAction>([
        ['approved', 72],
        ['corrected', 12],
        ['rejected', 16],
      ]);
  const fixes = action === 'corrected' ? d.events.map((e) => correctedData(e, rng)) : [];
  if (action === 'corrected' && fixes.every((f) => f === null)) action = 'approved';

  const earliest = d.createdMs + 2 * MINUTE;
  const latest = Math.min(nextCreatedMs - MINUTE, ctx.nowMs - MINUTE, d.createdMs + 5 * DAY);
  const span = Math.max(0, latest - earliest);
  // Most items are decided within hours; a few wait days.
  const completedMs = earliest + Math.floor(span * rng.next() * rng.next());
  const reviewer = rng.pick(ctx.reviewers);
  d.status = action === 'rejected' ? 'rejected' : 'completed';
  d.action = action;
  d.completedMs = completedMs;
  d.assignee = reviewer;

  const window = completedMs - d.createdMs;
  const claimMs = completedMs - Math.min(Math.floor(window * 0.8), rng.int(1, 12) * MINUTE);
  const readMs = claimMs + Math.min(Math.floor(window * 0.1), rng.int(3, 20) * 1000);
  reviewAudit(ctx, rng, b, reviewer, 'review.claim', claimMs, d, false);
  reviewAudit(ctx, rng, b, reviewer, 'call.transcript.read', readMs, d, true);

  d.events.forEach((e, n) => {
    if (action === 'approved') {
      e.record.confidence = 0.95;
      e.reviewStatus = 'human_approved';
      e.releasedMs = completedMs;
    } else if (action === 'rejected') {
      e.record.confidence = 0;
      e.reviewStatus = 'rejected';
    } else {
      const fixed = fixes[n] ?? { ...e.data };
      e.correction = b.event(e.entity, {
        type: e.record.event_type,
        subtype: 'human_correction',
        domain: e.record.domain,
        data: fixed,
        confidence: 1,
        source: SOURCES.review,
        sourceSystem: null,
        agent: null,
        effectiveMs: Date.parse(e.record.effective_at ?? '') || completedMs,
        ingestedMs: completedMs,
        fhirType: e.record.fhir_resource_type ?? null,
        fhirId: e.record.fhir_resource_id ?? null,
        supersedes: e.record,
      });
      e.reviewStatus = 'corrected';
      e.releasedMs = completedMs;
    }
  });

  const verb = action === 'approved' ? 'review.approve' : action === 'corrected' ? 'review.correct' : 'review.reject';
  reviewAudit(ctx, rng, b, reviewer, verb, completedMs, d, true, {
    completed_action: action,
    ...(action === 'rejected'
      ? {
          reason: hasMissing
            ? 'Value not stated in the call (no evidence in transcript).'
            : rng.pick([
                'Caller was unsure; will confirm at next visit.',
                'Duplicate of an existing record.',
                'Wrong speaker: a family member gave this information.',
              ]),
        }
      : {}),
    ...(action === 'corrected'
      ? { corrected_event_ids: d.events.flatMap((e) => (e.correction ? [e.correction.id] : [])) }
      : {}),
  });

  if (action === 'rejected') return;
  const confidence = action === 'approved' ? 0.95 : 1;
  for (const e of d.events) {
    const data = e.correction?.data ?? e.data;
    // Approved contact details become the patient's current preferences.
    if (e.kind === 'pharmacy')
      b.enrich(
        patient,
        'preferred_pharmacy',
        `${String(data.pharmacy_name)}, ${String(data.pharmacy_location)}`,
        confidence,
        SOURCES.review,
        null,
        completedMs + 1000,
        action === 'approved' ? 'review_approved' : 'review_corrected',
      );
    if (e.kind === 'phone')
      b.enrich(
        patient,
        'callback_phone',
        data.phone,
        confidence,
        SOURCES.review,
        null,
        completedMs + 1000,
        action === 'approved' ? 'review_approved' : 'review_corrected',
      );
    // The front desk books most approved requests in the EHR, which sends the booking back.
    if (e.kind === 'appointment' && rng.chance(0.7)) {
      const at = completedMs + rng.int(1, 48) * HOUR;
      if (at < ctx.nowMs - MINUTE) {
        const hour = data.time_of_day === 'morning' ? rng.int(8, 11) : rng.int(13, 16);
        const offset = ctx.locale.utcOffsetHours;
        const sign = offset < 0 ? '-' : '+';
        const start = `${String(data.requested_date)}T${String(hour).padStart(2, '0')}:${rng.pick(['00', '15', '30', '45'])}:00${sign}${String(Math.abs(offset)).padStart(2, '0')}:00`;
        const [practitioner] = rng.pick(PRACTITIONERS);
        b.event(e.entity, {
          type: 'appointment.booked',
          subtype: 'ehr_sync',
          domain: 'operational',
          data: { status: 'booked', start, practitioner_name: practitioner },
          confidence: 1,
          source: SOURCES.connector,
          sourceSystem: ctx.ehrSystem,
          agent: null,
          effectiveMs: at,
          ingestedMs: at,
          fhirType: 'Appointment',
          fhirId: `${ctx.ehrPrefix}-appt-${String(++ctx.counters.fhir).padStart(7, '0')}`,
        });
      }
    }
  }
}

function reviewAudit(
  ctx: GeneratorContext,
  rng: Rng,
  b: Bundle,
  actor: Actor,
  action: string,
  atMs: number,
  d: ItemDraft,
  phi: boolean,
  extra: Record<string, unknown> = {},
): void {
  const ws = ctx.workspace.id;
  const isCall = action === 'call.transcript.read';
  const verb = action.split('.')[1] ?? '';
  b.audits.push(
    auditRecord(ctx, rng, actor, {
      service: isCall ? 'calls' : 'review-queue',
      action,
      resourceType: isCall ? 'call' : 'review_item',
      resourceId: isCall ? d.call.call.id : d.id,
      resourceName: phi ? d.entity.displayName : null,
      phi,
      atMs,
      metadata: {
        method: isCall ? 'GET' : 'POST',
        path: isCall ? `/v1/${ws}/calls/${d.call.call.id}` : `/v1/${ws}/review-queue/${d.id}/${verb}`,
        status: 200,
        entity_id: d.entity.id,
        item_id: d.id,
        call_id: d.call.call.id,
        ...(isCall ? {} : { event_ids: d.events.map((e) => e.record.id) }),
        ...extra,
      },
    }),
  );
}

function itemRecord(ctx: GeneratorContext, d: ItemDraft, entity: EntityRecord | undefined): ItemRecord {
  return {
    id: d.id,
    workspace_id: ctx.workspace.id,
    session_id: d.call.call.id,
    event_ids: d.events.map((e) => e.record.id),
    entity_id: d.entity.id,
    entity_type: d.entity.entityType,
    entity: {
      id: d.entity.id,
      entity_type: d.entity.entityType,
      display_name: d.entity.displayName,
      state: entity?.state ?? null,
    },
    events: d.events.map((e) => ({
      id: e.record.id,
      event_type: e.record.event_type,
      data: e.data,
      confidence: e.record.confidence,
      review_status: e.reviewStatus,
      fhir_resource_type: e.record.fhir_resource_type ?? null,
      fhir_resource_id: e.record.fhir_resource_id ?? null,
      created_at: e.record.created_at ?? null,
    })),
    priority: d.priority,
    reason: d.reason,
    judge_analysis: d.judge,
    status: d.status,
    assigned_to: d.assignee?.entityId ?? null,
    created_at: iso(d.createdMs),
    completed_at: d.completedMs === null ? null : iso(d.completedMs),
    completed_action: d.action,
  };
}
