/** Retention policy (any role reads, admin/owner write) and compliance reports (admin/owner). */
import {
  complianceDashboard,
  DEFAULT_RETENTION_DAYS,
  hipaaReport,
  retentionPolicy,
  retentionPolicyRequest,
  ROLES,
} from '../../../shared/amigo';
import { DEMO_PEOPLE } from '../directory';
import { int } from '../http/params';
import { auditEventFor } from '../store/audit-writer';
import type { JsonObject } from '../store/values';
import { isoOf } from '../store/values';
import { shape } from './shape';
import type { ApiDeps, RouteDef } from './types';
import { ok } from './types';

const DAY_FIELDS = [
  'call_recordings_days',
  'call_transcripts_days',
  'audit_log_days',
  'world_events_days',
  'phi_data_days',
] as const;
const DAY_MS = 86_400_000;

export function settingsRoutes(deps: ApiDeps): RouteDef[] {
  const { store } = deps;

  /** Unconfigured fields come back at the HIPAA default of 2190 days (6 years). */
  const retentionOf = (ws: string) => {
    const configured = store.settings.retention(ws);
    const policy: JsonObject = {};
    for (const f of DAY_FIELDS) policy[f] = typeof configured[f] === 'number' ? configured[f] : DEFAULT_RETENTION_DAYS;
    policy['legal_hold'] = configured['legal_hold'] === true;
    policy['legal_hold_reason'] =
      typeof configured['legal_hold_reason'] === 'string' ? configured['legal_hold_reason'] : null;
    return shape(retentionPolicy, policy);
  };
  const members = (ws: string) => DEMO_PEOPLE.filter((p) => p.memberships.some((m) => m.workspaceId === ws));
  const statusOf = (ws: string): string => {
    const r = retentionOf(ws);
    // HIPAA asks for six years of audit records; anything shorter needs attention.
    return r.audit_log_days >= DEFAULT_RETENTION_DAYS || r.legal_hold ? 'compliant' : 'needs_attention';
  };

  return [
    {
      method: 'GET',
      path: '/v1/{workspace_id}/settings/retention',
      scope: 'workspace',
      access: 'read',
      handler: (ctx) => ok(retentionOf(ctx.workspaceId)),
    },
    {
      method: 'PUT',
      path: '/v1/{workspace_id}/settings/retention',
      scope: 'workspace',
      access: 'admin',
      handler: async (ctx) => {
        const body = await ctx.body(retentionPolicyRequest);
        const configured = store.settings.retention(ctx.workspaceId);
        const changed: string[] = [];
        // Partial update: only the fields sent change; a null *_days goes back to the default.
        for (const [key, value] of Object.entries(body)) {
          if (value === undefined) continue;
          if (value === null) {
            if (key === 'legal_hold') continue;
            // Unset (JSON.stringify drops it): the field falls back to its default.
            configured[key] = undefined;
          } else configured[key] = value;
          changed.push(key);
        }
        store.db.transaction(() => {
          store.settings.putRetention(ctx.workspaceId, configured);
          store.audit.insert(
            auditEventFor(
              ctx.workspaceId,
              ctx.actor,
              {
                service: 'settings',
                action: 'settings.retention.update',
                resourceType: 'retention_policy',
                resourceId: ctx.workspaceId,
                phi: false,
                metadata: { fields: changed },
              },
              deps.now(),
            ),
          );
        })();
        return ok(retentionOf(ctx.workspaceId));
      },
    },
    {
      method: 'GET',
      path: '/v1/{workspace_id}/compliance/hipaa',
      scope: 'workspace',
      access: 'admin',
      handler: (ctx) => {
        const { query } = ctx.input({ query: { report_period_days: int({ default: 90, ge: 1, le: 365 }) } });
        const now = deps.now();
        const from = now - query.report_period_days * DAY_MS;
        const people = members(ctx.workspaceId);
        const roles: Record<string, number> = {};
        for (const role of ROLES)
          roles[role] = people.filter((p) =>
            p.memberships.some((m) => m.workspaceId === ctx.workspaceId && m.role === role),
          ).length;
        return ok(
          shape(hipaaReport, {
            workspace_id: ctx.workspaceId,
            generated_at: isoOf(now),
            report_period_days: query.report_period_days,
            compliance_status: statusOf(ctx.workspaceId),
            audit_summary: {
              ...store.audit.summary(ctx.workspaceId, { dateFrom: from, dateTo: now }),
              period_start: isoOf(from),
              period_end: isoOf(now),
            },
            retention_policy: retentionOf(ctx.workspaceId),
            encryption: { at_rest: true, in_transit: true, backups: true, phi_field_level: true },
            api_key_summary: { total: 0, active: 0, expired: 0, revoked: 0 },
            // Identity-specific fields are null "pending integration", as in the real service.
            access_controls: {
              mfa_enforced: null,
              sso_enabled: null,
              account_lockout: null,
              members: people.length,
              roles,
            },
          }),
        );
      },
    },
    {
      method: 'GET',
      path: '/v1/{workspace_id}/compliance/dashboard',
      scope: 'workspace',
      access: 'admin',
      handler: (ctx) => {
        const r = retentionOf(ctx.workspaceId);
        const last = store.settings.exports(ctx.workspaceId, 1)[0];
        const people = members(ctx.workspaceId).length;
        return ok(
          shape(complianceDashboard, {
            hipaa_status: statusOf(ctx.workspaceId),
            retention_days: Math.min(...DAY_FIELDS.map((f) => r[f])),
            legal_hold: r.legal_hold,
            active_credentials: people,
            total_credentials: people,
            last_audit_export: last === undefined ? null : isoOf(last.created_ms),
            generated_at: isoOf(deps.now()),
          }),
        );
      },
    },
  ];
}
