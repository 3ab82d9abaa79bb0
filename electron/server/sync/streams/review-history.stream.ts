/**
 * Review history (GET review-queue/history: completed and rejected items, newest first), the
 * audit trail of who decided what. Applied page by page with its cursor; a decided item we held
 * as open is updated, and its entity is wanted for a pull (a decision changes it).
 *
 * Incremental rule: a window asks for `completed_after` = the newest stored completion minus one
 * second (nothing, the first time) and pages newest first. New decisions land at the top of that
 * order, so paging while they arrive repeats an item (idempotent) but never skips one. The
 * window's start and position are the cursor, so a restart resumes the same window; a complete
 * window clears it and the next pass starts a new one from the newest stored decision.
 */
import { z } from 'zod';
import { CONTINUATION_MAX_LIMIT, reviewItemPage } from '../../../../shared/amigo';
import { applyReviewHistory, countReviewHistory, newestCompletedAt } from '../apply/review-history.apply';
import { applyPage, getCursor } from '../cursor.repo';
import { pairRaw } from '../pulled';
import { assertAdvances, iso, parseCursor, pullGet, yieldToEventLoop, type PullContext } from '../pull-context';

export const REVIEW_HISTORY_STREAM = 'review-history';
const OVERLAP_MS = 1_000;

const historyCursor = z.object({ after: z.string().nullable(), token: z.number().int().nonnegative() });
type HistoryCursor = z.infer<typeof historyCursor>;

export async function pullReviewHistory(ctx: PullContext): Promise<void> {
  const resumed = parseCursor(getCursor(ctx.db.read, REVIEW_HISTORY_STREAM)?.cursor, historyCursor);
  const newest = newestCompletedAt(ctx.db.read);
  const window: HistoryCursor = resumed ?? {
    after: newest === null ? null : iso(Date.parse(newest) - OVERLAP_MS),
    token: 0,
  };
  let token = window.token;
  // A resumed window already stored the items before its token.
  let count = window.token;
  for (;;) {
    if (ctx.stopped()) return;
    const { data, raw } = await pullGet(ctx, 'review-queue/history', reviewItemPage, {
      limit: CONTINUATION_MAX_LIMIT,
      continuation_token: token,
      completed_after: window.after,
    });
    const next = data.continuation_token;
    const last = !data.has_more || next === null || next === undefined;
    if (!last) assertAdvances(next, token, 'review history');
    if (token === window.token && typeof data.total === 'number') ctx.progress({ total: data.total, count });
    const at = iso(ctx.now());
    applyPage(
      ctx.db.write,
      REVIEW_HISTORY_STREAM,
      (tx) => applyReviewHistory(tx, pairRaw(data.items, raw, 'items'), at),
      {
        cursor: last ? null : JSON.stringify({ after: window.after, token: next }),
        at,
        complete: last,
        ...(typeof data.total === 'number' ? { total: data.total } : {}),
        storedCount: (tx) => countReviewHistory(tx),
      },
    );
    count += data.items.length;
    ctx.progress({ count });
    await yieldToEventLoop();
    if (last) return;
    token = next;
  }
}
