/**
 * `npm run bench`: runs every benchmark in this folder, one after another (they measure, so they
 * must not share the machine with each other), and lists the result files they wrote. Figures are
 * never asserted: each benchmark writes test/bench/results/<name>.json.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const benches = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

const failed: string[] = [];
for (const file of benches) {
  console.log(`\n── ${file} ──`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, file)], { stdio: 'inherit' });
  if (result.status !== 0) failed.push(file);
}
const resultsDir = path.join(dir, 'results');
const written = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).filter((f) => f.endsWith('.json')) : [];
console.log(`\nResults in test/bench/results: ${written.join(', ') || 'none'}`);
if (failed.length > 0) {
  console.error(`Benchmarks that failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
