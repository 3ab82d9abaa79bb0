/**
 * The outbox: intents (decisions, claims) waiting for the backend, and what became of them.
 *
 * States and transitions (every transition is one UPDATE guarded by the state it leaves, so a
 * stale caller changes nothing and learns it):
 *
 *   pending ──(about to send; committed BEFORE the request leaves)──▶ sending
 *   sending ──(2xx, or a re-read shows our decision applied)────────▶ sent
 *   sending ──(409/422/other 4xx, 403, 404)─────────────────────────▶ quarantined
 *   sending ──(the item was decided differently or by someone else)─▶ conflict
 *   sending ──(429 or 401: the request was not processed)───────────▶ pending
 *   sending ──(timeout, dropped connection, 5xx: outcome unknown)───▶ sending (reconciled by a
 *             re-read of the item before anything is sent again)
 *   pending ──(undo within the window)──────────────────────────────▶ withdrawn
 *   quarantined | conflict ──(withdraw)─────────────────────────────▶ withdrawn
 *   quarantined | conflict ──(resubmit)──▶ stays, `superseded_by` = a NEW pending entry
 *
 * Nothing is deleted (a trigger refuses to delete anything not sent) and an entry's identity
 * and frozen payload cannot change (trigger `outbox_frozen`, D-12).
 */
import type { OutboxKind, OutboxState } from '../../../../shared/contract';
import type { ReadDb, WriteDb } from '../../db/db-types';
import { sql, sqlEmpty, sqlIn, sqlJoin } from '../../db/sql';

export type { OutboxKind, OutboxState };

export const DECISION_KINDS: readonly OutboxKind[] = ['approve', 'correct', 'reject', 'batch_approve', 'batch_reject'];
export const isDecisionKind = (kind: OutboxKind): boolean => DECISION_KINDS.includes(kind);
export const isBatchKind = (kind: OutboxKind): kind is 'batch_approve' | 'batch_reject' =>
  kind === 'batch_approve' || kind === 'batch_reject';

/** States that still wait for the backend (and hold later intents about the same items). */
export const IN_FLIGHT_STATES: readonly OutboxState[] = ['pending', 'sending'];
/** States a person must look at: the server refused, or someone else decided first. */
export const ATTENTION_STATES: readonly OutboxState[] = ['quarantined', 'conflict'];

export type ItemOutcome = 'pending' | 'applied' | 'refused' | 'conflict';

export interface OutboxItem {
  itemId: string;
  outcome: ItemOutcome;
  detail: string | null;
}

export interface OutboxEntry {
  seq: number;
  id: string;
  kind: OutboxKind;
  items: OutboxItem[];
  /** The API request body, exactly as it will be sent. */
  payload: Record<string, unknown>;
  /** What the person chose, in the local API's terms (null for claims). */
  decision: Record<string, unknown> | null;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  serverReason: string | null;
  nextAttemptAt: string | null;
  notBefore: string | null;
  firstSentAt: string | null;
  sentAt: string | null;
  result: unknown;
  resubmitOf: string | null;
  supersededBy: string | null;
  withdrawnAt: string | null;
  createdBySub: string;
  createdAt: string;
  updatedAt: string;
}

interface EntryRow {
  seq: number;
  id: string;
  kind: OutboxKind;
  payload_json: string;
  decision_json: string | null;
  state: OutboxState;
  attempts: number;
  last_error: string | null;
  server_reason: string | null;
  next_attempt_at: string | null;
  not_before: string | null;
  first_sent_at: string | null;
  sent_at: string | null;
  result_json: string | null;
  resubmit_of: string | null;
  superseded_by: string | null;
  withdrawn_at: string | null;
  created_by_sub: string;
  created_at: string;
  updated_at: string;
}

interface ItemRow {
  entry_seq: number;
  item_id: string;
  outcome: ItemOutcome;
  detail: string | null;
}

const ENTRY_COLUMNS = sql`seq, id, kind, payload_json, decision_json, state, attempts, last_error, server_reason,
  next_attempt_at, not_before, first_sent_at, sent_at, result_json, resubmit_of, superseded_by, withdrawn_at,
  created_by_sub, created_at, updated_at`;

/** Messages shown on the status screen: short, one line. */
const MAX_TEXT = 2000;
const clip = (text: string | null): string | null =>
  text === null ? null : text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;

const parseObject = (json: string): Record<string, unknown> => {
  const value: unknown = JSON.parse(json);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
};

