/**
 * One patient with a known history, for the lineage tests (server and e2e) and the demo of the
 * lineage screens. A dataset in the Amigo API's own shapes (loaded with createRegionalBackend's
 * `dataset`), plus two verdicts given live through the simulator's API afterwards, so the backend
 * itself applies them (approve → 0.95, reject → 0.0) and reports the confidence before.
 *
 * The story, in March 2026 (times UTC):
 *   E1 03-01 09:00  EHR registration (Revolution, 1.0): name, birth date, MRN, phone
 *   E5 03-02 10:00  HubSpot enrichment preferred_pharmacy = "Oak Street Pharmacy" (0.7)
 *   E7 03-03 11:00  voice: medication Lisinopril 10 mg once daily (0.5), call C0, item I0
 *                   → approved LIVE (0.95), then delivered to both sinks
 *   E2 03-05 10:00  voice: pharmacy "Cedar Pharmacy", 14 Elm Street (0.5), call C1, item I1,
 *                   effective 09:40 (when the caller said it)
 *   E3 03-06 12:00  the reviewer's correction of E2 (1.0, supersedes E2): "Cedar Row Pharmacy";
 *                   delivered to Revolution, FAILED at HubSpot
 *   E6 03-08 09:00  HubSpot enrichment preferred_pharmacy = "Cedar Row Pharmacy" (0.7, supersedes E5)
 *   E4 03-10 15:00  voice: address 12 Harbor Road, Port Ellis (0.3), call C2, item I2 → rejected LIVE
 *   P2              HubSpot's record of the same person, linked same_as (0.92)
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DatasetFile, DatasetRecord } from '../regional-backend/dataset';
import { PHI_MARKER } from '../regional-backend/dataset';
import { DEMO_WORKSPACES, personByLogin } from '../regional-backend/directory';
import { replayState } from '../regional-backend/generator';

const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`lineage-history: no ${what} in the demo directory`);
  return value;
};

const riverbend = need(
  DEMO_WORKSPACES.find((w) => w.slug === 'riverbend-clinic'),
  'Riverbend workspace',
);
export const WORKSPACE_ID = riverbend.id;
/** Decides live (approve, reject) and historically (the correction). */
export const REVIEWER = need(personByLogin('reviewer'), 'reviewer');
/** Reads lineage (viewer role): the e2e signs in as this person. */
export const AUDITOR = need(personByLogin('auditor'), 'auditor');

const id = (prefix: string, n: number): string => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const IDS = {
  patient: id('11e0a001', 1),
  hubspotTwin: id('11e0a001', 2),
  e1Registration: id('11e0e001', 1),
  e2PharmacySaid: id('11e0e001', 2),
  e3PharmacyCorrected: id('11e0e001', 3),
  e4AddressRejected: id('11e0e001', 4),
  e5PreferredOak: id('11e0e001', 5),
  e6PreferredCedar: id('11e0e001', 6),
  e7Medication: id('11e0e001', 7),
  twinEvent: id('11e0e001', 8),
  callMedication: id('11e0ca11', 0),
  callPharmacy: id('11e0ca11', 1),
  callAddress: id('11e0ca11', 2),
  itemMedication: id('11e01700', 0),
  itemPharmacy: id('11e01700', 1),
  itemAddress: id('11e01700', 2),
  sinkEhr: id('11e05111', 1),
  sinkCrm: id('11e05111', 2),
} as const;

export const PATIENT = {
  name: `Marta ${PHI_MARKER} Quill`,
  mrn: 'MRN-70412',
  phone: '+15550102030',
  birthDate: '1961-07-14',
  callSidAddress: 'CA11e0000000000000000000000000c2',
} as const;

export const SINK_NAMES = { ehr: 'Revolution EHR', crm: 'HubSpot CRM' } as const;
export const CRM_FAILURE = 'HubSpot API 400: property pharmacy_name is read-only';
export const REJECT_REASON = 'Caller gave the address of her daughter, not her own.';

