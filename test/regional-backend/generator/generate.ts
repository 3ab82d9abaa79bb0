/**
 * Generates one workspace: the workspace record, its retention policy and sinks, a directory of
 * practitioners and pharmacies, every patient's slice of the world (world.ts), and the audit log
 * (the review decisions' own rows plus the background stream, up to the scale's audit count).
 */
import type { DatasetRecord, DatasetSink, Scale } from '../dataset';
import type { DemoWorkspace } from '../directory';
import { AuditStream } from './audit';
import type { GenerationSummary, GeneratorContext } from './context';
import { DAY, DEFAULT_NOW, Emitter, HOUR, createContext, iso } from './context';
import { buildDirectory, buildPatient } from './world';

export interface GenerateOptions {
  seed: number;
  scale: Scale;
  workspace: DemoWorkspace;
  /** The instant the dataset is "as of"; defaults to DEFAULT_NOW so output is stable. */
  now?: Date;
}

const DEFAULT_DAYS = 2190;

/**
 * One retention policy per demo workspace, each value within what `PUT /settings/retention`
 * accepts (365–36 500 days). Fixed per workspace (not per seed): the demo tells a
 * story with them, e.g. Riverbend is under legal hold.
 */
function retentionRecord(ctx: GeneratorContext): DatasetRecord<'retention'> {
  const base = {
    workspace_id: ctx.workspace.id,
    call_recordings_days: DEFAULT_DAYS,
    call_transcripts_days: DEFAULT_DAYS,
    audit_log_days: DEFAULT_DAYS,
    world_events_days: DEFAULT_DAYS,
    phi_data_days: DEFAULT_DAYS,
    legal_hold: false,
    legal_hold_reason: null,
  };
  switch (ctx.workspace.slug) {
    case 'riverbend-clinic':
      return {
        ...base,
        call_recordings_days: 365,
        audit_log_days: 2555,
        legal_hold: true,
        legal_hold_reason:
          'Litigation hold LH-2026-014 (synthetic): preserve all call recordings, transcripts, world events and audit records from 2026-09-18 until counsel releases the hold.',
      };
    case 'lindenhof-praxis':
      // Data minimisation for recordings (365 days is the API's minimum), ten years for the
      // medical record itself.
      return {
        ...base,
        call_recordings_days: 365,
        call_transcripts_days: 730,
        world_events_days: 3650,
        phi_data_days: 3650,
      };
    case 'southern-cross':
      return { ...base, audit_log_days: 2555, world_events_days: 2555, phi_data_days: 2555 };
    default:
      return base;
  }
}

function workspaceRecord(ctx: GeneratorContext): DatasetRecord<'workspaces'> {
  const created = ctx.nowMs - 700 * DAY;
  return {
    id: ctx.workspace.id,
    slug: ctx.workspace.slug,
    name: ctx.workspace.name,
    environment: 'demo',
    backend_org_id: `org-${ctx.workspace.slug}`,
    region: ctx.workspace.region,
    connector_type: ctx.ehrSystem,
    provisioned_at: iso(created + HOUR),
    created_at: iso(created),
    updated_at: iso(ctx.nowMs - 12 * DAY),
  };
}

/** Generates a workspace's dataset into `sink`, record by record; returns the counts per resource. */
export function generateWorkspace(opts: GenerateOptions, sink: DatasetSink): GenerationSummary {
  const emitter = new Emitter(sink);
  const ctx = createContext({ ...opts, now: opts.now ?? new Date(DEFAULT_NOW) }, emitter);
  emitter.emit('workspaces', workspaceRecord(ctx));
  emitter.emit('retention', retentionRecord(ctx));
  for (const s of ctx.sinks) {
    emitter.emit('sinks', {
      workspace_id: ctx.workspace.id,
      data_source_id: s.data_source_id,
      name: s.name,
      source_type: s.source_type,
    });
  }
  buildDirectory(ctx);
  for (let i = 0; i < ctx.spec.patients; i++) buildPatient(ctx, i);
  new AuditStream(ctx, Math.max(0, ctx.spec.auditEvents - emitter.summary.audit_events)).run();
  return { ...emitter.summary };
}
