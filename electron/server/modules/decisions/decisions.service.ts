/**
 * Accepting decisions and claims locally (D-10): each is ONE synchronous transaction holding the
 * outbox entry (client-made id, kind, items, frozen API body, the person's `sub`, its place in
 * the order) and a local access event (hash-chained). The review item itself is not edited: the
 * pull owns those rows, and "locally decided, waiting to sync" is read from the outbox
 * (view `review_item_local`), so the queue reflects a decision the moment it commits and reverts
 * the moment it is undone. Sending is sync/outbox/push.ts.
 *
 * Decisions wait out an undo window before they are sent (the API has no "un-approve": an undo
 * after sending would be a new decision, not an undo), so undo is a real withdrawal of an unsent
 * intent; once sent, undo answers 409.
 */
import { randomUUID } from 'node:crypto';
import { BATCH_MAX_ITEMS } from '../../../../shared/amigo';
import {
  REJECT_REASON_LABELS,
  type DecisionInput,
  type OutboxEntryView,
  type OutboxState,
  type RejectReasonCode,
} from '../../../../shared/contract';
import type { ReadDb, WriteDb } from '../../db/db-types';
import { ApiFailure } from '../../http/api-failure';
import { appendAccessEvent } from '../access/access-log.repo';
import {
  ATTENTION_STATES,
  OutboxStateError,
  enqueueEntry,
  getEntry,
  isBatchKind,
  isDecisionKind,
  itemLocalStates,
  listEntries,
  markSuperseded,
  markWithdrawn,
  type OutboxEntry,
  type OutboxKind,
} from '../../sync/outbox/outbox.repo';
import { isOpenStatus, localItems, type LocalItem } from './decisions.repo';

/** How long an unsent decision can be undone (product.md "undo within a short window"). */
export const DEFAULT_UNDO_WINDOW_MS = 10_000;

export interface DecisionContext {
  write: WriteDb;
  read: ReadDb;
  user: { sub: string; name: string | null };
  /** Whether sync last reached the backend (recorded on each access event). */
  online: boolean;
  now: Date;
  undoWindowMs: number;
}

/** The API's `reason` string: "Value not stated: caller never gave a date". */
export const rejectReason = (code: RejectReasonCode, text: string | undefined): string => {
  const label = REJECT_REASON_LABELS[code];
  const detail = text?.trim() ?? '';
  return detail === '' ? label : `${label}: ${detail}`;
};

type SingleKind = 'approve' | 'correct' | 'reject';

const requestFor = (input: DecisionInput): { kind: SingleKind; body: Record<string, unknown> } => {
  switch (input.kind) {
    case 'approve':
      return { kind: 'approve', body: input.notes === undefined ? {} : { notes: input.notes } };
    case 'correct':
      return {
        kind: 'correct',
        body: { corrected_data: input.correctedData, ...(input.notes === undefined ? {} : { notes: input.notes }) },
      };
    case 'reject':
      return { kind: 'reject', body: { reason: rejectReason(input.reasonCode, input.reasonText) } };
  }
};

const iso = (date: Date): string => date.toISOString();
const tzOffset = (date: Date): number => -date.getTimezoneOffset();

