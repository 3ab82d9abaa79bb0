/**
 * The app's own PHI access log (product.md "The app audits itself"; security-bar H-… 164.312(b)).
 *
 * Append-only and hash-chained: each entry's `hash` is SHA-256 over the previous entry's hash and
 * the entry's canonical fields, so removing, reordering or editing an entry breaks every hash
 * after it (`verifyAccessChain`). The table's triggers refuse deletes and edits of the recorded
 * fields; only the delivery bookkeeping changes, and "delivered" never goes back.
 *
 * Delivery (how an entry reaches the backend's own audit log) is sync/outbox/access-delivery.ts.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ReadDb, WriteDb } from '../../db/db-types';
import { sql, sqlEmpty } from '../../db/sql';

export const GENESIS_HASH = '0'.repeat(64);
/** Bumped if the canonical form ever changes; part of every hash. */
const CHAIN_VERSION = 1;

export interface NewAccessEvent {
  id?: string;
  actorSub: string;
  actorName: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  entityId: string | null;
  details: Record<string, string | number | boolean> | null;
  /** Whether the app believed it was online when the person saw the data. */
  online: boolean;
  /** The device clock, as UTC ISO. */
  localTime: string;
  /** Minutes east of UTC on the device (e.g. +60 in Berlin in winter). */
  tzOffsetMinutes: number;
  /** The decision or claim this access belongs to, when there is one. */
  outboxEntryId?: string | null;
}

export interface AccessEvent {
  seq: number;
  id: string;
  actorSub: string;
  actorName: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  entityId: string | null;
  deviceId: string;
  online: boolean;
  localTime: string;
  tzOffsetMinutes: number | null;
  detailsJson: string | null;
  prevHash: string;
  hash: string;
  delivered: boolean;
  deliveredAt: string | null;
  serverTime: string | null;
  deliveryPath: string | null;
  deliveryAttempts: number;
  deliveryError: string | null;
  undeliverable: boolean;
  outboxEntryId: string | null;
}

interface AccessRow {
  seq: number;
  id: string;
  actor_sub: string;
  actor_name: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  entity_id: string | null;
  device_id: string;
  online: number;
  local_time: string;
  tz_offset_minutes: number | null;
  details_json: string | null;
  prev_hash: string;
  hash: string;
  delivered: number;
  delivered_at: string | null;
  server_time: string | null;
  delivery_path: string | null;
  delivery_attempts: number;
  delivery_error: string | null;
  undeliverable: number;
  outbox_entry_id: string | null;
}

const COLUMNS = sql`seq, id, actor_sub, actor_name, action, resource_type, resource_id, entity_id, device_id, online,
  local_time, tz_offset_minutes, details_json, prev_hash, hash, delivered, delivered_at, server_time, delivery_path,
  delivery_attempts, delivery_error, undeliverable, outbox_entry_id`;

const toEvent = (r: AccessRow): AccessEvent => ({
  seq: r.seq,
  id: r.id,
  actorSub: r.actor_sub,
  actorName: r.actor_name,
  action: r.action,
  resourceType: r.resource_type,
  resourceId: r.resource_id,
  entityId: r.entity_id,
  deviceId: r.device_id,
  online: r.online === 1,
  localTime: r.local_time,
  tzOffsetMinutes: r.tz_offset_minutes,
  detailsJson: r.details_json,
  prevHash: r.prev_hash,
  hash: r.hash,
  delivered: r.delivered === 1,
  deliveredAt: r.delivered_at,
  serverTime: r.server_time,
  deliveryPath: r.delivery_path,
  deliveryAttempts: r.delivery_attempts,
  deliveryError: r.delivery_error,
  undeliverable: r.undeliverable === 1,
  outboxEntryId: r.outbox_entry_id,
});

type Canonical = Pick<
  AccessEvent,
  | 'id'
  | 'actorSub'
  | 'actorName'
  | 'action'
  | 'resourceType'
  | 'resourceId'
  | 'entityId'
  | 'deviceId'
  | 'online'
  | 'localTime'
  | 'tzOffsetMinutes'
  | 'detailsJson'
  | 'prevHash'
>;

/** SHA-256 over a JSON array of the recorded fields in a fixed order (no key-order ambiguity). */
export const accessEventHash = (e: Canonical): string =>
  createHash('sha256')
    .update(
      JSON.stringify([
        CHAIN_VERSION,
        e.prevHash,
        e.id,
        e.actorSub,
        e.actorName,
        e.action,
        e.resourceType,
        e.resourceId,
        e.entityId,
        e.deviceId,
        e.online ? 1 : 0,
        e.localTime,
        e.tzOffsetMinutes,
        e.detailsJson,
      ]),
    )
    .digest('hex');

/** This database's device id: random, made once, named by every access event. */
export const deviceId = (write: WriteDb, now: string): string =>
  write.transaction(() => {
    const existing = write.value<string>(sql`SELECT device_id FROM device_identity WHERE id = 1`);
    if (existing !== undefined) return existing;
    const id = randomUUID();
    write.run(sql`INSERT INTO device_identity (id, device_id, created_at) VALUES (1, ${id}, ${now})`);
    return id;
  });

/**
 * Appends one access event to the chain. Runs in (or becomes a savepoint of) the caller's
 * transaction, so the chain head read and the append cannot interleave with another append.
 */
