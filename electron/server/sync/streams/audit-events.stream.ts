/**
 * The backend's audit log (GET /audit, admin and owner only): offset paging, 100 a page, newest
 * first. Each page is validated and stored with the cursor in one transaction.
 *
 * Incremental rule: a window asks for `date_from` = the newest stored event's time minus five
 * minutes (nothing, the first time) and pages from offset 0. New events land at the top of the
 * newest-first order, so paging while they arrive repeats events (idempotent) but never skips
 * one. The window (its date_from and offset) is the cursor: a restart resumes the same window
 * instead of starting a new one from the newest event, which would leave the older part of an
 * interrupted first pull behind. The overlap absorbs events stamped slightly out of order; an
 * event stamped more than five minutes before the newest stored one when it arrives is not seen
 * (the API offers no "inserted since" filter).
 */
import { z } from 'zod';
import { AUDIT_MAX_LIMIT, auditEventsList, type AuditEventsList } from '../../../../shared/amigo';
import type { RemoteResponse } from '../../remote/remote-client';
import { applyAuditEvents, countAuditEvents, newestAuditTimestamp } from '../apply/audit-events.apply';
import { applyPage, getCursor } from '../cursor.repo';
import { pairRaw } from '../pulled';
import { iso, parseCursor, pullGet, yieldToEventLoop, type PassInfo, type PullContext } from '../pull-context';
import { RemoteError } from '../../remote/remote-error';

export const AUDIT_EVENTS_STREAM = 'audit-events';
const OVERLAP_MS = 5 * 60_000;

const auditCursor = z.object({ from: z.string().nullable(), offset: z.number().int().nonnegative() });
type AuditCursor = z.infer<typeof auditCursor>;

export async function pullAuditEvents(ctx: PullContext, pass: PassInfo): Promise<void> {
  const resumed = parseCursor(getCursor(ctx.db.read, AUDIT_EVENTS_STREAM)?.cursor, auditCursor);
  const newest = newestAuditTimestamp(ctx.db.read);
  const window: AuditCursor = resumed ?? {
    from: newest === null ? null : iso(Date.parse(newest) - OVERLAP_MS),
    offset: 0,
  };
  // Counted once, then moved by what each page added (no count(*) over a million rows per page).
  let stored = countAuditEvents(ctx.db.read);
  let offset = window.offset;
  let total: number | null = null;
  for (;;) {
    if (ctx.stopped()) return;
    // Offsets are known, so a few pages are fetched at once (the pool bounds them) and stored in
    // one transaction: fewer round trips and fewer commits for a million events. The first page
    // of a window comes alone, to learn the total.
    const width: number =
      total === null ? 1 : Math.max(1, Math.min(ctx.pool.size, Math.ceil((total - offset) / AUDIT_MAX_LIMIT)));
    const offsets: number[] = Array.from({ length: width }, (_, i) => offset + i * AUDIT_MAX_LIMIT);
    const pages: RemoteResponse<AuditEventsList>[] = await Promise.all(
      offsets.map((o) =>
        pullGet(ctx, 'audit', auditEventsList, { limit: AUDIT_MAX_LIMIT, offset: o, date_from: window.from }),
      ),
    );
    const taken: RemoteResponse<AuditEventsList>[] = [];
    let last = false;
    for (const page of pages) {
      if (page.data.has_more && page.data.events.length === 0) {
        throw new RemoteError('invalid-response', 'The audit log paging did not advance; stopped to avoid looping.');
      }
      taken.push(page);
      if (!page.data.has_more) {
        last = true;
        break;
      }
    }
    const lastTaken = taken.at(-1);
    if (!lastTaken) return;
    total = lastTaken.data.total;
    if (offset === window.offset) ctx.progress({ total, count: offset });
    const next = offset + taken.reduce((n, p) => n + p.data.events.length, 0);
    const at = iso(ctx.now());
    let added = 0;
    applyPage(
      ctx.db.write,
      AUDIT_EVENTS_STREAM,
      (tx) => {
        for (const page of taken) added += applyAuditEvents(tx, pairRaw(page.data.events, page.raw, 'events'), at);
      },
      {
        cursor: last ? null : JSON.stringify({ from: window.from, offset: next }),
        at,
        complete: last,
        total,
        storedCount: () => stored + added,
      },
    );
    stored += added;
    pass.auditAdded += added;
    ctx.progress({ count: next });
    await yieldToEventLoop();
    if (last) return;
    offset = next;
  }
}
