/**
 * Decisions, claims, undo/withdraw, resubmit and the outbox (shared/contract/decisions.routes.ts).
 * Deciding and claiming need a role that may decide (viewer → 403 forbidden_role); reading the
 * outbox needs only a session. Each accepted intent asks the pusher for a quick push: access
 * events go out at once, a decision when its undo window closes.
 */
import type { SessionManager, ActiveWorkspace } from '../../auth/session-manager';
import type { HandlersFor } from '../../http/handlers-for';
import {
  acceptBatch,
  acceptClaim,
  acceptDecision,
  listOutbox,
  resubmitEntry,
  toEntryView,
  withdrawEntry,
  type DecisionContext,
} from './decisions.service';

export interface DecisionsRoutesOptions {
  undoWindowMs: number;
  clock?: () => Date;
}

export function decisionsRoutes(
  session: SessionManager,
  options: DecisionsRoutesOptions,
): HandlersFor<'decide' | 'batchDecide' | 'claim' | 'unclaim' | 'withdraw' | 'resubmit' | 'outbox'> {
  const clock = options.clock ?? (() => new Date());
  const contextOf = (active: ActiveWorkspace): DecisionContext => ({
    write: active.store.db.write,
    read: active.store.db.read,
    user: { sub: active.user.sub, name: active.user.name },
    online: active.sync.status().online,
    now: clock(),
    undoWindowMs: options.undoWindowMs,
  });
  const decider = (): { active: ActiveWorkspace; ctx: DecisionContext } => {
    const active = session.requireCapability('decide');
    return { active, ctx: contextOf(active) };
  };

  return {
    decide: async ({ params, body }) => {
      const { active, ctx } = decider();
      const entry = acceptDecision(ctx, params.id, body);
      active.outbox.kick();
      return toEntryView(entry, ctx.now);
    },
    batchDecide: async ({ body }) => {
      const { active, ctx } = decider();
      const entries = acceptBatch(ctx, body);
      active.outbox.kick();
      return { entries: entries.map((e) => toEntryView(e, ctx.now)) };
    },
    claim: async ({ params }) => {
      const { active, ctx } = decider();
      const entry = acceptClaim(ctx, params.id, 'claim');
      active.outbox.kick();
      return toEntryView(entry, ctx.now);
    },
    unclaim: async ({ params }) => {
      const { active, ctx } = decider();
      const entry = acceptClaim(ctx, params.id, 'unclaim');
      active.outbox.kick();
      return toEntryView(entry, ctx.now);
    },
    withdraw: async ({ params }) => {
      const { ctx } = decider();
      return toEntryView(withdrawEntry(ctx, params.id), ctx.now);
    },
    resubmit: async ({ params, body }) => {
      const { active, ctx } = decider();
      const entry = resubmitEntry(ctx, params.id, body.decision);
      active.outbox.kick();
      return toEntryView(entry, ctx.now);
    },
    outbox: async ({ query }) => {
      const ctx = contextOf(session.requireWorkspace());
      return { entries: listOutbox(ctx, query.state).map((e) => toEntryView(e, ctx.now)) };
    },
  };
}
