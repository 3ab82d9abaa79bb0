/**
 * The decision, claim, outbox and access-event routes through the real workspace server, signed
 * in through the simulator's identity provider: what a reviewer may do, what a viewer may not
 * (403), bad input refused with the field at fault, and claims and access events reaching the
 * backend by themselves (the quick push after each accepted intent).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkspaceServer, type RunningWorkspaceServer } from '../../../../electron/server/index';
import { ApiCallError } from '../../../../renderer/api/client';
import { localApp, signInOverHttp, type LocalApp } from '../../../support/sign-in-over-http';
import { tempDir, type TempDir } from '../../server-test-kit';
import { WORKSPACE, simAudit, simItem, startSim, type Sim } from '../../sync/outbox/outbox-test-kit';

let sim: Sim;
let tmp: TempDir;
let server: RunningWorkspaceServer;
let app: LocalApp;
let pending: string[] = [];

const until = async <T>(read: () => Promise<T> | T, ok: (value: T) => boolean, what: string): Promise<T> => {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const refusal = async (promise: Promise<unknown>): Promise<ApiCallError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiCallError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

const signInAs = async (login: string): Promise<void> => {
  await signInOverHttp(app, sim.backend.issuer, login);
  // The first pass brings the queue into the local copy.
  await until(
    () => app.api.call('syncStatus'),
    (s) => s.streams.some((st) => st.stream === 'review-queue' && st.lastSuccessAt !== null),
    'the first pull of the queue',
  );
};

beforeAll(async () => {
  tmp = tempDir('attest-decisions-routes-');
  sim = await startSim();
  pending = sim.backend.store.db
    .prepare<[string], { id: string }>(
      `SELECT id FROM review_items WHERE workspace_id = ? AND status = 'pending' AND assigned_to IS NULL ORDER BY created_ms`,
    )
    .all(WORKSPACE)
    .map((r) => r.id);
  const secret = randomBytes(32).toString('base64url');
  server = await startWorkspaceServer({
    secret,
    dataDir: tmp.dir,
    backendUrl: sim.backend.url,
    issuer: sim.backend.issuer,
    forceMemoryKeychain: true,
    pollIntervalSeconds: 3600,
    // Long enough that nothing this suite decides is sent behind its back.
    undoWindowMs: 60_000,
  });
  app = localApp(server.url, secret);
  await signInAs('reviewer');
});

afterAll(async () => {
  await server.close();
  await sim.close();
  tmp.remove();
});

describe('decision routes', () => {
  it('accepts a decision locally, shows it waiting, and undoes it', async () => {
    const item = pending[0] ?? '';
    const entry = await app.api.call('decide', {
      params: { id: item },
      body: { kind: 'reject', reasonCode: 'value_not_stated', reasonText: 'caller never gave a date' },
    });
    expect(entry).toMatchObject({
      kind: 'reject',
      itemIds: [item],
      state: 'pending',
      payload: { request: { reason: 'Value not stated: caller never gave a date' } },
      resubmitOf: null,
    });
    expect(Date.parse(entry.undoableUntil ?? '')).toBeGreaterThan(Date.now());
    expect((await app.api.call('outbox')).entries.map((e) => e.id)).toContain(entry.id);
    expect((await app.api.call('syncStatus')).outbox.pendingByKind).toMatchObject({ reject: 1 });

    const undone = await app.api.call('withdraw', { params: { id: entry.id } });
    expect(undone).toMatchObject({ state: 'withdrawn', undoableUntil: null });
    expect((await app.api.call('outbox', { query: { state: 'withdrawn' } })).entries.map((e) => e.id)).toEqual([
      entry.id,
    ]);
    expect(await refusal(app.api.call('withdraw', { params: { id: entry.id } }))).toMatchObject({
      status: 409,
      code: 'already_withdrawn',
    });
  });

  it('sends a claim and an unclaim at once, in order', async () => {
    const item = pending[1] ?? '';
    const claim = await app.api.call('claim', { params: { id: item } });
    const unclaim = await app.api.call('unclaim', { params: { id: item } });
    expect([claim.kind, unclaim.kind]).toEqual(['claim', 'unclaim']);
    await until(
      () => app.api.call('outbox', { query: { state: 'sent' } }),
      (r) => [claim.id, unclaim.id].every((id) => r.entries.some((e) => e.id === id)),
      'the claim and unclaim to be sent',
    );
    const actions = simAudit(sim, item).map((e) => e.action);
    expect(actions.filter((a) => a === 'review.claim' || a === 'review.unclaim')).toEqual([
      'review.claim',
      'review.unclaim',
    ]);
    expect(simItem(sim, item)).toMatchObject({ status: 'pending', assigned_to: null });
  });

  it('records an access event and delivers it to the backend’s audit log first', async () => {
    const item = pending[2] ?? '';
    const recorded = await app.api.call('recordAccess', {
      body: { action: 'review_item.open', resourceType: 'review_item', resourceId: item },
    });
    expect(recorded.delivered).toBe(false);
    const ua = await until(
      () => simAudit(sim, item).find((e) => e.user_agent?.includes(recorded.id) === true)?.user_agent ?? null,
      (v) => v !== null,
      'the access event in the backend audit log',
    );
    expect(ua).toMatch(new RegExp(`^Attest/0\\.1\\.0 \\(access-event ${recorded.id}; recorded \\d{4}-`));
  });

  it('queues a batch as calls of at most 100', async () => {
    const ids = pending.slice(10, 130);
    const { entries } = await app.api.call('batchDecide', { body: { kind: 'approve', itemIds: ids } });
    expect(entries.map((e) => [e.kind, e.itemIds.length])).toEqual([
      ['batch_approve', 100],
      ['batch_approve', 20],
    ]);
  });

  it('refuses bad input with the field at fault, and unknown items', async () => {
    const response = await fetch(`${app.origin}/api/review/items/${pending[3] ?? ''}/decision`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'reject', reasonText: 'no code' }),
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(body.error.code).toBe('validation');
    expect(body.error.issues.map((i) => i.path)).toContain('reasonCode');
    expect(
      await refusal(
        app.api.call('decide', { params: { id: '00000000-0000-4000-8000-000000000000' }, body: { kind: 'approve' } }),
      ),
    ).toMatchObject({ status: 404 });
    expect(await refusal(app.api.call('withdraw', { params: { id: 'no-such-entry' } }))).toMatchObject({ status: 404 });
  });

  it('lets a viewer record access but not decide or claim (403)', async () => {
    await app.api.call('signOut');
    await signInAs('auditor');
    const item = pending[4] ?? '';
    expect(await refusal(app.api.call('decide', { params: { id: item }, body: { kind: 'approve' } }))).toMatchObject({
      status: 403,
      code: 'forbidden_role',
    });
    expect(await refusal(app.api.call('claim', { params: { id: item } }))).toMatchObject({ status: 403 });
    // The reviewer's queue is not the viewer's to see.
    expect((await app.api.call('outbox')).entries).toEqual([]);
    expect(
      (await app.api.call('recordAccess', { body: { action: 'transcript.view', resourceType: 'call' } })).delivered,
    ).toBe(false);
    expect(simItem(sim, item).completed_action).toBeNull();
  });
});
