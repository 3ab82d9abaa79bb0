/** The audit event a PHI read writes, when the instance audits reads (ApiOptions.auditReads). */
import type { AuditEvent } from '../../../shared/amigo';
import { auditEventFor } from '../store/audit-writer';
import type { ApiCtx } from './types';

export function auditRead(
  ctx: ApiCtx,
  service: string,
  action: string,
  resourceType: string,
  resourceId: string,
  nowMs: number,
): AuditEvent {
  return auditEventFor(ctx.workspaceId, ctx.actor, { service, action, resourceType, resourceId, phi: true }, nowMs);
}
