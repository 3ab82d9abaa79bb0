/**
 * The shared runner of the per-record streams (entities, calls): take the records pull_marks says
 * are due, fetch each with bounded concurrency, and store finished records in small batches, each
 * batch one transaction with the stream's cursor row. A record is stored whole or not at all (one
 * savepoint each), so one bad record never rolls back its neighbours.
 *
 * Failures: 403/404 on a record marks it gone with the backend's reason (it is not retried until
 * something wants it again). A malformed, oversized or schema-violating answer leaves that
 * record's stored copy as it was and the stream carries on; the stream then ends with an error
 * naming how many failed (they stay due: retried on the next pass). A transient failure (network,
 * timeout, 5xx or 429 after RemoteClient's retries) or a lost session stops the stream after the
 * records in hand are stored; the engine retries it later with backoff.
 */
import type { ReadDb, WriteDb } from '../../db/db-types';
import { RemoteError } from '../../remote/remote-error';
import { applyPage } from '../cursor.repo';
import { duePulls, markGone, markPulled, type PullMarkKind } from '../pull-marks.repo';
import { forEachBounded } from '../request-pool';
import { iso, yieldToEventLoop, type PullContext } from '../pull-context';

/** Records per transaction: few fsyncs, and still short transactions (the server keeps answering). */
const BATCH = 32;

export interface DueRecordsSpec<T> {
  kind: PullMarkKind;
  stream: string;
  /** Records fetched at once (each may take several requests; the pool caps requests overall). */
  concurrency: number;
  fetch(id: string): Promise<T>;
  apply(tx: WriteDb, record: T, pulledAt: string): void;
  /** Stored records of this kind (for the status line), counted once at the start. */
  count(read: ReadDb): number;
  /** Whether a record was stored before (so the count moves only for new ones). */
  exists(read: ReadDb, id: string): boolean;
  /** Singular noun for messages: "entity", "call". */
  noun: string;
}

type Outcome<T> =
  | { id: string; startedAt: string; record: T }
  | { id: string; startedAt: string; gone: { status: 403 | 404; reason: string } };

const goneOf = (error: unknown): { status: 403 | 404; reason: string } | null => {
  if (!(error instanceof RemoteError)) return null;
  if (error.kind !== 'not-found' && error.kind !== 'forbidden') return null;
  const detail = typeof error.details.detail === 'string' ? error.details.detail : error.message;
  return { status: error.kind === 'not-found' ? 404 : 403, reason: detail.slice(0, 300) };
};

const isRecordFault = (error: unknown): error is RemoteError =>
  error instanceof RemoteError &&
  (error.kind === 'invalid-response' || error.kind === 'too-large' || error.kind === 'rejected');

/** Pulls every due record of `spec.kind`; `only` narrows it to given ids (a targeted refresh). */
export async function pullDueRecords<T>(
  ctx: PullContext,
  spec: DueRecordsSpec<T>,
  only?: readonly string[],
): Promise<{ stored: number; gone: number }> {
  const due = only ?? duePulls(ctx.db.read, spec.kind).map((d) => d.id);
  let stored = spec.count(ctx.db.read);
  let done = 0;
  let gone = 0;
  const failures: RemoteError[] = [];
  let fatal: unknown = null;
  let batch: Outcome<T>[] = [];
  if (!only) ctx.progress({ count: 0, total: due.length });

  const flush = (complete: boolean): void => {
    const outcomes = batch;
    batch = [];
    const at = iso(ctx.now());
    applyPage(
      ctx.db.write,
      spec.stream,
      (tx) => {
        for (const outcome of outcomes) {
          if ('gone' in outcome) {
            markGone(tx, spec.kind, outcome.id, outcome.gone, outcome.startedAt);
            gone += 1;
            continue;
          }
          try {
            tx.transaction(() => {
              const isNew = !spec.exists(tx, outcome.id);
              spec.apply(tx, outcome.record, at);
              markPulled(tx, spec.kind, outcome.id, outcome.startedAt);
              if (isNew) stored += 1;
            });
          } catch (error) {
            // Only this record's savepoint rolled back; it stays due and the stream reports it.
            const message = error instanceof Error ? error.message : String(error);
            failures.push(new RemoteError('invalid-response', message));
          }
        }
      },
      { cursor: null, at, complete, ...(only ? {} : { total: due.length }), storedCount: () => stored },
    );
  };

  await forEachBounded(
    due,
    spec.concurrency,
    async (id) => {
      // The fetch's start, minus a millisecond: a want recorded while it runs keeps the record due.
      const startedAt = iso(ctx.now() - 1);
      try {
        // Awaited first: `batch.push(await …)` would push into the array a flush swapped out meanwhile.
        const record = await spec.fetch(id);
        batch.push({ id, startedAt, record });
      } catch (error) {
        const g = goneOf(error);
        if (g) batch.push({ id, startedAt, gone: g });
        else if (isRecordFault(error)) failures.push(error);
        else fatal ??= error;
      }
      done += 1;
      if (!only) ctx.progress({ count: done });
      if (batch.length >= BATCH) {
        flush(false);
        await yieldToEventLoop();
      }
    },
    () => fatal !== null || ctx.stopped(),
  );
  if (fatal !== null) {
    if (batch.length > 0) flush(false);
    throw fatal;
  }
  // A targeted refresh of a few records is not a complete pass of the stream.
  flush(!only && failures.length === 0 && !ctx.stopped());
  const first = failures[0];
  if (first) {
    throw new RemoteError(
      'invalid-response',
      `${failures.length} ${spec.noun} record(s) could not be stored and will be tried again. First: ${first.message}`,
    );
  }
  return { stored, gone };
}