export const appendAccessEvent = (write: WriteDb, input: NewAccessEvent): AccessEvent =>
  write.transaction(() => {
    const device = deviceId(write, input.localTime);
    const prevHash =
      write.value<string>(sql`SELECT hash FROM local_access_log ORDER BY seq DESC LIMIT 1`) ?? GENESIS_HASH;
    const canonical: Canonical = {
      id: input.id ?? randomUUID(),
      actorSub: input.actorSub,
      actorName: input.actorName,
      action: input.action,
      resourceType: input.resourceType,
      resourceId: input.resourceId,
      entityId: input.entityId,
      deviceId: device,
      online: input.online,
      localTime: input.localTime,
      tzOffsetMinutes: input.tzOffsetMinutes,
      detailsJson: input.details === null ? null : JSON.stringify(input.details),
      prevHash,
    };
    const hash = accessEventHash(canonical);
    write.run(sql`INSERT INTO local_access_log (id, actor_sub, actor_name, entity_id, resource_type, resource_id,
        action, device_id, online, local_time, tz_offset_minutes, details_json, prev_hash, hash, outbox_entry_id)
      VALUES (${canonical.id}, ${canonical.actorSub}, ${canonical.actorName}, ${canonical.entityId},
        ${canonical.resourceType}, ${canonical.resourceId}, ${canonical.action}, ${device}, ${canonical.online},
        ${canonical.localTime}, ${canonical.tzOffsetMinutes}, ${canonical.detailsJson}, ${prevHash}, ${hash},
        ${input.outboxEntryId ?? null})`);
    const stored = getAccessEvent(write, canonical.id);
    if (!stored) throw new Error('access log: the new entry could not be read back');
    return stored;
  });

export const getAccessEvent = (read: ReadDb, id: string): AccessEvent | null => {
  const row = read.get<AccessRow>(sql`SELECT ${COLUMNS} FROM local_access_log WHERE id = ${id}`);
  return row ? toEvent(row) : null;
};

/**
 * Entries still to deliver, oldest first (an entry no backend read can carry is left out). With
 * `actorSub`, only that person's: a delivery is a read made with their token, so another person's
 * access (an earlier session on this device) waits for its own person.
 */
export const undeliveredAccessEvents = (read: ReadDb, limit: number, actorSub?: string): AccessEvent[] =>
  read
    .all<AccessRow>(
      sql`SELECT ${COLUMNS} FROM local_access_log
      WHERE delivered = 0 AND undeliverable = 0 ${actorSub === undefined ? sqlEmpty : sql`AND actor_sub = ${actorSub}`}
      ORDER BY seq LIMIT ${limit}`,
    )
    .map(toEvent);

export const listAccessEvents = (read: ReadDb, options: { limit: number; afterSeq?: number }): AccessEvent[] =>
  read
    .all<AccessRow>(
      sql`SELECT ${COLUMNS} FROM local_access_log
      WHERE seq > ${options.afterSeq ?? 0} ORDER BY seq LIMIT ${options.limit}`,
    )
    .map(toEvent);

export const accessDeliveryCounts = (read: ReadDb): { undelivered: number; undeliverable: number } => {
  const row = read.get<{ undelivered: number; undeliverable: number }>(sql`SELECT
      coalesce(sum(delivered = 0 AND undeliverable = 0), 0) AS undelivered,
      coalesce(sum(delivered = 0 AND undeliverable = 1), 0) AS undeliverable
    FROM local_access_log`);
  return row ?? { undelivered: 0, undeliverable: 0 };
};

export const markAccessDelivered = (
  write: WriteDb,
  id: string,
  delivery: { path: string; at: string; serverTime: string | null },
): void => {
  write.transaction(() => {
    write.run(sql`UPDATE local_access_log SET delivered = 1, delivered_at = ${delivery.at},
        server_time = ${delivery.serverTime}, delivery_path = ${delivery.path},
        delivery_attempts = delivery_attempts + 1, delivery_error = NULL
      WHERE id = ${id} AND delivered = 0`);
  });
};

/**
 * A delivery attempt failed. `undeliverable`: no later attempt can succeed (the resource is gone,
 * the role may not read it, or no backend read corresponds); the entry stays on this device,
 * shown as "recorded on this device, not delivered", with the reason.
 */
export const markAccessDeliveryFailed = (
  write: WriteDb,
  id: string,
  failure: { error: string; undeliverable: boolean; path: string | null },
): void => {
  write.transaction(() => {
    write.run(sql`UPDATE local_access_log SET delivery_attempts = delivery_attempts + 1,
        delivery_error = ${failure.error.slice(0, 500)}, undeliverable = ${failure.undeliverable},
        delivery_path = ${failure.path}
      WHERE id = ${id} AND delivered = 0`);
  });
};

export type ChainVerdict =
  { ok: true; count: number; head: string } | { ok: false; count: number; brokenAtSeq: number; reason: string };

/** Recomputes the chain from the first entry; names the first entry that does not fit. */
export const verifyAccessChain = (read: ReadDb): ChainVerdict => {
  let prev = GENESIS_HASH;
  let count = 0;
  for (const row of read.iterate<AccessRow>(sql`SELECT ${COLUMNS} FROM local_access_log ORDER BY seq`)) {
    const event = toEvent(row);
    if (event.prevHash !== prev) {
      return { ok: false, count, brokenAtSeq: event.seq, reason: 'does not follow the entry before it' };
    }
    if (accessEventHash(event) !== event.hash) {
      return { ok: false, count, brokenAtSeq: event.seq, reason: 'its recorded fields do not match its hash' };
    }
    prev = event.hash;
    count += 1;
  }
  return { ok: true, count, head: prev };
};