export const T = {
  e1: '2026-03-01T09:00:00.000Z',
  e5: '2026-03-02T10:00:00.000Z',
  e7: '2026-03-03T11:00:00.000Z',
  e2Said: '2026-03-05T09:40:00.000Z',
  e2: '2026-03-05T10:00:00.000Z',
  e3: '2026-03-06T12:00:00.000Z',
  e6: '2026-03-08T09:00:00.000Z',
  e4: '2026-03-10T15:00:00.000Z',
} as const;

/** The three instants the point-in-time checks use (the third is "after the live verdicts"). */
export const INSTANTS = {
  first: '2026-03-04T12:00:00.000Z',
  second: '2026-03-11T12:00:00.000Z',
  /** Between what the caller said (09:40) and when it was ingested (10:00), plus an hour. */
  bitemporal: '2026-03-05T11:00:00.000Z',
} as const;

type EventRecord = DatasetRecord<'entity_events'>;

const event = (
  eventId: string,
  over: Partial<EventRecord> & Pick<EventRecord, 'event_type' | 'data' | 'confidence' | 'source' | 'ingested_at'>,
): EventRecord => ({
  id: eventId,
  entity_id: IDS.patient,
  event_subtype: null,
  domain: 'operational',
  entity_type: 'patient',
  source_system: null,
  produced_by_agent: null,
  effective_at: over.ingested_at,
  created_at: over.ingested_at,
  supersedes: null,
  is_current: true,
  fhir_resource_type: 'Patient',
  fhir_resource_id: null,
  sync_status: null,
  sync_error: null,
  synced_at: null,
  ...over,
});

const VOICE = { source: 'voice_agent', produced_by_agent: 'intake-voice-agent/2026.10.2' } as const;
const ENRICH = { source: 'connector_runner', source_system: 'hubspot' } as const;

const events: EventRecord[] = [
  event(IDS.e1Registration, {
    event_type: 'patient.registered',
    data: { name: PATIENT.name, birth_date: PATIENT.birthDate, mrn: PATIENT.mrn, phone: PATIENT.phone },
    confidence: 1,
    source: 'connector_runner',
    source_system: 'revolution',
    effective_at: '2026-02-20T08:00:00.000Z',
    ingested_at: T.e1,
    fhir_resource_id: 'Patient/70412',
    sync_status: 'not_applicable',
  }),
  event(IDS.e5PreferredOak, {
    event_type: 'entity.enriched',
    event_subtype: 'crm_sync',
    data: { key: 'preferred_pharmacy', value: 'Oak Street Pharmacy', value_type: 'string' },
    confidence: 0.7,
    ...ENRICH,
    ingested_at: T.e5,
    is_current: false,
    fhir_resource_type: null,
  }),
  event(IDS.e7Medication, {
    event_type: 'medication.reported',
    domain: 'clinical',
    data: { medication: 'Lisinopril', dose: '10 mg', frequency: 'once daily' },
    confidence: 0.5,
    ...VOICE,
    ingested_at: T.e7,
    fhir_resource_type: 'MedicationStatement',
  }),
  event(IDS.e2PharmacySaid, {
    event_type: 'patient.pharmacy_changed',
    data: { pharmacy_name: 'Cedar Pharmacy', pharmacy_location: '14 Elm Street' },
    confidence: 0.5,
    ...VOICE,
    effective_at: T.e2Said,
    ingested_at: T.e2,
    is_current: false,
  }),
  event(IDS.e3PharmacyCorrected, {
    event_type: 'patient.pharmacy_changed',
    event_subtype: 'human_correction',
    data: { pharmacy_name: 'Cedar Row Pharmacy', pharmacy_location: '14 Elm Street' },
    confidence: 1,
    source: 'review_queue',
    effective_at: T.e2Said,
    ingested_at: T.e3,
    supersedes: IDS.e2PharmacySaid,
    sync_status: 'failed',
    sync_error: CRM_FAILURE,
  }),
  event(IDS.e6PreferredCedar, {
    event_type: 'entity.enriched',
    event_subtype: 'crm_sync',
    data: { key: 'preferred_pharmacy', value: 'Cedar Row Pharmacy', value_type: 'string' },
    confidence: 0.7,
    ...ENRICH,
    ingested_at: T.e6,
    supersedes: IDS.e5PreferredOak,
    fhir_resource_type: null,
  }),
  event(IDS.e4AddressRejected, {
    event_type: 'patient.address_changed',
    data: { address_line: '12 Harbor Road', city: 'Port Ellis', postal_code: '04101' },
    confidence: 0.3,
    ...VOICE,
    ingested_at: T.e4,
  }),
];

