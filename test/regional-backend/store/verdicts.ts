/**
 * Claims and verdicts, each one synchronous transaction: the item, its events, the entity's
 * projection, the outbound sync rows and the audit trail change together or not at all.
 *
 * Rules the simulator applies (the spec leaves them open; amigo-platform-api.md §3.3, §9.2):
 * - claim: pending → in_progress, assigned_to = the caller's `sub`; claiming your own claim again
 *   is a no-op; an item claimed by someone else or already decided → 409.
 * - unclaim: only the claimant (someone else → 403); an item not claimed → 409.
 * - a verdict needs no prior claim, but an item claimed by someone else → 409, and an item already
 *   decided → 409 (so a retried POST whose first attempt landed gets 409, never a second verdict).
 */
import { randomUUID } from 'node:crypto';
import { CONFIDENCE_APPROVED, CONFIDENCE_CORRECTED, CONFIDENCE_REJECTED } from '../../../shared/amigo';
import type { Actor, AuditFields } from './audit-writer';
import { auditEventFor } from './audit-writer';
import type { ItemRow } from './review.store';
import type { Store } from './store';
import type { JsonObject } from './values';
import { isoOf, parseObject, str } from './values';
import type { EventRow } from './world.store';
import { eventData } from './world.store';

export type VerdictKind = 'approve' | 'correct' | 'reject';

export interface VerdictInput {
  workspaceId: string;
  itemId: string;
  actor: Actor;
  kind: VerdictKind;
  notes: string | null;
  reason: string | null;
  correctedData: JsonObject | null;
  nowMs: number;
  /** Set for items decided through batch-approve / batch-reject (recorded in the audit metadata). */
  batch?: boolean;
}

export type Outcome =
  { ok: true; row: ItemRow; eventIds: string[] } | { ok: false; status: 403 | 404 | 409; detail: string };

const NOT_FOUND = { ok: false, status: 404, detail: 'Review item not found' } as const;
const isDecided = (row: ItemRow): boolean => row.status === 'completed' || row.status === 'rejected';

function audit(store: Store, ws: string, actor: Actor, f: AuditFields, nowMs: number): void {
  store.audit.insert(auditEventFor(ws, actor, f, nowMs));
}

export function claimItem(store: Store, ws: string, itemId: string, actor: Actor, nowMs: number): Outcome {
  return store.db.transaction((): Outcome => {
    const row = store.review.get(ws, itemId);
    if (row === undefined) return NOT_FOUND;
    if (isDecided(row)) return { ok: false, status: 409, detail: `Review item is already ${row.status}` };
    if (row.status === 'in_progress' && row.assigned_to !== actor.sub) {
      return { ok: false, status: 409, detail: 'Review item is already claimed by another reviewer' };
    }
    if (row.status === 'pending') {
      store.review.claim(itemId, actor.sub, nowMs);
      audit(
        store,
        ws,
        actor,
        {
          service: 'review-queue',
          action: 'review.claim',
          resourceType: 'review_item',
          resourceId: itemId,
          phi: false,
        },
        nowMs,
      );
    }
    return { ok: true, row: store.review.get(ws, itemId) ?? row, eventIds: store.review.eventIds(itemId) };
  })();
}

export function unclaimItem(store: Store, ws: string, itemId: string, actor: Actor, nowMs: number): Outcome {
  return store.db.transaction((): Outcome => {
    const row = store.review.get(ws, itemId);
    if (row === undefined) return NOT_FOUND;
    if (row.status !== 'in_progress') return { ok: false, status: 409, detail: 'Review item is not claimed' };
    if (row.assigned_to !== actor.sub) {
      return { ok: false, status: 403, detail: 'Only the current claimant can unclaim this item' };
    }
    store.review.unclaim(itemId);
    audit(
      store,
      ws,
      actor,
      {
        service: 'review-queue',
        action: 'review.unclaim',
        resourceType: 'review_item',
        resourceId: itemId,
        phi: false,
      },
      nowMs,
    );
    return { ok: true, row: store.review.get(ws, itemId) ?? row, eventIds: store.review.eventIds(itemId) };
  })();
}

