/**
 * The idle lock's clock (HIPAA §164.312(a)(2)(iii), security-bar H-03). It counts from the last
 * activity the app reported (a key, a click, a scroll), not from API traffic: the renderer polls
 * the session and sync status on its own, so traffic would keep an abandoned screen unlocked
 * forever. The server owns the deadline, so a renderer that stops reporting (crashed, tampered
 * with, tab in the background) still ends up locked.
 */
export interface IdleLockOptions {
  seconds: number;
  onIdle(): void;
  now?: () => number;
}

export class IdleLock {
  private lastActivity = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: IdleLockOptions) {
    if (!Number.isFinite(opts.seconds) || opts.seconds <= 0) throw new RangeError('idle lock: seconds must be > 0');
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  get seconds(): number {
    return this.opts.seconds;
  }

  /** Epoch ms at which the lock falls unless activity is reported before. */
  get deadline(): number {
    return this.lastActivity + this.opts.seconds * 1000;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /** Starts (or restarts) counting from now. */
  start(): void {
    this.lastActivity = this.now();
    this.arm();
  }

  /** The person did something: count from now. Ignored while stopped (a locked app stays locked). */
  touch(): void {
    if (!this.running) return;
    this.lastActivity = this.now();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    // Wake at the deadline, then re-check: activity in the meantime moved it, which is cheaper
    // than re-arming a timer on every report.
    this.timer = setTimeout(() => this.check(), Math.max(0, this.deadline - this.now()));
    this.timer.unref();
  }

  private check(): void {
    this.timer = null;
    if (this.now() >= this.deadline) {
      this.opts.onIdle();
      return;
    }
    this.arm();
  }
}
