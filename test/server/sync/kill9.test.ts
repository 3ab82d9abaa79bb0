/**
 * kill -9 of the real workspace server at seeded random moments during push and during pull
 * (security-bar D-20; the harness is test/support/kill9-harness.ts). The default run does 20
 * trials; `ATTEST_KILL9_TRIALS` asks for more (up to 60 per seed; tools/kill9-soak.ts runs many
 * seeds), and `ATTEST_KILL9_SEED` replays another plan. Whatever the moment of the kill, every decision whose
 * local commit was answered reaches the backend exactly once, none twice, and the restarted
 * server resumes and drains.
 */
import { describe, expect, it } from 'vitest';
import { runKill9 } from '../../support/kill9-harness';

const trials = Number(process.env.ATTEST_KILL9_TRIALS ?? 20);
const seed = Number(process.env.ATTEST_KILL9_SEED ?? 20_261_121);

describe('kill -9', () => {
  it(
    `loses no decision and applies none twice over ${trials} kills (seed ${seed})`,
    async () => {
      const result = await runKill9({ trials, seed, log: (line) => console.log(`[kill9] ${line}`) });
      console.log(
        `[kill9] ${result.trials.length} kills (${result.trials.filter((t) => t.mode === 'push').length} during push, ` +
          `${result.trials.filter((t) => t.mode === 'pull').length} during pull), ${result.acceptedDecisions} decisions ` +
          `(${result.acceptedItems} items) accepted, ${result.droppedAfterApply} verdicts applied then dropped, ` +
          `${result.refusedResends} re-sends refused, drained in ${result.drainMs} ms, ${result.totalMs} ms in all`,
      );
      expect(result.violations).toEqual([]);
      expect(result.trials).toHaveLength(trials);
      // The plan exercised what it is for: kills in both phases, and unknown outcomes.
      expect(result.trials.some((t) => t.mode === 'push' && t.accepted > 0)).toBe(true);
      expect(result.trials.some((t) => t.mode === 'pull' && t.runningAtKill.some((s) => s !== 'outbox'))).toBe(true);
      expect(result.trials.some((t) => t.mode === 'push' && t.inFlightAtKill > 0)).toBe(true);
      expect(result.acceptedItems).toBeGreaterThan(trials / 2);
      expect(result.droppedAfterApply).toBeGreaterThan(0);
    },
    Math.max(300_000, trials * 20_000),
  );
});
