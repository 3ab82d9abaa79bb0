/**
 * Repeats an async task with a delay chosen after each run. Uses a timeout chain rather than an
 * interval so a slow answer never overlaps the next request, and the delay can follow the state
 * (fast while signing in or syncing, slow when idle).
 */
export interface Poller {
  /** Runs now and keeps running. Idempotent. */
  start(): void;
  stop(): void;
  /** Runs now (or right after the current run) and restarts the delay. */
  kick(): void;
}

export const createPoller = (task: () => Promise<void>, nextDelayMs: () => number): Poller => {
  let active = false;
  let running = false;
  let rerun = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const clear = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };

  const run = async (): Promise<void> => {
    if (running) {
      rerun = true;
      return;
    }
    clear();
    running = true;
    try {
      await task();
    } catch {
      // The task records its own failure in its store; the poller only keeps the rhythm.
    } finally {
      running = false;
    }
    if (rerun) {
      rerun = false;
      void run();
      return;
    }
    if (active) timer = setTimeout(() => void run(), nextDelayMs());
  };

  return {
    start() {
      if (active) return;
      active = true;
      void run();
    },
    stop() {
      active = false;
      rerun = false;
      clear();
    },
    kick() {
      void run();
    },
  };
};
