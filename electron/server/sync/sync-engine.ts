/**
 * Runs the streams of one signed-in workspace: a pass now, then one every poll interval, on
 * "Sync now", after a stream's retry delay, and when the live event stream reconnects. Single
 * flight: a sync requested while one runs joins it.
 *
 * A pass: the steps registered with `addBeforePull` first (the outbox push: people's decisions
 * and access events go out before anything comes in), then review history (so the queue's delta
 * counts decisions), the review queue, and then, concurrently and sharing one pool of four
 * requests in flight: entities, calls, sinks and sync events, retention, and for admin and owner
 * only, the audit log and the audit reports. Each stream keeps its own cursor (sync_cursors);
 * one failing stream does not stop the others.
 *
 * Failures: a stream that fails keeps the local copy as it was and is retried later, with
 * exponential backoff and jitter (or after the backend's Retry-After); "Sync now" retries at once.
 * Network failures and timeouts mark the app offline. A 401 that a token refresh did not cure
 * asks the person to sign in again (the session locks; local data and pending work stay).
 */
import { canSeeAudit, reviewItem, type Role } from '../../../shared/amigo';
import type { SyncStatusView } from '../../../shared/contract';
import type { WorkspaceDatabase } from '../db/workspace-database';
import { backoffDelay, type BackoffPolicy } from '../remote/backoff';
import type { RemoteClient, RequestAuthorizer } from '../remote/remote-client';
import { RemoteError } from '../remote/remote-error';
import { applyReviewItems, markReviewItemGone } from './apply/review-items.apply';
import { applyPage, getCursor, listCursors, recordStreamError } from './cursor.repo';
import { iso, pullGet, type PassInfo, type PullContext, type StreamProgressPatch } from './pull-context';
import { wantPull } from './pull-marks.repo';
import { RequestPool } from './request-pool';
import { AUDIT_EVENTS_STREAM, pullAuditEvents } from './streams/audit-events.stream';
import { CALLS_STREAM, pullCalls } from './streams/calls.stream';
import {
  AUDIT_SUMMARY_STREAM,
  COMPLIANCE_DASHBOARD_STREAM,
  HIPAA_REPORT_STREAM,
  pullAuditSummary,
  pullComplianceDashboard,
  pullHipaaReport,
  pullRetention,
  RETENTION_STREAM,
} from './streams/compliance.stream';
import { pullDueRecords } from './streams/due-records';
import { entitiesSpec, ENTITIES_STREAM, pullEntities } from './streams/entities.stream';
import { pullSinks, pullSyncEvents, SINKS_STREAM, SYNC_EVENTS_STREAM } from './streams/outbound-sync.stream';
import { pullReviewHistory, REVIEW_HISTORY_STREAM } from './streams/review-history.stream';
import { pullReviewQueue, REVIEW_QUEUE_STREAM } from './streams/review-queue.stream';
import { SyncStatusBoard } from './sync-status';
import { WORKSPACE_EVENTS_STREAM, WorkspaceEventStream, type MemberRoleUpdatedEvent } from './workspace-events.stream';

/** The cursor row that remembers the last complete pass (not a stream: hidden from the status). */
const PASS_MARK = 'pass';

/** The API replays about five minutes of events after Last-Event-ID; keep a margin. */
const EVENT_REPLAY_SAFE_MS = 4 * 60_000;
const DEFAULT_RETRY: BackoffPolicy = { baseMs: 2_000, capMs: 5 * 60_000 };

/** Work run at the start of every pass, before any pull; it shows as a stream of its own. */
export interface SyncStep {
  name: string;
  run(pass: { manual: boolean }): Promise<void>;
}

export interface SyncEngineOptions {
  remote: RemoteClient;
  db: Pick<WorkspaceDatabase, 'read' | 'write'>;
  /** The person's role, read at each pass: it may change while signed in. */
  role(): Role;
  pollIntervalSeconds: number;
  /** Called when the backend says the session is over (401 after a refresh). */
  onSignInRequired(message: string): void;
  /** Live updates from the workspace event stream; without it the engine only polls. */
  events?: { authorizer: RequestAuthorizer; fetchImpl?: typeof fetch; idleTimeoutMs?: number; backoff?: BackoffPolicy };
  /** `workspace.member_role_updated`: the session re-reads the person's role and profile. */
  onMemberRoleUpdated?(event: MemberRoleUpdatedEvent): Promise<void>;
  /** Outbox figures for the status (the push side fills them in). */
  outboxStatus?(): SyncStatusView['outbox'];
  /** Requests in flight at most, across all streams (default 4). */
  concurrency?: number;
  /** When a failed stream is tried again (default 2 s doubling to 5 min, jittered). */
  retry?: BackoffPolicy;
  /** How often the review queue is listed completely (default 15 min; see review-queue.stream). */
  fullRelistMs?: number;
  /** How old a stored report may get before it is read again (default 10 min). */
  reportMaxAgeMs?: number;
  now?: () => number;
}

