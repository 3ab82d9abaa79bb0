/**
 * Outbound sync: the sinks (GET world/sync/by-sink), the queue summary (world/sync/queue) and the
 * per (event, sink) delivery rows (world/sync/events, one list per status, offset paging, 200 a
 * page, oldest first).
 *
 * Incremental rule. The two summaries are read every pass (two small requests); when neither
 * changed since the last complete pass, the events are not read at all. When they changed:
 * - the in-flight statuses (pending, processing, failed) are small and re-read completely; a row
 *   stored with one of them that its list no longer shows has moved on;
 * - the settled statuses (synced, not_applicable) only grow, and rows join them either new (at the
 *   end of the oldest-first order) or moved from an in-flight status. So each is read from the
 *   first position where such a row can be: the number of rows stored with that status created
 *   before the oldest moved row (or before the newest stored row when none moved). Everything
 *   before that position is already here.
 * A list whose total changed while it was paged is read once more (a row leaving it mid-paging
 * would shift the offsets under us).
 */
import { SYNC_EVENTS_MAX_LIMIT, syncBySink, syncEvents, syncQueue, type SyncStatus } from '../../../../shared/amigo';
import { sql } from '../../db/sql';
import {
  applySinks,
  applySyncEvents,
  applySyncQueue,
  countInStatusBefore,
  countSyncEvents,
  newestInStatus,
  staleInStatus,
  SYNC_QUEUE_REPORT,
} from '../apply/outbound-sync.apply';
import { reportRaw } from '../apply/reports.apply';
import { applyPage, getCursor } from '../cursor.repo';
import { pairRaw, rawJson } from '../pulled';
import { assertAdvances, iso, pullGet, yieldToEventLoop, type PullContext } from '../pull-context';

export const SINKS_STREAM = 'sinks';
export const SYNC_EVENTS_STREAM = 'sync-events';

const IN_FLIGHT: readonly SyncStatus[] = ['pending', 'processing', 'failed'];
const SETTLED: readonly SyncStatus[] = ['synced', 'not_applicable'];

/** Sinks and queue summary. Answers whether either differs from what was stored. */
export async function pullSinks(ctx: PullContext): Promise<boolean> {
  const bySink = await pullGet(ctx, 'world/sync/by-sink', syncBySink);
  const queue = await pullGet(ctx, 'world/sync/queue', syncQueue);
  const read = ctx.db.read;
  const storedSinks = read
    .all<{ raw_json: string }>(sql`SELECT raw_json FROM sinks ORDER BY data_source_id`)
    .map((r) => r.raw_json);
  const sinks = pairRaw(bySink.data.sinks, bySink.raw, 'sinks');
  const pulledSinks = [...sinks].sort((a, b) => (a.value.data_source_id < b.value.data_source_id ? -1 : 1));
  const changed =
    storedSinks.join('\n') !== pulledSinks.map((s) => rawJson(s.raw)).join('\n') ||
    reportRaw(read, SYNC_QUEUE_REPORT, '') !== rawJson(queue.raw);
  const at = iso(ctx.now());
  applyPage(
    ctx.db.write,
    SINKS_STREAM,
    (tx) => {
      applySinks(tx, sinks, at);
      applySyncQueue(tx, { value: queue.data, raw: queue.raw }, at);
    },
    { cursor: null, at, complete: true, total: sinks.length, storedCount: () => sinks.length },
  );
  ctx.progress({ count: sinks.length, total: sinks.length });
  return changed;
}

interface ListOutcome {
  read: number;
  total: number;
}

async function readList(
  ctx: PullContext,
  status: SyncStatus,
  startOffset: number,
  onPage: (n: number) => void,
): Promise<ListOutcome & { totalMoved: boolean }> {
  let offset = startOffset;
  let firstTotal: number | null = null;
  let lastTotal = 0;
  let read = 0;
  for (;;) {
    if (ctx.stopped()) break;
    const page = await pullGet(ctx, 'world/sync/events', syncEvents, { status, limit: SYNC_EVENTS_MAX_LIMIT, offset });
    firstTotal ??= page.data.total;
    lastTotal = page.data.total;
    const at = iso(ctx.now());
    applyPage(
      ctx.db.write,
      SYNC_EVENTS_STREAM,
      (tx) => applySyncEvents(tx, pairRaw(page.data.events, page.raw, 'events'), at),
      {
        cursor: null,
        at,
        complete: false,
        storedCount: (tx) => countSyncEvents(tx),
      },
    );
    read += page.data.events.length;
    onPage(page.data.events.length);
    await yieldToEventLoop();
    if (!page.data.has_more) break;
    const next = page.data.next_offset ?? offset + page.data.events.length;
    assertAdvances(next, offset, 'sync events');
    offset = next;
  }
  return { read, total: lastTotal, totalMoved: firstTotal !== null && firstTotal !== lastTotal };
}

export async function pullSyncEvents(ctx: PullContext, summariesChanged: boolean): Promise<void> {
  const everCompleted = (getCursor(ctx.db.read, SYNC_EVENTS_STREAM)?.lastSuccessAt ?? null) !== null;
  if (!summariesChanged && everCompleted) {
    const at = iso(ctx.now());
    applyPage(ctx.db.write, SYNC_EVENTS_STREAM, () => undefined, { cursor: null, at, complete: true });
    return;
  }
  let count = 0;
  const onPage = (n: number): void => {
    count += n;
    ctx.progress({ count });
  };
  ctx.progress({ count: 0, total: null });

  const inFlightSince = iso(ctx.now() - 1);
  for (const status of IN_FLIGHT) {
    const outcome = await readList(ctx, status, 0, onPage);
    if (ctx.stopped()) return;
    if (outcome.totalMoved) await readList(ctx, status, 0, onPage);
  }
  // Rows stored as in flight that no in-flight list showed again have settled meanwhile.
  const moved = staleInStatus(ctx.db.read, IN_FLIGHT, inFlightSince).map((r) => r.createdAt);
  for (const status of SETTLED) {
    const newest = newestInStatus(ctx.db.read, status);
    // A moved row without a creation time could be anywhere in the list: read it all.
    const known = moved.filter((m): m is string => m !== null);
    const from = known.length < moved.length ? null : [...known, ...(newest ? [newest] : [])].sort()[0];
    const start = from === undefined || from === null ? 0 : countInStatusBefore(ctx.db.read, status, from);
    const outcome = await readList(ctx, status, start, onPage);
    if (ctx.stopped()) return;
    if (outcome.totalMoved) await readList(ctx, status, start, onPage);
  }
  const at = iso(ctx.now());
  applyPage(ctx.db.write, SYNC_EVENTS_STREAM, () => undefined, {
    cursor: null,
    at,
    complete: true,
    storedCount: (tx) => countSyncEvents(tx),
  });
}
