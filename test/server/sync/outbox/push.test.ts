/**
 * The push against the regional backend simulator: decisions accepted locally (the same service
 * the routes call) reach the backend in order and exactly once, through refusals, conflicts,
 * dropped connections after the verdict was applied, 5xx, 429, a crash mid-send and a backend
 * that is down and comes back. Access events go first and land in the backend's own audit log
 * with the Attest User-Agent naming them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiFailure } from '../../../../electron/server/http/api-failure';
import { appendAccessEvent, getAccessEvent } from '../../../../electron/server/modules/access/access-log.repo';
import {
  acceptBatch,
  acceptClaim,
  acceptDecision,
  resubmitEntry,
  withdrawEntry,
} from '../../../../electron/server/modules/decisions/decisions.service';
import { sql } from '../../../../electron/server/db/sql';
import {
  getEntry,
  itemLocalStates,
  markSending,
  outboxCounts,
} from '../../../../electron/server/sync/outbox/outbox.repo';
import { OutboxPusher } from '../../../../electron/server/sync/outbox/push';
import { tempDir, type TempDir, type TestDatabase } from '../../server-test-kit';
import {
  REVIEWER,
  WORKSPACE,
  actAsOther,
  contextFor,
  itemPool,
  loadPendingItems,
  openLocal,
  remoteFor,
  simAudit,
  simItem,
  startSim,
  type Sim,
} from './outbox-test-kit';

let sim: Sim;
let tmp: TempDir;
let db: TestDatabase;
let take: (n?: number) => string[];
let clock = new Date();

const pusher = (sub = REVIEWER): OutboxPusher =>
  new OutboxPusher({
    remote: remoteFor(sim, sub),
    db,
    sub,
    onSignInRequired: () => undefined,
    clock: () => clock,
    random: () => 0.5,
  });

/** A pass, with the pusher's own retry timer stopped (the test drives the passes). */
const pushOnce = async (sub = REVIEWER) => {
  const p = pusher(sub);
  const report = await p.pushOnce();
  p.stop();
  return report;
};

const ctx = (options: Parameters<typeof contextFor>[1] = {}) => contextFor(db, { now: clock, ...options });
const state = (id: string) => getEntry(db.read, id)?.state;
const posts = (suffix: string) =>
  sim.backend.requests.entries({ method: 'POST' }).filter((r) => r.path.endsWith(suffix));

beforeAll(async () => {
  tmp = tempDir('attest-push-');
  sim = await startSim();
  db = openLocal(tmp.file('local.db'));
  take = itemPool(await loadPendingItems(remoteFor(sim, REVIEWER), db));
});

afterAll(async () => {
  db.close();
  await sim.close();
  tmp.remove();
});

