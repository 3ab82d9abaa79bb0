/** Audit log (api.md §6). Every endpoint here needs admin or owner. */
import { z } from 'zod';
import { isoDateTime, jsonObject, uuid } from './common';

export const auditEvent = z.object({
  id: uuid,
  workspace_id: uuid,
  timestamp: z.string().min(1),
  service: z.string(),
  actor_entity_id: uuid.nullable().optional(),
  actor_credential_id: uuid.nullable().optional(),
  action: z.string(),
  resource_type: z.string(),
  resource_id: z.string().nullable().optional(),
  resource_name: z.string().nullable().optional(),
  phi_accessed: z.boolean().default(false),
  ip_address: z.string().nullable().optional(),
  user_agent: z.string().nullable().optional(),
  metadata: jsonObject.nullable().optional(),
});
export type AuditEvent = z.infer<typeof auditEvent>;

export const auditEventsList = z.object({
  events: z.array(auditEvent),
  total: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
  offset: z.number().int().nonnegative(),
  has_more: z.boolean(),
});
export type AuditEventsList = z.infer<typeof auditEventsList>;

export const auditSummary = z.object({
  total_events: z.number().int().nonnegative(),
  phi_access_events: z.number().int().nonnegative(),
  unique_actors: z.number().int().nonnegative(),
  services_with_events: z.number().int().nonnegative(),
});
export type AuditSummary = z.infer<typeof auditSummary>;

export const auditExportRequest = z.object({
  date_from: isoDateTime,
  date_to: isoDateTime,
  phi_only: z.boolean().default(false),
  service: z.string().max(64).nullable().optional(),
  action: z.string().max(128).nullable().optional(),
});
export type AuditExportRequest = z.infer<typeof auditExportRequest>;

export const auditExportResponse = z.object({
  export_id: z.string(),
  s3_key: z.string(),
  row_count: z.number().int().nonnegative(),
  download_url: z.string(),
  created_at: z.string(),
});
export type AuditExportResponse = z.infer<typeof auditExportResponse>;

/** `GET /audit/exports` (`AuditExportListResponse`): limit 1–200, default 50. */
export const AUDIT_EXPORTS_MAX_LIMIT = 200;
export const auditExportListItem = z.object({
  key: z.string(),
  size: z.number().int().nonnegative(),
  last_modified: z.string().nullable().optional(),
  download_url: z.string().nullable().optional(),
});
export const auditExportList = z.object({ exports: z.array(auditExportListItem) });
export type AuditExportList = z.infer<typeof auditExportList>;
