/**
 * The review queue store over a real loopback server answering like the workspace API: a reload
 * that keeps the selection (after every sync) must follow the reviewer, not the item that was
 * selected when it started; a reviewer pressing j while it is in flight stays where they went.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../renderer/api/client';
import { createReviewQueueStore, type ReviewQueueStore } from '../../../renderer/stores/review-queue-store';
import type { QueueCountsView, QueuePageView, QueueRowView } from '../../../shared/contract/review.views';
import { json, sendJson, startFixtureServer, type FixtureServer } from './fixture-server';

let server: FixtureServer;
beforeEach(async () => {
  server = await startFixtureServer();
});
afterEach(async () => {
  await server.close();
});

const row = (id: string, assignedTo: string | null = null): QueueRowView => ({
  id,
  status: 'pending',
  callId: `call-${id}`,
  entityId: null,
  entityType: 'patient',
  displayName: `Item ${id}`,
  priority: 1,
  reason: 'low_confidence',
  assignedTo,
  assignedToMe: false,
  createdAt: '2026-11-21T10:00:00.000Z',
  minConfidence: 0.5,
  eventCount: 1,
  risk: 1,
  local: null,
});
const page = (ids: string[]): QueuePageView => ({
  rows: ids.map((id) => row(id)),
  offset: 0,
  total: ids.length,
  asOf: null,
});
const counts = (total: number): QueueCountsView => ({
  total,
  status: [],
  entityType: [],
  priority: [],
  reason: [],
  mine: 0,
  unassigned: total,
});

/** Answers the queue route with `ids`, or holds the answer until `release` is called. */
const answerQueue = (ids: string[]): void => {
  server.on('GET /api/review/items', json(page(ids)));
  server.on('GET /api/review/counts', json(counts(ids.length)));
};
const holdQueue = (): { release(ids: string[]): void } => {
  const waiting: ServerResponse[] = [];
  server.on('GET /api/review/items', (_req, res) => void waiting.push(res));
  return {
    release(ids) {
      server.on('GET /api/review/counts', json(counts(ids.length)));
      for (const res of waiting.splice(0)) sendJson(res, 200, page(ids));
    },
  };
};

const makeStore = (): ReviewQueueStore =>
  createReviewQueueStore(createApiClient({ baseUrl: server.baseUrl, secret: 's' }), () => undefined);

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
};

describe('review queue store: reloads that keep the selection', () => {
  it('a move made while the reload is in flight is where the reviewer stays', async () => {
    answerQueue(['a', 'b', 'c', 'd']);
    const store = makeStore();
    await store.getState().reload();
    store.getState().select(1);
    expect(store.getState().selectedId).toBe('b');

    const held = holdQueue();
    const reloading = store.getState().reload({ keepSelection: true });
    await until(() => server.requests.filter((r) => r.url.startsWith('/api/review/items?')).length === 2);
    // j while the sync's reload is out: the desk moves on at once, from the rows on screen.
    store.getState().move(1);
    expect(store.getState().selectedId).toBe('c');

    // The answer has a new item before c: c stays selected at its new position.
    held.release(['a', 'b', 'new', 'c', 'd']);
    await reloading;
    expect(store.getState()).toMatchObject({ selectedId: 'c', selectedIndex: 3, total: 5 });
  });

  it('keeps the selected item where the new order put it', async () => {
    answerQueue(['a', 'b', 'c']);
    const store = makeStore();
    await store.getState().reload();
    store.getState().select(2);
    answerQueue(['c', 'a', 'b']);
    await store.getState().reload({ keepSelection: true });
    expect(store.getState()).toMatchObject({ selectedId: 'c', selectedIndex: 0 });
  });

  it('when the kept item left and the queue shrank below it, stays at the end of the queue', async () => {
    answerQueue(['a', 'b', 'c']);
    const store = makeStore();
    await store.getState().reload();
    store.getState().select(2);
    answerQueue(['a']);
    await store.getState().reload({ keepSelection: true });
    expect(store.getState()).toMatchObject({ selectedId: 'a', selectedIndex: 0, total: 1 });
  });

  it('a plain reload (new filters) starts at the top', async () => {
    answerQueue(['a', 'b', 'c']);
    const store = makeStore();
    await store.getState().reload();
    store.getState().select(2);
    await store.getState().reload();
    expect(store.getState()).toMatchObject({ selectedId: 'a', selectedIndex: 0 });
  });
});

describe('review queue store: picks for a batch', () => {
  it('never picks an item another reviewer holds (the backend would refuse it), by key or by range', async () => {
    server.on(
      'GET /api/review/items',
      json({ rows: [row('a'), row('held', 'someone-else'), row('c')], offset: 0, total: 3, asOf: null }),
    );
    server.on('GET /api/review/counts', json(counts(3)));
    const store = makeStore();
    await store.getState().reload();
    store.getState().togglePick('held');
    expect([...store.getState().picked]).toEqual([]);
    store.getState().pickRange(0, 2);
    expect([...store.getState().picked].sort()).toEqual(['a', 'c']);
    store.getState().togglePick('a');
    expect([...store.getState().picked]).toEqual(['c']);
  });
});
