/** Verdicts, claims and batches: their effects on events, projections, sync rows, audit and status. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditEventsList,
  batchActionResponse,
  claimResponse,
  correctionSchemaResponse,
  entity,
  entityTimeline,
  httpValidationError,
  reviewDiffResponse,
  reviewItem,
  reviewItemPage,
  reviewStats,
} from '../../../shared/amigo';
import { personByLogin } from '../directory';
import type { TestBackend } from './fixtures';
import {
  APPOINTMENT,
  arr,
  BULK_ITEMS,
  bulkItem,
  call,
  ITEM_APPROVE,
  ITEM_CORRECT,
  ITEM_REJECT,
  MEDICATION,
  obj,
  PATIENT,
  startFixtureBackend,
  uid,
  WS,
} from './fixtures';

let t: TestBackend;
let url: string;
let started: string;
const q = (item: string, action = ''): string => `/v1/${WS}/review-queue/${item}${action === '' ? '' : `/${action}`}`;
/** The events of an item as the simulator stores them (superseded ones and successors included). */
const stored = async (item: string) => obj((await call(url, 'GET', `/__sim/state/review-items/${item}`)).body);

beforeAll(async () => {
  t = await startFixtureBackend();
  url = t.backend.url;
  started = new Date(Date.now() - 1000).toISOString();
});
afterAll(async () => {
  // Optional: beforeAll may have failed before t was set.
  await t?.close();
});

describe('reading the queue', () => {
  it('pages with an integer continuation token and inline events and entity', async () => {
    const token = await t.token('reviewer');
    const first = reviewItemPage.parse((await call(url, 'GET', `/v1/${WS}/review-queue?limit=20`, token)).body);
    expect(first.items).toHaveLength(20);
    expect(first).toMatchObject({ has_more: true, continuation_token: 20, total: 3 + BULK_ITEMS });
    const second = reviewItemPage.parse(
      (await call(url, 'GET', `/v1/${WS}/review-queue?limit=20&continuation_token=20`, token)).body,
    );
    expect(second).toMatchObject({ has_more: false, continuation_token: null });
    expect(second.items).toHaveLength(8);
    const item = first.items.find((i) => i.id === ITEM_APPROVE);
    expect(item?.events?.[0]).toMatchObject({
      confidence: 0.5,
      review_status: 'pending',
      data: { phone: '+15555550100' },
    });
    expect(item?.entity?.state).toMatchObject({ name: 'Ada Zq7PhiMarker Lovelace' });
  });

  it('filters and sorts (priority desc, created window)', async () => {
    const token = await t.token('reviewer');
    const bySort = reviewItemPage.parse(
      (await call(url, 'GET', `/v1/${WS}/review-queue?sort_by=priority&sort_order=desc&limit=3`, token)).body,
    );
    expect(bySort.items.map((i) => i.priority)).toEqual([9, 9, 8]);
    const filtered = reviewItemPage.parse(
      (
        await call(
          url,
          'GET',
          `/v1/${WS}/review-queue?entity_type=appointment&created_after=2026-08-01T00:05:00Z`,
          token,
        )
      ).body,
    );
    expect(filtered.items.map((i) => i.id)).toEqual([ITEM_CORRECT]);
    const lowest = reviewItemPage.parse(
      (await call(url, 'GET', `/v1/${WS}/review-queue?sort_by=confidence&limit=1`, token)).body,
    );
    expect(lowest.items[0]?.events?.[0]?.confidence).toBe(0.2);
  });
});

