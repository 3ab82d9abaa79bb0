/**
 * The local PHI access log: a hash chain over append-only entries. Verification names the first
 * entry that does not fit when one is edited or removed behind the triggers' back (the tests
 * drop the triggers to play the attacker with raw SQL), and the delivery bookkeeping never
 * touches the chain.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from '../../../../electron/server/db/sql';
import {
  GENESIS_HASH,
  accessDeliveryCounts,
  appendAccessEvent,
  deviceId,
  markAccessDelivered,
  markAccessDeliveryFailed,
  undeliveredAccessEvents,
  verifyAccessChain,
  type NewAccessEvent,
} from '../../../../electron/server/modules/access/access-log.repo';
import { openTestDatabase, tempDir, type TempDir, type TestDatabase } from '../../server-test-kit';

let tmp: TempDir;
let db: TestDatabase;

const event = (n: number, overrides: Partial<NewAccessEvent> = {}): NewAccessEvent => ({
  actorSub: 'sub-1',
  actorName: 'Rita Reviewer',
  action: 'transcript.view',
  resourceType: 'call',
  resourceId: `call-${n}`,
  entityId: `entity-${n}`,
  details: { turn: n },
  online: n % 2 === 0,
  localTime: `2026-05-01T09:00:0${n}.000Z`,
  tzOffsetMinutes: 120,
  ...overrides,
});

beforeEach(() => {
  tmp = tempDir();
  db = openTestDatabase(tmp.file('access.db'));
});
afterEach(() => {
  db.close();
  tmp.remove();
});

const dropGuards = (): void => {
  db.write.exec('DROP TRIGGER local_access_log_no_edit; DROP TRIGGER local_access_log_no_delete;');
};

describe('local access log', () => {
  it('chains each entry to the one before, names this device and verifies', () => {
    const first = appendAccessEvent(db.write, event(1));
    const second = appendAccessEvent(db.write, event(2));
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(second.prevHash).toBe(first.hash);
    expect(first.deviceId).toBe(second.deviceId);
    expect(deviceId(db.write, 'later')).toBe(first.deviceId);
    expect(second).toMatchObject({ online: true, tzOffsetMinutes: 120, detailsJson: '{"turn":2}', delivered: false });
    expect(verifyAccessChain(db.read)).toEqual({ ok: true, count: 2, head: second.hash });
  });

  it('detects an edited entry', () => {
    for (const n of [1, 2, 3]) appendAccessEvent(db.write, event(n));
    dropGuards();
    db.write.run(sql`UPDATE local_access_log SET resource_id = 'call-99' WHERE seq = 2`);
    expect(verifyAccessChain(db.read)).toMatchObject({
      ok: false,
      brokenAtSeq: 2,
      reason: expect.stringMatching(/hash/),
    });
  });

  it('detects a removed entry', () => {
    for (const n of [1, 2, 3]) appendAccessEvent(db.write, event(n));
    dropGuards();
    db.write.run(sql`DELETE FROM local_access_log WHERE seq = 2`);
    expect(verifyAccessChain(db.read)).toMatchObject({ ok: false, brokenAtSeq: 3, count: 1 });
  });

  it('records delivery without breaking the chain; undeliverable entries stay, out of the queue', () => {
    const a = appendAccessEvent(db.write, event(1));
    const b = appendAccessEvent(db.write, event(2));
    const c = appendAccessEvent(db.write, event(3));
    markAccessDelivered(db.write, a.id, {
      path: '/v1/ws/calls/call-1',
      at: 'now',
      serverTime: '2026-05-01T09:00:05.000Z',
    });
    markAccessDeliveryFailed(db.write, b.id, { error: 'offline', undeliverable: false, path: '/v1/ws/calls/call-2' });
    markAccessDeliveryFailed(db.write, c.id, { error: '404', undeliverable: true, path: '/v1/ws/calls/call-3' });
    expect(undeliveredAccessEvents(db.read, 10).map((e) => [e.id, e.deliveryAttempts, e.deliveryError])).toEqual([
      [b.id, 1, 'offline'],
    ]);
    expect(accessDeliveryCounts(db.read)).toEqual({ undelivered: 1, undeliverable: 1 });
    expect(verifyAccessChain(db.read)).toMatchObject({ ok: true, count: 3 });
    expect(() => db.write.run(sql`UPDATE local_access_log SET delivered = 0 WHERE id = ${a.id}`)).toThrow(
      /stays delivered/,
    );
  });
});
