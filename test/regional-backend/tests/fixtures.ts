/**
 * Test support: a backend on port 0 in a temp dir with the real identity provider, filled with a
 * small hand-written dataset whose every id and value the tests know.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatasetRecord, DatasetSink } from '../dataset';
import { DEMO_WORKSPACES, personByLogin } from '../directory';
import type { RegionalBackend, RegionalBackendOptions } from '../server';
import { createRegionalBackend } from '../server';
import { withBulkLoad } from '../store';

export const WS = DEMO_WORKSPACES[0]?.id ?? '';
export const EU_WS = DEMO_WORKSPACES[1]?.id ?? '';

/** Deterministic uuid number n. */
export const uid = (prefix: string, n: number): string =>
  `${prefix.padStart(8, '0').slice(0, 8)}-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const CALL_ID = uid('ca11', 1);
export const SINK_ID = uid('5111c', 1);
export const PATIENT = uid('e0', 1);
export const APPOINTMENT = uid('e0', 2);
export const MEDICATION = uid('e0', 3);
export const ITEM_APPROVE = uid('1', 1);
export const ITEM_CORRECT = uid('1', 2);
export const ITEM_REJECT = uid('1', 3);
/** Items 100…124 (entities e1…), for paging and batches. */
export const bulkItem = (n: number): string => uid('1', 100 + n);
export const BULK_ITEMS = 25;
export const AUDIT_EVENTS = 120;

const T0 = Date.parse('2026-08-01T00:00:00.000Z');
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

function entityRecord(
  id: string,
  type: string,
  name: string,
  state: Record<string, unknown>,
): DatasetRecord<'entities'> {
  return {
    id,
    workspace_id: WS,
    entity_type: type,
    display_name: name,
    canonical_id: `rev-${id.slice(-4)}`,
    external_ids: {},
    tags: [type],
    state,
    has_projection: true,
    confidence: 1,
    event_count: 1,
    source: 'connector_runner',
    first_seen_at: at(0),
    last_event_at: at(1),
    created_at: at(0),
    updated_at: at(1),
    name: type === 'patient' ? name : null,
    phone: typeof state['phone'] === 'string' ? state['phone'] : null,
  };
}

function eventRecord(
  id: string,
  entityId: string,
  type: string,
  data: Record<string, unknown>,
  confidence: number,
  minute: number,
  fhir: string,
): DatasetRecord<'entity_events'> {
  return {
    id,
    entity_id: entityId,
    event_type: type,
    event_subtype: null,
    domain: 'clinical',
    entity_type: null,
    data,
    confidence,
    source: confidence >= 1 ? 'connector_runner' : 'voice_agent',
    source_system: confidence >= 1 ? 'revolution' : null,
    produced_by_agent: confidence >= 1 ? null : 'intake-voice-agent/test',
    effective_at: at(minute),
    ingested_at: at(minute),
    created_at: at(minute),
    supersedes: null,
    is_current: true,
    fhir_resource_type: fhir,
    fhir_resource_id: null,
    sync_status: null,
    sync_error: null,
    synced_at: null,
  };
}

function itemRecord(
  id: string,
  entityId: string,
  entityType: string,
  eventIds: string[],
  priority: number,
  minute: number,
): DatasetRecord<'review_items'> {
  return {
    id,
    workspace_id: WS,
    session_id: CALL_ID,
    event_ids: eventIds,
    entity_id: entityId,
    entity_type: entityType,
    priority,
    reason: priority > 5 ? 'always_review' : 'low_confidence',
    judge_analysis: { verdict: 'uncertain', reasoning: 'test fixture' },
    status: 'pending',
    assigned_to: null,
    created_at: at(minute),
    completed_at: null,
    completed_action: null,
  };
}

export function seedFixture(sink: DatasetSink): void {
  sink.sinks({ workspace_id: WS, data_source_id: SINK_ID, name: 'Revolution EHR', source_type: 'ehr' });
  sink.calls({
    id: CALL_ID,
    workspace_id: WS,
    call_sid: 'CA0000000000000000000000000000test',
    direction: 'inbound',
    status: 'completed',
    call_duration_seconds: 42,
    turns: [
      {
        id: 't1',
        agent_transcript: 'How can I help?',
        user_transcript: 'My new number is 555-0100.',
        interrupted: false,
        state: 'greeting',
      },
    ],
  });

  // Approve: a patient whose phone came from a call at 0.5.
  sink.entities(
    entityRecord(PATIENT, 'patient', 'Ada Zq7PhiMarker Lovelace', {
      name: 'Ada Zq7PhiMarker Lovelace',
      birth_date: '1990-01-01',
      phone: '+15555550100',
    }),
  );
  sink.entity_events(
    eventRecord(
      uid('e1', 1),
      PATIENT,
      'patient.registered',
      { name: 'Ada Zq7PhiMarker Lovelace', birth_date: '1990-01-01' },
      1,
      0,
      'Patient',
    ),
  );
  sink.entity_events(
    eventRecord(uid('e1', 2), PATIENT, 'patient.phone_updated', { phone: '+15555550100' }, 0.5, 1, 'Patient'),
  );
  sink.review_items(itemRecord(ITEM_APPROVE, PATIENT, 'patient', [uid('e1', 2)], 5, 10));

  // Correct: an appointment request heard at 0.3.
  sink.entities(
    entityRecord(APPOINTMENT, 'appointment', 'Checkup for Ada', { requested_date: '2026-09-14', status: 'proposed' }),
  );
  sink.entity_events(
    eventRecord(
      uid('e2', 1),
      APPOINTMENT,
      'appointment.requested',
      { requested_date: '2026-09-14', status: 'proposed' },
      0.3,
      2,
      'Appointment',
    ),
  );
  sink.review_items(itemRecord(ITEM_CORRECT, APPOINTMENT, 'appointment', [uid('e2', 1)], 7, 11));

  // Reject: a medication the caller was unsure about, at 0.2; a second, verified field survives.
  sink.entities(
    entityRecord(MEDICATION, 'medication_statement', 'Medication for Ada', {
      medication: 'Lisinopril',
      dose: '10mg',
      status: 'active',
    }),
  );
  sink.entity_events(
    eventRecord(uid('e3', 1), MEDICATION, 'medication.registered', { status: 'active' }, 1, 3, 'MedicationStatement'),
  );
  sink.entity_events(
    eventRecord(
      uid('e3', 2),
      MEDICATION,
      'medication.reported',
      { medication: 'Lisinopril', dose: '10mg' },
      0.2,
      4,
      'MedicationStatement',
    ),
  );
  sink.review_items(itemRecord(ITEM_REJECT, MEDICATION, 'medication_statement', [uid('e3', 2)], 3, 12));

  for (let n = 0; n < BULK_ITEMS; n++) {
    const entityId = uid('e9', n);
    sink.entities(
      entityRecord(entityId, 'patient', `Bulk Zq7PhiMarker Patient ${n}`, { name: `Bulk Zq7PhiMarker Patient ${n}` }),
    );
    sink.entity_events(
      eventRecord(
        uid('e8', n),
        entityId,
        'patient.email_updated',
        { email: `bulk${n}@example.invalid` },
        0.2 + (n % 5) / 10,
        20 + n,
        'Patient',
      ),
    );
    sink.review_items(itemRecord(bulkItem(n), entityId, 'patient', [uid('e8', n)], n % 10, 100 + n));
  }

  const reviewer = personByLogin('reviewer')?.sub ?? '';
  const compliance = personByLogin('compliance')?.sub ?? '';
  for (let n = 0; n < AUDIT_EVENTS; n++) {
    const phi = n % 3 === 0;
    sink.audit_events({
      id: uid('a0', n),
      workspace_id: WS,
      timestamp: at(1000 + n),
      service: n % 2 === 0 ? 'world' : 'review-queue',
      actor_entity_id: n % 4 === 0 ? compliance : reviewer,
      actor_credential_id: null,
      action: n % 2 === 0 ? 'entity.read' : 'review.read',
      resource_type: n % 2 === 0 ? 'entity' : 'review_item',
      resource_id: n % 2 === 0 ? PATIENT : ITEM_APPROVE,
      resource_name: null,
      phi_accessed: phi,
      ip_address: '10.0.0.1',
      user_agent: 'fixture',
      metadata: { n },
    });
  }
}

export interface TestBackend {
  backend: RegionalBackend;
  dir: string;
  token(login: string, workspaceId?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startFixtureBackend(opts: Partial<RegionalBackendOptions> = {}): Promise<TestBackend> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-rb-test-'));
  let backend: RegionalBackend;
  try {
    backend = await createRegionalBackend({ region: 'us-east-1', dataDir: dir, generate: false, ...opts });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  try {
    withBulkLoad(backend.store.db, seedFixture, { batchSize: 500 });
  } catch (err) {
    await backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const tokens = new Map<string, string>();
  return {
    backend,
    dir,
    async token(login, workspaceId = WS) {
      const key = `${login}:${workspaceId}`;
      const cached = tokens.get(key);
      if (cached !== undefined) return cached;
      const sub = personByLogin(login)?.sub;
      if (sub === undefined) throw new Error(`no demo person ${login}`);
      const token = await backend.issueToken(sub, workspaceId);
      tokens.set(key, token);
      return token;
    },
    async close() {
      await backend.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A JSON request against the backend; `token` undefined sends no Authorization header. */
export async function call(
  base: string,
  method: string,
  urlPath: string,
  token?: string,
  body?: unknown,
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${urlPath}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON (a malformed-body fault): the raw text is the body.
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Narrow an unknown JSON body for assertions. */
export const obj = (v: unknown): Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new Error(`expected an object, got ${JSON.stringify(v)}`);
  return v as Record<string, unknown>;
};
export const arr = (v: unknown): unknown[] => {
  if (!Array.isArray(v)) throw new Error(`expected an array, got ${JSON.stringify(v)}`);
  return v;
};
