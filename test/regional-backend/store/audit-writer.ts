/** Builds the audit events the simulated services write about what a caller did. */
import { createHash, randomUUID } from 'node:crypto';
import type { AuditEvent } from '../../../shared/amigo';
import type { JsonObject } from './values';
import { isoOf } from './values';

/** Who made a request: the token's subject (also the actor entity id) and where it came from. */
export interface Actor {
  sub: string;
  clientId: string;
  ipAddress: string | null;
  userAgent: string | null;
  /** The request that acted, recorded in the audit metadata as the real services do. */
  requestId: string;
  method: string;
  path: string;
}

export interface AuditFields {
  service: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  resourceName?: string | null | undefined;
  phi: boolean;
  metadata?: JsonObject | undefined;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A stable credential id per (subject, client): the schema wants a uuid, a JWT has none. */
function credentialId(actor: Actor): string {
  const h = createHash('sha256').update(`credential:${actor.sub}:${actor.clientId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function auditEventFor(workspaceId: string, actor: Actor, f: AuditFields, nowMs: number): AuditEvent {
  return {
    id: randomUUID(),
    workspace_id: workspaceId,
    timestamp: isoOf(nowMs),
    service: f.service,
    // The schema types actor_entity_id as a uuid; a non-uuid subject goes to metadata instead.
    actor_entity_id: UUID_RE.test(actor.sub) ? actor.sub : null,
    actor_credential_id: credentialId(actor),
    action: f.action,
    resource_type: f.resourceType,
    resource_id: f.resourceId,
    resource_name: f.resourceName ?? null,
    phi_accessed: f.phi,
    ip_address: actor.ipAddress,
    user_agent: actor.userAgent,
    metadata: {
      request_id: actor.requestId,
      method: actor.method,
      path: actor.path,
      status: 200,
      ...f.metadata,
      client_id: actor.clientId,
      ...(UUID_RE.test(actor.sub) ? {} : { sub: actor.sub }),
    },
  };
}
