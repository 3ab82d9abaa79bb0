/**
 * Deciding from the backend's state what became of an intent whose outcome is unknown (a
 * timeout, a dropped connection, a 5xx, a 409, or an entry found `sending` after a crash).
 *
 * The API has no idempotency key for verdicts, so Attest never re-sends a decision blindly: it
 * re-reads the item first.
 * - still open → our earlier attempt did not apply: sending again is safe (and if that earlier
 *   attempt is somehow still in flight, the backend refuses a second verdict on a decided item
 *   with 409, which lands back here);
 * - decided with our action, by us → it was applied: mark sent, never send again;
 * - decided otherwise, or by someone else → conflict, both decisions kept.
 * "By us" is answered by the review history filtered to our reviewer id since shortly before
 * the first attempt; if the backend names reviewers differently, the item shows as a conflict
 * (nothing applied twice, nothing hidden), never as silently ours.
 */
import { CONTINUATION_MAX_LIMIT, reviewItem, reviewItemPage, type ReviewItem } from '../../../../shared/amigo';
import type { RemoteClient } from '../../remote/remote-client';
import { RemoteError } from '../../remote/remote-error';

export type ItemRead = { kind: 'item'; item: ReviewItem } | { kind: 'gone'; reason: string };

/** Re-reads one item. 404/403/other 4xx → gone with the backend's words; transient errors throw. */
export async function readItem(remote: RemoteClient, itemId: string, userAgent: string): Promise<ItemRead> {
  try {
    const { data } = await remote.get(
      remote.workspacePath(`review-queue/${encodeURIComponent(itemId)}`),
      reviewItem,
      {},
      { headers: { 'user-agent': userAgent } },
    );
    return { kind: 'item', item: data };
  } catch (error) {
    if (
      error instanceof RemoteError &&
      (error.kind === 'not-found' || error.kind === 'forbidden' || error.kind === 'rejected')
    ) {
      return { kind: 'gone', reason: serverSaid(error) };
    }
    throw error;
  }
}

export const isDecided = (item: ReviewItem): boolean => item.status === 'completed' || item.status === 'rejected';

/** The backend's own words for a refusal: status and `detail`. */
export const serverSaid = (error: RemoteError): string => {
  const status = error.details.status;
  const detail = error.details.detail;
  const text =
    typeof detail === 'string'
      ? detail
      : Array.isArray(detail)
        ? detail
            .map((d: unknown) =>
              typeof d === 'object' && d !== null && 'msg' in d && typeof d.msg === 'string'
                ? d.msg
                : JSON.stringify(d),
            )
            .join('; ')
        : detail === undefined || detail === null
          ? error.message
          : JSON.stringify(detail);
  return status === undefined ? text : `${status}: ${text}`;
};

/** Margin for clock skew between this device and the backend when filtering the history. */
const SKEW_MARGIN_MS = 24 * 60 * 60 * 1000;
const MAX_HISTORY_PAGES = 200;

/**
 * Which of `itemIds` the backend's review history says `reviewer` decided since `since`
 * (minus a skew margin). Pages until all are found or the history ends.
 */
export async function decidedBy(
  remote: RemoteClient,
  reviewer: string,
  itemIds: ReadonlySet<string>,
  since: string,
  userAgent: string,
): Promise<Map<string, ReviewItem>> {
  const found = new Map<string, ReviewItem>();
  const after = new Date(Date.parse(since) - SKEW_MARGIN_MS).toISOString();
  let token = 0;
  for (let page = 0; page < MAX_HISTORY_PAGES && found.size < itemIds.size; page++) {
    const { data } = await remote.get(
      remote.workspacePath('review-queue/history'),
      reviewItemPage,
      { reviewed_by: reviewer, completed_after: after, limit: CONTINUATION_MAX_LIMIT, continuation_token: token },
      { headers: { 'user-agent': userAgent } },
    );
    for (const item of data.items) if (itemIds.has(item.id)) found.set(item.id, item);
    const next = data.continuation_token;
    if (!data.has_more || next === null || next === undefined || next <= token) break;
    token = next;
  }
  return found;
}

const ACTION_OF = { approve: 'approved', correct: 'corrected', reject: 'rejected' } as const;
export const completedActionFor = (verdict: 'approve' | 'correct' | 'reject'): 'approved' | 'corrected' | 'rejected' =>
  ACTION_OF[verdict];

/** A sentence for a conflict: what the backend has, what we wanted, and that both are kept. */
export const conflictReason = (item: ReviewItem, ours: string, byUs: boolean): string => {
  const theirs = item.completed_action ?? item.status;
  const when = item.completed_at ? ` at ${item.completed_at}` : '';
  const who = byUs ? 'by you (from another session or device)' : 'by another reviewer';
  return `Already ${theirs} on the server${when} ${who}. Your decision (${ours}) was not applied; both decisions are kept here.`;
};
