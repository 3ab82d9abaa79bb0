/**
 * The open review queue (pending and in-progress items, with their inline events and entity),
 * page by page within the API's limit of 20. Each page is validated, then applied in one
 * transaction with the stream's cursor; a page also wants a pull of the entity of every item that
 * is new or changed and of the call behind every new item (pull_marks).
 *
 * Incremental rule. The API has no "changed since" filter for the queue, so:
 * - A FULL listing (every open status, every page, then settle: open items the listing did not
 *   refresh are no longer open and are removed) runs the first time, when one was interrupted
 *   (the cursor holds where it stopped and the listing's start time, so it resumes exactly there
 *   after a restart), every `fullRelistMs` (claims by others and events appended to an existing
 *   item change items in place; nothing announces them), and whenever the delta leaves the local
 *   open count different from the backend's (GET review-queue/stats).
 * - Otherwise a DELTA: GET stats, then each open status with `created_after` = the newest stored
 *   creation time minus one second: only new items travel. Decisions are not the queue's job:
 *   the history stream (which runs first) and the event stream update decided items.
 */
import { z } from 'zod';
import {
  CONTINUATION_MAX_LIMIT,
  REVIEW_STATUSES,
  reviewItemPage,
  reviewStats,
  type ReviewStatus,
} from '../../../../shared/amigo';
import { countReviewItems } from '../../modules/review/review.repo';
import { REVIEW_QUEUE_STREAM } from '../../modules/review/review.store';
import { applyReviewItems, countOpenItems, newestItemCreatedAt, settleOpenItems } from '../apply/review-items.apply';
import { applyPage, getCursor } from '../cursor.repo';
import {
  assertAdvances,
  iso,
  parseCursor,
  pullGet,
  yieldToEventLoop,
  type PassInfo,
  type PullContext,
} from '../pull-context';

export { REVIEW_QUEUE_STREAM };

const OPEN_STATUSES = ['pending', 'in_progress'] as const satisfies readonly ReviewStatus[];
const DEFAULT_FULL_RELIST_MS = 15 * 60_000;
const OVERLAP_MS = 1_000;

const listingState = z.object({
  startedAt: z.string(),
  status: z.enum(REVIEW_STATUSES),
  token: z.number().int().nonnegative(),
});
const queueCursor = z.object({
  lastFullAt: z.string().nullable(),
  listing: listingState.nullable(),
});
type QueueCursor = z.infer<typeof queueCursor>;

export interface ReviewQueueOptions {
  fullRelistMs?: number;
}

export async function pullReviewQueue(
  ctx: PullContext,
  pass: PassInfo,
  options: ReviewQueueOptions = {},
): Promise<void> {
  const state = parseCursor(getCursor(ctx.db.read, REVIEW_QUEUE_STREAM)?.cursor, queueCursor) ?? {
    lastFullAt: null,
    listing: null,
  };
  const fullRelistMs = options.fullRelistMs ?? DEFAULT_FULL_RELIST_MS;
  const due =
    state.listing !== null ||
    state.lastFullAt === null ||
    pass.startedAt - Date.parse(state.lastFullAt) >= fullRelistMs ||
    newestItemCreatedAt(ctx.db.read) === null;
  if (due || !(await pullDelta(ctx, state))) await pullFullListing(ctx, state);
}

/** New items only. Answers whether the local open count now matches the backend's. */
async function pullDelta(ctx: PullContext, state: QueueCursor): Promise<boolean> {
  const stats = (await pullGet(ctx, 'review-queue/stats', reviewStats)).data;
  const newest = newestItemCreatedAt(ctx.db.read);
  const after = newest === null ? null : iso(Date.parse(newest) - OVERLAP_MS);
  let count = 0;
  for (const status of OPEN_STATUSES) {
    let token = 0;
    for (;;) {
      const { data } = await pullGet(ctx, 'review-queue', reviewItemPage, {
        status,
        limit: CONTINUATION_MAX_LIMIT,
        continuation_token: token,
        created_after: after,
      });
      const next = data.continuation_token;
      const last = !data.has_more || next === null || next === undefined;
      if (!last) assertAdvances(next, token, 'review queue');
      const pulledAt = iso(ctx.now());
      applyPage(ctx.db.write, REVIEW_QUEUE_STREAM, (tx) => applyReviewItems(tx, data.items, { pulledAt }), {
        cursor: JSON.stringify(state),
        at: pulledAt,
        complete: last && status === OPEN_STATUSES.at(-1),
        storedCount: (tx) => countReviewItems(tx),
      });
      count += data.items.length;
      ctx.progress({ count });
      await yieldToEventLoop();
      if (last || ctx.stopped()) break;
      token = next;
    }
  }
  const local = countOpenItems(ctx.db.read);
  // The simulator's `pending` counts in-progress items too; the spec does not say. Either reading agrees.
  return local.open === stats.pending || local.pending === stats.pending;
}

async function pullFullListing(ctx: PullContext, state: QueueCursor): Promise<void> {
  const listing = state.listing ?? { startedAt: iso(ctx.now()), status: OPEN_STATUSES[0], token: 0 };
  const stats = (await pullGet(ctx, 'review-queue/stats', reviewStats)).data;
  ctx.progress({ total: stats.pending, count: 0 });
  let count = 0;
  const startIndex = Math.max(
    0,
    OPEN_STATUSES.findIndex((s) => s === listing.status),
  );
  for (let i = startIndex; i < OPEN_STATUSES.length; i++) {
    const status = OPEN_STATUSES[i] ?? 'pending';
    let token = i === startIndex ? listing.token : 0;
    for (;;) {
      if (ctx.stopped()) return;
      const { data } = await pullGet(ctx, 'review-queue', reviewItemPage, {
        status,
        limit: CONTINUATION_MAX_LIMIT,
        continuation_token: token,
      });
      const next = data.continuation_token;
      const lastOfStatus = !data.has_more || next === null || next === undefined;
      if (!lastOfStatus) assertAdvances(next, token, 'review queue');
      const lastOfAll = lastOfStatus && i === OPEN_STATUSES.length - 1;
      const nextStatus = OPEN_STATUSES[i + 1];
      const cursor: QueueCursor = lastOfAll
        ? { lastFullAt: listing.startedAt, listing: null }
        : {
            lastFullAt: state.lastFullAt,
            listing: lastOfStatus
              ? { startedAt: listing.startedAt, status: nextStatus ?? 'pending', token: 0 }
              : { startedAt: listing.startedAt, status, token: next },
          };
      const at = iso(ctx.now());
      applyPage(
        ctx.db.write,
        REVIEW_QUEUE_STREAM,
        (tx) => {
          // Stamped with the listing's start, so the settle below keeps exactly what it refreshed
          // (and what a targeted refresh stamped later) even across a restart mid-listing.
          applyReviewItems(tx, data.items, { pulledAt: listing.startedAt, wantAt: at });
          if (lastOfAll) settleOpenItems(tx, listing.startedAt);
        },
        { cursor: JSON.stringify(cursor), at, complete: lastOfAll, storedCount: (tx) => countReviewItems(tx) },
      );
      count += data.items.length;
      ctx.progress({ count });
      await yieldToEventLoop();
      if (lastOfStatus) break;
      token = next;
    }
  }
}
