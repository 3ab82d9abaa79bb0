/**
 * Dataset files: one JSON object with an array per resource (dataset.ts `datasetFile`), so anyone
 * can save, edit and replay a workspace. Loading validates every record, and the references
 * between them, before the first record reaches the sink: a bad file is refused whole, with an
 * error that names the resource, the record index and the field path.
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { DatasetRecord, DatasetResource, DatasetSink } from '../dataset';
import { datasetRecords } from '../dataset';
import type { GenerationSummary } from './context';
import { Emitter } from './context';
import type { GenerateOptions } from './generate';
import { generateWorkspace } from './generate';

/** Emission order: what a record refers to comes before it. */
export const RESOURCE_ORDER: readonly DatasetResource[] = [
  'workspaces',
  'retention',
  'sinks',
  'entities',
  'entity_events',
  'enrichment',
  'merges',
  'calls',
  'review_items',
  'sync_events',
  'audit_events',
];

export type DatasetRecords = { [R in DatasetResource]: Array<DatasetRecord<R>> };

export const emptyRecords = (): DatasetRecords => ({
  workspaces: [],
  retention: [],
  sinks: [],
  entities: [],
  entity_events: [],
  enrichment: [],
  merges: [],
  calls: [],
  review_items: [],
  sync_events: [],
  audit_events: [],
});

/** A sink that keeps everything in memory (tests, small and medium files). */
export function createCollectingSink(): { sink: DatasetSink; records: DatasetRecords } {
  const records = emptyRecords();
  const sink: DatasetSink = {
    workspaces: (r) => records.workspaces.push(r),
    retention: (r) => records.retention.push(r),
    sinks: (r) => records.sinks.push(r),
    entities: (r) => records.entities.push(r),
    entity_events: (r) => records.entity_events.push(r),
    enrichment: (r) => records.enrichment.push(r),
    merges: (r) => records.merges.push(r),
    calls: (r) => records.calls.push(r),
    review_items: (r) => records.review_items.push(r),
    sync_events: (r) => records.sync_events.push(r),
    audit_events: (r) => records.audit_events.push(r),
  };
  return { sink, records };
}

export interface DatasetProblem {
  /** A resource name, or `(file)` for the file as a whole. */
  resource: string;
  /** Index of the record in its array, or null for a file-level problem. */
  index: number | null;
  /** Path inside the record, e.g. `events.0.confidence` (empty for the whole record). */
  path: string;
  message: string;
}

const MAX_LISTED = 10;

