/**
 * How report rows are written in each export format. CSV (RFC 4180, CRLF) neutralises cells a
 * spreadsheet would run as a formula; NDJSON keeps the Amigo API's own AuditEventResponse shape
 * (a backend row is written exactly as pulled); the app's own not-yet-delivered events are
 * written in that shape too, marked in `metadata` as recorded by Attest on this device.
 */
import type { LocalAccessView, ReviewFlag } from '../../../../../shared/contract/audit.views';
import type { AuditRow } from '../audit-rows';

/** A backend audit row with its raw JSON and the review aids' findings. */
export interface BackendExportRow {
  kind: 'backend';
  row: AuditRow;
  raw: string;
  flags: ReviewFlag[];
}
export interface LocalExportRow {
  kind: 'local';
  local: LocalAccessView;
}
export type ExportRow = BackendExportRow | LocalExportRow;

export const CSV_COLUMNS = [
  'timestamp',
  'id',
  'service',
  'action',
  'actor_entity_id',
  'actor_credential_id',
  'resource_type',
  'resource_id',
  'resource_name',
  'phi_accessed',
  'ip_address',
  'user_agent',
  'patient_entity_id',
  'device',
  'record',
  'review_flags',
] as const;

/** Cells starting like a formula are prefixed with ' (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

export const csvCell = (value: string | number | boolean | null): string => {
  if (value === null) return '';
  let text = typeof value === 'string' ? value : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export const csvLine = (cells: readonly (string | number | boolean | null)[]): string =>
  `${cells.map(csvCell).join(',')}\r\n`;

export const CSV_HEADER = csvLine(CSV_COLUMNS);

const flagsText = (flags: readonly ReviewFlag[]): string | null =>
  flags.length === 0 ? null : flags.map((f) => `${f.rule}: ${f.reason}`).join(' | ');

export const rowToCsv = (r: ExportRow): string => {
  if (r.kind === 'local') {
    const l = r.local;
    return csvLine([
      l.localTime,
      l.id,
      'attest-desktop',
      l.action,
      l.actorId,
      null,
      l.resourceType,
      l.resourceId,
      null,
      true,
      null,
      null,
      l.entityId,
      l.deviceId,
      l.statusText,
      null,
    ]);
  }
  const a = r.row;
  return csvLine([
    a.timestamp,
    a.id,
    a.service,
    a.action,
    a.actor_entity_id,
    a.actor_credential_id,
    a.resource_type,
    a.resource_id,
    a.resource_name,
    a.phi_accessed === 1,
    a.ip_address,
    a.user_agent,
    a.subject_entity_id,
    a.attest_device_id,
    a.attest_event_id === null ? 'backend audit log' : `backend audit log (Attest access event ${a.attest_event_id})`,
    flagsText(r.flags),
  ]);
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One NDJSON line: the backend's own JSON, or a local event in the API's shape. */
export const rowToNdjson = (r: ExportRow, workspaceId: string): string => {
  if (r.kind === 'backend') return `${r.raw}\n`;
  const l = r.local;
  return `${JSON.stringify({
    id: l.id,
    workspace_id: workspaceId,
    timestamp: l.localTime,
    service: 'attest-desktop',
    actor_entity_id: UUID.test(l.actorId) ? l.actorId : null,
    actor_credential_id: null,
    action: l.action,
    resource_type: l.resourceType,
    resource_id: l.resourceId,
    resource_name: null,
    phi_accessed: true,
    ip_address: null,
    user_agent: null,
    metadata: {
      recorded_by: 'attest',
      delivery: l.status,
      delivery_text: l.statusText,
      device_id: l.deviceId,
      online: l.online,
      entity_id: l.entityId,
      actor_sub: l.actorId,
    },
  })}\n`;
};

/** One line of the PDF's row listing. */
export const rowToText = (r: ExportRow): string => {
  if (r.kind === 'local') {
    const l = r.local;
    return `${l.localTime}  ${l.action}  by ${l.actorName ?? l.actorId}  ${l.resourceType} ${l.resourceId ?? ''}  device ${l.deviceId}  [${l.statusText}]`;
  }
  const a = r.row;
  const flags = r.flags.length === 0 ? '' : `  FLAGS: ${r.flags.map((f) => f.reason).join(' ')}`;
  return (
    `${a.timestamp}  ${a.action}  ${a.phi_accessed === 1 ? 'PHI' : 'no PHI'}  by ${a.actor_entity_id ?? '(no actor)'}  ` +
    `${a.resource_type} ${a.resource_id ?? ''}${a.resource_name === null ? '' : ` "${a.resource_name}"`}  ` +
    `from ${a.ip_address ?? 'unknown address'}${a.user_agent === null ? '' : ` (${a.user_agent})`}${flags}`
  );
};
