/**
 * A small, fully known audit log for the Riverbend workspace, written as a simulator dataset
 * file (`dataset` option of createRegionalBackend), so report tests can compute every expected
 * row and total from the records themselves.
 *
 * The story (all times UTC, weekdays unless said):
 * - Rita (reviewer, member) has a claimed review item for patient A. She reads A on five
 *   weekdays (09:00 and 14:00), reads A's call transcript once, and on Thu 2026-10-08 opens
 *   patient D 24 times in the morning: a burst, and D is outside her queue.
 * - Avery (auditor, viewer) reads patient B on Saturday night: after hours, outside any queue.
 * - Olu (owner) reads A late on a Tuesday: after hours, outside the queue.
 * - Carmen (compliance, admin) reads the audit log (not PHI).
 * - A pipeline service (no actor) syncs at 03:00 (not PHI).
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { AuditEvent, RetentionPolicy, ReviewItem } from '../../shared/amigo';
import { DEMO_PEOPLE, DEMO_WORKSPACES } from '../regional-backend/directory';
import { PHI_MARKER, type DatasetFile } from '../regional-backend/dataset';

const person = (login: string): string => {
  const p = DEMO_PEOPLE.find((x) => x.login === login);
  if (!p) throw new Error(`no demo person ${login}`);
  return p.sub;
};
const riverbend = DEMO_WORKSPACES.find((w) => w.slug === 'riverbend-clinic');
if (!riverbend) throw new Error('no Riverbend workspace');

export const AUDIT_WORKSPACE_ID = riverbend.id;
export const PEOPLE = {
  rita: person('reviewer'),
  avery: person('auditor'),
  carmen: person('compliance'),
  olu: person('owner'),
} as const;
export const PATIENTS = {
  A: '0a0a0a0a-0000-4000-8000-00000000000a',
  B: '0b0b0b0b-0000-4000-8000-00000000000b',
  D: '0d0d0d0d-0000-4000-8000-00000000000d',
} as const;
export const PATIENT_NAMES: Readonly<Record<keyof typeof PATIENTS, string>> = {
  A: `Ada ${PHI_MARKER} Alvarez`,
  B: `Ben ${PHI_MARKER} Brook`,
  D: `Dee ${PHI_MARKER} Dorsey`,
};
export const CALL_OF_A = '0ca11000-0000-4000-8000-00000000000a';
export const REVIEW_ITEM_OF_A = '0e0e0e0e-0000-4000-8000-00000000000a';

let counter = 0;
const id = (): string => `00000000-0000-4000-a000-${String(++counter).padStart(12, '0')}`;

const read = (
  actor: string | null,
  at: string,
  patient: keyof typeof PATIENTS,
  extra: Partial<AuditEvent> = {},
): AuditEvent => ({
  id: id(),
  workspace_id: riverbend.id,
  timestamp: at,
  service: 'world',
  actor_entity_id: actor,
  actor_credential_id: null,
  action: 'entity.read',
  resource_type: 'patient',
  resource_id: PATIENTS[patient],
  resource_name: PATIENT_NAMES[patient],
  phi_accessed: true,
  ip_address: '10.20.0.5',
  user_agent: 'Mozilla/5.0 (Macintosh) ClinicBrowser/1',
  metadata: {
    method: 'GET',
    path: `/v1/${riverbend.id}/world/entities/${PATIENTS[patient]}`,
    entity_id: PATIENTS[patient],
  },
  ...extra,
});

export const buildAuditEvents = (): AuditEvent[] => {
  counter = 0;
  const events: AuditEvent[] = [];
  for (const day of ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07']) {
    events.push(read(PEOPLE.rita, `${day}T09:00:00.000Z`, 'A'), read(PEOPLE.rita, `${day}T14:00:00.000Z`, 'A'));
  }
  events.push(
    read(PEOPLE.rita, '2026-10-05T10:05:00.000Z', 'A', {
      service: 'calls',
      action: 'call.transcript.read',
      resource_type: 'call',
      resource_id: CALL_OF_A,
      ip_address: '10.20.0.6',
      metadata: { method: 'GET', path: `/v1/${riverbend.id}/calls/${CALL_OF_A}`, entity_id: PATIENTS.A },
    }),
  );
  for (let i = 0; i < 24; i++) {
    const minute = String(i * 2).padStart(2, '0');
    events.push(read(PEOPLE.rita, `2026-10-08T10:${minute}:00.000Z`, 'D'));
  }
  events.push(
    read(PEOPLE.avery, '2026-10-10T22:30:00.000Z', 'B', { ip_address: '203.0.113.9', user_agent: 'curl/8.0' }),
    read(PEOPLE.olu, '2026-10-06T23:15:00.000Z', 'A', { ip_address: '198.51.100.7' }),
    {
      ...read(PEOPLE.carmen, '2026-10-05T11:00:00.000Z', 'A'),
      service: 'audit',
      action: 'audit.read',
      resource_type: 'audit_log',
      resource_id: null,
      resource_name: null,
      phi_accessed: false,
      metadata: { method: 'GET', path: `/v1/${riverbend.id}/audit` },
    },
    {
      ...read(null, '2026-10-05T03:00:00.000Z', 'A'),
      service: 'pipeline',
      action: 'pipeline.sync',
      resource_type: 'data_source',
      resource_id: '0da7a000-0000-4000-8000-000000000001',
      resource_name: 'EHR connector',
      phi_accessed: false,
      ip_address: null,
      user_agent: 'connector-runner/2.1',
      metadata: { event_count: 12 },
    },
  );
  return events;
};

export const buildReviewItem = (): ReviewItem => ({
  id: REVIEW_ITEM_OF_A,
  workspace_id: riverbend.id,
  session_id: CALL_OF_A,
  event_ids: [],
  entity_id: PATIENTS.A,
  entity_type: 'patient',
  entity: { id: PATIENTS.A, entity_type: 'patient', display_name: PATIENT_NAMES.A, state: null },
  events: [],
  priority: 2,
  reason: 'low_confidence',
  judge_analysis: null,
  status: 'in_progress',
  assigned_to: PEOPLE.rita,
  created_at: '2026-09-30T08:00:00.000Z',
  completed_at: null,
  completed_action: null,
});

export const RETENTION: RetentionPolicy & { workspace_id: string } = {
  workspace_id: riverbend.id,
  call_recordings_days: 365,
  call_transcripts_days: 2190,
  audit_log_days: 2555,
  world_events_days: 2190,
  phi_data_days: 2190,
  legal_hold: true,
  legal_hold_reason: 'Litigation hold LH-TEST-7: preserve everything until counsel releases it.',
};

/** Writes the dataset file and answers its path. */
export const writeAuditDataset = (file: string): string => {
  const data: DatasetFile = {
    version: 1,
    workspaces: [
      {
        id: riverbend.id,
        slug: riverbend.slug,
        name: riverbend.name,
        environment: 'production',
        backend_org_id: null,
        region: riverbend.region,
        connector_type: null,
        provisioned_at: '2026-01-01T00:00:00.000Z',
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
      },
    ],
    review_items: [buildReviewItem()],
    entities: [],
    entity_events: [],
    enrichment: [],
    merges: [],
    calls: [],
    sinks: [],
    sync_events: [],
    audit_events: buildAuditEvents(),
    retention: [RETENTION],
  };
  writeFileSync(file, JSON.stringify(data));
  return file;
};

/** A fresh id for events a test adds. */
export const freshId = (): string => randomUUID();
