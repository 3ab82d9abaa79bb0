/** Retention policy and compliance reports (api.md §7). */
import { z } from 'zod';
import { jsonObject, uuid } from './common';

const days = z.number().int().nonnegative();

export const retentionPolicy = z.object({
  call_recordings_days: days,
  call_transcripts_days: days,
  audit_log_days: days,
  world_events_days: days,
  phi_data_days: days,
  legal_hold: z.boolean(),
  legal_hold_reason: z.string().max(2000).nullable().optional(),
});
export type RetentionPolicy = z.infer<typeof retentionPolicy>;

/** HIPAA default when a field is not configured: 6 years. */
export const DEFAULT_RETENTION_DAYS = 2190;

/** `RetentionPolicyRequest` (PUT, partial update): each `*_days` is 365–36500 or null. */
const requestDays = z.number().int().min(365).max(36_500).nullable().optional();
export const retentionPolicyRequest = z.object({
  call_recordings_days: requestDays,
  call_transcripts_days: requestDays,
  audit_log_days: requestDays,
  world_events_days: requestDays,
  phi_data_days: requestDays,
  legal_hold: z.boolean().nullable().optional(),
  legal_hold_reason: z.string().max(2000).nullable().optional(),
});
export type RetentionPolicyRequest = z.infer<typeof retentionPolicyRequest>;

export const hipaaReport = z.object({
  workspace_id: uuid,
  generated_at: z.string(),
  report_period_days: z.number().int().min(1).max(365),
  compliance_status: z.string(),
  audit_summary: jsonObject,
  retention_policy: jsonObject,
  encryption: z.record(z.string(), z.boolean()),
  api_key_summary: z.record(z.string(), z.number().int()),
  access_controls: jsonObject,
});
export type HipaaReport = z.infer<typeof hipaaReport>;

export const complianceDashboard = z.object({
  hipaa_status: z.string(),
  retention_days: z.number().int().nullable(),
  legal_hold: z.boolean(),
  active_credentials: z.number().int().nonnegative(),
  total_credentials: z.number().int().nonnegative(),
  last_audit_export: z.string().nullable(),
  generated_at: z.string(),
});
export type ComplianceDashboard = z.infer<typeof complianceDashboard>;