const itemsOf = (read: ReadDb, seqs: readonly number[]): Map<number, OutboxItem[]> => {
  const map = new Map<number, OutboxItem[]>();
  if (seqs.length === 0) return map;
  const rows = read.all<ItemRow>(sql`SELECT entry_seq, item_id, outcome, detail FROM outbox_items
    WHERE entry_seq IN ${sqlIn(seqs)} ORDER BY entry_seq, position`);
  for (const row of rows) {
    const list = map.get(row.entry_seq) ?? [];
    list.push({ itemId: row.item_id, outcome: row.outcome, detail: row.detail });
    map.set(row.entry_seq, list);
  }
  return map;
};

const toEntries = (read: ReadDb, rows: readonly EntryRow[]): OutboxEntry[] => {
  const items = itemsOf(
    read,
    rows.map((r) => r.seq),
  );
  return rows.map((row) => ({
    seq: row.seq,
    id: row.id,
    kind: row.kind,
    items: items.get(row.seq) ?? [],
    payload: parseObject(row.payload_json),
    decision: row.decision_json === null ? null : parseObject(row.decision_json),
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error,
    serverReason: row.server_reason,
    nextAttemptAt: row.next_attempt_at,
    notBefore: row.not_before,
    firstSentAt: row.first_sent_at,
    sentAt: row.sent_at,
    result: row.result_json === null ? null : (JSON.parse(row.result_json) as unknown),
    resubmitOf: row.resubmit_of,
    supersededBy: row.superseded_by,
    withdrawnAt: row.withdrawn_at,
    createdBySub: row.created_by_sub,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
};

export interface NewEntry {
  id: string;
  kind: OutboxKind;
  itemIds: readonly string[];
  payload: Record<string, unknown>;
  decision: Record<string, unknown> | null;
  /** End of the undo window, or null to send at once. */
  notBefore: string | null;
  createdBySub: string;
  now: string;
  resubmitOf?: string | null;
}

/**
 * Queues one intent. Call it inside the transaction that makes the local change (D-10): the
 * entry, its items and the caller's access event commit together or not at all.
 */
export const enqueueEntry = (write: WriteDb, entry: NewEntry): OutboxEntry => {
  if (entry.itemIds.length === 0) throw new RangeError('outbox: an intent needs at least one item');
  return write.transaction(() => {
    const result = write.run(sql`INSERT INTO outbox (id, idempotency_key, kind, item_id, item_count, payload_json,
        decision_json, state, not_before, resubmit_of, created_by_sub, created_at, updated_at)
      VALUES (${entry.id}, ${entry.id}, ${entry.kind}, ${entry.itemIds[0] ?? null}, ${entry.itemIds.length},
        ${JSON.stringify(entry.payload)}, ${entry.decision === null ? null : JSON.stringify(entry.decision)},
        'pending', ${entry.notBefore}, ${entry.resubmitOf ?? null}, ${entry.createdBySub}, ${entry.now}, ${entry.now})`);
    const seq = Number(result.lastInsertRowid);
    entry.itemIds.forEach((itemId, position) => {
      write.run(sql`INSERT INTO outbox_items (entry_seq, item_id, position) VALUES (${seq}, ${itemId}, ${position})`);
    });
    const created = getEntry(write, entry.id);
    if (!created) throw new Error('outbox: the queued intent could not be read back');
    return created;
  });
};

export const getEntry = (read: ReadDb, id: string): OutboxEntry | null => {
  const row = read.get<EntryRow>(sql`SELECT ${ENTRY_COLUMNS} FROM outbox WHERE id = ${id}`);
  return row ? (toEntries(read, [row])[0] ?? null) : null;
};

export interface ListOptions {
  states: readonly OutboxState[];
  /** Only this person's intents (D-16); undefined for everyone's. */
  sub?: string;
  /** Attention states without the ones already resubmitted. */
  excludeSuperseded?: boolean;
  limit?: number;
  order?: 'seq' | 'newest';
}

export const listEntries = (read: ReadDb, options: ListOptions): OutboxEntry[] => {
  const rows = read.all<EntryRow>(sql`SELECT ${ENTRY_COLUMNS} FROM outbox
    WHERE state IN ${sqlIn(options.states)}
      ${options.sub === undefined ? sqlEmpty : sql`AND created_by_sub = ${options.sub}`}
      ${options.excludeSuperseded === true ? sql`AND superseded_by IS NULL` : sqlEmpty}
    ORDER BY seq ${options.order === 'newest' ? sql`DESC` : sql`ASC`}
    LIMIT ${options.limit ?? 10_000}`);
  return toEntries(read, rows);
};

export interface OutboxCounts {
  pendingByKind: Record<string, number>;
  quarantined: number;
}

/** What the sync status shows: intents waiting by kind, and refusals nobody has handled yet. */
export const outboxCounts = (read: ReadDb, sub?: string): OutboxCounts => {
  const bySub = sub === undefined ? sqlEmpty : sql`AND created_by_sub = ${sub}`;
  const pending = read.all<{ kind: string; n: number }>(sql`SELECT kind, count(*) AS n FROM outbox
    WHERE state IN ('pending', 'sending') ${bySub} GROUP BY kind ORDER BY kind`);
  const quarantined =
    read.value<number>(sql`SELECT count(*) FROM outbox
      WHERE state IN ('quarantined', 'conflict') AND superseded_by IS NULL ${bySub}`) ?? 0;
  return { pendingByKind: Object.fromEntries(pending.map((r) => [r.kind, r.n])), quarantined };
};

export interface ItemLocalState {
  itemId: string;
  entryId: string;
  kind: OutboxKind;
  state: OutboxState;
  outcome: ItemOutcome;
  serverReason: string | null;
  notBefore: string | null;
  updatedAt: string;
}

/** The latest live intent per item (view `review_item_local`), for the review desk. */
export const itemLocalStates = (read: ReadDb, itemIds: readonly string[]): Map<string, ItemLocalState> => {
  const map = new Map<string, ItemLocalState>();
  if (itemIds.length === 0) return map;
  const rows = read.all<{
    item_id: string;
    entry_id: string;
    kind: OutboxKind;
    state: OutboxState;
    outcome: ItemOutcome;
    server_reason: string | null;
    not_before: string | null;
    updated_at: string;
  }>(sql`SELECT item_id, entry_id, kind, state, outcome, server_reason, not_before, updated_at
    FROM review_item_local WHERE item_id IN ${sqlIn(itemIds)}`);
  for (const r of rows) {
    map.set(r.item_id, {
      itemId: r.item_id,
      entryId: r.entry_id,
      kind: r.kind,
      state: r.state,
      outcome: r.outcome,
      serverReason: r.server_reason,
      notBefore: r.not_before,
      updatedAt: r.updated_at,
    });
  }
  return map;
};

/** Thrown when a transition finds the entry in another state than the one it leaves. */
export class OutboxStateError extends Error {
  override readonly name = 'OutboxStateError';
  constructor(
    readonly entryId: string,
    readonly actual: OutboxState | null,
    message: string,
  ) {
    super(message);
  }
}

interface Patch {
  state: OutboxState;
  now: string;
  lastError?: string | null;
  serverReason?: string | null;
  nextAttemptAt?: string | null;
  firstSentAt?: string;
  sentAt?: string;
  result?: unknown;
  attemptsDelta?: number;
  withdrawnBySub?: string;
}

const transition = (write: WriteDb, id: string, from: readonly OutboxState[], patch: Patch): OutboxEntry =>
  write.transaction(() => {
    const set = [
      sql`state = ${patch.state}`,
      sql`updated_at = ${patch.now}`,
      ...(patch.lastError === undefined ? [] : [sql`last_error = ${clip(patch.lastError)}`]),
      ...(patch.serverReason === undefined ? [] : [sql`server_reason = ${clip(patch.serverReason)}`]),
      ...(patch.nextAttemptAt === undefined ? [] : [sql`next_attempt_at = ${patch.nextAttemptAt}`]),
      ...(patch.firstSentAt === undefined ? [] : [sql`first_sent_at = coalesce(first_sent_at, ${patch.firstSentAt})`]),
      ...(patch.sentAt === undefined ? [] : [sql`sent_at = ${patch.sentAt}`]),
      ...(patch.result === undefined ? [] : [sql`result_json = ${JSON.stringify(patch.result)}`]),
      ...(patch.attemptsDelta === undefined ? [] : [sql`attempts = attempts + ${patch.attemptsDelta}`]),
      ...(patch.withdrawnBySub === undefined
        ? []
        : [sql`withdrawn_at = ${patch.now}`, sql`withdrawn_by_sub = ${patch.withdrawnBySub}`]),
    ];
    const changed = write.run(
      sql`UPDATE outbox SET ${sqlJoin(set, ', ')} WHERE id = ${id} AND state IN ${sqlIn(from)}`,
    );
    const entry = getEntry(write, id);
    if (changed.changes !== 1 || !entry) {
      throw new OutboxStateError(
        id,
        entry?.state ?? null,
        entry ? `outbox: entry is ${entry.state}, not ${from.join(' or ')}` : 'outbox: no such entry',
      );
    }
    return entry;
  });

/** Marks the entry as leaving now. Committed before the request goes out, so a crash is detected. */
export const markSending = (write: WriteDb, id: string, now: string): OutboxEntry =>
  transition(write, id, ['pending', 'sending'], { state: 'sending', now, firstSentAt: now, attemptsDelta: 1 });

/** Records each item's outcome (applied, refused, conflict) for the entry's items listed. */
export const setItemOutcomes = (
  write: WriteDb,
  entrySeq: number,
  outcomes: ReadonlyMap<string, { outcome: ItemOutcome; detail: string | null }>,
): void => {
  write.transaction(() => {
    for (const [itemId, o] of outcomes) {
      write.run(sql`UPDATE outbox_items SET outcome = ${o.outcome}, detail = ${clip(o.detail)}
        WHERE entry_seq = ${entrySeq} AND item_id = ${itemId}`);
    }
  });
};

export const markSent = (
  write: WriteDb,
  id: string,
  now: string,
  result: unknown,
  note: string | null = null,
): OutboxEntry =>
  transition(write, id, ['sending'], {
    state: 'sent',
    now,
    sentAt: now,
    result,
    lastError: null,
    nextAttemptAt: null,
    ...(note === null ? {} : { serverReason: note }),
  });

export const markQuarantined = (
  write: WriteDb,
  id: string,
  now: string,
  reason: string,
  result?: unknown,
): OutboxEntry =>
  transition(write, id, ['sending'], {
    state: 'quarantined',
    now,
    serverReason: reason,
    nextAttemptAt: null,
    ...(result === undefined ? {} : { result }),
  });

export const markConflict = (write: WriteDb, id: string, now: string, reason: string, result?: unknown): OutboxEntry =>
  transition(write, id, ['sending'], {
    state: 'conflict',
    now,
    serverReason: reason,
    nextAttemptAt: null,
    ...(result === undefined ? {} : { result }),
  });

/** The request was certainly not processed (429, 401): back to pending, to be sent as it is. */
export const markNotSent = (
  write: WriteDb,
  id: string,
  now: string,
  error: string,
  nextAttemptAt: string | null,
): OutboxEntry => transition(write, id, ['sending'], { state: 'pending', now, lastError: error, nextAttemptAt });

/** The outcome is unknown: stays `sending`; the next attempt re-reads the item first. */
export const markUnknown = (
  write: WriteDb,
  id: string,
  now: string,
  error: string,
  nextAttemptAt: string | null,
): OutboxEntry => transition(write, id, ['sending'], { state: 'sending', now, lastError: error, nextAttemptAt });

export const markWithdrawn = (
  write: WriteDb,
  id: string,
  now: string,
  bySub: string,
  from: readonly OutboxState[],
): OutboxEntry => transition(write, id, from, { state: 'withdrawn', now, withdrawnBySub: bySub, nextAttemptAt: null });

/** Links a refused entry to the new entry that resubmits it; the refused one stays as it was. */
export const markSuperseded = (write: WriteDb, id: string, byId: string, now: string): void => {
  write.transaction(() => {
    const changed = write.run(sql`UPDATE outbox SET superseded_by = ${byId}, updated_at = ${now}
      WHERE id = ${id} AND state IN ('quarantined', 'conflict') AND superseded_by IS NULL`);
    if (changed.changes !== 1)
      throw new OutboxStateError(id, getEntry(write, id)?.state ?? null, 'outbox: already handled');
  });
};

/** Intents still waiting for the backend, in the order they were queued (D-13). */
export const inFlightEntries = (read: ReadDb, sub: string): OutboxEntry[] =>
  listEntries(read, { states: IN_FLIGHT_STATES, sub, order: 'seq' });

/** Whether any intent in flight still holds one of these items (ordering and local checks). */
export const itemsInFlight = (read: ReadDb, itemIds: readonly string[]): Set<string> => {
  if (itemIds.length === 0) return new Set();
  const rows = read.all<{ item_id: string }>(sql`SELECT DISTINCT oi.item_id FROM outbox_items oi
    JOIN outbox o ON o.seq = oi.entry_seq
    WHERE oi.item_id IN ${sqlIn(itemIds)} AND o.state IN ('pending', 'sending')`);
  return new Set(rows.map((r) => r.item_id));
};
