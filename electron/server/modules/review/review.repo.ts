/**
 * Review queue storage: items from GET /review-queue with their inline events. The backend is
 * authoritative, so an upsert replaces what the item said before; local intents about an item live
 * in the outbox, never in these rows.
 */
import type { ReviewItem } from '../../../../shared/amigo/review';
import type { ReadDb, WriteDb } from '../../db/db-types';
import { requireBoundWorkspace, WorkspaceMismatchError } from '../../db/meta.repo';
import { sql } from '../../db/sql';
import { toUtcIso } from '../../db/timestamps';
import { itemCriticality, itemPatientEntityId } from './review-derived';

type InlineEvent = NonNullable<ReviewItem['events']>[number];

const minConfidence = (events: readonly InlineEvent[]): number | null =>
  events.length === 0 ? null : Math.min(...events.map((e) => e.confidence));

const upsertItem = (write: WriteDb, item: ReviewItem, pulledAt: string): void => {
  const events = item.events ?? [];
  write.run(sql`
    INSERT INTO review_items (
      id, workspace_id, session_id, status, entity_id, entity_type, entity_display_name, priority,
      reason, assigned_to, created_at, completed_at, completed_action, min_confidence, event_count,
      raw_json, pulled_at, criticality, patient_entity_id
    ) VALUES (
      ${item.id}, ${item.workspace_id}, ${item.session_id}, ${item.status}, ${item.entity_id},
      ${item.entity_type}, ${item.entity?.display_name ?? null}, ${item.priority}, ${item.reason},
      ${item.assigned_to}, ${toUtcIso(item.created_at)}, ${toUtcIso(item.completed_at)},
      ${item.completed_action}, ${minConfidence(events)}, ${item.event_ids.length},
      ${JSON.stringify(item)}, ${pulledAt}, ${itemCriticality(item)}, ${itemPatientEntityId(item)}
    )
    ON CONFLICT (id) DO UPDATE SET
      workspace_id = excluded.workspace_id, session_id = excluded.session_id, status = excluded.status,
      entity_id = excluded.entity_id, entity_type = excluded.entity_type,
      entity_display_name = excluded.entity_display_name, priority = excluded.priority,
      reason = excluded.reason, assigned_to = excluded.assigned_to, created_at = excluded.created_at,
      completed_at = excluded.completed_at, completed_action = excluded.completed_action,
      min_confidence = excluded.min_confidence, event_count = excluded.event_count,
      raw_json = excluded.raw_json, pulled_at = excluded.pulled_at, criticality = excluded.criticality,
      patient_entity_id = excluded.patient_entity_id`);

  // The item's event list is replaced whole: an event the backend dropped must not linger.
  write.run(sql`DELETE FROM review_item_events WHERE review_item_id = ${item.id}`);
  const inline = new Map(events.map((e) => [e.id, e]));
  const ids = [...item.event_ids, ...events.map((e) => e.id).filter((id) => !item.event_ids.includes(id))];
  ids.forEach((eventId, position) => {
    const event = inline.get(eventId);
    // A repeated id keeps its first position (DO NOTHING): the list is a set with an order.
    write.run(sql`
      INSERT INTO review_item_events (
        review_item_id, event_id, position, event_type, confidence, review_status,
        fhir_resource_type, fhir_resource_id, created_at, raw_json
      ) VALUES (
        ${item.id}, ${eventId}, ${position}, ${event?.event_type ?? null}, ${event?.confidence ?? null},
        ${event?.review_status ?? null}, ${event?.fhir_resource_type ?? null},
        ${event?.fhir_resource_id ?? null}, ${toUtcIso(event?.created_at)},
        ${event === undefined ? null : JSON.stringify(event)}
      )
      ON CONFLICT (review_item_id, event_id) DO NOTHING`);
  });
};

/**
 * Stores a page of review items in one transaction (all or nothing), idempotently: applying the
 * same page twice leaves the same rows. Items of another workspace are refused (the whole page is
 * rolled back), because a server bug must not mix workspaces in a local copy (security-bar F-04).
 * May run inside a caller's transaction (`applyPage`): it then becomes a savepoint.
 */
export const upsertReviewItems = (write: WriteDb, items: readonly ReviewItem[], pulledAt: string): void => {
  write.transaction(() => {
    const workspaceId = requireBoundWorkspace(write);
    for (const item of items) {
      if (item.workspace_id !== workspaceId) {
        throw new WorkspaceMismatchError(
          'The server sent a review item of another workspace; the page was not stored.',
        );
      }
      upsertItem(write, item, pulledAt);
    }
  });
};

export interface ReviewSummaryCounts {
  pending: number;
  inProgress: number;
}

export const reviewSummary = (read: ReadDb): ReviewSummaryCounts => {
  const rows = read.all<{ status: string; n: number }>(sql`
    SELECT status, count(*) AS n FROM review_items
    WHERE status IN ('pending', 'in_progress')
    GROUP BY status`);
  const count = (status: string): number => rows.find((r) => r.status === status)?.n ?? 0;
  return { pending: count('pending'), inProgress: count('in_progress') };
};

/** Total rows stored, for the review stream's status line. */
export const countReviewItems = (read: ReadDb): number =>
  read.value<number>(sql`SELECT count(*) FROM review_items`) ?? 0;
