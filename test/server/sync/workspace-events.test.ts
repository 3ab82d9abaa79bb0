/**
 * The workspace event stream, read with fetch against the simulator's real SSE endpoint: a
 * review.submitted event refreshes that item and its entity at once (no poll), Last-Event-ID
 * resumes without gaps, too_many_streams stops the retries, a 401 asks for a new sign-in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewItem, reviewItemPage, type ReviewSubmittedEvent } from '../../../shared/amigo';
import { sql } from '../../../electron/server/db/sql';
import { WorkspaceEventStream } from '../../../electron/server/sync/workspace-events.stream';
import { requestsTo } from './mirror-checks';
import {
  clientFor,
  engineFor,
  openLocal,
  startSimulator,
  waitFor,
  type Client,
  type SimHarness,
} from './sync-test-kit';

const WS = '/v1/{workspace_id}';

const noop = (): void => undefined;
const handlersFor = (collect: { submitted: ReviewSubmittedEvent[]; ids: string[]; errors: (string | null)[] }) => ({
  reviewSubmitted: (e: ReviewSubmittedEvent) => void collect.submitted.push(e),
  memberRoleUpdated: noop,
  connected: noop,
  status: (patch: { lastError?: string | null }) => {
    if (patch.lastError !== undefined) collect.errors.push(patch.lastError);
  },
  saveLastEventId: (id: string) => void collect.ids.push(id),
  signInRequired: (message: string) => void collect.errors.push(`sign-in: ${message}`),
});

describe('workspace event stream', () => {
  let sim: SimHarness;
  let admin: Client;
  beforeAll(async () => {
    sim = await startSimulator({ scale: 'small', seed: 11, stream: { maxStreamsPerWorkspace: 2 } });
    admin = await clientFor(sim, 'compliance');
  }, 120_000);
  afterAll(async () => sim.close());

  const pendingItem = async () => {
    const page = await admin.remote.get(admin.remote.workspacePath('review-queue'), reviewItemPage, {
      status: 'pending',
      limit: 20,
    });
    const item = page.data.items.find((i) => i.entity_id !== null);
    if (!item?.entity_id) throw new Error('no pending item with an entity');
    return { id: item.id, entityId: item.entity_id };
  };

  it('refreshes an item and its entity when review.submitted names it', async () => {
    const client = await clientFor(sim, 'reviewer');
    const db = openLocal(sim.tmp.file('events.db'), sim.workspaceId);
    const engine = engineFor(client, db, 'member', { events: { authorizer: client.authorizer } });
    engine.start();
    await waitFor(() => engine.status().lastCompleteSyncAt !== null, 'the first pass');
    await waitFor(() => sim.backend.hub.openStreams(sim.workspaceId) === 1, 'the event stream');
    const item = await pendingItem();
    const confidenceBefore = db.read.value<number>(sql`SELECT confidence FROM entities WHERE id = ${item.entityId}`);
    expect(db.read.value<string>(sql`SELECT status FROM review_items WHERE id = ${item.id}`)).toBe('pending');

    sim.backend.requests.reset();
    // Someone else decides it; the simulator announces review.submitted on the stream.
    await admin.remote.post(admin.remote.workspacePath(`review-queue/${item.id}/approve`), reviewItem, {});
    await waitFor(
      () => db.read.value<string>(sql`SELECT status FROM review_items WHERE id = ${item.id}`) === 'completed',
      'the item refresh',
    );
    await engine.settled();
    // Targeted: that item and that entity, not a pass (the poll interval is an hour here).
    expect(requestsTo(sim, `${WS}/review-queue/{item_id}`)).toBe(1);
    expect(requestsTo(sim, `${WS}/world/entities/{entity_id}`)).toBe(1);
    expect(requestsTo(sim, `${WS}/review-queue`)).toBe(0);
    const truth = sim.backend.store.world.entityJson(sim.workspaceId, item.entityId);
    expect(db.read.value<number>(sql`SELECT confidence FROM entities WHERE id = ${item.entityId}`)).toBe(
      truth?.['confidence'],
    );
    expect(confidenceBefore).not.toBeUndefined();
    // The position is kept for a reconnect (Last-Event-ID).
    const last = sim.backend.hub.buffered(sim.workspaceId).at(-1);
    expect(db.read.value<string>(sql`SELECT cursor FROM sync_cursors WHERE stream = 'workspace-events'`)).toBe(
      String(last?.id),
    );
    await engine.stop();
    await engine.settled();
    db.close();
  }, 120_000);

  it('resumes after Last-Event-ID: the events missed are replayed, the ones seen are not', async () => {
    const client = await clientFor(sim, 'reviewer');
    const seen = sim.backend.hub.publish(sim.workspaceId, 'review.submitted', { action: 'approve', count: null });
    const missed1 = sim.backend.hub.publish(sim.workspaceId, 'review.submitted', { action: 'reject', count: 2 });
    const missed2 = sim.backend.hub.publish(sim.workspaceId, 'review.submitted', { action: 'batch_approve', count: 3 });
    const got = { submitted: [] as ReviewSubmittedEvent[], ids: [] as string[], errors: [] as (string | null)[] };
    const stream = new WorkspaceEventStream({
      remote: client.remote,
      authorizer: client.authorizer,
      lastEventId: String(seen.id),
      handlers: handlersFor(got),
    });
    stream.start();
    await waitFor(() => got.submitted.length === 2, 'the replay');
    expect(got.submitted.map((e) => e.action)).toEqual(['reject', 'batch_approve']);
    expect(got.ids).toEqual([String(missed1.id), String(missed2.id)]);

    // The server ends the stream (stream_unavailable): the reader reconnects after `retry:` with
    // the last id, and gets what was published meanwhile, once.
    sim.backend.hub.endAll('stream_unavailable');
    const later = sim.backend.hub.publish(sim.workspaceId, 'review.submitted', { action: 'correct', count: null });
    await waitFor(() => got.submitted.length === 3, 'the event after the reconnect', 15_000);
    expect(got.ids.at(-1)).toBe(String(later.id));
    expect(got.submitted.map((e) => e.action)).toEqual(['reject', 'batch_approve', 'correct']);
    await stream.stop();
  }, 60_000);

  it('stops retrying on too_many_streams, and asks for a sign-in on a 401 it cannot cure', async () => {
    const client = await clientFor(sim, 'reviewer');
    const keep = [0, 1].map(() => {
      const got = { submitted: [], ids: [], errors: [] };
      const s = new WorkspaceEventStream({
        remote: client.remote,
        authorizer: client.authorizer,
        lastEventId: null,
        handlers: handlersFor(got),
      });
      s.start();
      return s;
    });
    await waitFor(() => sim.backend.hub.openStreams(sim.workspaceId) === 2, 'two streams');
    sim.backend.requests.reset();
    const refused = { submitted: [] as ReviewSubmittedEvent[], ids: [] as string[], errors: [] as (string | null)[] };
    const third = new WorkspaceEventStream({
      remote: client.remote,
      authorizer: client.authorizer,
      lastEventId: null,
      handlers: handlersFor(refused),
      defaultRetryMs: 10,
    });
    third.start();
    await waitFor(() => refused.errors.some((e) => e?.includes('too many live connections') === true), 'the refusal');
    await third.stop();
    expect(requestsTo(sim, `${WS}/events/stream`)).toBe(1);
    await Promise.all(keep.map((s) => s.stop()));

    const expired = { submitted: [] as ReviewSubmittedEvent[], ids: [] as string[], errors: [] as (string | null)[] };
    const stale = new WorkspaceEventStream({
      remote: client.remote,
      authorizer: {
        headersFor: async () => ({ authorization: 'Bearer not-a-token' }),
        refreshAfterUnauthorized: async () => false,
      },
      lastEventId: null,
      handlers: handlersFor(expired),
    });
    stale.start();
    await waitFor(() => expired.errors.some((e) => e?.startsWith('sign-in:') === true), 'the sign-in request');
    await stale.stop();
  }, 60_000);

  it('marks an item and an entity the backend no longer knows as gone, with its reason', async () => {
    const client = await clientFor(sim, 'reviewer');
    const db = openLocal(sim.tmp.file('gone.db'), sim.workspaceId);
    const engine = engineFor(client, db, 'member');
    await engine.syncNow({ manual: true });
    const item = await pendingItem();
    // The backend drops the item and its entity (expired, deleted: the API has no event for it).
    sim.backend.store.db.prepare('DELETE FROM review_items WHERE id = ?').run(item.id);
    sim.backend.store.db.prepare('DELETE FROM entities WHERE id = ?').run(item.entityId);

    await engine.refreshItem(item.id, item.entityId);
    const row = db.read.get<{ status: string; gone_reason: string | null; gone_at: string | null }>(
      sql`SELECT status, gone_reason, gone_at FROM review_items WHERE id = ${item.id}`,
    );
    // Kept (the desk shows why it went), marked, not offered as pending any more.
    expect(row?.status).toBe('pending');
    expect(row?.gone_reason).toBe('404: Review item not found');
    expect(row?.gone_at).not.toBeNull();
    const mark = db.read.get<{ gone_status: number | null; gone_reason: string | null }>(
      sql`SELECT gone_status, gone_reason FROM pull_marks WHERE kind = 'entity' AND id = ${item.entityId}`,
    );
    expect(mark).toEqual({ gone_status: 404, gone_reason: 'Entity not found' });
    // Its last known copy stays for the lineage; it is not asked for again on the next pass.
    expect(db.read.value<number>(sql`SELECT count(*) FROM entities WHERE id = ${item.entityId}`)).toBe(1);
    sim.backend.requests.reset();
    await engine.syncNow({ manual: false });
    // This entity only: other entities may still be fetched by a pass a loaded machine cut short.
    const askedAgain = sim.backend.requests
      .entries()
      .filter((r) => r.method === 'GET' && r.path.startsWith(`/v1/${sim.workspaceId}/world/entities/${item.entityId}`));
    expect(askedAgain).toEqual([]);
    await engine.stop();
    db.close();
  }, 60_000);
});
