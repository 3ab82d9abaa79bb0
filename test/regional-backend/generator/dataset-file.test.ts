import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetFile } from '../dataset';
import type { DatasetFileError } from './dataset-file';
import { createCollectingSink, loadDatasetFile, writeDatasetFile } from './dataset-file';
import { RIVERBEND, countingSink, smallDataset } from './test-helpers';

const dir = mkdtempSync(join(tmpdir(), 'attest-dataset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'small.json');
const written = writeDatasetFile(file, { seed: 7, scale: 'small', workspace: RIVERBEND });
const original = (): Record<string, unknown> => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

/** Writes a variant of the generated file and expects loading it to fail without emitting anything. */
function expectRefused(name: string, mutate: (json: Record<string, unknown>) => unknown): DatasetFileError {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(mutate(original())));
  const counting = countingSink();
  let error: unknown;
  try {
    loadDatasetFile(path, counting.sink);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).name).toBe('DatasetFileError');
  expect(counting.count(), 'nothing may be emitted from a bad file').toBe(0);
  return error as DatasetFileError;
}

const list = (json: Record<string, unknown>, resource: string): Array<Record<string, unknown>> =>
  json[resource] as Array<Record<string, unknown>>;

describe('dataset files', () => {
  it('round-trips: writeDatasetFile then loadDatasetFile gives the generated records', () => {
    const { sink, records } = createCollectingSink();
    const loaded = loadDatasetFile(file, sink);
    const generated = smallDataset(7);
    expect(loaded).toEqual(written);
    expect(loaded).toEqual(generated.summary);
    expect(records).toEqual(generated.records);
    // The file itself is a valid `datasetFile`.
    expect(datasetFile.safeParse(original()).success).toBe(true);
  });

  it('refuses a bad record, naming resource, index and field path', () => {
    const error = expectRefused('bad-record.json', (json) => {
      const item = list(json, 'review_items')[3] as { events: Array<{ confidence: number }> };
      (item.events[0] as { confidence: number }).confidence = 7;
      return json;
    });
    expect(error.problems[0]).toMatchObject({ resource: 'review_items', index: 3, path: 'events.0.confidence' });
    expect(error.message).toContain('review_items[3].events.0.confidence');
    expect(error.message).toContain('nothing was imported');
  });

  it('refuses a bad record at the very end (after valid ones of every resource)', () => {
    const error = expectRefused('bad-last.json', (json) => {
      const audits = list(json, 'audit_events');
      (audits[audits.length - 1] as Record<string, unknown>).id = 'not-a-uuid';
      return json;
    });
    expect(error.problems[0]).toMatchObject({ resource: 'audit_events', index: 4999, path: 'id' });
  });

  it('counts every problem but lists a few', () => {
    const error = expectRefused('many-bad.json', (json) => {
      for (const e of list(json, 'entity_events')) e.confidence = -1;
      return json;
    });
    expect(error.totalProblems).toBe(list(original(), 'entity_events').length);
    expect(error.message).toMatch(/… and \d+ more/);
  });

  it('refuses references to a workspace or entity that is not in the file', () => {
    const ws = expectRefused('foreign-ws.json', (json) => {
      (list(json, 'calls')[0] as Record<string, unknown>).workspace_id = '0b9e7d5c-3a1f-4e2d-8c6b-5f4e3d2c1b02';
      return json;
    });
    expect(ws.problems[0]).toMatchObject({ resource: 'calls', index: 0, path: 'workspace_id' });
    const orphan = expectRefused('orphan.json', (json) => {
      json.entities = list(json, 'entities').slice(1);
      return json;
    });
    expect(orphan.problems.some((p) => p.resource === 'entity_events' && p.path === 'entity_id')).toBe(true);
  });

  it('refuses files that are not datasets', () => {
    expect(expectRefused('array.json', () => []).problems[0]?.resource).toBe('(file)');
    expect(expectRefused('version.json', (json) => ({ ...json, version: 2 })).problems[0]?.resource).toBe('version');
    expect(expectRefused('typo.json', (json) => ({ ...json, review_item: [] })).problems[0]?.resource).toBe(
      'review_item',
    );
    expect(expectRefused('not-array.json', (json) => ({ ...json, calls: {} })).problems[0]).toMatchObject({
      resource: 'calls',
      index: null,
    });

    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"version":1,"workspaces":[');
    const counting = countingSink();
    expect(() => loadDatasetFile(broken, counting.sink)).toThrow(/not valid JSON/);
    expect(() => loadDatasetFile(join(dir, 'missing.json'), counting.sink)).toThrow(/cannot be read/);
    expect(counting.count()).toBe(0);
  });

  it('accepts a minimal hand-written file (resources other than workspaces default to empty)', () => {
    const path = join(dir, 'minimal.json');
    writeFileSync(path, JSON.stringify({ version: 1, workspaces: original().workspaces }));
    const { sink, records } = createCollectingSink();
    expect(loadDatasetFile(path, sink).workspaces).toBe(1);
    expect(records.workspaces[0]?.id).toBe(RIVERBEND.id);
  });

  it('does not write the large scale to a file', () => {
    expect(() => writeDatasetFile(join(dir, 'large.json'), { seed: 1, scale: 'large', workspace: RIVERBEND })).toThrow(
      /stream/,
    );
  });
});