/** Local checks before a decision: the item is here, open, not gone, and not decided already. */
const checkDecidable = (ctx: DecisionContext, ids: readonly string[]): Map<string, LocalItem> => {
  // Read through the write connection: these checks and the writes after them are one transaction.
  const items = localItems(ctx.write, ids);
  const local = itemLocalStates(ctx.write, ids);
  const problems: { path: string; message: string }[] = [];
  ids.forEach((id, index) => {
    const item = items.get(id);
    const intent = local.get(id);
    let message: string | null = null;
    if (!item) message = 'This item is not in the local copy. Sync, then try again.';
    else if (item.goneReason !== null) message = `This item is gone from the server: ${item.goneReason}`;
    else if (!isOpenStatus(item.status))
      message = `This item was already decided on the server (${item.completedAction ?? item.status}).`;
    else if (intent && isDecisionKind(intent.kind) && ['pending', 'sending', 'sent'].includes(intent.state))
      message =
        intent.state === 'pending'
          ? 'You already decided this item; it is waiting to be sent. Undo it first to decide again.'
          : 'You already decided this item and it was sent; the server has the final word.';
    if (message !== null) problems.push({ path: ids.length === 1 ? 'id' : `itemIds.${index}`, message });
  });
  if (problems.length > 0) {
    const first = problems[0]?.message ?? '';
    throw new ApiFailure(
      problems.some((p) => p.message.startsWith('This item is not in the local copy')) ? 404 : 409,
      ids.length === 1 ? 'not_decidable' : 'batch_not_decidable',
      ids.length === 1 ? first : `${problems.length} of ${ids.length} items cannot be decided. Nothing was queued.`,
      ids.length === 1 ? undefined : problems.slice(0, 20),
    );
  }
  return items;
};

/** A refused or conflicting intent about these items is settled by the new decision (linked, kept). */
const supersedeRefused = (ctx: DecisionContext, ids: readonly string[], byId: string): void => {
  for (const [, intent] of itemLocalStates(ctx.write, ids)) {
    if (ATTENTION_STATES.includes(intent.state) && intent.entryId !== byId) {
      const entry = getEntry(ctx.write, intent.entryId);
      if (entry && entry.supersededBy === null && !isBatchKind(entry.kind))
        markSuperseded(ctx.write, entry.id, byId, iso(ctx.now));
    }
  }
};

const recordAccess = (
  ctx: DecisionContext,
  entry: OutboxEntry,
  action: string,
  item: LocalItem | undefined,
  details: Record<string, string | number | boolean> | null,
): void => {
  appendAccessEvent(ctx.write, {
    actorSub: ctx.user.sub,
    actorName: ctx.user.name,
    action,
    resourceType: 'review_item',
    resourceId: entry.items[0]?.itemId ?? null,
    entityId: item?.entityId ?? null,
    details,
    online: ctx.online,
    localTime: iso(ctx.now),
    tzOffsetMinutes: tzOffset(ctx.now),
    outboxEntryId: entry.id,
  });
};

export const acceptDecision = (ctx: DecisionContext, itemId: string, input: DecisionInput): OutboxEntry =>
  ctx.write.transaction(() => {
    const items = checkDecidable(ctx, [itemId]);
    const { kind, body } = requestFor(input);
    const entry = enqueueEntry(ctx.write, {
      id: randomUUID(),
      kind,
      itemIds: [itemId],
      payload: body,
      decision: { ...input },
      notBefore: iso(new Date(ctx.now.getTime() + ctx.undoWindowMs)),
      createdBySub: ctx.user.sub,
      now: iso(ctx.now),
    });
    supersedeRefused(ctx, [itemId], entry.id);
    recordAccess(ctx, entry, `review_item.${kind}`, items.get(itemId), null);
    return entry;
  });

export type BatchInput =
  | { kind: 'approve'; itemIds: string[]; notes?: string | undefined }
  | { kind: 'reject'; itemIds: string[]; reasonCode: RejectReasonCode; reasonText?: string | undefined };

