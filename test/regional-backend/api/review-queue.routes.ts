/** `/v1/{workspace_id}/review-queue*` (amigo-platform-api.md §3). Verdict rules: store/verdicts.ts. */
import {
  approveRequest,
  batchActionResponse,
  batchApproveRequest,
  batchRejectRequest,
  correctionSchemaResponse,
  correctRequest,
  claimResponse,
  rejectRequest,
  REVIEW_STATUSES,
  reviewDiffResponse,
  reviewItem,
  reviewItemPage,
  reviewStats,
  reviewSubmittedEvent,
} from '../../../shared/amigo';
import { HttpError, notFound } from '../http/errors';
import { enumOf, optDateTime, optEnum, optInt, optStr, uuid } from '../http/params';
import type { ItemRow } from '../store/review.store';
import { reviewItemsView } from '../store/review-view';
import type { JsonObject } from '../store/values';
import { parseObject, str } from '../store/values';
import type { Outcome, VerdictKind } from '../store/verdicts';
import { applyVerdict, claimItem, unclaimItem } from '../store/verdicts';
import { eventData, toEventSummary } from '../store/world.store';
import { auditRead } from './audit-read';
import { correctionFields } from './fhir-fields';
import { continuationPage, continuationQuery, shape } from './shape';
import type { ApiCtx, ApiDeps, RouteDef } from './types';
import { ok } from './types';

const BASE = '/v1/{workspace_id}/review-queue';
const SORT_BY = ['priority', 'created_at', 'confidence'] as const;
const SORT_ORDER = ['asc', 'desc'] as const;
/** `action` on /history is a free string in the spec; the verb forms are accepted too. */
const ACTION_ALIASES: Record<string, string> = { approve: 'approved', reject: 'rejected', correct: 'corrected' };

const itemPath = { item_id: uuid() };

