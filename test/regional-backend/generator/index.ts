/**
 * Deterministic synthetic data for the regional backend simulator: one workspace at a time, in the
 * Amigo API's own record shapes, streamed into a `DatasetSink` (see ../dataset.ts).
 */
export { generateWorkspace } from './generate';
export type { GenerateOptions } from './generate';
export {
  DatasetFileError,
  RESOURCE_ORDER,
  createCollectingSink,
  loadDatasetFile,
  validateDataset,
  writeDatasetFile,
} from './dataset-file';
export type { DatasetProblem, DatasetRecords } from './dataset-file';
export { DEFAULT_NOW, SCALE_SPECS } from './context';
export type { GenerationSummary, ScaleSpec } from './context';
export { callTranscriptText, evidenceTokens, tokensContain, valueAppearsIn } from './evidence';
export { fieldsOf, replayFields, replayState } from './replay';
export type { FieldWinner, ReplayOptions, ReplayableEvent } from './replay';
export { ENRICHMENT_KEYS, EVIDENCE_FIELDS, REVIEW_REASONS, SOURCES, VOICE_EVENT_TYPES } from './catalog';
export { CRM_EVENT_TYPES } from './sync';
export { NO_EVIDENCE_RATE } from './world';
