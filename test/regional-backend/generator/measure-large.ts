/**
 * Generates a workspace into a sink that only counts, and reports time and memory: evidence that
 * the large scale streams (heap stays flat while a million audit events go by) and how long it
 * takes. Not part of the test suite (no timed assertions in tests).
 *
 *   npx tsx test/regional-backend/generator/measure-large.ts [--scale large] [--seed 1] [--workspace riverbend-clinic]
 */
import { parseArgs } from 'node:util';
import type { DatasetResource, DatasetSink, Scale } from '../dataset';
import { SCALES } from '../dataset';
import { DEMO_WORKSPACES } from '../directory';
import { generateWorkspace } from './generate';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'large' },
    seed: { type: 'string', default: '1' },
    workspace: { type: 'string', default: 'riverbend-clinic' },
  },
});
const scale = values.scale as Scale;
if (!SCALES.includes(scale)) throw new Error(`--scale must be one of ${SCALES.join(', ')}`);
const workspace = DEMO_WORKSPACES.find((w) => w.slug === values.workspace);
if (!workspace) throw new Error(`unknown workspace ${values.workspace}`);

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MB`;
const started = performance.now();
let records = 0;
let maxHeap = 0;
/**
 * The background audit stream is the long run of audit rows at the end (review decisions also
 * write audit rows, but only a few at a time, between other records).
 */
let auditRun = 0;
let streamStartHeap = 0;
let streamMaxHeap = 0;
let streamStartedAt = 0;
const STREAM_RUN = 20_000;
const sample = (): void => {
  const heap = process.memoryUsage().heapUsed;
  maxHeap = Math.max(maxHeap, heap);
  if (auditRun >= STREAM_RUN) streamMaxHeap = Math.max(streamMaxHeap, heap);
};
const count = (resource: DatasetResource) => (): void => {
  records++;
  auditRun = resource === 'audit_events' ? auditRun + 1 : 0;
  if (auditRun === STREAM_RUN) {
    streamStartedAt = performance.now();
    streamStartHeap = process.memoryUsage().heapUsed;
  }
  if ((records & 0x7fff) === 0) sample();
};
const sink: DatasetSink = {
  workspaces: count('workspaces'),
  retention: count('retention'),
  sinks: count('sinks'),
  entities: count('entities'),
  entity_events: count('entity_events'),
  enrichment: count('enrichment'),
  merges: count('merges'),
  calls: count('calls'),
  review_items: count('review_items'),
  sync_events: count('sync_events'),
  audit_events: count('audit_events'),
};

const summary = generateWorkspace({ seed: Number(values.seed), scale, workspace }, sink);
const seconds = (performance.now() - started) / 1000;
sample();
console.log(JSON.stringify(summary, null, 2));
console.log(
  `${scale} ${workspace.slug}: ${records.toLocaleString('en-US')} records in ${seconds.toFixed(1)} s (${Math.round(records / seconds).toLocaleString('en-US')}/s)`,
);
console.log(`heap: max ${mb(maxHeap)} overall`);
if (streamStartedAt > 0) {
  console.log(
    `background audit stream: heap ${mb(streamStartHeap)} at row ${STREAM_RUN.toLocaleString('en-US')}, max ${mb(streamMaxHeap)} until the end (${((performance.now() - streamStartedAt) / 1000).toFixed(1)} s)`,
  );
}
console.log(`rss at exit ${mb(process.memoryUsage().rss)}`);
