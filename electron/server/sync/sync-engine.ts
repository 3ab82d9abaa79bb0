/**
 * Runs the streams of one signed-in workspace: a pull now, then one every poll interval, and on
 * "Sync now". Single flight: a sync requested while one runs joins it. A transient failure
 * (offline, 5xx, 429) marks the app offline and keeps the local copy as it is; the next pass
 * tries again.
 */
import type { SyncStatusView } from '../../../shared/contract';
import type { RemoteClient } from '../remote/remote-client';
import { RemoteError } from '../remote/remote-error';
import type { ReviewStore } from '../modules/review/review.store';
import { pullReviewQueue, REVIEW_QUEUE_STREAM } from './review-queue.stream';
import { SyncStatusBoard } from './sync-status';

export interface SyncEngineOptions {
  remote: RemoteClient;
  review: ReviewStore;
  pollIntervalSeconds: number;
  /** Called when the backend says the session is over (401 after a refresh). */
  onSignInRequired(message: string): void;
}

export class SyncEngine {
  private readonly board = new SyncStatusBoard();
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly opts: SyncEngineOptions) {
    const last = opts.review.lastPulledAt();
    this.board.update(REVIEW_QUEUE_STREAM, { lastSuccessAt: last, count: opts.review.openCount() });
  }

  start(): void {
    void this.syncNow();
    this.timer = setInterval(() => void this.syncNow(), this.opts.pollIntervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** Waits for the current pass to end (used on sign-out and shutdown). */
  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  syncNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  status(): SyncStatusView {
    return this.board.view({ pendingByKind: {}, quarantined: 0 });
  }

  private async pass(): Promise<void> {
    const ok = await this.runStream(REVIEW_QUEUE_STREAM, (progress) =>
      pullReviewQueue(this.opts.remote, this.opts.review, progress),
    );
    if (ok) this.board.completed(new Date().toISOString());
  }

  private async runStream(
    name: string,
    run: (progress: (patch: { count?: number; total?: number | null }) => void) => Promise<void>,
  ): Promise<boolean> {
    this.board.update(name, { running: true, count: 0, total: null });
    try {
      await run((patch) => this.board.update(name, patch));
      this.board.update(name, { running: false, lastSuccessAt: new Date().toISOString(), lastError: null });
      this.board.setOnline(true);
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.board.update(name, { running: false, lastError: message });
      if (error instanceof RemoteError) {
        if (error.kind === 'network' || error.kind === 'timeout') this.board.setOnline(false);
        if (error.kind === 'unauthorized') this.opts.onSignInRequired(error.message);
      } else {
        console.error(`sync: stream ${name} failed:`, message);
      }
      return false;
    }
  }
}
