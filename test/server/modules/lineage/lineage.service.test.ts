/**
 * Lineage over a real local copy: the simulator is given one patient with a known history
 * (test/support/lineage-history.ts: values superseded, a correction, a rejection, an approval, a
 * merge, a failed sink), two of the verdicts are given live through its API, the real sync
 * engine pulls it into an encrypted database, and the lineage service must report exactly that
 * history, and the expected values at each chosen instant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindWorkspace } from '../../../../electron/server/db/meta.repo';
import { sql } from '../../../../electron/server/db/sql';
import { ApiFailure } from '../../../../electron/server/http/api-failure';
import { applyEntityBundle } from '../../../../electron/server/sync/apply/entities.apply';
import {
  entityLineage,
  lineageExportPage,
  pointInTime,
  searchEntities,
} from '../../../../electron/server/modules/lineage/lineage.service';
import { RemoteClient } from '../../../../electron/server/remote/remote-client';
import { SyncEngine } from '../../../../electron/server/sync/sync-engine';
import {
  LINEAGE_VIEW_EVENTS,
  type EntityLineageView,
  type PointInTimeView,
} from '../../../../shared/contract/lineage.views';
import { createRegionalBackend, type RegionalBackend } from '../../../regional-backend/server';
import {
  applyLiveVerdicts,
  AUDITOR,
  CRM_FAILURE,
  EXPECTED,
  IDS,
  INSTANTS,
  PATIENT,
  REJECT_REASON,
  REVIEWER,
  SINK_NAMES,
  T,
  WORKSPACE_ID,
  writeLineageDataset,
} from '../../../support/lineage-history';
import { openTestDatabase, tempDir, type TempDir, type TestDatabase } from '../../server-test-kit';

let tmp: TempDir;
let backend: RegionalBackend;
let db: TestDatabase;
let afterVerdicts: string;
let view: EntityLineageView;

beforeAll(async () => {
  tmp = tempDir('attest-lineage-');
  backend = await createRegionalBackend({
    region: 'us-east-1',
    dataDir: tmp.file('backend'),
    dataset: writeLineageDataset(tmp.dir),
  });
  afterVerdicts = await applyLiveVerdicts(backend);

  db = openTestDatabase(tmp.file('local.db'), { bind: false });
  bindWorkspace(db.write, { region: 'us-east-1', workspaceId: WORKSPACE_ID }, new Date().toISOString());
  const token = await backend.issueToken(AUDITOR.sub, WORKSPACE_ID);
  const remote = new RemoteClient({
    pin: { origin: backend.url, region: 'us-east-1', workspaceId: WORKSPACE_ID },
    authorizer: {
      headersFor: async () => ({ authorization: `Bearer ${token}` }),
      refreshAfterUnauthorized: async () => false,
    },
  });
  const problems: string[] = [];
  const engine = new SyncEngine({
    remote,
    db,
    role: () => 'viewer',
    pollIntervalSeconds: 3600,
    onSignInRequired: (message) => problems.push(message),
  });
  await engine.syncNow({ manual: true });
  await engine.stop();
  expect(problems).toEqual([]);
  view = entityLineage(db.read, IDS.patient);
});

afterAll(async () => {
  db?.close();
  await backend?.close();
  tmp?.remove();
});

const current = (field: string) => view.currentState.find((f) => f.field === field);
const event = (id: string) => {
  const e = view.events.find((x) => x.id === id);
  if (!e) throw new Error(`event ${id} is not in the view`);
  return e;
};
const field = (name: string) => {
  const f = view.fields.find((x) => x.field === name);
  if (!f) throw new Error(`field ${name} is not in the view`);
  return f;
};
const valueIn = (pit: PointInTimeView['state'], name: string) => pit.find((f) => f.field === name);

describe('search over the local copy', () => {
  const found = (q: string) => searchEntities(db.read, q, 20).results;

  it('finds the patient by name, MRN, phone digits, call id, call SID and entity id', () => {
    expect(found('quill').map((r) => [r.id, r.matchedOn])).toEqual([[IDS.patient, ['name']]]);
    expect(found(PATIENT.mrn)[0]).toMatchObject({ id: IDS.patient, matchedOn: ['mrn'], displayName: PATIENT.name });
    expect(found('(555) 010-2030')[0]).toMatchObject({ id: IDS.patient, matchedOn: ['phone'] });
    expect(found(IDS.callAddress)[0]).toMatchObject({ id: IDS.patient, matchedOn: ['call_id'] });
    expect(found(PATIENT.callSidAddress)[0]).toMatchObject({ id: IDS.patient, matchedOn: ['call_id'] });
    expect(found(IDS.patient.toUpperCase())[0]).toMatchObject({ id: IDS.patient, matchedOn: ['entity_id'] });
  });

  it('treats LIKE wildcards as text and finds nothing for unknown keys', () => {
    expect(found('%')).toEqual([]);
    expect(found('_')).toEqual([]);
    expect(found('nobody-by-this-name')).toEqual([]);
    expect(found("' OR 1=1 --")).toEqual([]);
    expect(found('\\')).toEqual([]);
    expect(found('0000')).toEqual([]);
  });

  it('stamps the answer with the last complete sync', () => {
    const { freshness } = searchEntities(db.read, 'quill', 5);
    expect(freshness.lastSyncAt).not.toBeNull();
  });
});

describe('the entity page', () => {
  it('shows the current value of every field with the event behind it', () => {
    for (const [name, value] of Object.entries(EXPECTED.registration)) {
      expect(current(name)).toMatchObject({
        value,
        confidence: 1,
        eventId: IDS.e1Registration,
        source: 'connector_runner',
        sourceSystem: 'revolution',
      });
    }
    expect(current('pharmacy_name')).toMatchObject({
      value: 'Cedar Row Pharmacy',
      confidence: 1,
      eventId: IDS.e3PharmacyCorrected,
      source: 'review_queue',
    });
    expect(current('preferred_pharmacy')).toMatchObject({
      value: 'Cedar Row Pharmacy',
      eventId: IDS.e6PreferredCedar,
      sourceSystem: 'hubspot',
    });
    expect(current('medication')).toMatchObject({ value: 'Lisinopril', confidence: 0.95, eventId: IDS.e7Medication });
    for (const name of EXPECTED.afterVerdicts.absent) expect(current(name)).toBeUndefined();
    // The backend's own projection agrees with the replay of the pulled events.
    expect(view.currentState.filter((f) => f.projectionDiffers)).toEqual([]);
    expect(view.entity).toMatchObject({ id: IDS.patient, mrn: PATIENT.mrn, displayName: PATIENT.name });
  });

  it('lists every event with both times, superseded ones linked to what replaced them', () => {
    expect(view.events.map((e) => e.id).sort()).toEqual(
      [
        IDS.e1Registration,
        IDS.e2PharmacySaid,
        IDS.e3PharmacyCorrected,
        IDS.e4AddressRejected,
        IDS.e5PreferredOak,
        IDS.e6PreferredCedar,
        IDS.e7Medication,
      ].sort(),
    );
    expect(event(IDS.e2PharmacySaid)).toMatchObject({
      isCurrent: false,
      supersededBy: [IDS.e3PharmacyCorrected],
      effectiveAt: T.e2Said,
      ingestedAt: T.e2,
      // Its values come from the review item: the timeline only lists current events.
      data: { pharmacy_name: 'Cedar Pharmacy', pharmacy_location: '14 Elm Street' },
      origin: 'provenance',
      valuesFrom: 'review',
      callId: IDS.callPharmacy,
    });
    expect(event(IDS.e3PharmacyCorrected)).toMatchObject({
      supersedes: IDS.e2PharmacySaid,
      isCurrent: true,
      eventSubtype: 'human_correction',
    });
    expect(event(IDS.e5PreferredOak)).toMatchObject({ isCurrent: false, supersededBy: [IDS.e6PreferredCedar] });
    expect(event(IDS.e4AddressRejected)).toMatchObject({
      confidence: 0,
      initialConfidence: 0.3,
      confidenceChanges: [{ action: 'rejected', confidence: 0, itemId: IDS.itemAddress, reviewer: REVIEWER.sub }],
    });
    expect(event(IDS.e7Medication)).toMatchObject({ confidence: 0.95, initialConfidence: 0.5 });
    // Newest ingestion first.
    const times = view.events.map((e) => e.ingestedAt ?? '');
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('gives each field its supersedes chain, confidence series and review decisions', () => {
    expect(field('pharmacy_name').chain).toEqual([
      { id: IDS.e3PharmacyCorrected, held: true },
      { id: IDS.e2PharmacySaid, held: true },
    ]);
    expect(field('preferred_pharmacy').chain.map((l) => l.id)).toEqual([IDS.e6PreferredCedar, IDS.e5PreferredOak]);
    expect(field('pharmacy_name').series.map((p) => [p.at, p.value, p.confidence])).toEqual([
      [T.e2, 'Cedar Pharmacy', 0.5],
      [T.e3, 'Cedar Row Pharmacy', 1],
    ]);
    expect(field('pharmacy_name').decisions.map((d) => [d.action, d.at])).toEqual([['corrected', T.e3]]);

    const medication = field('medication');
    expect(medication.series.map((p) => p.confidence)).toEqual([0.5, 0.95]);
    expect(medication.series[0]?.at).toBe(T.e7);
    expect(medication.decisions.map((d) => [d.action, d.reviewer])).toEqual([['approved', REVIEWER.sub]]);

    const address = field('address_line');
    expect(address.series.map((p) => [p.value, p.confidence])).toEqual([
      ['12 Harbor Road', 0.3],
      [null, null],
    ]);
    expect(address.decisions.map((d) => d.action)).toEqual(['rejected']);
  });

  it('shows provenance: sources, systems, agents and the same_as merge', () => {
    const sources = view.provenance.sources.map((s) => [s.source, s.sourceSystem, s.eventCount]);
    expect(sources).toEqual(
      expect.arrayContaining([
        ['voice_agent', null, 3],
        ['connector_runner', 'hubspot', 2],
        ['connector_runner', 'revolution', 1],
        ['review_queue', null, 1],
      ]),
    );
    expect(view.provenance.sourceSystems).toEqual(['hubspot', 'revolution']);
    expect(view.provenance.agents).toEqual(['intake-voice-agent/2026.10.2']);
    expect(view.provenance.merges).toEqual([
      expect.objectContaining({
        entityId: IDS.hubspotTwin,
        relationship: 'same_as',
        confidence: 0.92,
        displayName: expect.stringContaining('(HubSpot)'),
      }),
    ]);
  });

  it('shows every delivery and flags the correction HubSpot never received', () => {
    const rows = view.sinks.deliveries.map((d) => [d.eventId, d.sinkName, d.status]);
    expect(rows).toEqual(
      expect.arrayContaining([
        [IDS.e3PharmacyCorrected, SINK_NAMES.ehr, 'synced'],
        [IDS.e3PharmacyCorrected, SINK_NAMES.crm, 'failed'],
        [IDS.e7Medication, SINK_NAMES.ehr, 'synced'],
        [IDS.e7Medication, SINK_NAMES.crm, 'synced'],
      ]),
    );
    expect(rows).toHaveLength(4);
    expect(view.sinks.deliveries.find((d) => d.status === 'failed')?.error).toBe(CRM_FAILURE);
    expect(view.sinks.flags).toEqual([
      expect.objectContaining({
        kind: 'correction_not_delivered',
        eventId: IDS.e3PharmacyCorrected,
        replacesEventId: IDS.e2PharmacySaid,
        dataSourceId: IDS.sinkCrm,
        sinkName: SINK_NAMES.crm,
        status: 'failed',
        error: CRM_FAILURE,
        fields: ['pharmacy_name', 'pharmacy_location'],
      }),
    ]);
  });

  it('lists the review history: verdicts, reviewers, reasons and what a correction changed', () => {
    expect(view.reviews.map((r) => [r.itemId, r.action, r.reviewer])).toEqual([
      [IDS.itemAddress, 'rejected', REVIEWER.sub],
      [IDS.itemMedication, 'approved', REVIEWER.sub],
      [IDS.itemPharmacy, 'corrected', REVIEWER.sub],
    ]);
    const [rejected, , corrected] = view.reviews;
    expect(rejected?.rejectionReason).toBe(REJECT_REASON);
    expect(rejected?.rejectedValues.map((v) => [v.field, v.value])).toEqual([
      ['address_line', '12 Harbor Road'],
      ['city', 'Port Ellis'],
      ['postal_code', '04101'],
    ]);
    expect(corrected?.diffs).toEqual([
      {
        eventId: IDS.e2PharmacySaid,
        correctedBy: IDS.e3PharmacyCorrected,
        field: 'pharmacy_name',
        before: 'Cedar Pharmacy',
        after: 'Cedar Row Pharmacy',
      },
    ]);
    expect(corrected?.callId).toBe(IDS.callPharmacy);
  });

  it('keeps the raw lineage and provenance JSON as pulled', () => {
    expect(JSON.parse(view.raw.lineage ?? 'null')).toMatchObject({ entity_id: IDS.patient });
    expect(JSON.parse(view.raw.provenance ?? 'null')).toMatchObject({ entity_id: IDS.patient });
    expect(view.freshness.entityPulledAt).not.toBeNull();
  });

  it('refuses an entity the local copy does not hold', () => {
    expect(() => entityLineage(db.read, '00000000-0000-4000-8000-000000000000')).toThrow(ApiFailure);
  });
});

describe('point in time', () => {
  it('shows what was believed at three instants', () => {
    const first = pointInTime(db.read, IDS.patient, 'believed', INSTANTS.first).state;
    for (const [name, value] of Object.entries(EXPECTED.registration)) expect(valueIn(first, name)?.value).toBe(value);
    expect(valueIn(first, 'preferred_pharmacy')?.value).toBe(EXPECTED.atFirst.preferred_pharmacy);
    expect(valueIn(first, 'medication')).toMatchObject(EXPECTED.atFirst.medication);
    for (const name of EXPECTED.atFirst.absent) expect(valueIn(first, name)).toBeUndefined();

    const second = pointInTime(db.read, IDS.patient, 'believed', INSTANTS.second).state;
    expect(valueIn(second, 'preferred_pharmacy')?.value).toBe(EXPECTED.atSecond.preferred_pharmacy);
    expect(valueIn(second, 'pharmacy_name')?.value).toBe(EXPECTED.atSecond.pharmacy_name);
    expect(valueIn(second, 'address_line')).toMatchObject({ value: EXPECTED.atSecond.address_line, confidence: 0.3 });
    expect(valueIn(second, 'medication')).toMatchObject(EXPECTED.atSecond.medication);

    const third = pointInTime(db.read, IDS.patient, 'believed', afterVerdicts).state;
    expect(valueIn(third, 'medication')).toMatchObject(EXPECTED.afterVerdicts.medication);
    for (const name of EXPECTED.afterVerdicts.absent) expect(valueIn(third, name)).toBeUndefined();
  });

  it('tells what was believed from what was true (by effective_at)', () => {
    const believed = pointInTime(db.read, IDS.patient, 'believed', INSTANTS.bitemporal).state;
    const truth = pointInTime(db.read, IDS.patient, 'true', INSTANTS.bitemporal).state;
    expect(valueIn(believed, 'pharmacy_name')?.value).toBe(EXPECTED.bitemporal.believed);
    expect(valueIn(truth, 'pharmacy_name')?.value).toBe(EXPECTED.bitemporal.true);
    // The rejected address was never true.
    expect(valueIn(pointInTime(db.read, IDS.patient, 'true', INSTANTS.second).state, 'address_line')).toBeUndefined();
  });

  it('compares two moments as a diff', () => {
    const { compare } = pointInTime(db.read, IDS.patient, 'believed', INSTANTS.first, INSTANTS.second);
    const changes = (compare?.diff ?? [])
      .filter((d) => d.change !== 'unchanged')
      .map((d) => [d.field, d.change, d.after?.value ?? null]);
    expect(changes).toEqual([
      ['address_line', 'added', '12 Harbor Road'],
      ['city', 'added', 'Port Ellis'],
      ['pharmacy_location', 'added', '14 Elm Street'],
      ['pharmacy_name', 'added', 'Cedar Row Pharmacy'],
      ['postal_code', 'added', '04101'],
      ['preferred_pharmacy', 'changed', 'Cedar Row Pharmacy'],
    ]);
  });
});

describe('export and robustness', () => {
  it('exports the whole lineage with every event as pulled', () => {
    const doc = lineageExportPage(db.read, IDS.patient, { id: WORKSPACE_ID, region: 'us-east-1' }, afterVerdicts, 0);
    expect(doc).toMatchObject({ format: 'attest.lineage-export/1', page: 0, pageCount: 1 });
    expect(doc.lineage?.entity.id).toBe(IDS.patient);
    // The events travel in the pages, not twice.
    expect(doc.lineage?.events).toEqual([]);
    expect(doc.events.map((e) => e.id)).toEqual(view.events.map((e) => e.id));
    expect(doc.rawEvents.map((e) => e.id)).toEqual(view.events.map((e) => e.id));
    // A timeline row's record is the event exactly as the API sent it.
    expect(doc.rawEvents.find((e) => e.id === IDS.e3PharmacyCorrected)?.record).toMatchObject({
      id: IDS.e3PharmacyCorrected,
      supersedes: IDS.e2PharmacySaid,
    });
    expect(() =>
      lineageExportPage(db.read, IDS.patient, { id: WORKSPACE_ID, region: 'us-east-1' }, afterVerdicts, 1),
    ).toThrow(ApiFailure);
  });

  it('bounds the page for a long history and pages the export', () => {
    const longId = '11e0a001-0000-4000-8000-0000000000ff';
    const at = (n: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + n * 60_000).toISOString();
    const timeline = Array.from({ length: 2_500 }, (_, n) => {
      const value = {
        id: `11e0eeee-0000-4000-8000-${String(n).padStart(12, '0')}`,
        event_type: 'patient.note_added',
        domain: 'operational',
        // The oldest event alone sets the MRN: the page must still list it.
        data: n === 0 ? { mrn: 'MRN-LONG' } : { note: `note ${n}`, [`field_${n % 5}`]: n },
        confidence: n === 0 ? 1 : 0.5,
        source: 'voice_agent',
        effective_at: at(n),
        ingested_at: at(n),
        is_current: true,
      };
      return { value, raw: value };
    });
    const entity = {
      id: longId,
      workspace_id: WORKSPACE_ID,
      entity_type: 'patient',
      has_projection: true,
      confidence: 0.5,
    };
    db.write.transaction(() =>
      applyEntityBundle(
        db.write,
        {
          entity: { value: entity, raw: entity },
          timeline,
          enrichment: [],
          histories: [],
          merged: { value: { entity_id: longId, linked_entities: [], total: 0 }, linked: [] },
          lineage: {},
          provenance: {},
        },
        new Date().toISOString(),
      ),
    );
    const long = entityLineage(db.read, longId);
    expect(long.eventsTotal).toBe(2_500);
    // The newest page, plus the oldest event because the current MRN comes from it.
    expect(long.events).toHaveLength(LINEAGE_VIEW_EVENTS + 1);
    expect(long.events.at(-1)?.data).toEqual({ mrn: 'MRN-LONG' });
    for (const f of long.currentState) expect(long.events.some((e) => e.id === f.eventId)).toBe(true);
    expect(long.fields.find((f) => f.field === 'note')?.series).toHaveLength(2_499);

    const pages = [0, 1, 2].map((page) =>
      lineageExportPage(db.read, longId, { id: WORKSPACE_ID, region: 'us-east-1' }, afterVerdicts, page),
    );
    expect(pages.map((p) => [p.pageCount, p.events.length, p.lineage === null])).toEqual([
      [3, 1_000, false],
      [3, 1_000, true],
      [3, 500, true],
    ]);
    expect(new Set(pages.flatMap((p) => p.rawEvents.map((e) => e.id))).size).toBe(2_500);
  });

  it('reads damaged or hostile raw JSON as absent, and survives a supersedes cycle', () => {
    const write = db.write;
    const rawOf = (table: 'entity_provenance' | 'entity_lineage') =>
      write.value<string>(
        table === 'entity_provenance'
          ? sql`SELECT raw_json FROM entity_provenance WHERE entity_id = ${IDS.patient}`
          : sql`SELECT raw_json FROM entity_lineage WHERE entity_id = ${IDS.patient}`,
      ) ?? '{}';
    const saved = { provenance: rawOf('entity_provenance'), lineage: rawOf('entity_lineage') };
    const hostile = JSON.stringify({
      confidence_history: [1, { event_id: 5 }, null],
      provenance: 'x',
      review_history: {},
    });
    try {
      write.transaction(() => {
        write.run(sql`UPDATE entity_provenance SET raw_json = ${hostile} WHERE entity_id = ${IDS.patient}`);
        write.run(sql`UPDATE entity_lineage SET raw_json = ${hostile} WHERE entity_id = ${IDS.patient}`);
        write.run(
          sql`UPDATE entity_events SET supersedes = ${IDS.e3PharmacyCorrected} WHERE id = ${IDS.e2PharmacySaid}`,
        );
      });
      const damaged = entityLineage(db.read, IDS.patient);
      expect(damaged.fields.find((f) => f.field === 'pharmacy_name')?.chain.map((l) => l.id)).toEqual([
        IDS.e3PharmacyCorrected,
        IDS.e2PharmacySaid,
      ]);
      // Without the backend's confidence history, the rejected event's earlier confidence is unknown.
      expect(damaged.events.find((e) => e.id === IDS.e4AddressRejected)?.initialConfidence).toBeNull();
      expect(damaged.reviews.find((r) => r.itemId === IDS.itemAddress)?.rejectionReason).toBeNull();
      expect(damaged.raw.provenance).toContain('confidence_history');
    } finally {
      write.transaction(() => {
        write.run(sql`UPDATE entity_provenance SET raw_json = ${saved.provenance} WHERE entity_id = ${IDS.patient}`);
        write.run(sql`UPDATE entity_lineage SET raw_json = ${saved.lineage} WHERE entity_id = ${IDS.patient}`);
        write.run(sql`UPDATE entity_events SET supersedes = NULL WHERE id = ${IDS.e2PharmacySaid}`);
      });
    }
  });
});
