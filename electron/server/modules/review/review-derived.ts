/**
 * Columns the review desk derives from a pulled review item when it is stored: how critical its
 * riskiest field is, and which patient it is about. Pure functions of the item, so the writer and
 * the backfill of migration 0004 agree.
 */
import type { ReviewItem } from '../../../../shared/amigo/review';
import { criticalityOf } from '../../../../shared/review/review-risk';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The highest criticality among the item's events (by event type), or its entity type's. */
export function itemCriticality(item: ReviewItem): number {
  const kinds = (item.events ?? []).map((e) => e.event_type).filter((t): t is string => t !== null);
  if (kinds.length === 0) return criticalityOf(item.entity_type);
  return Math.max(...kinds.map(criticalityOf));
}

const patientIdIn = (data: Record<string, unknown> | null | undefined): string | null => {
  const value = data?.['patient_entity_id'];
  return typeof value === 'string' && UUID.test(value) ? value : null;
};

/** The patient entity the item is about: itself for a patient, else the one its data names. */
export function itemPatientEntityId(item: ReviewItem): string | null {
  if (item.entity_type === 'patient') return item.entity_id;
  const fromEntity = patientIdIn(item.entity?.state);
  if (fromEntity) return fromEntity;
  for (const event of item.events ?? []) {
    const fromEvent = patientIdIn(event.data);
    if (fromEvent) return fromEvent;
  }
  return null;
}
