/**
 * Pull progress per stream (review items, entities, audit events…): where the next page starts,
 * when the stream last completed, its last error and how many records it has stored. A page's
 * records and the cursor that follows them commit in one transaction, so after a kill -9 the
 * pull resumes exactly after the last stored page: never a gap, never a page counted twice.
 */
import type { NotPromise, ReadDb, WriteDb } from '../db/db-types';
import { sql } from '../db/sql';

export interface StreamCursor {
  stream: string;
  /** Opaque to this module: a continuation token or offset, as text. Null: start from the beginning. */
  cursor: string | null;
  lastPageAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  storedCount: number;
  total: number | null;
}

interface CursorRow {
  stream: string;
  cursor: string | null;
  last_page_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  stored_count: number;
  total: number | null;
}

const toCursor = (row: CursorRow): StreamCursor => ({
  stream: row.stream,
  cursor: row.cursor,
  lastPageAt: row.last_page_at,
  lastSuccessAt: row.last_success_at,
  lastError: row.last_error,
  lastErrorAt: row.last_error_at,
  storedCount: row.stored_count,
  total: row.total,
});

const STREAM_NAME = /^[a-z][a-z0-9_.:-]{0,63}$/;
/** Errors are shown on the status screen; they must be short and carry no PHI (callers' duty). */
const MAX_ERROR_CHARS = 500;

const checkStream = (stream: string): string => {
  if (!STREAM_NAME.test(stream)) throw new TypeError(`cursor.repo: bad stream name`);
  return stream;
};

const SELECT_CURSOR = sql`SELECT stream, cursor, last_page_at, last_success_at, last_error, last_error_at,
  stored_count, total FROM sync_cursors`;

export const getCursor = (read: ReadDb, stream: string): StreamCursor | null => {
  const row = read.get<CursorRow>(sql`${SELECT_CURSOR} WHERE stream = ${checkStream(stream)}`);
  return row ? toCursor(row) : null;
};

export const listCursors = (read: ReadDb): StreamCursor[] =>
  read.all<CursorRow>(sql`${SELECT_CURSOR} ORDER BY stream`).map(toCursor);

export interface PageOutcome {
  /** Where the next page starts; null when the stream should start over next time. */
  cursor: string | null;
  /** When the page was applied (UTC ISO). */
  at: string;
  /** True when this page was the stream's last: sets lastSuccessAt. */
  complete: boolean;
  /** Expected total when the API tells it; omitted keeps the stored one. */
  total?: number | null;
  /**
   * Records the stream now holds, counted inside the transaction after `apply` ran (e.g.
   * `(tx) => countReviewItems(tx)`); omitted keeps the stored count.
   */
  storedCount?: (tx: WriteDb) => number;
}

/**
 * Applies one page and advances the stream's cursor in a single IMMEDIATE transaction. If `apply`
 * throws, nothing of the page is stored and the cursor stays where it was. `apply` must be
 * synchronous (no await): fetch and validate the page first, then call this.
 */
export const applyPage = <T>(
  write: WriteDb,
  stream: string,
  apply: (tx: WriteDb) => NotPromise<T>,
  outcome: PageOutcome,
): T => {
  checkStream(stream);
  return write.transaction<T>(() => {
    const result = apply(write);
    const storedCount = outcome.storedCount?.(write) ?? null;
    const total = outcome.total === undefined ? null : outcome.total;
    const keepTotal = outcome.total === undefined;
    write.run(sql`
      INSERT INTO sync_cursors (stream, cursor, last_page_at, last_success_at, last_error, last_error_at,
        stored_count, total, updated_at)
      VALUES (${stream}, ${outcome.cursor}, ${outcome.at}, ${outcome.complete ? outcome.at : null}, NULL, NULL,
        ${storedCount ?? 0}, ${total}, ${outcome.at})
      ON CONFLICT (stream) DO UPDATE SET
        cursor = excluded.cursor,
        last_page_at = excluded.last_page_at,
        last_success_at = CASE WHEN ${outcome.complete} THEN excluded.last_success_at ELSE sync_cursors.last_success_at END,
        last_error = NULL,
        last_error_at = NULL,
        stored_count = CASE WHEN ${storedCount === null} THEN sync_cursors.stored_count ELSE excluded.stored_count END,
        total = CASE WHEN ${keepTotal} THEN sync_cursors.total ELSE excluded.total END,
        updated_at = excluded.updated_at`);
    return result;
  });
};

/** Records a failed pull (the cursor does not move). */
export const recordStreamError = (write: WriteDb, stream: string, message: string, at: string): void => {
  checkStream(stream);
  const text = message.length > MAX_ERROR_CHARS ? `${message.slice(0, MAX_ERROR_CHARS - 1)}…` : message;
  write.transaction(() => {
    write.run(sql`
      INSERT INTO sync_cursors (stream, last_error, last_error_at, updated_at)
      VALUES (${stream}, ${text}, ${at}, ${at})
      ON CONFLICT (stream) DO UPDATE SET
        last_error = excluded.last_error, last_error_at = excluded.last_error_at, updated_at = excluded.updated_at`);
  });
};

/** Forgets a stream's position (e.g. after the server says the cursor expired): the next pull starts over. */
export const resetCursor = (write: WriteDb, stream: string, at: string): void => {
  checkStream(stream);
  write.transaction(() => {
    write.run(sql`UPDATE sync_cursors SET cursor = NULL, updated_at = ${at} WHERE stream = ${stream}`);
  });
};
