/**
 * Accepting decisions locally, without any backend: one transaction for the outbox entry, its
 * items and the access event (nothing half-written when one part fails), the API bodies as they
 * will be sent, batches split at 100, and the refusals a person gets for bad input.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from '../../../../electron/server/db/sql';
import { bindWorkspace } from '../../../../electron/server/db/meta.repo';
import { listAccessEvents, verifyAccessChain } from '../../../../electron/server/modules/access/access-log.repo';
import {
  acceptBatch,
  acceptClaim,
  acceptDecision,
  listOutbox,
  rejectReason,
  toEntryView,
  withdrawEntry,
  type DecisionContext,
} from '../../../../electron/server/modules/decisions/decisions.service';
import { upsertReviewItems } from '../../../../electron/server/modules/review/review.repo';
import { outboxCounts } from '../../../../electron/server/sync/outbox/outbox.repo';
import { smallDataset } from '../../../regional-backend/generator/test-helpers';
import { openTestDatabase, tempDir, type TempDir, type TestDatabase } from '../../server-test-kit';

const dataset = smallDataset(7).records.review_items;
const open = dataset.filter((i) => i.status === 'pending');
const decided = dataset.find((i) => i.status === 'completed');
const workspaceId = open[0]?.workspace_id ?? '';

let tmp: TempDir;
let db: TestDatabase;
const now = new Date('2026-05-01T09:00:00.000Z');

const ctx = (overrides: Partial<DecisionContext> = {}): DecisionContext => ({
  write: db.write,
  read: db.read,
  user: { sub: 'sub-1', name: 'Rita Reviewer' },
  online: false,
  now,
  undoWindowMs: 10_000,
  ...overrides,
});

const failure = (run: () => unknown): { status: number; code: string; message: string; issues?: unknown } => {
  try {
    run();
  } catch (error) {
    return error as { status: number; code: string; message: string };
  }
  throw new Error('expected a refusal');
};

beforeEach(() => {
  tmp = tempDir();
  db = openTestDatabase(tmp.file('decisions.db'), { bind: false });
  bindWorkspace(db.write, { region: 'us-east-1', workspaceId }, now.toISOString());
  upsertReviewItems(db.write, [...open, ...(decided ? [decided] : [])], now.toISOString());
});
afterEach(() => {
  db.close();
  tmp.remove();
});

describe('accepting decisions locally', () => {
  it('queues the API body, the undo window and an access event in one go', () => {
    const item = open[0]?.id ?? '';
    const entry = acceptDecision(ctx(), item, {
      kind: 'reject',
      reasonCode: 'value_not_stated',
      reasonText: 'caller never gave a date',
    });
    expect(entry).toMatchObject({
      kind: 'reject',
      state: 'pending',
      payload: { reason: 'Value not stated: caller never gave a date' },
      decision: { kind: 'reject', reasonCode: 'value_not_stated', reasonText: 'caller never gave a date' },
      notBefore: '2026-05-01T09:00:10.000Z',
      createdBySub: 'sub-1',
    });
    expect(toEntryView(entry, now)).toMatchObject({ itemIds: [item], undoableUntil: '2026-05-01T09:00:10.000Z' });
    expect(toEntryView(entry, new Date('2026-05-01T09:00:10.000Z')).undoableUntil).toBeNull();
    const [access] = listAccessEvents(db.read, { limit: 10 });
    expect(access).toMatchObject({
      action: 'review_item.reject',
      resourceType: 'review_item',
      resourceId: item,
      entityId: open[0]?.entity_id,
      online: false,
      outboxEntryId: entry.id,
    });
    expect(verifyAccessChain(db.read).ok).toBe(true);
    expect(outboxCounts(db.read, 'sub-1')).toEqual({ pendingByKind: { reject: 1 }, quarantined: 0 });
  });

  it('writes nothing when any part of the transaction fails', () => {
    db.write.exec(
      `CREATE TRIGGER fail_access BEFORE INSERT ON local_access_log BEGIN SELECT RAISE(ABORT, 'disk full'); END;`,
    );
    expect(() => acceptDecision(ctx(), open[0]?.id ?? '', { kind: 'approve' })).toThrow(/disk full/);
    expect(db.read.value(sql`SELECT count(*) FROM outbox`)).toBe(0);
    expect(db.read.value(sql`SELECT count(*) FROM outbox_items`)).toBe(0);
  });

  it('builds approve and correct bodies, and the reason text without details', () => {
    const [a, b] = open;
    expect(acceptDecision(ctx(), a?.id ?? '', { kind: 'approve' }).payload).toEqual({});
    expect(
      acceptDecision(ctx(), b?.id ?? '', { kind: 'correct', correctedData: { phone: '555-0100' }, notes: 'typo' })
        .payload,
    ).toEqual({ corrected_data: { phone: '555-0100' }, notes: 'typo' });
    expect(rejectReason('wrong_speaker', '  ')).toBe('Wrong speaker');
  });

  it('refuses to decide twice, an unknown item, and an item the backend already decided', () => {
    const item = open[0]?.id ?? '';
    acceptDecision(ctx(), item, { kind: 'approve' });
    expect(failure(() => acceptDecision(ctx(), item, { kind: 'reject', reasonCode: 'out_of_scope' }))).toMatchObject({
      status: 409,
      message: expect.stringMatching(/already decided this item; it is waiting to be sent\. Undo it first/),
    });
    expect(failure(() => acceptDecision(ctx(), randomUUID(), { kind: 'approve' }))).toMatchObject({
      status: 404,
      message: expect.stringMatching(/not in the local copy/),
    });
    if (decided) {
      expect(failure(() => acceptDecision(ctx(), decided.id, { kind: 'approve' }))).toMatchObject({
        status: 409,
        message: expect.stringMatching(/already decided on the server/),
      });
    }
    expect(db.read.value(sql`SELECT count(*) FROM outbox`)).toBe(1);
  });

  it('splits a batch into entries of at most 100 items, all or nothing', () => {
    const ids = open.slice(0, 120).map((i) => i.id);
    expect(ids.length).toBe(120);
    const entries = acceptBatch(ctx(), { kind: 'approve', itemIds: [...ids, ids[0] ?? ''], notes: 'bulk' });
    expect(entries.map((e) => [e.kind, e.items.length, (e.payload['item_ids'] as string[]).length])).toEqual([
      ['batch_approve', 100, 100],
      ['batch_approve', 20, 20],
    ]);
    expect(entries[0]?.payload['notes']).toBe('bulk');
    expect(listAccessEvents(db.read, { limit: 10 }).map((e) => e.detailsJson)).toEqual([
      '{"item_count":100,"batch_part":1}',
      '{"item_count":20,"batch_part":2}',
    ]);

    const more = open.slice(120, 125).map((i) => i.id);
    const refusal = failure(() =>
      acceptBatch(ctx(), { kind: 'reject', itemIds: [...more, ids[5] ?? ''], reasonCode: 'out_of_scope' }),
    );
    expect(refusal).toMatchObject({
      status: 409,
      code: 'batch_not_decidable',
      message: '1 of 6 items cannot be decided. Nothing was queued.',
      issues: [{ path: 'itemIds.5', message: expect.stringMatching(/already decided/) }],
    });
    expect(db.read.value(sql`SELECT count(*) FROM outbox`)).toBe(2);
  });

  it('queues claims to go at once, refuses a duplicate, and lets an unsent claim be withdrawn', () => {
    const item = open[0]?.id ?? '';
    const claim = acceptClaim(ctx(), item, 'claim');
    expect(claim).toMatchObject({ kind: 'claim', notBefore: null, payload: {} });
    expect(failure(() => acceptClaim(ctx(), item, 'claim'))).toMatchObject({ status: 409, code: 'already_claimed' });
    expect(withdrawEntry(ctx(), claim.id)).toMatchObject({ state: 'withdrawn', withdrawnAt: now.toISOString() });
    expect(listOutbox(ctx(), undefined)).toEqual([]);
    expect(listOutbox(ctx(), 'withdrawn').map((e) => e.id)).toEqual([claim.id]);
  });

  it('shows a person only their own queue', () => {
    const mine = acceptDecision(ctx(), open[0]?.id ?? '', { kind: 'approve' });
    acceptDecision(ctx({ user: { sub: 'sub-2', name: null } }), open[1]?.id ?? '', { kind: 'approve' });
    expect(listOutbox(ctx(), undefined).map((e) => e.id)).toEqual([mine.id]);
    expect(failure(() => withdrawEntry(ctx({ user: { sub: 'sub-2', name: null } }), mine.id))).toMatchObject({
      status: 404,
    });
  });
});