export function applyVerdict(store: Store, v: VerdictInput): Outcome {
  return store.db.transaction((): Outcome => {
    const row = store.review.get(v.workspaceId, v.itemId);
    if (row === undefined) return NOT_FOUND;
    if (isDecided(row)) {
      return {
        ok: false,
        status: 409,
        detail: `Review item is already ${row.status} (${row.completed_action ?? 'no action'})`,
      };
    }
    if (row.status === 'in_progress' && row.assigned_to !== null && row.assigned_to !== v.actor.sub) {
      return { ok: false, status: 409, detail: 'Review item is claimed by another reviewer' };
    }
    const eventIds = store.review.eventIds(v.itemId);
    const events = store.world.eventsByIds(eventIds).filter((e) => e.is_current === 1);
    const entity = row.entity_id === null ? null : store.world.entityJson(v.workspaceId, row.entity_id);
    const subject = (e: EventRow, id = e.id) => ({
      workspaceId: v.workspaceId,
      eventId: id,
      eventType: e.event_type ?? 'unknown',
      entityId: e.entity_id,
      entityType: str(entity?.['entity_type']),
      displayName: str(entity?.['display_name']),
      source: e.source ?? 'manual',
      sourceSystem: e.source_system,
      fhirResourceType: str(parseObject(e.raw)['fhir_resource_type']),
      fhirResourceId: str(parseObject(e.raw)['fhir_resource_id']),
    });
    const touched: string[] = [];

    if (v.kind === 'approve') {
      for (const e of events) {
        store.world.setEventVerdict(e.id, CONFIDENCE_APPROVED, 'human_approved', null);
        // Approved data is now eligible for outbound (EHR) sync.
        if (store.sync.queue(subject(e), v.nowMs)) store.world.setEventSyncStatus(e.id, 'pending');
        touched.push(e.id);
      }
    } else if (v.kind === 'reject') {
      for (const e of events) {
        store.world.setEventVerdict(e.id, CONFIDENCE_REJECTED, 'rejected', v.reason);
        // Rejected data is never synced.
        store.sync.cancel(e.id);
        store.world.setEventSyncStatus(e.id, 'not_applicable');
        touched.push(e.id);
      }
    } else {
      touched.push(...correct(store, v, events, subject));
    }

    if (row.entity_id !== null) store.world.rebuildProjection(v.workspaceId, row.entity_id, v.nowMs);
    const action = v.kind === 'approve' ? 'approved' : v.kind === 'reject' ? 'rejected' : 'corrected';
    store.review.complete(v.itemId, {
      status: v.kind === 'reject' ? 'rejected' : 'completed',
      action,
      by: v.actor.sub,
      nowMs: v.nowMs,
      notes: v.notes,
      reason: v.reason,
    });
    store.review.refreshConfidence(v.itemId);

    // The same metadata the generator's historical verdicts carry, so old and new rows read alike.
    const metadata: JsonObject = {
      entity_id: row.entity_id,
      item_id: row.id,
      call_id: row.session_id,
      event_ids: eventIds,
      completed_action: action,
      ...(v.kind === 'reject' ? { reason: v.reason } : {}),
      ...(v.kind === 'correct' ? { corrected_event_ids: touched } : {}),
      ...(v.batch === true ? { batch: true } : {}),
    };
    const resourceName = str(entity?.['display_name']);
    audit(
      store,
      v.workspaceId,
      v.actor,
      {
        service: 'review-queue',
        action: `review.${v.kind}`,
        resourceType: 'review_item',
        resourceId: v.itemId,
        resourceName,
        phi: true,
        metadata,
      },
      v.nowMs,
    );
    if (row.entity_id !== null) {
      audit(
        store,
        v.workspaceId,
        v.actor,
        {
          service: 'world',
          action: 'entity.write',
          resourceType: 'entity',
          resourceId: row.entity_id,
          resourceName,
          phi: true,
          metadata: { via: `review.${v.kind}`, item_id: v.itemId, event_ids: touched },
        },
        v.nowMs,
      );
    }
    return { ok: true, row: store.review.get(v.workspaceId, v.itemId) ?? row, eventIds };
  })();
}

/**
 * A correction writes a NEW event at confidence 1.0 per original event, superseding it; the
 * original stays (is_current false) for the audit trail. The first event's successor carries every
 * corrected field; the others take the corrected values of the fields they already had.
 */
function correct(
  store: Store,
  v: VerdictInput,
  events: readonly EventRow[],
  subject: (e: EventRow, id?: string) => Parameters<Store['sync']['queue']>[0],
): string[] {
  const corrected = v.correctedData ?? {};
  const created: string[] = [];
  events.forEach((e, index) => {
    const original = eventData(e);
    const data: JsonObject = { ...original };
    for (const [key, value] of Object.entries(corrected)) if (index === 0 || key in original) data[key] = value;
    const raw = parseObject(e.raw);
    const id = randomUUID();
    // The original keeps its place in the log; the successor is what the projection now reads.
    const now = isoOf(v.nowMs);
    store.world.markSuperseded(e.id, 'corrected');
    store.sync.cancel(e.id);
    store.world.upsertEvent(
      {
        id,
        entity_id: e.entity_id,
        event_type: e.event_type ?? str(raw['event_type']) ?? 'unknown',
        event_subtype: 'human_correction',
        domain: e.domain ?? 'clinical',
        entity_type: str(raw['entity_type']),
        data,
        confidence: CONFIDENCE_CORRECTED,
        source: 'review_queue',
        source_system: null,
        produced_by_agent: null,
        effective_at: str(raw['effective_at']) ?? now,
        ingested_at: now,
        created_at: now,
        supersedes: e.id,
        is_current: true,
        fhir_resource_type: str(raw['fhir_resource_type']),
        fhir_resource_id: str(raw['fhir_resource_id']),
        sync_status: 'not_applicable',
        sync_error: null,
        synced_at: null,
      },
      v.workspaceId,
    );
    store.world.setReviewStatus(id, 'human_approved');
    if (store.sync.queue(subject(e, id), v.nowMs)) store.world.setEventSyncStatus(id, 'pending');
    created.push(id);
  });
  return created;
}
