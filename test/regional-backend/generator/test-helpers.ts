/** Shared by the generator's tests: one small dataset per (seed, workspace), generated once per file. */
import type { DatasetSink } from '../dataset';
import type { DemoWorkspace } from '../directory';
import { DEMO_WORKSPACES } from '../directory';
import type { DatasetRecords } from './dataset-file';
import { createCollectingSink } from './dataset-file';
import type { GenerationSummary } from './context';
import { generateWorkspace } from './generate';

export const RIVERBEND: DemoWorkspace = DEMO_WORKSPACES[0] as DemoWorkspace;

const cache = new Map<string, { records: DatasetRecords; summary: GenerationSummary }>();

export function smallDataset(
  seed = 7,
  workspace: DemoWorkspace = RIVERBEND,
): { records: DatasetRecords; summary: GenerationSummary } {
  const key = `${seed}|${workspace.id}`;
  let hit = cache.get(key);
  if (!hit) {
    const { sink, records } = createCollectingSink();
    const summary = generateWorkspace({ seed, scale: 'small', workspace }, sink);
    hit = { records, summary };
    cache.set(key, hit);
  }
  return hit;
}

/** A sink that only counts, and remembers whether anything arrived at all. */
export function countingSink(): { sink: DatasetSink; count: () => number } {
  let n = 0;
  const inc = (): void => {
    n++;
  };
  const sink: DatasetSink = {
    workspaces: inc,
    retention: inc,
    sinks: inc,
    entities: inc,
    entity_events: inc,
    enrichment: inc,
    merges: inc,
    calls: inc,
    review_items: inc,
    sync_events: inc,
    audit_events: inc,
  };
  return { sink, count: () => n };
}

/** The judge's per-field verdict as written by the generator (judge.ts). */
export interface JudgeField {
  event_id: string;
  event_type: string;
  field: string;
  value: unknown;
  evidence_found: boolean;
  quote: string | null;
  turn_index: number | null;
  closest_quote: string | null;
  closest_turn_index: number | null;
}

export function judgeFields(judge: Record<string, unknown> | null): JudgeField[] {
  const fields = judge?.fields;
  return Array.isArray(fields) ? (fields as JudgeField[]) : [];
}
