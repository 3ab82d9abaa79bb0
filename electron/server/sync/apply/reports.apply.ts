/**
 * Single-object reports (audit summary, HIPAA evidence report, compliance dashboard, outbound
 * sync queue summary) into `compliance_reports`, keyed by kind and the canonical query that
 * produced them; and the retention policy (one row).
 */
import type { RetentionPolicy } from '../../../../shared/amigo';
import type { ReadDb, WriteDb } from '../../db/db-types';
import { sql } from '../../db/sql';
import { toUtcIso } from '../../db/timestamps';
import { rawJson, type Pulled } from '../pulled';

export interface ReportRecord {
  kind: string;
  /** The canonical query (`report_period_days=90`), '' for none. */
  params: string;
  generatedAt: string | null;
  raw: unknown;
}

export const upsertReport = (tx: WriteDb, report: ReportRecord, pulledAt: string): void => {
  tx.run(sql`INSERT INTO compliance_reports (kind, params, generated_at, raw_json, pulled_at)
    VALUES (${report.kind}, ${report.params}, ${toUtcIso(report.generatedAt)}, ${rawJson(report.raw)}, ${pulledAt})
    ON CONFLICT (kind, params) DO UPDATE SET generated_at = excluded.generated_at, raw_json = excluded.raw_json,
      pulled_at = excluded.pulled_at`);
};

export const reportPulledAt = (read: ReadDb, kind: string, params: string): string | null =>
  read.value<string>(sql`SELECT pulled_at FROM compliance_reports WHERE kind = ${kind} AND params = ${params}`) ?? null;

export const reportRaw = (read: ReadDb, kind: string, params: string): string | null =>
  read.value<string>(sql`SELECT raw_json FROM compliance_reports WHERE kind = ${kind} AND params = ${params}`) ?? null;

export const applyRetention = (tx: WriteDb, { value: r, raw }: Pulled<RetentionPolicy>, pulledAt: string): void => {
  tx.run(sql`INSERT INTO retention_policy (id, call_recordings_days, call_transcripts_days, audit_log_days,
      world_events_days, phi_data_days, legal_hold, legal_hold_reason, raw_json, pulled_at)
    VALUES (1, ${r.call_recordings_days}, ${r.call_transcripts_days}, ${r.audit_log_days}, ${r.world_events_days},
      ${r.phi_data_days}, ${r.legal_hold}, ${r.legal_hold_reason ?? null}, ${rawJson(raw)}, ${pulledAt})
    ON CONFLICT (id) DO UPDATE SET call_recordings_days = excluded.call_recordings_days,
      call_transcripts_days = excluded.call_transcripts_days, audit_log_days = excluded.audit_log_days,
      world_events_days = excluded.world_events_days, phi_data_days = excluded.phi_data_days,
      legal_hold = excluded.legal_hold, legal_hold_reason = excluded.legal_hold_reason, raw_json = excluded.raw_json,
      pulled_at = excluded.pulled_at`);
};

export const retentionPulledAt = (read: ReadDb): string | null =>
  read.value<string>(sql`SELECT pulled_at FROM retention_policy WHERE id = 1`) ?? null;
