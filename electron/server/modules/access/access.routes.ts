/**
 * `POST /api/access-events`: the renderer reports each time it shows PHI (opens an item or a
 * transcript, reveals a confidence, views an entity or its lineage, exports, prints). Any signed-in
 * role records its own accesses. The event is appended to the hash-chained local log at once and
 * delivered to the backend's audit log by the next push (sync/outbox/access-delivery.ts), which
 * is asked for right away.
 */
import type { SessionManager } from '../../auth/session-manager';
import type { HandlersFor } from '../../http/handlers-for';
import { appendAccessEvent } from './access-log.repo';

export function accessRoutes(
  session: SessionManager,
  clock: () => Date = () => new Date(),
): HandlersFor<'recordAccess'> {
  return {
    recordAccess: async ({ body }) => {
      const active = session.requireWorkspace();
      const now = clock();
      const event = appendAccessEvent(active.store.db.write, {
        actorSub: active.user.sub,
        actorName: active.user.name,
        action: body.action,
        resourceType: body.resourceType,
        resourceId: body.resourceId ?? null,
        entityId: body.entityId ?? null,
        details: body.details ?? null,
        online: active.sync.status().online,
        localTime: now.toISOString(),
        tzOffsetMinutes: -now.getTimezoneOffset(),
      });
      active.outbox.kick();
      return { id: event.id, delivered: event.delivered };
    },
  };
}
