/**
 * The long kill -9 run (security-bar D-20 "nightly"): many trials over several seeds, each seed a
 * fresh simulator and data folder. Prints one line per trial and a summary, writes
 * test-results/kill9-soak.json, and exits 1 on any violation. Trials per seed are capped by the
 * simulator's open items (MAX_TRIALS_PER_SEED); more kills come from more seeds.
 *
 *   ATTEST_KILL9_TRIALS=50 ATTEST_KILL9_SEEDS=10 npx tsx tools/kill9-soak.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { runKill9, type Kill9Result } from '../test/support/kill9-harness';

const trials = Number(process.env.ATTEST_KILL9_TRIALS ?? 50);
const seeds = Number(process.env.ATTEST_KILL9_SEEDS ?? 4);
const firstSeed = Number(process.env.ATTEST_KILL9_SEED ?? Date.now() % 1_000_000);

async function main(): Promise<void> {
  const results: Kill9Result[] = [];
  for (let i = 0; i < seeds; i++) {
    const seed = firstSeed + i;
    console.log(`seed ${seed}: ${trials} trials`);
    const result = await runKill9({ trials, seed, log: (line) => console.log(`  ${line}`) });
    results.push(result);
    console.log(
      `seed ${seed}: ${result.acceptedDecisions} decisions, ${result.droppedAfterApply} dropped after apply, ` +
        `${result.violations.length} violations, ${result.totalMs} ms`,
    );
    for (const v of result.violations) console.log(`  VIOLATION ${v}`);
  }
  const out = path.resolve(import.meta.dirname, '..', 'test-results', 'kill9-soak.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ trials, seeds, firstSeed, results }, null, 2)}\n`);
  const violations = results.reduce((n, r) => n + r.violations.length, 0);
  const kills = results.reduce((n, r) => n + r.trials.length, 0);
  console.log(`${kills} kills over ${seeds} seeds, ${violations} violations; details in ${out}`);
  process.exitCode = violations === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