const twinEvent = event(IDS.twinEvent, {
  entity_id: IDS.hubspotTwin,
  event_type: 'contact.created',
  data: { name: `M. ${PHI_MARKER} Quill` },
  confidence: 0.8,
  ...ENRICH,
  ingested_at: '2026-02-25T12:00:00.000Z',
  fhir_resource_type: null,
});

const entity = (
  entityId: string,
  displayName: string,
  list: EventRecord[],
  extra: Partial<DatasetRecord<'entities'>>,
): DatasetRecord<'entities'> => {
  const times = list.map((e) => e.ingested_at ?? '').sort();
  return {
    id: entityId,
    workspace_id: WORKSPACE_ID,
    entity_type: 'patient',
    display_name: displayName,
    canonical_id: null,
    external_ids: {},
    tags: ['patient'],
    state: replayState(list),
    has_projection: true,
    confidence: 0.3,
    event_count: list.length,
    source: 'connector_runner',
    first_seen_at: times[0] ?? null,
    last_event_at: times.at(-1) ?? null,
    created_at: times[0] ?? null,
    updated_at: times.at(-1) ?? null,
    ...extra,
  };
};

const summary = (e: EventRecord, reviewStatus: 'pending' | 'corrected' | 'flagged') => ({
  id: e.id,
  event_type: e.event_type,
  data: e.data ?? {},
  confidence: e.confidence,
  review_status: reviewStatus,
  fhir_resource_type: e.fhir_resource_type ?? null,
  fhir_resource_id: e.fhir_resource_id ?? null,
  created_at: e.created_at ?? null,
});

const byId = (eventId: string): EventRecord =>
  need(
    events.find((e) => e.id === eventId),
    `event ${eventId}`,
  );

const item = (
  itemId: string,
  callId: string,
  e: EventRecord,
  over: Partial<DatasetRecord<'review_items'>>,
): DatasetRecord<'review_items'> => ({
  id: itemId,
  workspace_id: WORKSPACE_ID,
  session_id: callId,
  event_ids: [e.id],
  entity_id: IDS.patient,
  entity_type: 'patient',
  entity: { id: IDS.patient, entity_type: 'patient', display_name: PATIENT.name, state: null },
  events: [summary(e, 'pending')],
  priority: 3,
  reason: 'low_confidence',
  judge_analysis: { verdict: 'uncertain', reasoning: 'Synthetic lineage fixture.' },
  status: 'pending',
  assigned_to: null,
  created_at: e.ingested_at ?? null,
  completed_at: null,
  completed_action: null,
  ...over,
});

const call = (callId: string, at: string, said: string, sid: string | null = null): DatasetRecord<'calls'> => ({
  id: callId,
  workspace_id: WORKSPACE_ID,
  call_sid: sid,
  direction: 'inbound',
  status: 'completed',
  call_start_time: at,
  call_end_time: at,
  call_duration_seconds: 95,
  phone_number: PATIENT.phone,
  turns: [
    {
      id: 't1',
      speaker_role: 'agent',
      agent_transcript: 'Riverbend Family Clinic, how can I help?',
      interrupted: false,
      state: 'greeting',
    },
    { id: 't2', speaker_role: 'user', user_transcript: said, interrupted: false, state: 'intake' },
  ],
});

