/** Workspace event stream frames (api.md §8.1): the event name travels on the SSE `event:` line. */
import { z } from 'zod';
import { uuid } from './common';

export const REVIEW_SUBMITTED_ACTIONS = ['approve', 'reject', 'correct', 'batch_approve', 'batch_reject'] as const;

export const reviewSubmittedEvent = z.object({
  action: z.enum(REVIEW_SUBMITTED_ACTIONS),
  item_id: uuid.nullable().optional(),
  entity_id: uuid.nullable().optional(),
  entity_type: z.string().nullable().optional(),
  count: z.number().int().nonnegative().nullable().optional(),
});
export type ReviewSubmittedEvent = z.infer<typeof reviewSubmittedEvent>;

export const memberRoleUpdatedEvent = z.object({
  entity_id: z.string().optional(),
  role: z.string(),
  previous_role: z.string().nullable().optional(),
});

export const streamErrorEvent = z.object({
  code: z.enum(['too_many_streams', 'stream_unavailable', 'stream_error']),
  message: z.string().optional(),
});

/** Event names Attest acts on. Others are ignored (forward compatible). */
export const STREAM_EVENTS = {
  reviewSubmitted: 'review.submitted',
  memberAdded: 'workspace.member_added',
  memberRoleUpdated: 'workspace.member_role_updated',
  error: 'error',
} as const;