export function reviewQueueRoutes(deps: ApiDeps): RouteDef[] {
  const { store } = deps;
  const view = (rows: ItemRow[]) => reviewItemsView(store, rows);
  const one = (row: ItemRow) => shape(reviewItem, view([row])[0]);
  const settle = (outcome: Outcome): ItemRow => {
    if (!outcome.ok) throw new HttpError(outcome.status, outcome.detail);
    return outcome.row;
  };
  const getItem = (ctx: ApiCtx, itemId: string): ItemRow => {
    const row = store.review.get(ctx.workspaceId, itemId);
    if (row === undefined) throw notFound('Review item not found');
    return row;
  };
  const publish = (ws: string, data: JsonObject): void => {
    deps.hub.publish(ws, 'review.submitted', shape(reviewSubmittedEvent, data));
  };

  async function verdict(ctx: ApiCtx, kind: VerdictKind) {
    const { path } = ctx.input({ path: itemPath });
    let notes: string | null = null;
    let reason: string | null = null;
    let correctedData: JsonObject | null = null;
    if (kind === 'approve') notes = (await ctx.body(approveRequest)).notes ?? null;
    else if (kind === 'reject') reason = (await ctx.body(rejectRequest)).reason;
    else {
      const body = await ctx.body(correctRequest);
      notes = body.notes ?? null;
      correctedData = body.corrected_data;
    }
    const row = settle(
      applyVerdict(store, {
        workspaceId: ctx.workspaceId,
        itemId: path.item_id,
        actor: ctx.actor,
        kind,
        notes,
        reason,
        correctedData,
        nowMs: deps.now(),
      }),
    );
    publish(ctx.workspaceId, { action: kind, item_id: row.id, entity_id: row.entity_id, entity_type: row.entity_type });
    return ok(one(row));
  }

  async function batch(ctx: ApiCtx, kind: 'approve' | 'reject') {
    const body = kind === 'approve' ? await ctx.body(batchApproveRequest) : await ctx.body(batchRejectRequest);
    const succeeded: string[] = [];
    const failed: Array<Record<string, string>> = [];
    for (const itemId of body.item_ids) {
      // Each item is decided on its own: one failure does not undo the others.
      const outcome = applyVerdict(store, {
        workspaceId: ctx.workspaceId,
        itemId,
        actor: ctx.actor,
        kind,
        notes: 'notes' in body ? (body.notes ?? null) : null,
        reason: 'reason' in body ? body.reason : null,
        correctedData: null,
        nowMs: deps.now(),
        batch: true,
      });
      if (outcome.ok) succeeded.push(itemId);
      else failed.push({ item_id: itemId, error: outcome.detail, status_code: String(outcome.status) });
    }
    if (succeeded.length > 0)
      publish(ctx.workspaceId, {
        action: kind === 'approve' ? 'batch_approve' : 'batch_reject',
        count: succeeded.length,
      });
    return ok(shape(batchActionResponse, { succeeded, failed }));
  }

  return [
    {
      method: 'GET',
      path: BASE,
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => {
        const { query: q } = ctx.input({
          query: {
            status: optEnum(REVIEW_STATUSES),
            entity_type: optStr(),
            priority: optInt(),
            reason: optStr(),
            assigned_to: optStr(),
            created_after: optDateTime(),
            created_before: optDateTime(),
            sort_by: optEnum(SORT_BY),
            sort_order: enumOf(SORT_ORDER, { default: 'asc' }),
            ...continuationQuery,
          },
        });
        const offset = Math.max(0, q.continuation_token);
        const { rows, total } = store.review.list(
          ctx.workspaceId,
          {
            status: q.status,
            entityType: q.entity_type,
            priority: q.priority,
            reason: q.reason,
            assignedTo: q.assigned_to,
            createdAfter: q.created_after,
            createdBefore: q.created_before,
            sortBy: q.sort_by,
            sortOrder: q.sort_order,
          },
          q.limit,
          offset,
        );
        return ok(shape(reviewItemPage, continuationPage(view(rows), total, offset)));
      },
    },
    {
      method: 'GET',
      path: `${BASE}/my-queue`,
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => {
        const { query } = ctx.input({ query: continuationQuery });
        const offset = Math.max(0, query.continuation_token);
        const { rows, total } = store.review.myQueue(ctx.workspaceId, ctx.claims.sub, query.limit, offset);
        return ok(shape(reviewItemPage, continuationPage(view(rows), total, offset)));
      },
    },
    {
      method: 'GET',
      path: `${BASE}/history`,
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => {
        const { query: q } = ctx.input({
          query: {
            action: optStr(),
            reviewed_by: optStr(),
            completed_after: optDateTime(),
            completed_before: optDateTime(),
            ...continuationQuery,
          },
        });
        const offset = Math.max(0, q.continuation_token);
        const action = q.action === undefined ? undefined : (ACTION_ALIASES[q.action] ?? q.action);
        const { rows, total } = store.review.history(
          ctx.workspaceId,
          { action, reviewedBy: q.reviewed_by, completedAfter: q.completed_after, completedBefore: q.completed_before },
          q.limit,
          offset,
        );
        return ok(shape(reviewItemPage, continuationPage(view(rows), total, offset)));
      },
    },
    {
      method: 'GET',
      path: `${BASE}/stats`,
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => ok(shape(reviewStats, store.review.stats(ctx.workspaceId))),
    },
    {
      method: 'POST',
      path: `${BASE}/batch-approve`,
      scope: 'workspace',
      access: 'review',
      handler: (ctx) => batch(ctx, 'approve'),
    },
    {
      method: 'POST',
      path: `${BASE}/batch-reject`,
      scope: 'workspace',
      access: 'review',
      handler: (ctx) => batch(ctx, 'reject'),
    },
    {
      method: 'GET',
      path: `${BASE}/{item_id}`,
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => {
        const { path } = ctx.input({ path: itemPath });
        const row = getItem(ctx, path.item_id);
        if (deps.options.auditReads) {
          store.audit.insert(auditRead(ctx, 'review-queue', 'review.read', 'review_item', row.id, deps.now()));
        }
        return ok(one(row));
      },
    },
    {
      method: 'POST',
      path: `${BASE}/{item_id}/claim`,
      scope: 'workspace',
      access: 'review',
      handler: (ctx) => {
        const { path } = ctx.input({ path: itemPath });
        const row = settle(claimItem(store, ctx.workspaceId, path.item_id, ctx.actor, deps.now()));
        return ok(shape(claimResponse, { id: row.id, assigned_to: row.assigned_to ?? '', status: row.status }));
      },
    },
    {
      method: 'POST',
      path: `${BASE}/{item_id}/unclaim`,
      scope: 'workspace',
      access: 'review',
      handler: (ctx) => {
        const { path } = ctx.input({ path: itemPath });
        const row = settle(unclaimItem(store, ctx.workspaceId, path.item_id, ctx.actor, deps.now()));
        // ClaimResponse.assigned_to is a required string: an unclaimed item reports ''.
        return ok(shape(claimResponse, { id: row.id, assigned_to: row.assigned_to ?? '', status: row.status }));
      },
    },
    {
      method: 'POST',
      path: `${BASE}/{item_id}/approve`,
      scope: 'workspace',
      access: 'review',
      handler: (ctx) => verdict(ctx, 'approve'),
    },
    {
      method: 'POST',
      path: `${BASE}/{item_id}/correct`,
      scope: 'workspace',
      access: 'review',
      handler: (ctx) => verdict(ctx, 'correct'),
    },
    {
      method: 'POST',
      path: `${BASE}/{item_id}/reject`,
      scope: 'workspace',
      access: 'review',
      handler: (ctx) => verdict(ctx, 'reject'),
    },
    {
      method: 'GET',
      path: `${BASE}/{item_id}/correction-schema`,
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => {
        const { path } = ctx.input({ path: itemPath });
        const row = getItem(ctx, path.item_id);
        const originals = store.world.eventsByIds(store.review.eventIds(row.id));
        // Current values: what the item's data says now (a corrected successor replaces its original).
        const current: JsonObject = {};
        for (const e of originals) {
          const successor = store.world.supersededBy(e.id).at(-1);
          Object.assign(current, eventData(successor ?? e));
        }
        const first = originals[0];
        const fhirType = first === undefined ? null : str(parseObject(first.raw)['fhir_resource_type']);
        return ok(
          shape(correctionSchemaResponse, {
            fhir_resource_type: fhirType,
            fields: correctionFields(fhirType, current),
            current_values: current,
          }),
        );
      },
    },
    {
      method: 'GET',
      path: `${BASE}/{item_id}/diff`,
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => {
        const { path } = ctx.input({ path: itemPath });
        const row = getItem(ctx, path.item_id);
        const originals = store.world.eventsByIds(store.review.eventIds(row.id));
        const corrected = originals.flatMap((e) => store.world.supersededBy(e.id));
        return ok(
          shape(reviewDiffResponse, {
            item_id: row.id,
            original_events: originals.map(toEventSummary),
            corrected_events: corrected.map(toEventSummary),
          }),
        );
      },
    },
  ];
}