export class DatasetFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly DatasetProblem[],
    readonly totalProblems: number = problems.length,
  ) {
    const where = (p: DatasetProblem): string =>
      p.index === null ? p.resource : `${p.resource}[${p.index}]${p.path ? `.${p.path}` : ''}`;
    const listed = problems.slice(0, MAX_LISTED).map((p) => `  ${where(p)}: ${p.message}`);
    const more = totalProblems > listed.length ? [`  … and ${totalProblems - listed.length} more`] : [];
    super(
      `Dataset file ${file} was not loaded (${totalProblems} problem${totalProblems === 1 ? '' : 's'}; nothing was imported):\n${[...listed, ...more].join('\n')}`,
    );
    this.name = 'DatasetFileError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems are kept up to this many; counting goes on so the message can say how many there are. */
const MAX_PROBLEMS = 50;

/**
 * Validates a parsed dataset file: shape, every record against its schema, and references (every
 * record's workspace and entity exist in the file). Returns the parsed records, or the problems.
 */
export function validateDataset(
  json: unknown,
): { ok: true; records: DatasetRecords } | { ok: false; problems: DatasetProblem[]; total: number } {
  const problems: DatasetProblem[] = [];
  let total = 0;
  const report = (p: DatasetProblem): void => {
    total++;
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  if (!isObject(json)) {
    report({
      resource: '(file)',
      index: null,
      path: '',
      message: 'expected a JSON object with one array per resource',
    });
    return { ok: false, problems, total };
  }
  if (json.version !== 1)
    report({
      resource: 'version',
      index: null,
      path: '',
      message: `expected 1, got ${JSON.stringify(json.version) ?? 'nothing'}`,
    });
  const known = new Set<string>(['version', ...RESOURCE_ORDER]);
  for (const key of Object.keys(json)) {
    // A misspelt resource would otherwise load as "nothing" without a word.
    if (!known.has(key))
      report({
        resource: key,
        index: null,
        path: '',
        message: `unknown resource; expected one of ${RESOURCE_ORDER.join(', ')}`,
      });
  }
  if (!Array.isArray(json.workspaces))
    report({ resource: 'workspaces', index: null, path: '', message: 'required: an array of workspaces' });

  const records = emptyRecords();
  const parseAll = <R extends DatasetResource>(resource: R): void => {
    const raw = json[resource];
    if (raw === undefined) return;
    if (!Array.isArray(raw)) {
      if (resource !== 'workspaces') report({ resource, index: null, path: '', message: 'expected an array' });
      return;
    }
    const schema = datasetRecords[resource];
    raw.forEach((item: unknown, index) => {
      const result = schema.safeParse(item);
      if (result.success) {
        // safeParse on the schema for R yields DatasetRecord<R>; TypeScript cannot follow the
        // correlation through the indexed schema table.
        (records[resource] as Array<DatasetRecord<R>>).push(result.data as DatasetRecord<R>);
      } else {
        for (const issue of result.error.issues)
          report({ resource, index, path: issue.path.map(String).join('.'), message: issue.message });
      }
    });
  };
  for (const resource of RESOURCE_ORDER) parseAll(resource);

  // References: data never crosses a workspace, and no event or value hangs off a missing entity.
  const workspaces = new Set(records.workspaces.map((w) => w.id));
  const entities = new Set(records.entities.map((e) => e.id));
  const checkWorkspace = (
    resource: DatasetResource,
    list: ReadonlyArray<{ workspace_id?: string | null | undefined }>,
  ): void =>
    list.forEach((r, index) => {
      if (r.workspace_id && !workspaces.has(r.workspace_id))
        report({ resource, index, path: 'workspace_id', message: `no workspace ${r.workspace_id} in this file` });
    });
  checkWorkspace('retention', records.retention);
  checkWorkspace('sinks', records.sinks);
  checkWorkspace('entities', records.entities);
  checkWorkspace('calls', records.calls);
  checkWorkspace('review_items', records.review_items);
  checkWorkspace('audit_events', records.audit_events);
  const checkEntity = (resource: DatasetResource, index: number, path: string, id: string | null | undefined): void => {
    if (id && !entities.has(id)) report({ resource, index, path, message: `no entity ${id} in this file` });
  };
  records.entity_events.forEach((r, i) => checkEntity('entity_events', i, 'entity_id', r.entity_id));
  records.enrichment.forEach((r, i) => checkEntity('enrichment', i, 'entity_id', r.entity_id));
  records.merges.forEach((r, i) => {
    checkEntity('merges', i, 'entity_id', r.entity_id);
    checkEntity('merges', i, 'linked_entity_id', r.linked_entity_id);
  });

  return total > 0 ? { ok: false, problems, total } : { ok: true, records };
}

/**
 * Loads a dataset file into `sink`. Everything is read and validated first; the sink sees no
 * record at all unless the whole file is valid.
 */
export function loadDatasetFile(path: string, sink: DatasetSink): GenerationSummary {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DatasetFileError(path, [
      { resource: '(file)', index: null, path: '', message: `cannot be read: ${(err as Error).message}` },
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DatasetFileError(path, [
      { resource: '(file)', index: null, path: '', message: `is not valid JSON: ${(err as Error).message}` },
    ]);
  }
  const result = validateDataset(json);
  if (!result.ok) throw new DatasetFileError(path, result.problems, result.total);
  const emitter = new Emitter(sink);
  const emitAll = <R extends DatasetResource>(resource: R): void => {
    for (const record of result.records[resource]) emitter.emit(resource, record);
  };
  for (const resource of RESOURCE_ORDER) emitAll(resource);
  return { ...emitter.summary };
}

/**
 * Generates a workspace into a dataset file. Small and medium only: a large workspace (1M audit
 * events) is meant to stream into a store, not to sit in one JSON document. The file is written
 * under a temporary name and renamed, so a crash never leaves half a dataset behind.
 */
export function writeDatasetFile(path: string, opts: GenerateOptions): GenerationSummary {
  if (opts.scale === 'large') {
    throw new Error(
      'writeDatasetFile: the large scale is not written to a file; stream it with generateWorkspace into a store instead',
    );
  }
  const { sink, records } = createCollectingSink();
  const summary = generateWorkspace(opts, sink);
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, '{"version":1');
    for (const resource of RESOURCE_ORDER) {
      writeSync(fd, `,\n"${resource}":[`);
      const list: readonly unknown[] = records[resource];
      // Chunks keep each string small: a medium dataset is ~100 MB of JSON.
      for (let i = 0; i < list.length; i += 1000) {
        const chunk = list.slice(i, i + 1000).map((r) => JSON.stringify(r));
        writeSync(fd, `${i === 0 ? '' : ','}\n${chunk.join(',\n')}`);
      }
      writeSync(fd, ']');
    }
    writeSync(fd, '}\n');
    closeSync(fd);
    renameSync(tmp, path);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    throw err;
  }
  return summary;
}