/** Batch approve/reject: one entry per API call of at most 100 items, all queued together. */
export const acceptBatch = (ctx: DecisionContext, input: BatchInput): OutboxEntry[] =>
  ctx.write.transaction(() => {
    const ids = [...new Set(input.itemIds)];
    const items = checkDecidable(ctx, ids);
    const kind: OutboxKind = input.kind === 'approve' ? 'batch_approve' : 'batch_reject';
    const shared: Record<string, unknown> =
      input.kind === 'approve'
        ? input.notes === undefined
          ? {}
          : { notes: input.notes }
        : { reason: rejectReason(input.reasonCode, input.reasonText) };
    const decision: Record<string, unknown> =
      input.kind === 'approve'
        ? { kind: 'approve', ...(input.notes === undefined ? {} : { notes: input.notes }) }
        : {
            kind: 'reject',
            reasonCode: input.reasonCode,
            ...(input.reasonText === undefined ? {} : { reasonText: input.reasonText }),
          };
    const notBefore = iso(new Date(ctx.now.getTime() + ctx.undoWindowMs));
    const entries: OutboxEntry[] = [];
    for (let i = 0; i < ids.length; i += BATCH_MAX_ITEMS) {
      const chunk = ids.slice(i, i + BATCH_MAX_ITEMS);
      const entry = enqueueEntry(ctx.write, {
        id: randomUUID(),
        kind,
        itemIds: chunk,
        payload: { item_ids: chunk, ...shared },
        decision,
        notBefore,
        createdBySub: ctx.user.sub,
        now: iso(ctx.now),
      });
      recordAccess(ctx, entry, `review_item.${kind}`, items.get(chunk[0] ?? ''), {
        item_count: chunk.length,
        batch_part: entries.length + 1,
      });
      entries.push(entry);
    }
    return entries;
  });

export const acceptClaim = (ctx: DecisionContext, itemId: string, kind: 'claim' | 'unclaim'): OutboxEntry =>
  ctx.write.transaction(() => {
    const item = localItems(ctx.write, [itemId]).get(itemId);
    if (!item) throw new ApiFailure(404, 'not_found', 'This item is not in the local copy. Sync, then try again.');
    if (item.goneReason !== null)
      throw new ApiFailure(409, 'item_gone', `This item is gone from the server: ${item.goneReason}`);
    if (!isOpenStatus(item.status))
      throw new ApiFailure(409, 'already_decided', 'This item was already decided on the server.');
    const intent = itemLocalStates(ctx.write, [itemId]).get(itemId);
    if (intent && isDecisionKind(intent.kind) && ['pending', 'sending', 'sent'].includes(intent.state))
      throw new ApiFailure(409, 'already_decided', 'You already decided this item; a claim would change nothing.');
    if (intent?.kind === kind && (intent.state === 'pending' || intent.state === 'sending'))
      throw new ApiFailure(409, `already_${kind}ed`, `This ${kind} is already waiting to be sent.`);
    const entry = enqueueEntry(ctx.write, {
      id: randomUUID(),
      kind,
      itemIds: [itemId],
      payload: {},
      decision: null,
      // Claims go at once: their point is to tell other reviewers now.
      notBefore: null,
      createdBySub: ctx.user.sub,
      now: iso(ctx.now),
    });
    recordAccess(ctx, entry, `review_item.${kind}`, item, null);
    return entry;
  });

const ownEntry = (ctx: DecisionContext, id: string): OutboxEntry => {
  const entry = getEntry(ctx.write, id);
  // Another person's intents are not theirs to see or change (D-16): answer as if absent.
  if (!entry || entry.createdBySub !== ctx.user.sub)
    throw new ApiFailure(404, 'not_found', 'There is no such queued change.');
  return entry;
};

/**
 * Undo (an unsent decision within its window, or an unsent claim) and withdraw (a refused
 * entry). Recorded, never erased: the entry stays, withdrawn, with who and when.
 */
export const withdrawEntry = (ctx: DecisionContext, id: string): OutboxEntry =>
  ctx.write.transaction(() => {
    const entry = ownEntry(ctx, id);
    const now = iso(ctx.now);
    const refuse = (code: string, message: string): never => {
      throw new ApiFailure(409, code, message);
    };
    switch (entry.state) {
      case 'sending':
      case 'sent':
        return refuse('already_sent', 'This change was already sent; undo is no longer possible.');
      case 'withdrawn':
        return refuse('already_withdrawn', 'This change was already withdrawn.');
      case 'pending':
        if (isDecisionKind(entry.kind) && (entry.notBefore === null || now >= entry.notBefore))
          return refuse('undo_window_passed', 'The time to undo this decision has passed; it will be sent as it is.');
        break;
      case 'quarantined':
      case 'conflict':
        if (entry.supersededBy !== null)
          return refuse('already_resubmitted', 'This change was resubmitted; withdraw the new one instead.');
        break;
    }
    try {
      return markWithdrawn(ctx.write, id, now, ctx.user.sub, [entry.state]);
    } catch (error) {
      if (error instanceof OutboxStateError)
        return refuse('already_sent', 'This change was already sent; undo is no longer possible.');
      throw error;
    }
  });

