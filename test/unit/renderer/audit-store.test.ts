/**
 * The paged PHI reports of the audit store (patient, person, entity) over a real loopback server:
 * a report is fetched only once its view is recorded as an access event, its next page keeps the
 * shown report's subject and range and appends its rows, and a refused or failed load shows the
 * reason instead of rows. The three reports share one implementation, so each is run through the
 * same table to pin the requests each one sends.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../renderer/api/client';
import { createAuditStore, type AuditStore } from '../../../renderer/features/audit/audit-store';
import type {
  EntityLogView,
  PatientReportView,
  PersonReportView,
  ReportRowView,
} from '../../../shared/contract/audit.views';
import type { ServerResponse, IncomingMessage } from 'node:http';
import { json, sendJson, startFixtureServer, type FixtureServer } from './fixture-server';

const PATIENT = '11e0a001-0000-4000-8000-000000000001';
const ACTOR = 'rita';
const FROM = '2026-10-01T00:00:00.000Z';
const TO = '2026-10-31T23:59:59.999Z';

const row = (n: number): ReportRowView => ({
  id: `ev-${n}`,
  timestamp: '2026-10-08T10:00:00.000Z',
  service: 'ehr',
  action: 'patient.read',
  actorId: ACTOR,
  credentialId: null,
  resourceType: 'patient',
  resourceId: PATIENT,
  resourceName: null,
  phi: true,
  ipAddress: null,
  userAgent: null,
  subjectId: PATIENT,
  attestEventId: null,
  device: null,
  flags: [],
});
const common = { from: FROM, to: TO, local: [], asOf: '2026-11-01T00:00:00.000Z' };
const patientView: PatientReportView = {
  ...common,
  patient: { entityId: PATIENT, displayName: 'Zq7PhiMarker Test', entityType: 'patient' },
  timeZone: 'UTC',
  totals: { accesses: 2, actors: 1, localPending: 0 },
  actors: [],
  rows: [],
  nextCursor: null,
};
const personView: PersonReportView = {
  ...common,
  actorId: ACTOR,
  isYou: false,
  timeZone: 'UTC',
  totals: { accesses: 2, patients: 1, afterHours: 0, outsideQueuePatients: 0, burstDays: 0, localPending: 0 },
  medianDaily: null,
  activeDays: 1,
  days: [],
  patients: [],
  patientsTruncated: false,
  rows: [],
  nextCursor: null,
};
const entityView: EntityLogView = {
  ...common,
  entity: { entityId: PATIENT, displayName: null, entityType: 'patient' },
  totals: { events: 2, phi: 2 },
  rows: [],
  nextCursor: null,
};

/** Two pages: the first points to the second with cursor "c2". */
const paged = (view: { rows: unknown[]; nextCursor: string | null }) => (req: IncomingMessage, res: ServerResponse) => {
  const cursor = new URL(req.url ?? '/', 'http://x').searchParams.get('cursor');
  sendJson(
    res,
    200,
    cursor === 'c2' ? { ...view, rows: [row(2)], nextCursor: null } : { ...view, rows: [row(1)], nextCursor: 'c2' },
  );
};

const AIDS = 'timeZone=UTC&workStart=07%3A00&workEnd=19%3A00&workDays=1%2C2%2C3%2C4%2C5&burstFactor=3';
const RANGE = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;