describe('verdicts', () => {
  it('approve promotes the events to 0.95 human_approved and queues outbound sync', async () => {
    const token = await t.token('reviewer');
    const r = await call(url, 'POST', q(ITEM_APPROVE, 'approve'), token, { notes: 'confirmed on the call' });
    expect(r.status).toBe(200);
    const item = reviewItem.parse(r.body);
    expect(item).toMatchObject({
      status: 'completed',
      completed_action: 'approved',
      assigned_to: personByLogin('reviewer')?.sub,
    });
    expect(item.completed_at).not.toBeNull();
    expect(item.events?.[0]).toMatchObject({ confidence: 0.95, review_status: 'human_approved' });
    const ev = obj((await call(url, 'GET', `/__sim/state/events/${uid('e1', 2)}`)).body);
    expect(obj(ev['event'])).toMatchObject({
      confidence: 0.95,
      review_status: 'human_approved',
      is_current: 1,
      sync_status: 'pending',
    });
    expect(arr(ev['sync']).map((s) => obj(s)['sync_status'])).toEqual(['pending']);
  });

  it('a verdict on a completed item → 409 {detail}', async () => {
    const token = await t.token('reviewer');
    for (const action of ['approve', 'reject']) {
      const r = await call(url, 'POST', q(ITEM_APPROVE, action), token, action === 'reject' ? { reason: 'late' } : {});
      expect(r.status).toBe(409);
      expect(typeof obj(r.body)['detail']).toBe('string');
    }
  });

  it('correct writes a NEW event at 1.0 that supersedes the original, which is kept', async () => {
    const token = await t.token('reviewer');
    const schema = correctionSchemaResponse.parse(
      (await call(url, 'GET', q(ITEM_CORRECT, 'correction-schema'), token)).body,
    );
    expect(schema.fhir_resource_type).toBe('Appointment');
    expect(schema.current_values).toEqual({ requested_date: '2026-09-14', status: 'proposed' });
    expect(Object.keys(schema.fields)).toEqual(expect.arrayContaining(['start', 'status', 'requested_date']));

    const r = await call(url, 'POST', q(ITEM_CORRECT, 'correct'), token, {
      corrected_data: { requested_date: '2026-09-15' },
    });
    expect(r.status).toBe(200);
    expect(reviewItem.parse(r.body)).toMatchObject({ status: 'completed', completed_action: 'corrected' });

    const s = await stored(ITEM_CORRECT);
    const [original] = arr(s['events']).map(obj);
    const [successor] = arr(s['corrections']).map(obj);
    expect(original).toMatchObject({ id: uid('e2', 1), is_current: 0, confidence: 0.3, review_status: 'corrected' });
    expect(successor).toMatchObject({ supersedes: uid('e2', 1), is_current: 1, confidence: 1 });
    expect(obj(successor?.['api'])['data']).toEqual({ requested_date: '2026-09-15', status: 'proposed' });

    const diff = reviewDiffResponse.parse((await call(url, 'GET', q(ITEM_CORRECT, 'diff'), token)).body);
    expect(diff.original_events.map((e) => e.data['requested_date'])).toEqual(['2026-09-14']);
    expect(diff.corrected_events.map((e) => [e.data['requested_date'], e.confidence])).toEqual([['2026-09-15', 1]]);

    // The projection now reads the correction; the timeline shows current events only.
    const e = entity.parse((await call(url, 'GET', `/v1/${WS}/world/entities/${APPOINTMENT}`, token)).body);
    expect(e.state).toMatchObject({ requested_date: '2026-09-15' });
    const timeline = entityTimeline.parse(
      (await call(url, 'GET', `/v1/${WS}/world/entities/${APPOINTMENT}/timeline`, token)).body,
    );
    expect(timeline.events.map((ev) => [ev.confidence, ev.supersedes, ev.is_current])).toEqual([
      [1, uid('e2', 1), true],
    ]);
  });

  it('reject demotes the events to 0.0 with the reason and drops their fields from the state', async () => {
    const token = await t.token('reviewer');
    const r = await call(url, 'POST', q(ITEM_REJECT, 'reject'), token, { reason: 'Caller was unsure' });
    expect(r.status).toBe(200);
    expect(reviewItem.parse(r.body)).toMatchObject({ status: 'rejected', completed_action: 'rejected' });
    const [ev] = arr((await stored(ITEM_REJECT))['events']).map(obj);
    expect(ev).toMatchObject({
      confidence: 0,
      review_status: 'rejected',
      verdict_reason: 'Caller was unsure',
      sync_status: 'not_applicable',
    });
    const e = entity.parse((await call(url, 'GET', `/v1/${WS}/world/entities/${MEDICATION}`, token)).body);
    expect(e.state).toEqual({ status: 'active' });
  });

  it('rejects an empty reason and an unknown item', async () => {
    const token = await t.token('reviewer');
    const empty = await call(url, 'POST', q(bulkItem(0), 'reject'), token, { reason: '' });
    expect(empty.status).toBe(422);
    expect(httpValidationError.parse(empty.body).detail[0]).toMatchObject({
      type: 'string_too_short',
      loc: ['body', 'reason'],
    });
    expect((await call(url, 'POST', q(uid('dead', 1), 'approve'), token, {})).status).toBe(404);
  });

  it('each verdict writes audit events (actor = sub, phi_accessed) and counts in stats and history', async () => {
    const admin = await t.token('compliance');
    const reviewer = personByLogin('reviewer')?.sub ?? '';
    const audit = auditEventsList.parse(
      (
        await call(
          url,
          'GET',
          `/v1/${WS}/audit?service=review-queue&actor_entity_id=${reviewer}&phi_only=true&date_from=${started}`,
          admin,
        )
      ).body,
    );
    expect(audit.events.map((e) => e.action).sort()).toEqual(['review.approve', 'review.correct', 'review.reject']);
    expect(audit.events.every((e) => e.phi_accessed && e.actor_entity_id === reviewer)).toBe(true);
    const log = auditEventsList.parse(
      (await call(url, 'GET', `/v1/${WS}/audit/entity/${PATIENT}/access-log?limit=100`, admin)).body,
    );
    expect(log.events.some((e) => e.action === 'entity.write')).toBe(true);

    const stats = reviewStats.parse((await call(url, 'GET', `/v1/${WS}/review-queue/stats`, admin)).body);
    expect(stats).toMatchObject({ pending: BULK_ITEMS, completed: 2, rejected: 1 });
    const history = reviewItemPage.parse(
      (await call(url, 'GET', `/v1/${WS}/review-queue/history?action=corrected`, admin)).body,
    );
    expect(history.items.map((i) => i.id)).toEqual([ITEM_CORRECT]);
    const byReviewer = reviewItemPage.parse(
      (await call(url, 'GET', `/v1/${WS}/review-queue/history?reviewed_by=${reviewer}`, admin)).body,
    );
    expect(byReviewer.total).toBe(3);
  });
});

