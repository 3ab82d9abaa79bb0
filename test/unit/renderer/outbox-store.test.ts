/**
 * The outbox store over a real loopback server answering like the workspace API: the waiting and
 * refused lists, the per-item state the desk reads, Resubmit and Withdraw (each followed by a
 * fresh read), and a refusal shown as a sentence.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../renderer/api/client';
import { createOutboxStore, entryLabel, itemSyncState, type OutboxStore } from '../../../renderer/stores/outbox-store';
import type { OutboxEntryView } from '../../../shared/contract';
import { json, startFixtureServer, type FixtureServer } from './fixture-server';

const entry = (
  id: string,
  state: OutboxEntryView['state'],
  itemIds: string[],
  kind: OutboxEntryView['kind'] = 'approve',
) =>
  ({
    id,
    kind,
    itemIds,
    state,
    createdAt: '2026-11-21T10:00:00.000Z',
    undoableUntil: null,
    attempts: 1,
    lastError: null,
    serverReason: state === 'quarantined' ? '409: Review item is claimed by another reviewer' : null,
    payload: { request: {}, decision: null },
    resubmitOf: null,
    supersededBy: null,
  }) satisfies OutboxEntryView;

let server: FixtureServer;
let store: OutboxStore;
let sessionChecks = 0;

beforeEach(async () => {
  server = await startFixtureServer();
  sessionChecks = 0;
  store = createOutboxStore(createApiClient({ baseUrl: server.baseUrl, secret: 's' }), () => {
    sessionChecks += 1;
  });
});
afterEach(async () => {
  store.getState().reset();
  await server.close();
});

describe('outbox store', () => {
  it('splits waiting from refused, and answers per item (the later entry wins)', async () => {
    server.on(
      'GET /api/outbox',
      json({
        entries: [
          entry('e1', 'quarantined', ['i1']),
          entry('e2', 'pending', ['i2', 'i3'], 'batch_reject'),
          entry('e3', 'conflict', ['i3']),
          entry('e4', 'sending', ['i4'], 'claim'),
        ],
      }),
    );
    await store.getState().refresh();
    const state = store.getState();
    expect(state.waiting.map((e) => e.id)).toEqual(['e2', 'e4']);
    expect(state.attention.map((e) => e.id)).toEqual(['e1', 'e3']);
    expect(['i1', 'i2', 'i3', 'i4', 'i9'].map((id) => itemSyncState(state, id))).toEqual([
      'refused',
      'waiting',
      'conflict',
      'waiting',
      null,
    ]);
    expect(entryLabel(entry('x', 'pending', ['a', 'b'], 'batch_reject'))).toBe('Reject (batch) · 2 items');
  });

  it('resubmits and withdraws, then reads the outbox again', async () => {
    let listed: OutboxEntryView[] = [entry('e1', 'quarantined', ['i1'])];
    server.on('GET /api/outbox', (_req, res) => json({ entries: listed })(_req, res, ''));
    server.on('POST /api/outbox/e1/resubmit', (_req, res) => {
      listed = [entry('e5', 'pending', ['i1'])];
      json({ ...entry('e5', 'pending', ['i1']), resubmitOf: 'e1' })(_req, res, '');
    });
    server.on('POST /api/outbox/e5/withdraw', (_req, res) => {
      listed = [];
      json(entry('e5', 'withdrawn', ['i1']))(_req, res, '');
    });
    await store.getState().refresh();
    await store.getState().resubmit('e1');
    expect(store.getState().notice).toBe('Approve resubmitted; it is waiting to be sent.');
    expect(store.getState().waiting.map((e) => e.id)).toEqual(['e5']);
    await store.getState().withdraw('e5');
    expect(store.getState().notice).toBe('Approve withdrawn. The record of it stays.');
    expect(store.getState().waiting).toEqual([]);
    expect(server.requests.filter((r) => r.method === 'POST').map((r) => r.url)).toEqual([
      '/api/outbox/e1/resubmit',
      '/api/outbox/e5/withdraw',
    ]);
  });

  it('shows a refusal as a sentence and re-checks the session on 401', async () => {
    server.on(
      'POST /api/outbox/e1/withdraw',
      json(
        { error: { code: 'already_sent', message: 'This change was already sent; undo is no longer possible.' } },
        409,
      ),
    );
    await store.getState().withdraw('e1');
    expect(store.getState().problem).toMatch(/already sent; undo is no longer possible/);
    expect(store.getState().acting.size).toBe(0);
    server.on('GET /api/outbox', json({ error: { code: 'signed_out', message: 'Sign in to continue.' } }, 401));
    await store.getState().refresh();
    expect(sessionChecks).toBe(1);
  });
});