const REPORTS = [
  {
    name: 'patient',
    path: '/api/audit/reports/patient',
    view: patientView,
    subject: PATIENT,
    recorded: { entityId: PATIENT },
    first: `entityId=${PATIENT}&${RANGE}&${AIDS}&limit=100`,
    next: `entityId=${PATIENT}&${RANGE}&${AIDS}&limit=100&cursor=c2`,
    run: (s: AuditStore) => s.getState().runPatient(PATIENT, { from: FROM, to: TO }),
    more: (s: AuditStore) => s.getState().morePatient(),
    slot: (s: AuditStore) => s.getState().patient,
  },
  {
    name: 'person',
    path: '/api/audit/reports/person',
    view: personView,
    subject: ACTOR,
    recorded: { resourceId: ACTOR },
    first: `actorId=${ACTOR}&${RANGE}&${AIDS}&limit=100`,
    next: `actorId=${ACTOR}&${RANGE}&${AIDS}&limit=100&cursor=c2`,
    run: (s: AuditStore) => s.getState().runPerson(ACTOR, { from: FROM, to: TO }),
    more: (s: AuditStore) => s.getState().morePerson(),
    slot: (s: AuditStore) => s.getState().person,
  },
  {
    name: 'entity',
    path: '/api/audit/reports/entity',
    view: entityView,
    subject: PATIENT,
    recorded: { entityId: PATIENT },
    first: `entityId=${PATIENT}&${RANGE}&limit=100`,
    next: `entityId=${PATIENT}&${RANGE}&limit=100&cursor=c2`,
    run: (s: AuditStore) => s.getState().runEntity(PATIENT, { from: FROM, to: TO }),
    more: (s: AuditStore) => s.getState().moreEntity(),
    slot: (s: AuditStore) => s.getState().entity,
  },
] as const;

let server: FixtureServer;
let store: AuditStore;
beforeEach(async () => {
  server = await startFixtureServer();
  store = createAuditStore(
    createApiClient({ baseUrl: server.baseUrl, secret: 's'.repeat(32) }),
    () => undefined,
    () => undefined,
  );
  store.getState().setSettings({ timeZone: 'UTC' });
});
afterEach(async () => {
  await server.close();
});

const calls = (): string[] => server.requests.map((r) => `${r.method} ${r.url}`);

describe.each(REPORTS)('the $name report', (report) => {
  it('records the view, then fetches the first page and appends the next one', async () => {
    server.on('POST /api/access-events', json({ id: 'a1', delivered: false }));
    server.on(`GET ${report.path}`, paged(report.view));
    await report.run(store);
    expect(report.slot(store)).toMatchObject({ status: 'ready', problem: null, loadingMore: false });
    expect(report.slot(store).view?.rows.map((r) => r.id)).toEqual(['ev-1']);

    await report.more(store);
    expect(report.slot(store)).toMatchObject({ status: 'ready', problem: null, loadingMore: false });
    expect(report.slot(store).view?.rows.map((r) => r.id)).toEqual(['ev-1', 'ev-2']);
    expect(report.slot(store).view?.nextCursor).toBeNull();

    // The last page is shown: nothing more to ask for.
    await report.more(store);
    expect(calls()).toEqual([
      'POST /api/access-events',
      `GET ${report.path}?${report.first}`,
      `GET ${report.path}?${report.next}`,
    ]);
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      action: 'report.view',
      resourceType: 'audit_report',
      ...report.recorded,
    });
  });

  it('shows no report when its view cannot be recorded', async () => {
    server.on('POST /api/access-events', json({ error: { code: 'internal', message: 'disk full' } }, 500));
    server.on(`GET ${report.path}`, paged(report.view));
    await report.run(store);
    expect(calls()).toEqual(['POST /api/access-events']);
    expect(report.slot(store)).toMatchObject({ status: 'error', view: null, loadingMore: false });
    expect(report.slot(store).problem).toContain('its access could not be recorded');
  });

  it('says why a page could not be loaded, keeping the rows already shown', async () => {
    server.on('POST /api/access-events', json({ id: 'a1', delivered: false }));
    server.on(`GET ${report.path}`, json({ error: { code: 'internal', message: 'no' } }, 500));
    await report.run(store);
    expect(report.slot(store)).toMatchObject({ status: 'error', view: null, loadingMore: false });
    expect(report.slot(store).problem).not.toBeNull();

    server.on(`GET ${report.path}`, paged(report.view));
    await report.run(store);
    server.on(`GET ${report.path}`, json({ error: { code: 'internal', message: 'no' } }, 500));
    await report.more(store);
    expect(report.slot(store)).toMatchObject({ status: 'ready', loadingMore: false });
    expect(report.slot(store).problem).not.toBeNull();
    expect(report.slot(store).view?.rows.map((r) => r.id)).toEqual(['ev-1']);
  });
});
