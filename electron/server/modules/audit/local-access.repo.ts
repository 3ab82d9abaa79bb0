/**
 * This app's own PHI access events (local_access_log, written by modules/access) as the audit
 * reports show them. Once an event's delivery has reached the backend and the backend's audit
 * row has been pulled, that row (matched by `audit_events.attest_event_id`) stands for it in the
 * reports; until then the local event is shown on its own, saying where it is.
 */
import type { LocalAccessView } from '../../../../shared/contract/audit.views';
import type { ReadDb } from '../../db/db-types';
import { sql, sqlEmpty, type SqlFragment } from '../../db/sql';
import type { TimeRange } from './audit-rows';

interface LocalRow {
  id: string;
  local_time: string;
  actor_sub: string;
  actor_name: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  entity_id: string | null;
  device_id: string;
  online: number;
  delivered: number;
  delivered_at: string | null;
  undeliverable: number;
  delivery_error: string | null;
}

const statusOf = (r: LocalRow): Pick<LocalAccessView, 'status' | 'statusText'> => {
  if (r.delivered === 1) {
    return {
      status: 'awaiting-sync',
      statusText:
        `Delivered to the backend${r.delivered_at === null ? '' : ` at ${r.delivered_at}`}; ` +
        "it joins the backend's audit log here after the next sync.",
    };
  }
  if (r.undeliverable === 1) {
    return {
      status: 'kept-on-device',
      statusText: `Recorded on this device; it cannot be delivered${r.delivery_error === null ? '' : `: ${r.delivery_error}`}`,
    };
  }
  return { status: 'not-delivered', statusText: 'Recorded on this device, not yet delivered.' };
};

export const toLocalView = (r: LocalRow): LocalAccessView => ({
  id: r.id,
  localTime: r.local_time,
  actorId: r.actor_sub,
  actorName: r.actor_name,
  action: r.action,
  resourceType: r.resource_type,
  resourceId: r.resource_id,
  entityId: r.entity_id,
  deviceId: r.device_id,
  online: r.online === 1,
  deliveredAt: r.delivered_at,
  ...statusOf(r),
});

const COLUMNS = sql`l.id, l.local_time, l.actor_sub, l.actor_name, l.action, l.resource_type, l.resource_id, l.entity_id,
  l.device_id, l.online, l.delivered, l.delivered_at, l.undeliverable, l.delivery_error`;

/** Not yet in the backend's log: no pulled audit row names it. */
const UNMATCHED = sql`NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.attest_event_id = l.id)`;

export interface LocalFilter {
  entityId?: string;
  actorId?: string;
  range: TimeRange;
  limit: number;
}

/** The app's own access events not yet in the backend's audit log, newest first. */
export const pendingLocalAccess = (read: ReadDb, filter: LocalFilter): LocalAccessView[] => {
  const by: SqlFragment =
    filter.entityId !== undefined
      ? sql`AND l.entity_id = ${filter.entityId}`
      : filter.actorId !== undefined
        ? sql`AND l.actor_sub = ${filter.actorId}`
        : sqlEmpty;
  const from = filter.range.from === null ? sqlEmpty : sql`AND l.local_time >= ${filter.range.from}`;
  const to = filter.range.to === null ? sqlEmpty : sql`AND l.local_time <= ${filter.range.to}`;
  return read
    .all<LocalRow>(
      sql`SELECT ${COLUMNS} FROM local_access_log l WHERE ${UNMATCHED} ${by} ${from} ${to}
        ORDER BY l.seq DESC LIMIT ${filter.limit}`,
    )
    .map(toLocalView);
};

export const countPendingLocalAccess = (read: ReadDb, range: TimeRange): number => {
  const from = range.from === null ? sqlEmpty : sql`AND l.local_time >= ${range.from}`;
  const to = range.to === null ? sqlEmpty : sql`AND l.local_time <= ${range.to}`;
  return read.value<number>(sql`SELECT count(*) FROM local_access_log l WHERE ${UNMATCHED} ${from} ${to}`) ?? 0;
};

export const localAccessById = (read: ReadDb, id: string): LocalAccessView | null => {
  const row = read.get<LocalRow>(sql`SELECT ${COLUMNS} FROM local_access_log l WHERE l.id = ${id}`);
  return row === undefined ? null : toLocalView(row);
};
