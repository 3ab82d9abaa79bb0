/**
 * When the workspace server dies unexpectedly, restart it with capped exponential backoff, and
 * stop trying when it crashes too often in a short window (a crash loop helps nobody and burns
 * battery; the user gets a clear message instead). Pure, so the schedule is unit-tested.
 */
export interface RestartPolicy {
  /** Delay before the first restart after a crash. */
  baseDelayMs: number;
  /** Upper bound for the delay. */
  maxDelayMs: number;
  /** More crashes than this inside `windowMs` → give up. */
  maxCrashesInWindow: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: Readonly<RestartPolicy> = Object.freeze({
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxCrashesInWindow: 5,
  windowMs: 5 * 60_000,
});

export type RestartDecision =
  { action: 'restart'; delayMs: number; recentCrashes: number } | { action: 'give-up'; recentCrashes: number };

/**
 * @param crashTimes timestamps (ms) of crashes so far, including the one being decided on.
 * @param now the current time (ms).
 */
export function decideRestart(
  crashTimes: readonly number[],
  now: number,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): RestartDecision {
  const recentCrashes = crashTimes.filter((t) => now - t <= policy.windowMs).length;
  if (recentCrashes > policy.maxCrashesInWindow) return { action: 'give-up', recentCrashes };
  const exponent = Math.max(0, recentCrashes - 1);
  const delayMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return { action: 'restart', delayMs, recentCrashes };
}

/** Old entries are useless to the decision; keep the list bounded for a long-running app. */
export function pruneCrashTimes(
  crashTimes: readonly number[],
  now: number,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): number[] {
  return crashTimes.filter((t) => now - t <= policy.windowMs);
}
