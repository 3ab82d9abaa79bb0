/**
 * Single-object reports: the retention policy (any role), and for admin and owner the audit
 * summary, the HIPAA evidence report (90 days, the API's default) and the compliance dashboard.
 * Each is one small GET stored whole (compliance_reports / retention_policy) with its cursor row.
 *
 * Incremental rule: there is no "changed since" for these, so each is read again when its stored
 * copy is older than `maxAgeMs` (10 minutes by default), on "Sync now", or, for the three audit
 * reports, when the audit stream stored new events in this pass.
 */
import type { z } from 'zod';
import { auditSummary, complianceDashboard, hipaaReport, retentionPolicy } from '../../../../shared/amigo';
import { applyRetention, reportPulledAt, retentionPulledAt, upsertReport } from '../apply/reports.apply';
import { applyPage } from '../cursor.repo';
import { iso, pullGet, type PassInfo, type PullContext } from '../pull-context';

export const RETENTION_STREAM = 'retention';
export const AUDIT_SUMMARY_STREAM = 'audit-summary';
export const HIPAA_REPORT_STREAM = 'hipaa-report';
export const COMPLIANCE_DASHBOARD_STREAM = 'compliance-dashboard';

export const DEFAULT_REPORT_MAX_AGE_MS = 10 * 60_000;
const HIPAA_PERIOD_DAYS = 90;

const isDue = (pulledAt: string | null, pass: PassInfo, maxAgeMs: number, auditDriven: boolean): boolean =>
  pass.manual ||
  pulledAt === null ||
  pass.startedAt - Date.parse(pulledAt) >= maxAgeMs ||
  (auditDriven && pass.auditAdded > 0);

export async function pullRetention(
  ctx: PullContext,
  pass: PassInfo,
  maxAgeMs = DEFAULT_REPORT_MAX_AGE_MS,
): Promise<void> {
  if (!isDue(retentionPulledAt(ctx.db.read), pass, maxAgeMs, false)) return;
  const { data, raw } = await pullGet(ctx, 'settings/retention', retentionPolicy);
  const at = iso(ctx.now());
  applyPage(ctx.db.write, RETENTION_STREAM, (tx) => applyRetention(tx, { value: data, raw }, at), {
    cursor: null,
    at,
    complete: true,
    storedCount: () => 1,
  });
  ctx.progress({ count: 1, total: 1 });
}

interface ReportSpec<S extends z.ZodType> {
  stream: string;
  kind: string;
  path: string;
  params: Record<string, number>;
  schema: S;
  generatedAt(value: z.output<S>): string | null;
}

async function pullReport<S extends z.ZodType>(
  ctx: PullContext,
  pass: PassInfo,
  spec: ReportSpec<S>,
  maxAgeMs: number,
): Promise<void> {
  const params = new URLSearchParams(
    Object.entries(spec.params).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
  if (!isDue(reportPulledAt(ctx.db.read, spec.kind, params), pass, maxAgeMs, true)) return;
  const { data, raw } = await pullGet(ctx, spec.path, spec.schema, spec.params);
  const at = iso(ctx.now());
  applyPage(
    ctx.db.write,
    spec.stream,
    (tx) => upsertReport(tx, { kind: spec.kind, params, generatedAt: spec.generatedAt(data), raw }, at),
    { cursor: null, at, complete: true, storedCount: () => 1 },
  );
  ctx.progress({ count: 1, total: 1 });
}

export const pullAuditSummary = (ctx: PullContext, pass: PassInfo, maxAgeMs = DEFAULT_REPORT_MAX_AGE_MS) =>
  pullReport(
    ctx,
    pass,
    {
      stream: AUDIT_SUMMARY_STREAM,
      kind: 'audit_summary',
      path: 'audit/summary',
      params: {},
      schema: auditSummary,
      generatedAt: () => null,
    },
    maxAgeMs,
  );

export const pullHipaaReport = (ctx: PullContext, pass: PassInfo, maxAgeMs = DEFAULT_REPORT_MAX_AGE_MS) =>
  pullReport(
    ctx,
    pass,
    {
      stream: HIPAA_REPORT_STREAM,
      kind: 'hipaa',
      path: 'compliance/hipaa',
      params: { report_period_days: HIPAA_PERIOD_DAYS },
      schema: hipaaReport,
      generatedAt: (r) => r.generated_at,
    },
    maxAgeMs,
  );

export const pullComplianceDashboard = (ctx: PullContext, pass: PassInfo, maxAgeMs = DEFAULT_REPORT_MAX_AGE_MS) =>
  pullReport(
    ctx,
    pass,
    {
      stream: COMPLIANCE_DASHBOARD_STREAM,
      kind: 'dashboard',
      path: 'compliance/dashboard',
      params: {},
      schema: complianceDashboard,
      generatedAt: (r) => r.generated_at,
    },
    maxAgeMs,
  );