describe('push', () => {
  it('sends decisions and claims in the order they were made, and refreshes the local item', async () => {
    const [a, b, c, d] = take(4) as [string, string, string, string];
    const approve = acceptDecision(ctx(), a, { kind: 'approve', notes: 'matches the call' });
    const reject = acceptDecision(ctx(), b, {
      kind: 'reject',
      reasonCode: 'value_not_stated',
      reasonText: 'caller never gave a date',
    });
    const correct = acceptDecision(ctx(), c, { kind: 'correct', correctedData: { city: 'Springfield' } });
    const claim = acceptClaim(ctx(), d, 'claim');
    sim.backend.requests.reset();

    const report = await pushOnce();
    expect(report).toMatchObject({ sent: 4, quarantined: 0, conflicts: 0, stopped: null, remaining: 0 });
    expect([approve, reject, correct, claim].map((e) => state(e.id))).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(sim.backend.requests.entries({ method: 'POST' }).map((r) => r.path.split('/').slice(-2).join('/'))).toEqual([
      `${a}/approve`,
      `${b}/reject`,
      `${c}/correct`,
      `${d}/claim`,
    ]);
    expect(simItem(sim, a)).toMatchObject({
      status: 'completed',
      completed_action: 'approved',
      completed_by: REVIEWER,
    });
    expect(simItem(sim, b)).toMatchObject({
      status: 'rejected',
      verdict_reason: 'Value not stated: caller never gave a date',
    });
    expect(simItem(sim, c)).toMatchObject({ completed_action: 'corrected' });
    expect(simItem(sim, d)).toMatchObject({ status: 'in_progress', assigned_to: REVIEWER });
    // The verdict's own audit row names the outbox entry in its User-Agent.
    expect(
      simAudit(sim, a)
        .filter((e) => e.action === 'review.approve')
        .map((e) => e.user_agent),
    ).toEqual([`Attest/0.1.0 (outbox ${approve.id}; attempt 1)`]);
    // The backend's answer replaced the local row: the queue no longer counts the item open.
    expect(db.read.get(sql`SELECT status, completed_action FROM review_items WHERE id = ${a}`)).toEqual({
      status: 'completed',
      completed_action: 'approved',
    });
    expect(itemLocalStates(db.read, [a]).get(a)).toMatchObject({ kind: 'approve', state: 'sent', outcome: 'applied' });
  });

  it('delivers access events first, as audited reads the backend logs with the local event id', async () => {
    const [item] = take(1) as [string];
    const event = appendAccessEvent(db.write, {
      actorSub: REVIEWER,
      actorName: 'Rita Reviewer',
      action: 'review_item.open',
      resourceType: 'review_item',
      resourceId: item,
      entityId: null,
      details: null,
      online: false,
      localTime: '2026-05-01T09:15:00.000Z',
      tzOffsetMinutes: 120,
    });
    const decision = acceptDecision(ctx(), item, { kind: 'approve' });
    sim.backend.requests.reset();

    const report = await pushOnce();
    expect(report.accessDelivered).toBeGreaterThanOrEqual(2);
    const order = sim.backend.requests.entries().map((r) => `${r.method} ${r.path.split('/').slice(3).join('/')}`);
    // Both access events (the open, and the one the decision recorded) before the verdict.
    expect(order.slice(0, 3)).toEqual([
      `GET review-queue/${item}`,
      `GET review-queue/${item}`,
      `POST review-queue/${item}/approve`,
    ]);
    const delivered = getAccessEvent(db.read, event.id);
    expect(delivered).toMatchObject({ delivered: true, deliveryPath: `/v1/${WORKSPACE}/review-queue/${item}` });
    expect(delivered?.serverTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    const reads = simAudit(sim, item).filter((e) => e.action === 'review.read');
    expect(reads.map((e) => e.user_agent)).toContain(
      `Attest/0.1.0 (access-event ${event.id}; offline-recorded 2026-05-01T09:15:00.000Z)`,
    );
    expect(state(decision.id)).toBe('sent');
  });

  it('holds a decision for its undo window: undo withdraws it (recorded); once sent, undo is refused', async () => {
    const [item] = take(1) as [string];
    const t0 = new Date('2030-01-01T10:00:00.000Z');
    clock = t0;
    const first = acceptDecision(ctx({ undoWindowMs: 10_000 }), item, { kind: 'reject', reasonCode: 'wrong_speaker' });
    expect(await pushOnce()).toMatchObject({ sent: 0, remaining: 1 });
    expect(posts(`${item}/reject`)).toHaveLength(0);
    const undone = withdrawEntry(ctx({ now: new Date(t0.getTime() + 9_000) }), first.id);
    expect(undone.state).toBe('withdrawn');
    expect(undone.withdrawnAt).toBe('2030-01-01T10:00:09.000Z');
    expect(itemLocalStates(db.read, [item]).has(item)).toBe(false);

    const second = acceptDecision(ctx({ undoWindowMs: 10_000 }), item, { kind: 'approve' });
    expect(() => withdrawEntry(ctx({ now: new Date(t0.getTime() + 10_001) }), second.id)).toThrow(/time to undo/);
    clock = new Date(t0.getTime() + 10_001);
    expect(await pushOnce()).toMatchObject({ sent: 1 });
    let refusal: unknown;
    try {
      withdrawEntry(ctx(), second.id);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ApiFailure);
    expect(refusal).toMatchObject({
      status: 409,
      code: 'already_sent',
      message: expect.stringMatching(/already sent; undo is no longer possible/),
    });
    expect(posts(`${item}/reject`)).toHaveLength(0);
    expect(simItem(sim, item)).toMatchObject({ completed_action: 'approved' });
    clock = new Date();
  });

  it('quarantines a refused decision with the backend’s words and sends the others anyway', async () => {
    const [claimed, fine] = take(2) as [string, string];
    expect(await actAsOther(sim, claimed, 'claim')).toBe(200);
    const refused = acceptDecision(ctx(), claimed, { kind: 'approve' });
    const ok = acceptDecision(ctx(), fine, { kind: 'approve' });

    const report = await pushOnce();
    expect(report).toMatchObject({ sent: 1, quarantined: 1 });
    const entry = getEntry(db.read, refused.id);
    expect(entry).toMatchObject({
      state: 'quarantined',
      serverReason: '409: Review item is claimed by another reviewer',
    });
    expect(state(ok.id)).toBe('sent');
    expect(outboxCounts(db.read, REVIEWER).quarantined).toBeGreaterThanOrEqual(1);
    expect(simItem(sim, claimed)).toMatchObject({ status: 'in_progress', completed_action: null });

    // Resubmit: a new entry linked to the refused one, which stays as it was.
    const again = resubmitEntry(ctx(), refused.id, undefined);
    expect(again.resubmitOf).toBe(refused.id);
    expect(getEntry(db.read, refused.id)).toMatchObject({ state: 'quarantined', supersededBy: again.id });
  });

  it('keeps both decisions as a conflict when someone else decided the item first', async () => {
    const [item] = take(1) as [string];
    const mine = acceptDecision(ctx(), item, { kind: 'reject', reasonCode: 'caller_contradicted' });
    expect(await actAsOther(sim, item, 'approve')).toBe(200);

    expect(await pushOnce()).toMatchObject({ conflicts: 1 });
    const entry = getEntry(db.read, mine.id);
    expect(entry?.state).toBe('conflict');
    expect(entry?.serverReason).toMatch(
      /^Already approved on the server at .+ by another reviewer\. Your decision \(reject: Caller contradicted self\) was not applied/,
    );
    expect(entry?.payload).toEqual({ reason: 'Caller contradicted self' });
    expect(simItem(sim, item)).toMatchObject({
      completed_action: 'approved',
      completed_by: expect.not.stringMatching(REVIEWER),
    });
    // A withdraw of the conflict is recorded, not erased.
    expect(withdrawEntry(ctx(), mine.id)).toMatchObject({ state: 'withdrawn', serverReason: entry?.serverReason });
  });

  it('never applies a verdict twice when the connection drops after the backend applied it', async () => {
    const [item] = take(1) as [string];
    const entry = acceptDecision(ctx(), item, { kind: 'approve' });
    sim.backend.faults.add({ kind: 'drop', when: 'after', method: 'POST', path: `/v1/*/review-queue/${item}/approve` });

    const first = await pushOnce();
    expect(first.stopped).toBe('offline');
    expect(getEntry(db.read, entry.id)).toMatchObject({ state: 'sending', attempts: 1 });
    expect(simItem(sim, item)).toMatchObject({ completed_action: 'approved' });

    const second = await pushOnce();
    expect(second).toMatchObject({ sent: 1, stopped: null });
    expect(getEntry(db.read, entry.id)).toMatchObject({ state: 'sent', attempts: 1 });
    expect(posts(`${item}/approve`).map((r) => r.status)).toEqual([0]);
    expect(simAudit(sim, item).filter((e) => e.action === 'review.approve')).toHaveLength(1);
  });

  it('re-reads an entry found sending after a crash, and sends it once when the item is still open', async () => {
    const [item] = take(1) as [string];
    const entry = acceptDecision(ctx(), item, { kind: 'approve' });
    // The process died after committing `sending` and before the request left.
    markSending(db.write, entry.id, new Date().toISOString());

    expect(await pushOnce()).toMatchObject({ sent: 1 });
    expect(posts(`${item}/approve`).map((r) => r.status)).toEqual([200]);
    expect(getEntry(db.read, entry.id)).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('treats a 5xx as unknown (re-read before retrying) and a 429 as not sent', async () => {
    const [five, four] = take(2) as [string, string];
    const a = acceptDecision(ctx(), five, { kind: 'approve' });
    sim.backend.faults.add({ kind: 'status', status: 503, method: 'POST', path: `/v1/*/review-queue/${five}/approve` });
    expect((await pushOnce()).stopped).toBe('retry');
    const waiting = getEntry(db.read, a.id);
    expect(waiting).toMatchObject({ state: 'sending', lastError: expect.stringMatching(/503/) });
    clock = new Date(Date.parse(waiting?.nextAttemptAt ?? '') + 1);
    expect(await pushOnce()).toMatchObject({ sent: 1 });
    expect(posts(`${five}/approve`).map((r) => r.status)).toEqual([503, 200]);

    const b = acceptDecision(ctx(), four, { kind: 'approve' });
    sim.backend.faults.add({
      kind: 'status',
      status: 429,
      retry_after: 2,
      count: 5,
      method: 'POST',
      path: `/v1/*/review-queue/${four}/approve`,
    });
    expect((await pushOnce()).stopped).toBe('rate-limited');
    const limited = getEntry(db.read, b.id);
    expect(limited).toMatchObject({ state: 'pending' });
    expect(Date.parse(limited?.nextAttemptAt ?? '') - clock.getTime()).toBe(2000);
    sim.backend.faults.clear();
    clock = new Date(clock.getTime() + 2_001);
    expect(await pushOnce()).toMatchObject({ sent: 1 });
    clock = new Date();
  });

  it('splits a batch into calls of at most 100 items and keeps a partly refused batch', async () => {
    const ids = take(110);
    const busy = ids[105] ?? '';
    expect(await actAsOther(sim, busy, 'claim')).toBe(200);
    const entries = acceptBatch(ctx(), { kind: 'reject', itemIds: ids, reasonCode: 'out_of_scope' });
    expect(entries.map((e) => e.items.length)).toEqual([100, 10]);
    sim.backend.requests.reset();

    await pushOnce();
    const calls = sim.backend.requests.entries({ method: 'POST' }).filter((r) => r.path.endsWith('batch-reject'));
    expect(calls).toHaveLength(2);
    expect(getEntry(db.read, entries[0]?.id ?? '')?.state).toBe('sent');
    const partial = getEntry(db.read, entries[1]?.id ?? '');
    expect(partial?.state).toBe('quarantined');
    expect(partial?.serverReason).toMatch(
      new RegExp(`^1 of 10 items were not applied\\. ${busy}: 409: Review item is claimed`),
    );
    expect(ids.filter((id) => simItem(sim, id).status === 'rejected')).toHaveLength(109);
    expect(simItem(sim, ids[0] ?? '').verdict_reason).toBe('Out of scope');
    // Resubmitting the refused part carries only the item that was not applied.
    expect(resubmitEntry(ctx(), partial?.id ?? '', undefined).items.map((i) => i.itemId)).toEqual([busy]);
  });

  it('sends only the signed-in person’s own intents', async () => {
    const [item] = take(1) as [string];
    const theirs = acceptDecision(ctx({ sub: 'someone-else' }), item, { kind: 'approve' });
    const access = appendAccessEvent(db.write, {
      actorSub: 'someone-else',
      actorName: null,
      action: 'review_item.open',
      resourceType: 'review_item',
      resourceId: item,
      entityId: null,
      details: null,
      online: true,
      localTime: new Date().toISOString(),
      tzOffsetMinutes: 0,
    });
    await pushOnce();
    expect(state(theirs.id)).toBe('pending');
    // Their access events wait for them too: a delivery is a read made with the signed-in token.
    expect(getAccessEvent(db.read, access.id)?.deliveryAttempts).toBe(0);
    expect(posts(`${item}/approve`)).toHaveLength(0);
  });

  it('keeps decisions made while the backend is down and sends them in order when it is back', async () => {
    const items = take(3);
    await sim.stop();
    const entries = items.map((id, i) =>
      acceptDecision(
        ctx({ online: false }),
        id,
        i === 1 ? { kind: 'reject', reasonCode: 'transcription_error' } : { kind: 'approve' },
      ),
    );
    const offline = await pushOnce();
    // The access events these decisions recorded go first; they could not: nothing was sent.
    expect(offline).toMatchObject({ stopped: 'offline', sent: 0, remaining: 3 });
    expect(entries.map((e) => state(e.id))).toEqual(['pending', 'pending', 'pending']);

    await sim.start();
    const back = await pushOnce();
    expect(back).toMatchObject({ sent: 3, stopped: null, remaining: 0 });
    const order = sim.backend.requests.entries({ method: 'POST' }).map((r) => r.path.split('/').slice(-2).join('/'));
    expect(order).toEqual([`${items[0]}/approve`, `${items[1]}/reject`, `${items[2]}/approve`]);
    expect(simItem(sim, items[1] ?? '')).toMatchObject({ verdict_reason: 'Transcription error' });
  });
});
