/** Review queue schemas (amigo-platform-api.md §3; OpenAPI tag "Review Queue"). */
import { z } from 'zod';
import { isoDateTime, jsonObject, paginated, uuid, BATCH_MAX_ITEMS } from './common';

export const REVIEW_STATUSES = ['pending', 'in_progress', 'completed', 'rejected'] as const;
export const reviewStatus = z.enum(REVIEW_STATUSES);
export type ReviewStatus = z.infer<typeof reviewStatus>;

export const COMPLETED_ACTIONS = ['approved', 'rejected', 'corrected'] as const;
export const completedAction = z.enum(COMPLETED_ACTIONS);
export type CompletedAction = z.infer<typeof completedAction>;

export const EVENT_REVIEW_STATUSES = [
  'pending',
  'raw',
  'uncertain',
  'verified',
  'approved',
  'human_approved',
  'auto_approved',
  'rejected',
  'corrected',
  'flagged',
] as const;
export const eventReviewStatus = z.enum(EVENT_REVIEW_STATUSES);

export const entitySummary = z.object({
  id: uuid,
  entity_type: z.string().nullable(),
  display_name: z.string().nullable(),
  state: jsonObject.nullable(),
});
export type EntitySummary = z.infer<typeof entitySummary>;

export const eventSummary = z.object({
  id: uuid,
  event_type: z.string().nullable(),
  data: jsonObject,
  confidence: z.number().min(0).max(1),
  review_status: eventReviewStatus,
  fhir_resource_type: z.string().nullable(),
  fhir_resource_id: z.string().nullable(),
  created_at: isoDateTime.nullable().optional(),
});
export type EventSummary = z.infer<typeof eventSummary>;

export const reviewItem = z.object({
  id: uuid,
  workspace_id: uuid,
  /** The call the flagged data came from; the simulator (and Attest) treat it as the call id. */
  session_id: z.string(),
  event_ids: z.array(uuid),
  entity_id: uuid.nullable(),
  entity_type: z.string().nullable(),
  entity: entitySummary.nullable().optional(),
  events: z.array(eventSummary).nullable().optional(),
  priority: z.number().int(),
  reason: z.string(),
  judge_analysis: jsonObject.nullable(),
  status: reviewStatus,
  assigned_to: z.string().nullable(),
  created_at: isoDateTime.nullable().optional(),
  completed_at: isoDateTime.nullable(),
  completed_action: completedAction.nullable(),
});
export type ReviewItem = z.infer<typeof reviewItem>;

export const reviewItemPage = paginated(reviewItem);
export type ReviewItemPage = z.infer<typeof reviewItemPage>;

export const claimResponse = z.object({ id: z.string(), assigned_to: z.string(), status: z.string() });
export type ClaimResponse = z.infer<typeof claimResponse>;

/** `notes` on ApproveRequest, CorrectRequest and BatchApproveRequest: ≤ 2000 characters in the spec. */
const notes = z.string().max(2000).nullable().optional();
export const approveRequest = z.object({ notes });
export const correctRequest = z.object({ corrected_data: jsonObject, notes });
export const rejectRequest = z.object({ reason: z.string().min(1).max(2000) });
export const batchApproveRequest = z.object({ item_ids: z.array(uuid).max(BATCH_MAX_ITEMS), notes });
export const batchRejectRequest = z.object({
  item_ids: z.array(uuid).max(BATCH_MAX_ITEMS),
  reason: z.string().min(1).max(2000),
});
export type ApproveRequest = z.infer<typeof approveRequest>;
export type CorrectRequest = z.infer<typeof correctRequest>;
export type RejectRequest = z.infer<typeof rejectRequest>;
export type BatchApproveRequest = z.infer<typeof batchApproveRequest>;
export type BatchRejectRequest = z.infer<typeof batchRejectRequest>;

export const batchActionResponse = z.object({
  succeeded: z.array(z.string()),
  failed: z.array(z.record(z.string(), z.string())),
});
export type BatchActionResponse = z.infer<typeof batchActionResponse>;

export const correctionSchemaResponse = z.object({
  fhir_resource_type: z.string().nullable(),
  fields: jsonObject,
  current_values: jsonObject,
});
export type CorrectionSchemaResponse = z.infer<typeof correctionSchemaResponse>;

export const reviewDiffResponse = z.object({
  item_id: z.string(),
  original_events: z.array(eventSummary),
  corrected_events: z.array(eventSummary),
});
export type ReviewDiffResponse = z.infer<typeof reviewDiffResponse>;

export const reviewStats = z.object({
  pending: z.number().int().nonnegative(),
  completed: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  avg_review_minutes: z.number().nullable(),
});
export type ReviewStats = z.infer<typeof reviewStats>;

/** Confidence levels a verdict sets (amigo-platform-api.md §9.1). */
export const CONFIDENCE_APPROVED = 0.95;
export const CONFIDENCE_CORRECTED = 1.0;
export const CONFIDENCE_REJECTED = 0.0;
