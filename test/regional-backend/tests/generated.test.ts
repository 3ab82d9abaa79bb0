/**
 * Generated data (the real generator, small scale) served to the schemas the app validates, and
 * two regions side by side: separate data dirs, ports, issuers; a third trusting another's issuer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditEventsList,
  callDetail,
  enrichmentHistory,
  enrichmentValues,
  entityList,
  entityTimeline,
  jsonObject,
  mergedEntities,
  reviewItem,
  reviewItemPage,
  syncBySink,
  syncEvents,
  syncQueue,
} from '../../../shared/amigo';
import { DEMO_WORKSPACES, personByLogin } from '../directory';
import type { RegionalBackend } from '../server';
import { createRegionalBackend } from '../server';
import { writeDatasetFile } from '../generator';
import { call, obj } from './fixtures';

const [US, EU, CA] = [DEMO_WORKSPACES[0]?.id ?? '', DEMO_WORKSPACES[1]?.id ?? '', DEMO_WORKSPACES[2]?.id ?? ''];
const owner = personByLogin('owner')?.sub ?? '';
const dirs: string[] = [];
let us: RegionalBackend;
let eu: RegionalBackend;
let ca: RegionalBackend;

const tempDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-rb-gen-'));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  [us, eu] = await Promise.all([
    createRegionalBackend({ region: 'us-east-1', dataDir: tempDir(), seed: 5, scale: 'small' }),
    createRegionalBackend({ region: 'eu-central-1', dataDir: tempDir(), seed: 5, scale: 'small' }),
  ]);
  // Canada hosts no identity provider: it trusts the US instance's issuer.
  ca = await createRegionalBackend({
    region: 'ca-central-1',
    dataDir: tempDir(),
    seed: 5,
    scale: 'small',
    issuer: us.issuer,
  });
});
afterAll(async () => {
  // Optional: beforeAll may have failed part way.
  await Promise.all([us?.close(), eu?.close(), ca?.close()]);
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('generated workspace served to the shared schemas', () => {
  it('review queue, item, call, entity views, sync and audit all parse', async () => {
    const token = await us.issueToken(owner, US);
    const get = async (p: string) => {
      const r = await call(us.url, 'GET', `/v1/${US}${p}`, token);
      expect(r.status, p).toBe(200);
      return r.body;
    };
    const page = reviewItemPage.parse(await get('/review-queue?limit=20&status=pending'));
    expect(page.total).toBeGreaterThan(20);
    const item = reviewItem.parse(await get(`/review-queue/${page.items[0]?.id ?? ''}`));
    const call_ = callDetail.parse(await get(`/calls/${item.session_id}`));
    expect(call_.turns.length).toBeGreaterThan(0);
    const entityId = item.entity_id ?? '';
    entityTimeline.parse(await get(`/world/entities/${entityId}/timeline`));
    const lineage = jsonObject.parse(await get(`/world/entities/${entityId}/lineage`));
    expect(Object.keys(lineage)).toEqual(
      expect.arrayContaining(['provenance', 'merges', 'outbound_sinks', 'review_history']),
    );
    jsonObject.parse(await get(`/world/entities/${entityId}/provenance`));
    mergedEntities.parse(await get(`/world/entities/${entityId}/merged`));
    const patients = entityList.parse(await get('/world/entities?entity_type=patient&limit=100'));
    expect(patients.entities.length).toBeGreaterThan(0);
    const patient = patients.entities[0]?.id ?? '';
    const values = enrichmentValues.parse(await get(`/world/entities/${patient}/enrichment`));
    if (values.values[0] !== undefined)
      enrichmentHistory.parse(await get(`/world/entities/${patient}/enrichment/${values.values[0].key}/history`));
    syncBySink.parse(await get('/world/sync/by-sink'));
    syncQueue.parse(await get('/world/sync/queue'));
    syncEvents.parse(await get('/world/sync/events?status=failed'));
    const audit = auditEventsList.parse(await get('/audit?limit=100'));
    expect(audit.total).toBeGreaterThanOrEqual(5000);
  });
});

describe('regions side by side', () => {
  it('each instance serves only its own region, on its own port and issuer', async () => {
    expect(us.url).not.toBe(eu.url);
    expect(us.issuer).toBe(us.url);
    expect(us.workspaces).toEqual([US]);
    expect(eu.workspaces).toEqual([EU]);
    const euToken = await eu.issueToken(owner, EU);
    expect((await call(eu.url, 'GET', `/v1/${EU}/review-queue`, euToken)).status).toBe(200);
    // The US instance does not trust the EU provider's keys.
    expect((await call(us.url, 'GET', `/v1/${EU}/review-queue`, euToken)).status).toBe(401);
    const usTokenForEu = await us.issueToken(owner, EU);
    expect((await call(us.url, 'GET', `/v1/${EU}/review-queue`, usTokenForEu)).status).toBe(404);
    const profile = obj((await call(us.url, 'GET', '/self/profile', usTokenForEu)).body);
    expect((profile['workspaces'] as unknown[]).length).toBe(4);
  });

  it('an instance given another issuer verifies that issuer’s tokens and hosts no provider', async () => {
    expect(ca.issuer).toBe(us.issuer);
    const token = await us.issueToken(owner, CA);
    expect((await call(ca.url, 'GET', `/v1/${CA}/review-queue/stats`, token)).status).toBe(200);
    expect((await fetch(`${ca.url}/.well-known/openid-configuration`)).status).toBe(404);
    await expect(ca.issueToken(owner, CA)).rejects.toThrow(/remote issuer/);
  });

  it('keeps its state across a restart on the same data dir', async () => {
    const dir = tempDir();
    const first = await createRegionalBackend({ region: 'ap-southeast-2', dataDir: dir, seed: 2, scale: 'small' });
    const ws = DEMO_WORKSPACES[3]?.id ?? '';
    const token = await first.issueToken(owner, ws);
    const page = reviewItemPage.parse(
      (await call(first.url, 'GET', `/v1/${ws}/review-queue?status=pending&limit=1`, token)).body,
    );
    const id = page.items[0]?.id ?? '';
    expect((await call(first.url, 'POST', `/v1/${ws}/review-queue/${id}/approve`, token, {})).status).toBe(200);
    await first.close();
    const second = await createRegionalBackend({ region: 'ap-southeast-2', dataDir: dir, seed: 2, scale: 'small' });
    try {
      const again = await second.issueToken(owner, ws);
      expect(reviewItem.parse((await call(second.url, 'GET', `/v1/${ws}/review-queue/${id}`, again)).body).status).toBe(
        'completed',
      );
    } finally {
      await second.close();
    }
  });

  it('loads --dataset instead of generating, and refuses a bad file with a clear error', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'lindenhof.json');
    const summary = writeDatasetFile(file, {
      seed: 9,
      scale: 'small',
      workspace: DEMO_WORKSPACES[1] ?? { id: '', slug: '', name: '', region: 'eu-central-1' },
    });
    const replay = await createRegionalBackend({
      region: 'eu-central-1',
      dataDir: path.join(dir, 'data'),
      dataset: file,
    });
    try {
      const counts = obj((await call(replay.url, 'GET', '/__sim/state/counts')).body);
      expect(counts['audit_events']).toBe(summary.audit_events);
      expect(counts['review_items']).toBe(summary.review_items);
    } finally {
      await replay.close();
    }
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ version: 1, workspaces: [{ id: 'nope' }] }));
    await expect(
      createRegionalBackend({ region: 'eu-central-1', dataDir: path.join(dir, 'bad-data'), dataset: bad }),
    ).rejects.toThrow(/workspaces/);
  });
});
