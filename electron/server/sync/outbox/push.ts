/**
 * Push: sends what the person did while the backend decides (issue 4 "Push", security-bar
 * D-10…D-16). One pass:
 *
 * 1. Access events first (access-delivery.ts), oldest first.
 * 2. Then this person's intents (D-16: only entries their `sub` created) in the order they were
 *    queued (seq), serialised per item: an intent waits while an earlier one about any of its
 *    items is still in flight or not yet due (a decision in its undo window). One that the
 *    backend refuses is quarantined with the backend's words and blocks nothing else (D-13).
 *
 * Exactly-once effect without an idempotency key: an entry is marked `sending` (committed)
 * BEFORE its request leaves. If the outcome is then unknown (timeout, dropped connection, 5xx,
 * an unreadable 2xx, or a crash: the entry is found `sending`), nothing is sent again until the
 * item was re-read and the backend's state decided it (reconcile.ts). A 429 or 401 was not
 * processed, so the entry goes back to pending. Offline, everything stays pending and goes out in
 * order when the backend answers again; the pusher retries with capped backoff meanwhile.
 *
 * Retrying a batch after an unknown outcome sends only the items whose re-read shows them still
 * open: the same intent, narrowed to what is not applied yet (never a second verdict).
 */
import { batchActionResponse, claimResponse, reviewItem, type ReviewItem } from '../../../../shared/amigo';
import type { EncryptedDatabase } from '../../db/connection';
import { upsertReviewItems } from '../../modules/review/review.repo';
import type { RemoteClient } from '../../remote/remote-client';
import { RemoteError } from '../../remote/remote-error';
import { backoffDelay } from '../../remote/backoff';
import { deliverAccessEvents, type DeliveryStop } from './access-delivery';
import {
  getEntry,
  inFlightEntries,
  isBatchKind,
  markConflict,
  markNotSent,
  markQuarantined,
  markSending,
  markSent,
  markUnknown,
  OutboxStateError,
  setItemOutcomes,
  type ItemOutcome,
  type OutboxEntry,
} from './outbox.repo';
import { completedActionFor, conflictReason, decidedBy, isDecided, readItem, serverSaid } from './reconcile';
import { outboxUserAgent } from './user-agent';

export interface OutboxPusherOptions {
  remote: RemoteClient;
  db: Pick<EncryptedDatabase, 'read' | 'write'>;
  /** The signed-in person: only their intents are sent, as them. */
  sub: string;
  /** The backend says the session is over (401 after a refresh). */
  onSignInRequired(message: string): void;
  clock?: () => Date;
  /** Cap of the wait between attempts while the backend is unreachable or failing. */
  maxRetryDelayMs?: number;
  random?: () => number;
}

export interface PushReport {
  accessDelivered: number;
  accessUndeliverable: number;
  sent: number;
  quarantined: number;
  conflicts: number;
  /** Why the pass ended early, if it did. */
  stopped: DeliveryStop | null;
  /** Intents still in flight after the pass. */
  remaining: number;
}

/** What one entry's attempt came to, for the pass. */
type Step = 'done' | 'retry' | 'offline' | 'rate-limited' | 'sign-in';

type Verdict = 'approve' | 'correct' | 'reject';

const VERDICT_PATHS: Record<Verdict, string> = { approve: 'approve', correct: 'correct', reject: 'reject' };
const BATCH_PATHS = { batch_approve: 'batch-approve', batch_reject: 'batch-reject' } as const;

const describeDecision = (entry: OutboxEntry): string => {
  const decision = entry.decision;
  if (entry.kind === 'reject' || entry.kind === 'batch_reject') {
    const reason = entry.payload['reason'];
    return `reject: ${typeof reason === 'string' ? reason : 'no reason'}`;
  }
  return decision !== null && typeof decision['kind'] === 'string' ? decision['kind'] : entry.kind;
};

export class OutboxPusher {
  private running: Promise<PushReport> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private failures = 0;
  private stopped = false;
  private readonly clock: () => Date;
  private readonly maxRetryDelayMs: number;
  private readonly random: () => number;