describe('claims', () => {
  it('claim, my-queue, a second claimant (409), unclaim by another (403), unclaim', async () => {
    const rita = await t.token('reviewer');
    const dana = await t.token('dana');
    const item = bulkItem(1);
    const claimed = claimResponse.parse((await call(url, 'POST', q(item, 'claim'), rita)).body);
    expect(claimed).toEqual({ id: item, assigned_to: personByLogin('reviewer')?.sub, status: 'in_progress' });
    expect((await call(url, 'POST', q(item, 'claim'), rita)).status).toBe(200);
    const mine = reviewItemPage.parse((await call(url, 'GET', `/v1/${WS}/review-queue/my-queue`, rita)).body);
    expect(mine.items.map((i) => i.id)).toEqual([item]);

    expect((await call(url, 'POST', q(item, 'claim'), dana)).status).toBe(409);
    expect((await call(url, 'POST', q(item, 'approve'), dana, {})).status).toBe(409);
    const notYours = await call(url, 'POST', q(item, 'unclaim'), dana);
    expect(notYours.status).toBe(403);
    expect(obj(notYours.body)['detail']).toBe('Only the current claimant can unclaim this item');

    const released = claimResponse.parse((await call(url, 'POST', q(item, 'unclaim'), rita)).body);
    expect(released).toEqual({ id: item, assigned_to: '', status: 'pending' });
    expect((await call(url, 'POST', q(item, 'unclaim'), rita)).status).toBe(409);
  });
});

describe('batches', () => {
  it('101 ids → 422 too_long; 100 is accepted', async () => {
    const token = await t.token('reviewer');
    const ids = Array.from({ length: 101 }, (_, n) => uid('beef', n));
    const r = await call(url, 'POST', `/v1/${WS}/review-queue/batch-approve`, token, { item_ids: ids });
    expect(r.status).toBe(422);
    expect(httpValidationError.parse(r.body).detail[0]).toMatchObject({
      type: 'too_long',
      loc: ['body', 'item_ids'],
      ctx: { max_length: 100, actual_length: 101 },
    });
    const rejectTooMany = await call(url, 'POST', `/v1/${WS}/review-queue/batch-reject`, token, {
      item_ids: ids,
      reason: 'x',
    });
    expect(rejectTooMany.status).toBe(422);
    const ok = await call(url, 'POST', `/v1/${WS}/review-queue/batch-approve`, token, { item_ids: ids.slice(0, 100) });
    expect(ok.status).toBe(200);
    expect(batchActionResponse.parse(ok.body).failed).toHaveLength(100);
  });

  it('processes each item independently: succeeded and failed per item', async () => {
    const token = await t.token('reviewer');
    const ids = [bulkItem(2), bulkItem(3), ITEM_APPROVE, uid('dead', 2)];
    const r = batchActionResponse.parse(
      (await call(url, 'POST', `/v1/${WS}/review-queue/batch-approve`, token, { item_ids: ids })).body,
    );
    expect(r.succeeded).toEqual([bulkItem(2), bulkItem(3)]);
    expect(r.failed).toEqual([
      { item_id: ITEM_APPROVE, error: expect.stringMatching(/already completed/), status_code: '409' },
      { item_id: uid('dead', 2), error: 'Review item not found', status_code: '404' },
    ]);
    const rejected = batchActionResponse.parse(
      (
        await call(url, 'POST', `/v1/${WS}/review-queue/batch-reject`, token, {
          item_ids: [bulkItem(4)],
          reason: 'duplicate',
        })
      ).body,
    );
    expect(rejected.succeeded).toEqual([bulkItem(4)]);
    const item = reviewItem.parse((await call(url, 'GET', q(bulkItem(4)), token)).body);
    expect(item.events?.[0]).toMatchObject({ confidence: 0, review_status: 'rejected' });
  });

  it('a connection dropped AFTER the verdict applied: the client sees an error, the item is decided', async () => {
    const token = await t.token('reviewer');
    t.backend.faults.add({ kind: 'drop', when: 'after', method: 'POST', path: '/v1/*/review-queue/*/approve' });
    await expect(call(url, 'POST', q(bulkItem(5), 'approve'), token, {})).rejects.toThrow();
    const item = reviewItem.parse((await call(url, 'GET', q(bulkItem(5)), token)).body);
    expect(item.status).toBe('completed');
    // The retry a careful client must not blindly send: 409, never a second verdict.
    expect((await call(url, 'POST', q(bulkItem(5), 'approve'), token, {})).status).toBe(409);
  });
});