interface RetryState {
  failures: number;
  notBefore: number;
}

type StreamRun<T> = (ctx: PullContext) => Promise<T>;
type Outcome<T> = { ok: true; value: T } | { ok: false };

export class SyncEngine {
  private readonly board = new SyncStatusBoard();
  private readonly pool: RequestPool;
  private readonly retries = new Map<string, RetryState>();
  private readonly beforePull: SyncStep[] = [];
  private running: Promise<void> | null = null;
  private rerun: { manual: boolean } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private events: WorkspaceEventStream | null = null;
  private readonly refreshes = new Set<Promise<void>>();
  private stopped = false;
  private signInRequired = false;

  constructor(private readonly opts: SyncEngineOptions) {
    this.pool = new RequestPool(opts.concurrency ?? 4);
    for (const cursor of listCursors(opts.db.read)) {
      if (cursor.stream === PASS_MARK) {
        this.board.completed(cursor.lastSuccessAt);
        continue;
      }
      this.board.update(cursor.stream, {
        lastSuccessAt: cursor.lastSuccessAt,
        lastError: cursor.lastError,
        count: cursor.storedCount,
        total: null,
      });
    }
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Registers work for the start of each pass (the outbox push). Runs in registration order. */
  addBeforePull(step: SyncStep): void {
    this.beforePull.push(step);
  }

  start(): void {
    void this.syncNow({ manual: false });
    this.timer = setInterval(() => void this.syncNow({ manual: false }), this.opts.pollIntervalSeconds * 1000);
    this.timer.unref();
    if (this.opts.events) this.startEvents(this.opts.events);
  }

  /** Stops polling, retries and the event stream, and waits for the pass in progress to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.settled();
  }

  /** Waits for the current pass and targeted refreshes to end (sign-out and shutdown). */
  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
    if (this.stopped) await this.events?.stop();
    await Promise.allSettled([...this.refreshes]);
  }

