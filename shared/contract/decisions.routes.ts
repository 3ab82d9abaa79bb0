/**
 * Local API: decisions, claims, undo, the outbox and the app's own PHI access events. A decision
 * is accepted locally (one transaction: local change + outbox entry + access event) and sent to
 * the backend by sync; the backend decides. Nothing in the outbox is ever dropped: refused
 * entries are quarantined with the server's reason until the person resubmits or withdraws them.
 */
import { z } from 'zod';
import { BATCH_MAX_ITEMS } from '../amigo/common';
import { route } from './define';

/** Clinical reason codes for a rejection (product.md, peer-research §A). */
export const REJECT_REASON_CODES = [
  'transcription_error',
  'wrong_speaker',
  'value_not_stated',
  'normalisation_error',
  'caller_contradicted',
  'out_of_scope',
] as const;
export const rejectReasonCode = z.enum(REJECT_REASON_CODES);
export type RejectReasonCode = z.infer<typeof rejectReasonCode>;

export const REJECT_REASON_LABELS: Readonly<Record<RejectReasonCode, string>> = {
  transcription_error: 'Transcription error',
  wrong_speaker: 'Wrong speaker',
  value_not_stated: 'Value not stated',
  normalisation_error: 'Normalisation error',
  caller_contradicted: 'Caller contradicted self',
  out_of_scope: 'Out of scope',
};

const notes = z.string().max(2000).optional();

export const decisionInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('approve'), notes }),
  z.strictObject({
    kind: z.literal('correct'),
    correctedData: z.record(z.string().max(128), z.unknown()),
    notes,
  }),
  z.strictObject({
    kind: z.literal('reject'),
    reasonCode: rejectReasonCode,
    reasonText: z.string().max(1500).optional(),
  }),
]);
export type DecisionInput = z.infer<typeof decisionInput>;

/** The push shows in the sync status as this stream: its last error says why changes still wait. */
export const OUTBOX_STREAM = 'outbox';

export const OUTBOX_STATES = ['pending', 'sending', 'sent', 'quarantined', 'withdrawn', 'conflict'] as const;
export const outboxState = z.enum(OUTBOX_STATES);
export type OutboxState = z.infer<typeof outboxState>;

export const OUTBOX_KINDS = [
  'approve',
  'correct',
  'reject',
  'batch_approve',
  'batch_reject',
  'claim',
  'unclaim',
] as const;
export const outboxKind = z.enum(OUTBOX_KINDS);
export type OutboxKind = z.infer<typeof outboxKind>;

export const outboxEntryView = z.object({
  id: z.string(),
  kind: outboxKind,
  itemIds: z.array(z.string()),
  state: outboxState,
  createdAt: z.string(),
  /** Until when "undo" withdraws it (pending, unsent decisions only); null when no longer possible. */
  undoableUntil: z.string().nullable(),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  /** What the backend said when it refused (quarantined) or what another reviewer decided (conflict). */
  serverReason: z.string().nullable(),
  /** `request`: the API body exactly as sent (frozen); `decision`: what the person chose (null for claims). */
  payload: z.record(z.string(), z.unknown()),
  /** The refused entry this one resubmits, and (on a refused entry) the entry that resubmitted it. */
  resubmitOf: z.string().nullable().default(null),
  supersededBy: z.string().nullable().default(null),
});
export type OutboxEntryView = z.infer<typeof outboxEntryView>;

export const decisionsContract = {
  decide: route({
    method: 'POST',
    path: '/api/review/items/:id/decision',
    access: 'session',
    body: decisionInput,
    response: outboxEntryView,
  }),
  batchDecide: route({
    method: 'POST',
    path: '/api/review/batch-decision',
    access: 'session',
    body: z.discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('approve'),
        itemIds: z
          .array(z.string())
          .min(1)
          .max(10 * BATCH_MAX_ITEMS),
        notes,
      }),
      z.strictObject({
        kind: z.literal('reject'),
        itemIds: z
          .array(z.string())
          .min(1)
          .max(10 * BATCH_MAX_ITEMS),
        reasonCode: rejectReasonCode,
        reasonText: z.string().max(1500).optional(),
      }),
    ]),
    response: z.object({ entries: z.array(outboxEntryView) }),
  }),
  claim: route({ method: 'POST', path: '/api/review/items/:id/claim', access: 'session', response: outboxEntryView }),
  unclaim: route({
    method: 'POST',
    path: '/api/review/items/:id/unclaim',
    access: 'session',
    response: outboxEntryView,
  }),
  /** Undo: withdraws an unsent decision (recorded, never erased); 409 once it was sent. */
  withdraw: route({ method: 'POST', path: '/api/outbox/:id/withdraw', access: 'session', response: outboxEntryView }),
  /** Resubmits a quarantined entry, optionally with a fixed payload (a new entry; the old one stays). */
  resubmit: route({
    method: 'POST',
    path: '/api/outbox/:id/resubmit',
    access: 'session',
    body: z.strictObject({ decision: decisionInput.optional() }),
    response: outboxEntryView,
  }),
  outbox: route({
    method: 'GET',
    path: '/api/outbox',
    access: 'session',
    query: z.strictObject({ state: outboxState.optional() }),
    response: z.object({ entries: z.array(outboxEntryView) }),
  }),
} as const;

/** What the app records each time it shows PHI to a person (product.md "The app audits itself"). */
export const ACCESS_ACTIONS = [
  'review_item.open',
  'transcript.view',
  'confidence.reveal',
  'entity.view',
  'lineage.view',
  'report.view',
  'export',
  'print',
] as const;
export const accessAction = z.enum(ACCESS_ACTIONS);

export const accessEventInput = z.strictObject({
  action: accessAction,
  resourceType: z.string().min(1).max(64),
  resourceId: z.string().max(200).optional(),
  entityId: z.string().max(64).optional(),
  details: z.record(z.string().max(64), z.union([z.string().max(500), z.number(), z.boolean()])).optional(),
});
export type AccessEventInput = z.infer<typeof accessEventInput>;

export const accessContract = {
  recordAccess: route({
    method: 'POST',
    path: '/api/access-events',
    access: 'session',
    body: accessEventInput,
    response: z.object({ id: z.string(), delivered: z.boolean() }),
  }),
} as const;
