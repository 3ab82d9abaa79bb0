/**
 * The lineage store over a real loopback server answering like the workspace API: an entity is
 * shown only after its view is recorded, an export happens only after it is recorded, and a slow
 * answer to an older search never replaces a newer one. Plus the pure helpers of the feature.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../renderer/api/client';
import { createLineageStore, type LineageStore } from '../../../renderer/features/lineage/lineage-store';
import {
  exportFileName,
  formatValue,
  isoToLocalInput,
  localInputToIso,
} from '../../../renderer/features/lineage/lineage-format';
import { entityHref, entityIdFromHash } from '../../../renderer/features/lineage/lineage-route';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EntityLineageView, LineageExportPageView } from '../../../shared/contract/lineage.views';
import { json, sendJson, startFixtureServer, type FixtureServer } from './fixture-server';

const ENTITY = '11e0a001-0000-4000-8000-000000000001';
const freshness = { lastSyncAt: '2026-11-21T10:00:00.000Z', entityPulledAt: '2026-11-21T10:00:00.000Z' };

const view: EntityLineageView = {
  entity: {
    id: ENTITY,
    entityType: 'patient',
    displayName: 'Zq7PhiMarker Test',
    canonicalId: null,
    name: null,
    mrn: 'MRN-1',
    phone: null,
    birthDate: null,
    confidence: 1,
    eventCount: 0,
    firstSeenAt: null,
    lastEventAt: null,
    externalIds: {},
    tags: [],
  },
  freshness,
  currentState: [],
  events: [],
  eventsTotal: 0,
  fields: [],
  provenance: { sources: [], sourceSystems: [], agents: [], merges: [] },
  sinks: { sinks: [], deliveries: [], flags: [] },
  reviews: [],
  raw: { lineage: null, lineagePulledAt: null, provenance: null, provenancePulledAt: null },
  timeRange: { first: null, last: null },
};
const event = (n: number) => ({
  id: `11e0e001-0000-4000-8000-${String(n).padStart(12, '0')}`,
  eventType: 'patient.registered',
  eventSubtype: null,
  domain: 'operational',
  data: { name: 'Zq7PhiMarker Test' },
  fields: ['name'],
  confidence: 1,
  initialConfidence: 1,
  confidenceChanges: [],
  source: 'connector_runner',
  sourceSystem: 'revolution',
  producedByAgent: null,
  effectiveAt: null,
  ingestedAt: '2026-03-01T09:00:00.000Z',
  supersedes: null,
  supersededBy: [],
  isCurrent: true,
  reviewStatus: null,
  origin: 'timeline' as const,
  valuesFrom: 'timeline' as const,
  fhirResourceType: null,
  fhirResourceId: null,
  syncStatus: null,
  syncError: null,
  syncedAt: null,
  callId: null,
});
const exportPage = (page: number, pageCount: number, pulledAt = '2026-11-21T10:00:00.000Z'): LineageExportPageView => ({
  format: 'attest.lineage-export/1',
  exportedAt: '2026-11-21T10:00:00.000Z',
  workspace: { id: 'ws', region: 'us-east-1' },
  entityPulledAt: pulledAt,
  page,
  pageCount,
  lineage: page === 0 ? { ...view, eventsTotal: pageCount } : null,
  events: [event(page)],
  rawEvents: [{ id: event(page).id, origin: 'timeline', record: { id: event(page).id } }],
});
const pagesHandler =
  (pageCount: number, pulledAtOf: (page: number) => string) => (req: IncomingMessage, res: ServerResponse) => {
    const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page'));
    sendJson(res, 200, exportPage(page, pageCount, pulledAtOf(page)));
  };

let server: FixtureServer;
let store: LineageStore;
let sessionProblems = 0;
beforeEach(async () => {
  server = await startFixtureServer();
  sessionProblems = 0;
  store = createLineageStore(createApiClient({ baseUrl: server.baseUrl, secret: 's'.repeat(32) }), () => {
    sessionProblems += 1;
  });
});
afterEach(async () => {
  await server.close();
});

const calls = (): string[] => server.requests.map((r) => `${r.method} ${new URL(r.url, 'http://x').pathname}`);
const accessBodies = (): Array<Record<string, unknown>> =>
  server.requests
    .filter((r) => r.url === '/api/access-events')
    .map((r) => JSON.parse(r.body) as Record<string, unknown>);

describe('lineage store', () => {
  it('shows an entity only once its view is recorded as an access event', async () => {
    server.on(`GET /api/lineage/entities/${ENTITY}`, json(view));
    server.on('POST /api/access-events', json({ id: 'a1', delivered: false }));
    await store.getState().open(ENTITY);
    expect(calls()).toEqual([`GET /api/lineage/entities/${ENTITY}`, 'POST /api/access-events']);
    expect(accessBodies()[0]).toMatchObject({ action: 'entity.view', resourceType: 'entity', entityId: ENTITY });
    expect(store.getState().entity).toMatchObject({ id: ENTITY, status: 'ready', view: { entity: { mrn: 'MRN-1' } } });
  });

  it('does not show the entity when the access cannot be recorded', async () => {
    server.on(`GET /api/lineage/entities/${ENTITY}`, json(view));
    server.on('POST /api/access-events', json({ error: { code: 'internal', message: 'disk full' } }, 500));
    await store.getState().open(ENTITY);
    expect(store.getState().entity.status).toBe('error');
    expect(store.getState().entity.view).toBeNull();
    expect(store.getState().entity.problem).toContain('could not record');
  });

  it('exports only after recording the export, joining its pages, and not at all when recording fails', async () => {
    server.on(`GET /api/lineage/entities/${ENTITY}`, json(view));
    server.on(
      `GET /api/lineage/entities/${ENTITY}/export`,
      pagesHandler(3, () => '2026-11-21T10:00:00.000Z'),
    );
    server.on('POST /api/access-events', json({ id: 'a1', delivered: false }));
    await store.getState().open(ENTITY);
    const doc = await store.getState().exportJson();
    expect(doc?.format).toBe('attest.lineage-export/1');
    expect(doc?.lineage.events.map((e) => e.id)).toEqual([event(0).id, event(1).id, event(2).id]);
    expect(doc?.rawEvents).toHaveLength(3);
    expect(calls().slice(-4)).toEqual([
      'POST /api/access-events',
      `GET /api/lineage/entities/${ENTITY}/export`,
      `GET /api/lineage/entities/${ENTITY}/export`,
      `GET /api/lineage/entities/${ENTITY}/export`,
    ]);
    expect(accessBodies().at(-1)).toMatchObject({
      action: 'export',
      resourceType: 'entity_lineage',
      details: { format: 'json' },
    });

    server.on('POST /api/access-events', json({ error: { code: 'internal', message: 'no' } }, 500));
    const before = calls().length;
    expect(await store.getState().exportJson()).toBeNull();
    expect(calls().slice(before)).toEqual(['POST /api/access-events']);
    expect(store.getState().output.problem).toContain('could not record');
    expect(await store.getState().recordPrint()).toBe(false);
  });

  it('refuses an export whose entity changed between pages', async () => {
    server.on(`GET /api/lineage/entities/${ENTITY}`, json(view));
    server.on(
      `GET /api/lineage/entities/${ENTITY}/export`,
      pagesHandler(2, (page) => (page === 0 ? '2026-11-21T10:00:00.000Z' : '2026-11-21T10:05:00.000Z')),
    );
    server.on('POST /api/access-events', json({ id: 'a1', delivered: false }));
    await store.getState().open(ENTITY);
    expect(await store.getState().exportJson()).toBeNull();
    expect(store.getState().output.problem).toContain('changed this entity');
  });

  it('keeps the newest search when an older answer arrives late', async () => {
    server.on('GET /api/lineage/entities', (req, res) => {
      const q = new URL(req.url ?? '/', 'http://x').searchParams.get('q');
      const answer = {
        results: [
          {
            id: q === 'slow' ? 'old' : 'new',
            entityType: 'patient',
            displayName: q,
            mrn: null,
            phone: null,
            birthDate: null,
            lastEventAt: null,
            matchedOn: ['name'],
          },
        ],
        truncated: false,
        freshness,
      };
      setTimeout(() => sendJson(res, 200, answer), q === 'slow' ? 150 : 0);
    });
    server.on('POST /api/access-events', json({ id: 'a1', delivered: false }));
    const slow = store.getState().runSearch('slow');
    await store.getState().runSearch('fast');
    await slow;
    expect(store.getState().search.results.map((r) => r.id)).toEqual(['new']);
    expect(store.getState().search.query).toBe('fast');
    // The results shown were recorded: which entities, never the query text.
    expect(accessBodies()).toEqual([
      { action: 'lineage.view', resourceType: 'entity_search', details: { results: 1, entities: 'new' } },
    ]);
  });

  it('asks the session to be re-read on a 401 and forgets everything on reset', async () => {
    server.on(`GET /api/lineage/entities/${ENTITY}`, json({ error: { code: 'signed_out', message: 'Sign in.' } }, 401));
    await store.getState().open(ENTITY);
    expect(sessionProblems).toBe(1);
    store.getState().reset();
    expect(store.getState().entity).toMatchObject({ id: null, status: 'idle', view: null });
  });
});

describe('lineage helpers', () => {
  it('turns the local date-time field into UTC and back', () => {
    const iso = localInputToIso('2026-03-04T13:00:00');
    expect(iso).toBe(new Date(2026, 2, 4, 13, 0, 0).toISOString());
    expect(isoToLocalInput(iso ?? '')).toBe('2026-03-04T13:00:00');
    expect(localInputToIso('')).toBeNull();
    expect(localInputToIso('yesterday')).toBeNull();
  });

  it('writes values as text and names exports without PHI', () => {
    expect(formatValue('Cedar')).toBe('Cedar');
    expect(formatValue(null)).toBe('—');
    expect(formatValue({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    expect(formatValue('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
    expect(exportFileName(ENTITY, new Date('2026-11-21T10:00:00.000Z'))).toBe(
      `attest-lineage-${ENTITY}-2026-11-21T10-00-00-000Z.json`,
    );
  });

  it('reads the entity from the hash, refusing anything odd', () => {
    expect(entityIdFromHash(entityHref(ENTITY))).toBe(ENTITY);
    expect(entityIdFromHash('#/lineage')).toBeNull();
    expect(entityIdFromHash('#/lineage/entity/%E0%A4%A')).toBeNull();
    expect(entityIdFromHash('#/lineage/entity/a/b')).toBeNull();
    expect(entityIdFromHash('#/review')).toBeNull();
  });
});