/** The address item is flagged only after the medication item is decided (one open item per entity). */
export const addressItem = (): DatasetRecord<'review_items'> =>
  item(IDS.itemAddress, IDS.callAddress, byId(IDS.e4AddressRejected), { priority: 5, reason: 'judge_flagged' });

export const lineageDataset = (): DatasetFile => ({
  version: 1,
  workspaces: [
    {
      id: WORKSPACE_ID,
      slug: riverbend.slug,
      name: riverbend.name,
      environment: 'demo',
      backend_org_id: `org-${riverbend.slug}`,
      region: riverbend.region,
      connector_type: 'revolution',
      provisioned_at: '2025-01-02T00:00:00.000Z',
      created_at: '2025-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    },
  ],
  sinks: [
    { workspace_id: WORKSPACE_ID, data_source_id: IDS.sinkEhr, name: SINK_NAMES.ehr, source_type: 'ehr' },
    { workspace_id: WORKSPACE_ID, data_source_id: IDS.sinkCrm, name: SINK_NAMES.crm, source_type: 'crm' },
  ],
  entities: [
    entity(IDS.patient, PATIENT.name, events, {
      name: PATIENT.name,
      mrn: PATIENT.mrn,
      phone: PATIENT.phone,
      birth_date: PATIENT.birthDate,
      canonical_id: 'revolution:70412',
      external_ids: { revolution: '70412', hubspot: '88121' },
    }),
    entity(IDS.hubspotTwin, `M. ${PHI_MARKER} Quill (HubSpot)`, [twinEvent], {
      canonical_id: 'hubspot:88121',
      source: 'connector_runner',
    }),
  ],
  entity_events: [...events, twinEvent],
  enrichment: [
    {
      entity_id: IDS.patient,
      key: 'preferred_pharmacy',
      event_id: IDS.e5PreferredOak,
      value: 'Oak Street Pharmacy',
      value_type: 'string',
      confidence: 0.7,
      source: ENRICH.source,
      source_system: ENRICH.source_system,
      effective_at: T.e5,
      ingested_at: T.e5,
      supersedes: null,
      is_current: false,
    },
    {
      entity_id: IDS.patient,
      key: 'preferred_pharmacy',
      event_id: IDS.e6PreferredCedar,
      value: 'Cedar Row Pharmacy',
      value_type: 'string',
      confidence: 0.7,
      source: ENRICH.source,
      source_system: ENRICH.source_system,
      effective_at: T.e6,
      ingested_at: T.e6,
      supersedes: IDS.e5PreferredOak,
      is_current: true,
    },
  ],
  merges: [{ entity_id: IDS.patient, linked_entity_id: IDS.hubspotTwin, confidence: 0.92 }],
  calls: [
    call(IDS.callMedication, T.e7, 'I take lisinopril, ten milligrams, once a day.'),
    call(IDS.callPharmacy, T.e2Said, 'Please send my prescriptions to Cedar Row Pharmacy on Elm Street.'),
    call(IDS.callAddress, T.e4, 'The address is 12 Harbor Road in Port Ellis.', PATIENT.callSidAddress),
  ],
  review_items: [
    item(IDS.itemMedication, IDS.callMedication, byId(IDS.e7Medication), {}),
    item(IDS.itemPharmacy, IDS.callPharmacy, byId(IDS.e2PharmacySaid), {
      events: [summary(byId(IDS.e2PharmacySaid), 'corrected')],
      status: 'completed',
      completed_action: 'corrected',
      assigned_to: REVIEWER.sub,
      completed_at: T.e3,
    }),
  ],
  sync_events: [
    {
      event_id: IDS.e3PharmacyCorrected,
      event_type: 'patient.pharmacy_changed',
      entity_id: IDS.patient,
      entity_type: 'patient',
      display_name: PATIENT.name,
      source: 'review_queue',
      source_system: null,
      data_source_id: IDS.sinkEhr,
      fhir_resource_type: 'Patient',
      fhir_resource_id: 'Patient/70412',
      sync_status: 'synced',
      sync_error: null,
      synced_at: '2026-03-06T12:05:00.000Z',
      created_at: '2026-03-06T12:00:30.000Z',
    },
    {
      event_id: IDS.e3PharmacyCorrected,
      event_type: 'patient.pharmacy_changed',
      entity_id: IDS.patient,
      entity_type: 'patient',
      display_name: PATIENT.name,
      source: 'review_queue',
      source_system: null,
      data_source_id: IDS.sinkCrm,
      fhir_resource_type: null,
      fhir_resource_id: null,
      sync_status: 'failed',
      sync_error: CRM_FAILURE,
      synced_at: null,
      created_at: '2026-03-06T12:00:30.000Z',
    },
  ],
  audit_events: [],
  retention: [],
});

/** Writes the dataset where createRegionalBackend's `dataset` option can load it. */
export const writeLineageDataset = (dir: string): string => {
  const file = path.join(dir, 'lineage-history.json');
  fs.writeFileSync(file, JSON.stringify(lineageDataset(), null, 2));
  return file;
};

interface SimulatorAccess {
  url: string;
  issueToken(sub: string, workspaceId: string): Promise<string>;
}

/**
 * The two live verdicts, through the simulator's own API as the reviewer: approve the medication,
 * deliver it to every sink, then flag the address (a new item) and reject it. Answers the instant
 * after both verdicts: the third point-in-time instant.
 */
export const applyLiveVerdicts = async (backend: SimulatorAccess): Promise<string> => {
  const token = await backend.issueToken(REVIEWER.sub, WORKSPACE_ID);
  const send = async (method: string, url: string, body: unknown, bearer = true): Promise<void> => {
    const response = await fetch(`${backend.url}${url}`, {
      method,
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status} ${await response.text()}`);
  };
  const ws = `/v1/${WORKSPACE_ID}/review-queue`;
  await send('POST', `${ws}/${IDS.itemMedication}/approve`, { notes: 'Matches the pharmacy fill history.' });
  await send('POST', '/__sim/sync/settle', { workspace_id: WORKSPACE_ID, status: 'synced' }, false);
  const flagged = lineageDataset();
  await send(
    'POST',
    '/__sim/dataset',
    { version: 1, workspaces: flagged.workspaces, review_items: [addressItem()] },
    false,
  );
  await send('POST', `${ws}/${IDS.itemAddress}/reject`, { reason: REJECT_REASON });
  // Whole seconds: the instant is typed into a date-time field with second precision.
  return new Date(Math.ceil((Date.now() + 1000) / 1000) * 1000).toISOString();
};

/** What the entity's state must be at each instant (believed), field by field. */
export const EXPECTED = {
  registration: { name: PATIENT.name, birth_date: PATIENT.birthDate, mrn: PATIENT.mrn, phone: PATIENT.phone },
  atFirst: {
    preferred_pharmacy: 'Oak Street Pharmacy',
    medication: { value: 'Lisinopril', confidence: 0.5 },
    absent: ['pharmacy_name', 'address_line'],
  },
  atSecond: {
    preferred_pharmacy: 'Cedar Row Pharmacy',
    pharmacy_name: 'Cedar Row Pharmacy',
    address_line: '12 Harbor Road',
    medication: { value: 'Lisinopril', confidence: 0.5 },
  },
  afterVerdicts: {
    medication: { value: 'Lisinopril', confidence: 0.95 },
    absent: ['address_line', 'city', 'postal_code'],
  },
  bitemporal: { believed: 'Cedar Pharmacy', true: 'Cedar Row Pharmacy' },
} as const;