/** A new entry for a refused one (optionally with a fixed decision); the refused one stays, linked. */
export const resubmitEntry = (ctx: DecisionContext, id: string, decision: DecisionInput | undefined): OutboxEntry =>
  ctx.write.transaction(() => {
    const old = ownEntry(ctx, id);
    if (!ATTENTION_STATES.includes(old.state))
      throw new ApiFailure(409, 'not_refused', 'Only a change the server refused can be resubmitted.');
    if (old.supersededBy !== null)
      throw new ApiFailure(409, 'already_resubmitted', 'This change was already resubmitted.');
    if (decision !== undefined && (isBatchKind(old.kind) || !isDecisionKind(old.kind)))
      throw new ApiFailure(
        422,
        'validation',
        'A changed decision can be given for a single item only; a batch or a claim is resubmitted as it was.',
      );
    const itemIds = old.items.filter((i) => i.outcome !== 'applied').map((i) => i.itemId);
    if (itemIds.length === 0)
      throw new ApiFailure(409, 'nothing_to_resubmit', 'Every item of this change was applied.');
    const now = iso(ctx.now);
    let kind = old.kind;
    let payload: Record<string, unknown> = isBatchKind(old.kind) ? { ...old.payload, item_ids: itemIds } : old.payload;
    let chosen = old.decision;
    if (decision !== undefined) {
      const request = requestFor(decision);
      kind = request.kind;
      payload = request.body;
      chosen = { ...decision };
    }
    const entry = enqueueEntry(ctx.write, {
      id: randomUUID(),
      kind,
      itemIds,
      payload,
      decision: chosen,
      notBefore: isDecisionKind(kind) ? iso(new Date(ctx.now.getTime() + ctx.undoWindowMs)) : null,
      createdBySub: ctx.user.sub,
      now,
      resubmitOf: old.id,
    });
    markSuperseded(ctx.write, old.id, entry.id, now);
    return entry;
  });

/**
 * The person's outbox: with a state, those entries (newest first); without, everything still
 * in flight or waiting for them (refused entries not yet resubmitted or withdrawn), in order.
 */
export const listOutbox = (ctx: DecisionContext, state: OutboxState | undefined): OutboxEntry[] =>
  state === undefined
    ? listEntries(ctx.read, {
        states: ['pending', 'sending', 'quarantined', 'conflict'],
        sub: ctx.user.sub,
        excludeSuperseded: true,
        order: 'seq',
        limit: 5000,
      })
    : listEntries(ctx.read, { states: [state], sub: ctx.user.sub, order: 'newest', limit: 1000 });

export const toEntryView = (entry: OutboxEntry, now: Date): OutboxEntryView => {
  const at = iso(now);
  const undoable = entry.state === 'pending' && entry.notBefore !== null && at < entry.notBefore;
  return {
    id: entry.id,
    kind: entry.kind,
    itemIds: entry.items.map((i) => i.itemId),
    state: entry.state,
    createdAt: entry.createdAt,
    undoableUntil: undoable ? (entry.notBefore ?? null) : null,
    attempts: entry.attempts,
    lastError: entry.lastError,
    serverReason: entry.serverReason,
    payload: { request: entry.payload, decision: entry.decision },
    resubmitOf: entry.resubmitOf,
    supersededBy: entry.supersededBy,
  };
};