  constructor(private readonly opts: OutboxPusherOptions) {
    this.clock = opts.clock ?? (() => new Date());
    this.maxRetryDelayMs = opts.maxRetryDelayMs ?? 15_000;
    this.random = opts.random ?? Math.random;
  }

  /** Runs a pass now (joining one that runs; a request during a pass runs one more after it). */
  pushOnce(): Promise<PushReport> {
    if (this.stopped) return Promise.resolve(emptyReport(0));
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async (): Promise<PushReport> => {
      let report: PushReport;
      do {
        this.again = false;
        report = await this.pass();
      } while (this.again && !this.stopped);
      return report;
    };
    this.running = run()
      .then((report) => {
        this.scheduleAfter(report);
        return report;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /** A quick push soon (debounced): after a decision, a claim or an access event was recorded. */
  kick(delayMs = 250): void {
    this.schedule(delayMs);
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  /** Waits for the running pass (sign-out, shutdown). */
  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const at = Date.now() + Math.max(0, delayMs);
    // Keep the earliest wake-up: a later request never postpones an earlier one.
    if (this.timer && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.timerAt = Number.POSITIVE_INFINITY;
        void this.pushOnce();
      },
      Math.max(0, delayMs),
    );
    this.timer.unref();
  }

  private scheduleAfter(report: PushReport): void {
    if (this.stopped || report.stopped === 'sign-in') return;
    if (report.stopped === 'offline' || report.stopped === 'retry' || report.stopped === 'rate-limited') {
      this.failures += 1;
      const backoff = Math.max(
        1000,
        backoffDelay(this.failures, { baseMs: 500, capMs: this.maxRetryDelayMs }, this.random),
      );
      this.schedule(report.stopped === 'rate-limited' ? Math.max(backoff, this.rateLimitWaitMs) : backoff);
      return;
    }
    this.failures = 0;
    // Next due moment: the end of an undo window, or an entry's next attempt after a 5xx.
    const now = this.clock().getTime();
    let next = Number.POSITIVE_INFINITY;
    for (const entry of inFlightEntries(this.opts.db.read, this.opts.sub)) {
      for (const at of [entry.notBefore, entry.nextAttemptAt]) {
        if (at !== null) next = Math.min(next, Math.max(Date.parse(at), now));
      }
    }
    if (Number.isFinite(next)) this.schedule(next - now + 20);
  }

  private rateLimitWaitMs = 0;

  private async pass(): Promise<PushReport> {
    const { write } = this.opts.db;
    const delivery = await deliverAccessEvents(this.opts.remote, write, this.opts.sub, this.clock, () => this.stopped);
    const report = emptyReport(0);
    report.accessDelivered = delivery.delivered;
    report.accessUndeliverable = delivery.undeliverable;
    if (delivery.stopped !== null) {
      this.noteStop(delivery.stopped, delivery.retryAfterSeconds, report);
      report.remaining = inFlightEntries(this.opts.db.read, this.opts.sub).length;
      return report;
    }
    if (delivery.more) this.again = true;

    const blocked = new Set<string>();
    for (const listed of inFlightEntries(write, this.opts.sub)) {
      if (this.stopped) break;
      const ids = listed.items.map((i) => i.itemId);
      if (ids.some((id) => blocked.has(id))) {
        ids.forEach((id) => blocked.add(id));
        continue;
      }
      // Fresh read: a withdraw may have landed while an earlier entry was awaited.
      const entry = getEntry(write, listed.id);
      if (!entry || (entry.state !== 'pending' && entry.state !== 'sending')) continue;
      const now = this.clock().toISOString();
      const due =
        (entry.notBefore === null || now >= entry.notBefore) &&
        (entry.nextAttemptAt === null || now >= entry.nextAttemptAt);
      if (!due) {
        ids.forEach((id) => blocked.add(id));
        continue;
      }
      let step: Step;
      try {
        step = await this.attempt(entry);
      } catch (error) {
        if (error instanceof OutboxStateError) continue;
        throw error;
      }
      const after = getEntry(write, entry.id);
      if (after?.state === 'sent') report.sent += 1;
      else if (after?.state === 'quarantined') report.quarantined += 1;
      else if (after?.state === 'conflict') report.conflicts += 1;
      if (step !== 'done') ids.forEach((id) => blocked.add(id));
      if (step === 'offline' || step === 'rate-limited' || step === 'sign-in') {
        this.noteStop(step, null, report);
        break;
      }
      if (step === 'retry') report.stopped ??= 'retry';
    }
    report.remaining = inFlightEntries(this.opts.db.read, this.opts.sub).length;
    return report;
  }

  private noteStop(stop: DeliveryStop, retryAfterSeconds: number | null, report: PushReport): void {
    report.stopped = stop;
    if (stop === 'rate-limited') this.rateLimitWaitMs = (retryAfterSeconds ?? 1) * 1000;
    if (stop === 'sign-in') this.opts.onSignInRequired('Your session with the backend has ended. Sign in again.');
  }

  private userAgent(entry: OutboxEntry): Record<string, string> {
    return { 'user-agent': outboxUserAgent(entry) };
  }

  private now(): string {
    return this.clock().toISOString();
  }

  private async attempt(entry: OutboxEntry): Promise<Step> {
    switch (entry.kind) {
      case 'approve':
      case 'correct':
      case 'reject':
        return this.single(entry, entry.kind);
      case 'batch_approve':
      case 'batch_reject':
        return this.batch(entry, entry.kind);
      case 'claim':
      case 'unclaim':
        return this.claim(entry, entry.kind);
    }
  }

  // ---------------------------------------------------------------- single decisions

  private async single(entry: OutboxEntry, verdict: Verdict): Promise<Step> {
    const itemId = entry.items[0]?.itemId;
    if (itemId === undefined) throw new Error('outbox: a decision without an item');
    const { write } = this.opts.db;
    if (entry.state === 'sending') {
      // The last attempt's outcome is unknown: the backend's state decides before anything is sent.
      const settled = await this.guard(entry, () => this.reconcileSingle(entry, verdict, itemId, null));
      if (settled !== 'open') return settled;
    }
    const sending = markSending(write, entry.id, this.now());
    try {
      const response = await this.opts.remote.post(
        this.opts.remote.workspacePath(`review-queue/${encodeURIComponent(itemId)}/${VERDICT_PATHS[verdict]}`),
        reviewItem,
        sending.payload,
        { headers: this.userAgent(sending) },
      );
      this.finishSingle(sending, itemId, response.data, null);
      return 'done';
    } catch (error) {
      return this.afterFailure(sending, error, (e) =>
        e.kind === 'conflict' ? this.reconcileSingle(sending, verdict, itemId, serverSaid(e)) : null,
      );
    }
  }

  /**
   * Reads the item and settles the entry when the backend already decided it. Answers 'open' when
   * the item is still open (send), or the step when it was settled. `refusal`: the backend's words
   * when it just answered 409; an open item then means the refusal stands (quarantined).
   */
  private async reconcileSingle(
    entry: OutboxEntry,
    verdict: Verdict,
    itemId: string,
    refusal: string | null,
  ): Promise<Step | 'open'> {
    const { write } = this.opts.db;
    const read = await readItem(this.opts.remote, itemId, outboxUserAgent(entry));
    if (read.kind === 'gone') {
      markQuarantined(
        write,
        entry.id,
        this.now(),
        refusal ?? `The backend no longer offers this item (${read.reason}).`,
      );
      this.outcomes(entry, new Map([[itemId, { outcome: 'refused', detail: read.reason }]]));
      return 'done';
    }
    const item = read.item;
    if (!isDecided(item)) {
      if (refusal === null) return 'open';
      this.transitionRefused(entry, itemId, refusal);
      return 'done';
    }
    const mine = await decidedBy(
      this.opts.remote,
      this.opts.sub,
      new Set([itemId]),
      entry.firstSentAt ?? entry.createdAt,
      outboxUserAgent(entry),
    );
    const byUs = mine.has(itemId);
    if (byUs && item.completed_action === completedActionFor(verdict)) {
      this.finishSingle(entry, itemId, item, 'Confirmed applied by re-reading the item after an unknown outcome.');
    } else {
      write.transaction(() => {
        this.outcomes(
          entry,
          new Map([[itemId, { outcome: 'conflict', detail: item.completed_action ?? item.status }]]),
        );
        markConflict(write, entry.id, this.now(), conflictReason(item, describeDecision(entry), byUs), summary(item));
      });
    }
    return 'done';
  }

  private transitionRefused(entry: OutboxEntry, itemId: string, refusal: string): void {
    const { write } = this.opts.db;
    write.transaction(() => {
      this.outcomes(entry, new Map([[itemId, { outcome: 'refused', detail: refusal }]]));
      markQuarantined(write, entry.id, this.now(), refusal);
    });
  }

  /** Sent: one transaction marks it and refreshes the local item from the backend's answer. */
  private finishSingle(entry: OutboxEntry, itemId: string, item: ReviewItem, note: string | null): void {
    const { write } = this.opts.db;
    const now = this.now();
    write.transaction(() => {
      this.outcomes(entry, new Map([[itemId, { outcome: 'applied', detail: null }]]));
      markSent(write, entry.id, now, summary(item), note);
      try {
        // A savepoint: if the answer cannot be stored (another workspace's item), the decision
        // still counts as sent; the next pull refreshes the row.
        upsertReviewItems(write, [item], now);
      } catch (error) {
        console.error(
          `outbox: could not refresh the decided item locally: ${error instanceof Error ? error.name : 'error'}`,
        );
      }
    });
  }

  // ---------------------------------------------------------------- batches

  private async batch(entry: OutboxEntry, kind: 'batch_approve' | 'batch_reject'): Promise<Step> {
    const verdict: Verdict = kind === 'batch_approve' ? 'approve' : 'reject';
    let open = entry.items.filter((i) => i.outcome === 'pending').map((i) => i.itemId);
    if (entry.state === 'sending' && open.length > 0) {
      const settled = await this.guard(entry, () => this.reconcileItems(entry, verdict, open, null));
      if (typeof settled === 'string') return settled;
      open = settled;
    }
    if (open.length === 0) return this.finishBatch(entry);
    const sending = markSending(this.opts.db.write, entry.id, this.now());
    try {
      const { data } = await this.opts.remote.post(
        this.opts.remote.workspacePath(`review-queue/${BATCH_PATHS[kind]}`),
        batchActionResponse,
        { ...sending.payload, item_ids: open },
        { headers: this.userAgent(sending) },
      );
      const outcomes = new Map<string, { outcome: ItemOutcome; detail: string | null }>();
      const requested = new Set(open);
      for (const id of data.succeeded) if (requested.has(id)) outcomes.set(id, { outcome: 'applied', detail: null });
      this.outcomes(sending, outcomes);
      const refusedByConflict: string[] = [];
      for (const failure of data.failed) {
        const id = failure['item_id'];
        if (id === undefined || !requested.has(id)) continue;
        const detail = `${failure['status_code'] ?? '?'}: ${failure['error'] ?? 'refused'}`;
        if (failure['status_code'] === '409') refusedByConflict.push(id);
        else this.outcomes(sending, new Map([[id, { outcome: 'refused', detail }]]));
      }
      if (refusedByConflict.length > 0) {
        // A 409 may mean "already decided": by us (an earlier attempt) or by someone else.
        const details = new Map(
          data.failed.map((f) => [f['item_id'] ?? '', `${f['status_code'] ?? '?'}: ${f['error'] ?? ''}`]),
        );
        const settled = await this.guard(sending, () =>
          this.reconcileItems(sending, verdict, refusedByConflict, details),
        );
        if (typeof settled === 'string') return settled;
        this.outcomes(
          sending,
          new Map(settled.map((id) => [id, { outcome: 'refused' as const, detail: details.get(id) ?? '409' }])),
        );
      }
      // Items the backend listed in neither list stay pending: the next attempt re-reads them.
      const fresh = getEntry(this.opts.db.write, entry.id);
      if (fresh?.items.some((i) => i.outcome === 'pending')) {
        markUnknown(
          this.opts.db.write,
          entry.id,
          this.now(),
          'The backend did not report on every item; they are re-read before another attempt.',
          this.retryAt(),
        );
        return 'retry';
      }
      return this.finishBatch(sending);
    } catch (error) {
      return this.afterFailure(sending, error, () => null);
    }
  }

  /**
   * Re-reads `ids`: decided ones are settled (applied if by us with our action, else conflict),
   * gone ones refused. Answers the ids still open. `refusals`: the backend's words per item
   * when it refused them just now (an open item then stays refused by the caller).
   */
  private async reconcileItems(
    entry: OutboxEntry,
    verdict: Verdict,
    ids: readonly string[],
    refusals: ReadonlyMap<string, string> | null,
  ): Promise<string[]> {
    const ua = outboxUserAgent(entry);
    const reads = new Map<string, Awaited<ReturnType<typeof readItem>>>();
    for (const id of ids) reads.set(id, await readItem(this.opts.remote, id, ua));
    const decided = [...reads].filter(([, r]) => r.kind === 'item' && isDecided(r.item)).map(([id]) => id);
    const mine =
      decided.length === 0
        ? new Map<string, ReviewItem>()
        : await decidedBy(this.opts.remote, this.opts.sub, new Set(decided), entry.firstSentAt ?? entry.createdAt, ua);
    const outcomes = new Map<string, { outcome: ItemOutcome; detail: string | null }>();
    const open: string[] = [];
    for (const [id, read] of reads) {
      if (read.kind === 'gone') outcomes.set(id, { outcome: 'refused', detail: refusals?.get(id) ?? read.reason });
      else if (!isDecided(read.item)) open.push(id);
      else if (mine.has(id) && read.item.completed_action === completedActionFor(verdict))
        outcomes.set(id, { outcome: 'applied', detail: null });
      else
        outcomes.set(id, {
          outcome: 'conflict',
          detail: conflictReason(read.item, describeDecision(entry), mine.has(id)),
        });
    }
    this.outcomes(entry, outcomes);
    return open;
  }

  /** Every item has an outcome: sent if all applied, else quarantined (refusals) or conflict. */
  private finishBatch(entry: OutboxEntry): Step {
    const { write } = this.opts.db;
    const fresh = getEntry(write, entry.id);
    if (!fresh) return 'done';
    const refused = fresh.items.filter((i) => i.outcome === 'refused');
    const conflicts = fresh.items.filter((i) => i.outcome === 'conflict');
    const applied = fresh.items.filter((i) => i.outcome === 'applied').length;
    const result = { applied, refused: refused.length, conflicts: conflicts.length };
    const now = this.now();
    const list = (items: typeof refused): string =>
      items
        .slice(0, 5)
        .map((i) => `${i.itemId}: ${i.detail ?? ''}`)
        .join('; ') + (items.length > 5 ? `; and ${items.length - 5} more` : '');
    // The entry must be `sending` for these transitions (a batch settled by re-reads alone).
    if (fresh.state === 'pending') markSending(write, fresh.id, now);
    if (refused.length === 0 && conflicts.length === 0) markSent(write, fresh.id, now, result);
    else if (refused.length > 0)
      markQuarantined(
        write,
        fresh.id,
        now,
        `${refused.length + conflicts.length} of ${fresh.items.length} items were not applied. ${list([...refused, ...conflicts])}`,
        result,
      );
    else
      markConflict(
        write,
        fresh.id,
        now,
        `${conflicts.length} of ${fresh.items.length} items were already decided on the server. ${list(conflicts)}`,
        result,
      );
    return 'done';
  }

  // ---------------------------------------------------------------- claims

  private async claim(entry: OutboxEntry, kind: 'claim' | 'unclaim'): Promise<Step> {
    const itemId = entry.items[0]?.itemId;
    if (itemId === undefined) throw new Error('outbox: a claim without an item');
    if (entry.state === 'sending') {
      const settled = await this.guard(entry, () => this.reconcileClaim(entry, kind, itemId, null));
      if (settled !== 'open') return settled;
    }
    const sending = markSending(this.opts.db.write, entry.id, this.now());
    try {
      const { data } = await this.opts.remote.post(
        this.opts.remote.workspacePath(`review-queue/${encodeURIComponent(itemId)}/${kind}`),
        claimResponse,
        undefined,
        { headers: this.userAgent(sending) },
      );
      this.finishClaim(sending, itemId, data, null);
      return 'done';
    } catch (error) {
      return this.afterFailure(sending, error, (e) =>
        e.kind === 'conflict' || (kind === 'unclaim' && e.kind === 'forbidden')
          ? this.reconcileClaim(sending, kind, itemId, serverSaid(e))
          : null,
      );
    }
  }

  private async reconcileClaim(
    entry: OutboxEntry,
    kind: 'claim' | 'unclaim',
    itemId: string,
    refusal: string | null,
  ): Promise<Step | 'open'> {
    const read = await readItem(this.opts.remote, itemId, outboxUserAgent(entry));
    if (read.kind === 'gone') {
      this.transitionRefused(entry, itemId, refusal ?? `The backend no longer offers this item (${read.reason}).`);
      return 'done';
    }
    const item = read.item;
    const mine = item.status === 'in_progress' && item.assigned_to === this.opts.sub;
    if (kind === 'claim' && mine) {
      this.finishClaim(entry, itemId, item, refusal === null ? 'Confirmed by re-reading the item.' : null);
      return 'done';
    }
    if (kind === 'unclaim' && !mine) {
      this.finishClaim(entry, itemId, item, 'The item was no longer claimed by you.');
      return 'done';
    }
    if (refusal === null && kind === 'claim' && item.status === 'pending') return 'open';
    if (refusal === null && kind === 'unclaim') return 'open';
    const why =
      refusal ??
      (isDecided(item)
        ? `The item was already ${item.completed_action ?? item.status} on the server.`
        : `The item is claimed by another reviewer (${item.assigned_to ?? 'unknown'}).`);
    this.transitionRefused(entry, itemId, why);
    return 'done';
  }

  private finishClaim(entry: OutboxEntry, itemId: string, answer: unknown, note: string | null): void {
    const { write } = this.opts.db;
    write.transaction(() => {
      this.outcomes(entry, new Map([[itemId, { outcome: 'applied', detail: null }]]));
      markSent(write, entry.id, this.now(), claimSummary(answer), note);
    });
  }

  // ---------------------------------------------------------------- shared

  private outcomes(
    entry: OutboxEntry,
    outcomes: ReadonlyMap<string, { outcome: ItemOutcome; detail: string | null }>,
  ): void {
    if (outcomes.size > 0) setItemOutcomes(this.opts.db.write, entry.seq, outcomes);
  }

  private retryAt(): string {
    const delay = Math.max(
      1000,
      backoffDelay(Math.min(this.failures + 1, 8), { baseMs: 1000, capMs: this.maxRetryDelayMs }, this.random),
    );
    return new Date(this.clock().getTime() + delay).toISOString();
  }

  /**
   * Runs a reconciliation whose reads may fail: a transient failure leaves the entry `sending`
   * (still unknown) and ends this attempt.
   */
  private async guard<T>(entry: OutboxEntry, body: () => Promise<T>): Promise<T | Step> {
    try {
      return await body();
    } catch (error) {
      if (!(error instanceof RemoteError)) throw error;
      return this.unknown(entry, error);
    }
  }

  private unknown(entry: OutboxEntry, error: RemoteError): Step {
    const { write } = this.opts.db;
    const current = getEntry(write, entry.id);
    // Nothing was sent by this attempt; the entry keeps whatever the last one left (still unknown).
    if (error.kind === 'unauthorized') return 'sign-in';
    if (current?.state === 'sending')
      markUnknown(
        write,
        entry.id,
        this.now(),
        error.message,
        error.kind === 'network' || error.kind === 'timeout' ? null : this.retryAt(),
      );
    if (error.kind === 'network' || error.kind === 'timeout') return 'offline';
    if (error.kind === 'rate-limited') {
      this.rateLimitWaitMs = (error.details.retryAfter ?? 1) * 1000;
      return 'rate-limited';
    }
    return 'retry';
  }

  /** Classifies a failed send (security-bar D-14) and records what it means for the entry. */
  private async afterFailure(
    entry: OutboxEntry,
    error: unknown,
    onRefusal: (error: RemoteError) => Promise<Step | 'open'> | null,
  ): Promise<Step> {
    const { write } = this.opts.db;
    if (!(error instanceof RemoteError)) {
      // Not a backend answer (a bug, a keychain failure): the outcome is unknown.
      markUnknown(write, entry.id, this.now(), error instanceof Error ? error.message : String(error), this.retryAt());
      console.error(
        `outbox: unexpected failure sending ${entry.kind}: ${error instanceof Error ? error.name : 'error'}`,
      );
      return 'retry';
    }
    switch (error.kind) {
      case 'network':
      case 'timeout':
        markUnknown(write, entry.id, this.now(), error.message, null);
        return 'offline';
      case 'server':
      case 'invalid-response':
      case 'too-large':
        // The backend may have applied it: the next attempt re-reads first.
        markUnknown(write, entry.id, this.now(), error.message, this.retryAt());
        return 'retry';
      case 'rate-limited':
        // A 429 was not processed: the entry goes back to pending as it was.
        this.rateLimitWaitMs = (error.details.retryAfter ?? 1) * 1000;
        markNotSent(
          write,
          entry.id,
          this.now(),
          error.message,
          new Date(this.clock().getTime() + this.rateLimitWaitMs).toISOString(),
        );
        return 'rate-limited';
      case 'unauthorized':
        markNotSent(write, entry.id, this.now(), error.message, null);
        return 'sign-in';
      case 'conflict':
      case 'forbidden':
      case 'not-found':
      case 'rejected':
      case 'region-violation': {
        const follow = onRefusal(error);
        if (follow !== null) {
          const settled = await this.guard(entry, () => follow);
          return settled === 'open' ? 'retry' : settled;
        }
        const itemId = entry.items[0]?.itemId;
        if (isBatchKind(entry.kind) || itemId === undefined) {
          write.transaction(() => {
            const fresh = getEntry(write, entry.id);
            const pending = fresh?.items.filter((i) => i.outcome === 'pending') ?? [];
            this.outcomes(
              entry,
              new Map(pending.map((i) => [i.itemId, { outcome: 'refused' as const, detail: serverSaid(error) }])),
            );
            markQuarantined(write, entry.id, this.now(), serverSaid(error));
          });
        } else {
          this.transitionRefused(entry, itemId, serverSaid(error));
        }
        return 'done';
      }
    }
  }
}

const emptyReport = (remaining: number): PushReport => ({
  accessDelivered: 0,
  accessUndeliverable: 0,
  sent: 0,
  quarantined: 0,
  conflicts: 0,
  stopped: null,
  remaining,
});

/** What the outbox keeps of the backend's answer: enough to show, no PHI. */
const summary = (item: ReviewItem): Record<string, unknown> => ({
  id: item.id,
  status: item.status,
  completed_action: item.completed_action,
  completed_at: item.completed_at,
});

const claimSummary = (answer: unknown): Record<string, unknown> => {
  const parsed = claimResponse.safeParse(answer);
  if (parsed.success) return parsed.data;
  const item = reviewItem.safeParse(answer);
  return item.success ? { id: item.data.id, assigned_to: item.data.assigned_to ?? '', status: item.data.status } : {};
};