  /**
   * Runs a pass now, or joins the one running. A request made while a pass runs (say, an event
   * arrived mid-pass) queues exactly one more pass after it, so nothing announced is missed.
   */
  syncNow(options: { manual?: boolean } = {}): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const manual = options.manual ?? true;
    if (manual) this.resume();
    if (this.running) {
      this.rerun = { manual: manual || (this.rerun?.manual ?? false) };
      return this.running;
    }
    this.running = this.pass(manual).finally(() => {
      this.running = null;
      const again = this.rerun;
      this.rerun = null;
      if (again && !this.stopped) void this.syncNow(again);
    });
    return this.running;
  }

  /**
   * A person asked (Sync now, or signed in again after the session ended): lift the sign-in stop
   * and reopen a live event stream that gave up (too_many_streams is not retried automatically,
   * but a person's request is not automatic).
   */
  private resume(): void {
    this.signInRequired = false;
    if (this.opts.events && this.events?.ended === true && !this.stopped) this.startEvents(this.opts.events);
  }

  status(): SyncStatusView {
    return this.board.view(this.opts.outboxStatus?.() ?? { pendingByKind: {}, quarantined: 0 });
  }

  private context(stream: string): PullContext {
    return {
      remote: this.opts.remote,
      db: this.opts.db,
      pool: this.pool,
      progress: (patch: StreamProgressPatch) => this.board.update(stream, patch),
      now: () => this.now(),
      stopped: () => this.stopped || this.signInRequired,
    };
  }

  private async pass(manual: boolean): Promise<void> {
    if (this.signInRequired) return;
    const pass: PassInfo = { manual, startedAt: this.now(), auditAdded: 0 };
    const outcomes: boolean[] = [];
    const track = async <T>(name: string, run: StreamRun<T>): Promise<Outcome<T>> => {
      const outcome = await this.runStream(name, run, manual);
      outcomes.push(outcome.ok);
      return outcome;
    };

    for (const step of this.beforePull) await track(step.name, () => step.run({ manual }));
    if (this.signInRequired) return;
    await track(REVIEW_HISTORY_STREAM, (ctx) => pullReviewHistory(ctx));
    await track(REVIEW_QUEUE_STREAM, (ctx) =>
      pullReviewQueue(ctx, pass, this.opts.fullRelistMs === undefined ? {} : { fullRelistMs: this.opts.fullRelistMs }),
    );
    const concurrency = this.pool.size;
    const maxAge = this.opts.reportMaxAgeMs;
    const parallel: Promise<unknown>[] = [
      track(ENTITIES_STREAM, (ctx) => pullEntities(ctx, concurrency)),
      track(CALLS_STREAM, (ctx) => pullCalls(ctx, concurrency)),
      (async () => {
        const sinks = await track(SINKS_STREAM, (ctx) => pullSinks(ctx));
        if (sinks.ok) await track(SYNC_EVENTS_STREAM, (ctx) => pullSyncEvents(ctx, sinks.value));
        else outcomes.push(false);
      })(),
      track(RETENTION_STREAM, (ctx) => pullRetention(ctx, pass, maxAge)),
    ];
    // Audit and compliance endpoints are admin/owner only: a member's sync never calls them.
    if (canSeeAudit(this.opts.role())) {
      parallel.push(
        (async () => {
          await track(AUDIT_EVENTS_STREAM, (ctx) => pullAuditEvents(ctx, pass));
          await track(AUDIT_SUMMARY_STREAM, (ctx) => pullAuditSummary(ctx, pass, maxAge));
          await track(HIPAA_REPORT_STREAM, (ctx) => pullHipaaReport(ctx, pass, maxAge));
          await track(COMPLIANCE_DASHBOARD_STREAM, (ctx) => pullComplianceDashboard(ctx, pass, maxAge));
        })(),
      );
    }
    await Promise.all(parallel);

    if (outcomes.every(Boolean) && !this.stopped && !this.signInRequired) {
      const at = iso(this.now());
      applyPage(this.opts.db.write, PASS_MARK, () => undefined, { cursor: null, at, complete: true });
      this.board.completed(at);
    }
    this.scheduleRetry();
  }

  private async runStream<T>(name: string, run: StreamRun<T>, manual: boolean): Promise<Outcome<T>> {
    // Streams running side by side all meet the ended session; only the first one asks.
    if (this.signInRequired) return { ok: false };
    const retry = this.retries.get(name);
    // A stream waiting out its backoff is skipped, unless a person asked for "Sync now".
    if (retry && retry.notBefore > this.now() && !manual) return { ok: false };
    this.board.update(name, { running: true });
    try {
      const value = await run(this.context(name));
      const cursor = getCursor(this.opts.db.read, name);
      this.board.update(name, {
        running: false,
        lastError: null,
        total: null,
        ...(cursor ? { count: cursor.storedCount, lastSuccessAt: cursor.lastSuccessAt } : {}),
      });
      this.retries.delete(name);
      this.board.setOnline(true);
      return { ok: true, value };
    } catch (error) {
      this.failed(name, error);
      return { ok: false };
    }
  }

  /** The session is over: say so once, and send nothing more until a person signs in again. */
  private requireSignIn(message: string): void {
    if (this.signInRequired) return;
    this.signInRequired = true;
    this.opts.onSignInRequired(message);
  }

  private failed(name: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const at = iso(this.now());
    this.board.update(name, { running: false, lastError: message });
    try {
      recordStreamError(this.opts.db.write, name, message, at);
    } catch (dbError) {
      console.error(`sync: could not record the error of ${name}:`, dbError);
    }
    if (error instanceof RemoteError) {
      if (error.kind === 'network' || error.kind === 'timeout') this.board.setOnline(false);
      else this.board.setOnline(true);
      if (error.kind === 'unauthorized') {
        this.requireSignIn(error.message);
        return;
      }
    } else {
      console.error(`sync: stream ${name} failed:`, message);
    }
    const previous = this.retries.get(name)?.failures ?? 0;
    const retryAfterMs =
      error instanceof RemoteError && typeof error.details.retryAfter === 'number'
        ? error.details.retryAfter * 1000
        : 0;
    const delay = Math.max(retryAfterMs, backoffDelay(previous, this.opts.retry ?? DEFAULT_RETRY));
    this.retries.set(name, { failures: previous + 1, notBefore: this.now() + delay });
  }

  /** A failed stream is tried again when its delay ends, not only at the next poll. */
  private scheduleRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.stopped || this.signInRequired || this.retries.size === 0) return;
    const next = Math.min(...[...this.retries.values()].map((r) => r.notBefore));
    this.retryTimer = setTimeout(() => void this.syncNow({ manual: false }), Math.max(0, next - this.now()) + 5);
    this.retryTimer.unref();
  }

  /**
   * Re-reads one item (a decision was announced): its new state is stored at once, its entity is
   * pulled right after, and a 403/404 marks it gone with the backend's reason.
   */
  refreshItem(itemId: string, entityId: string | null): Promise<void> {
    const task = this.doRefreshItem(itemId, entityId).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      this.board.update(WORKSPACE_EVENTS_STREAM, { lastError: `Could not refresh an item: ${message}` });
      if (error instanceof RemoteError && error.kind === 'unauthorized') this.requireSignIn(error.message);
    });
    this.refreshes.add(task);
    void task.finally(() => this.refreshes.delete(task));
    return task;
  }

  private async doRefreshItem(itemId: string, entityId: string | null): Promise<void> {
    const ctx = this.context(REVIEW_QUEUE_STREAM);
    const { write } = this.opts.db;
    let entity = entityId;
    try {
      const { data } = await pullGet(ctx, `review-queue/${encodeURIComponent(itemId)}`, reviewItem);
      const at = iso(this.now());
      write.transaction(() => applyReviewItems(write, [data], { pulledAt: at }));
      entity = data.entity_id ?? entityId;
    } catch (error) {
      if (!(error instanceof RemoteError) || (error.kind !== 'not-found' && error.kind !== 'forbidden')) throw error;
      const reason = typeof error.details.detail === 'string' ? error.details.detail : error.message;
      const status = error.kind === 'not-found' ? 404 : 403;
      write.transaction(() => markReviewItemGone(write, itemId, { status, reason }, iso(this.now())));
    }
    if (entity === null) return;
    const id = entity;
    // Wanted as of a millisecond ago, as the fetch below stamps its own start: the pull that
    // follows satisfies this want (a later one keeps the entity due), and if it fails the entity
    // stays due for the next pass. Stamped "now", the want would outlive its own pull and the
    // next pass would ask for the entity again, even one the backend just said is gone.
    write.transaction(() => wantPull(write, 'entity', [id], iso(this.now() - 1)));
    await pullDueRecords(this.context(ENTITIES_STREAM), entitiesSpec(ctx, 1), [id]);
  }

  private startEvents(events: NonNullable<SyncEngineOptions['events']>): void {
    const { write, read } = this.opts.db;
    const stream = new WorkspaceEventStream({
      remote: this.opts.remote,
      authorizer: events.authorizer,
      lastEventId: getCursor(read, WORKSPACE_EVENTS_STREAM)?.cursor ?? null,
      ...(events.fetchImpl ? { fetchImpl: events.fetchImpl } : {}),
      ...(events.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: events.idleTimeoutMs }),
      ...(events.backoff ? { backoff: events.backoff } : {}),
      handlers: {
        reviewSubmitted: (event) => {
          // A batch names no item: the next pass's history delta finds the decided items.
          if (event.item_id) void this.refreshItem(event.item_id, event.entity_id ?? null);
          else void this.syncNow({ manual: false });
        },
        memberRoleUpdated: (event) => {
          void (async () => {
            await this.opts.onMemberRoleUpdated?.(event).catch((error: unknown) => {
              console.error('sync: refreshing the role failed:', error instanceof Error ? error.message : error);
            });
            // The role decides which streams run (audit is admin/owner only).
            await this.syncNow({ manual: false });
          })();
        },
        connected: (gapMs) => {
          // Within the server's replay buffer Last-Event-ID loses nothing; after a longer gap
          // (asleep, offline) announced changes may be gone: catch up with a pass.
          if (gapMs > EVENT_REPLAY_SAFE_MS) void this.syncNow({ manual: false });
        },
        status: (patch) => {
          // Not shown as "running": a connection that stays open is not a pull in progress.
          this.board.update(WORKSPACE_EVENTS_STREAM, {
            ...(patch.lastError === undefined ? {} : { lastError: patch.lastError }),
            ...(patch.received === undefined ? {} : { count: patch.received }),
            ...(patch.lastEventAt === undefined ? {} : { lastSuccessAt: patch.lastEventAt }),
          });
        },
        saveLastEventId: (id) => {
          try {
            applyPage(write, WORKSPACE_EVENTS_STREAM, () => undefined, {
              cursor: id,
              at: iso(this.now()),
              complete: true,
            });
          } catch (error) {
            console.error('sync: could not store the event stream position:', error);
          }
        },
        signInRequired: (message) => this.requireSignIn(message),
      },
    });
    this.events = stream;
    stream.start();
  }
}
