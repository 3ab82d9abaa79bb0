/** The backend's audit log (admin and owner only) into `audit_events`, idempotently. */
import type { AuditEvent } from '../../../../shared/amigo';
import type { ReadDb, WriteDb } from '../../db/db-types';
import { requireBoundWorkspace, WorkspaceMismatchError } from '../../db/meta.repo';
import { sql, sqlIn } from '../../db/sql';
import { toUtcIso } from '../../db/timestamps';
import { rawJson, type Pulled } from '../pulled';

/**
 * Stores a page of audit events; answers how many were new (for the stored count, without a
 * count(*) over a million rows per page). An event of another workspace rolls the page back.
 */
export const applyAuditEvents = (tx: WriteDb, events: readonly Pulled<AuditEvent>[], pulledAt: string): number => {
  const bound = requireBoundWorkspace(tx);
  const known = new Set(
    tx
      .all<{ id: string }>(sql`SELECT id FROM audit_events WHERE id IN ${sqlIn(events.map((e) => e.value.id))}`)
      .map((r) => r.id),
  );
  let added = 0;
  for (const { value: e, raw } of events) {
    if (e.workspace_id !== bound) {
      throw new WorkspaceMismatchError('The server sent an audit event of another workspace; the page was not stored.');
    }
    // The typed timestamp is normalized (text order = time order); raw_json keeps the original.
    const timestamp = toUtcIso(e.timestamp) ?? e.timestamp;
    tx.run(sql`
      INSERT INTO audit_events (id, timestamp, service, actor_entity_id, actor_credential_id, action, resource_type,
        resource_id, resource_name, phi_accessed, ip_address, user_agent, raw_json, pulled_at)
      VALUES (${e.id}, ${timestamp}, ${e.service}, ${e.actor_entity_id ?? null}, ${e.actor_credential_id ?? null},
        ${e.action}, ${e.resource_type}, ${e.resource_id ?? null}, ${e.resource_name ?? null}, ${e.phi_accessed},
        ${e.ip_address ?? null}, ${e.user_agent ?? null}, ${rawJson(raw)}, ${pulledAt})
      ON CONFLICT (id) DO UPDATE SET timestamp = excluded.timestamp, service = excluded.service,
        actor_entity_id = excluded.actor_entity_id, actor_credential_id = excluded.actor_credential_id,
        action = excluded.action, resource_type = excluded.resource_type, resource_id = excluded.resource_id,
        resource_name = excluded.resource_name, phi_accessed = excluded.phi_accessed,
        ip_address = excluded.ip_address, user_agent = excluded.user_agent, raw_json = excluded.raw_json,
        pulled_at = excluded.pulled_at`);
    if (!known.has(e.id)) {
      known.add(e.id);
      added += 1;
    }
  }
  return added;
};

/** The newest stored event's time: where the next incremental pull starts (minus an overlap). */
export const newestAuditTimestamp = (read: ReadDb): string | null =>
  read.value<string>(sql`SELECT max(timestamp) FROM audit_events`) ?? null;

export const countAuditEvents = (read: ReadDb): number =>
  read.value<number>(sql`SELECT count(*) FROM audit_events`) ?? 0;
