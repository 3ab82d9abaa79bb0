/**
 * Audit events. Review decisions write their own audit rows as they happen (world.ts); this module
 * fills the rest of the workspace's audit log with ~90 days of background activity: people reading
 * patients, transcripts and reports during working hours (with some after-hours use, a few
 * suspicious bursts, name-search-then-open, bulk exports and failed sign-ins for the snooping
 * rules to find), and service credentials doing machine work around the clock.
 *
 * The stream keeps O(1) memory: each event is built and handed to the sink at once; patients,
 * calls and review items are named by index and their ids and names are recomputed (see
 * `patientIdentity` and `IdSpace`).
 */
import type { DatasetRecord } from '../dataset';
import type { Actor, GeneratorContext } from './context';
import { DAY, HOUR, MINUTE, iso, patientIdentity } from './context';
import { Rng } from './rng';

export type AuditRecord = DatasetRecord<'audit_events'>;

export interface AuditSpec {
  service: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  resourceName: string | null;
  phi: boolean;
  atMs: number;
  metadata?: Record<string, unknown>;
  ip?: string;
}

/** Which service writes each action family. */
export function serviceOf(action: string): string {
  const family = action.split('.')[0] ?? '';
  switch (family) {
    case 'review':
      return 'review-queue';
    case 'entity':
    case 'entity_event':
    case 'sync':
    case 'pipeline':
    case 'world':
      return 'world';
    case 'call':
      return 'calls';
    case 'auth':
    case 'session':
      return 'identity';
    default:
      return 'api';
  }
}

export function auditRecord(ctx: GeneratorContext, rng: Rng, actor: Actor, spec: AuditSpec): AuditRecord {
  const n = ctx.counters.audit++;
  const id = ctx.ids.uuid('audit', n);
  // People mostly work from the office network, sometimes from home.
  const ip =
    spec.ip ??
    (actor.kind === 'person' && rng.chance(0.15)
      ? actor.ips[2]
      : actor.ips[rng.int(0, Math.min(1, actor.ips.length - 1))]);
  return {
    id,
    workspace_id: ctx.workspace.id,
    timestamp: iso(spec.atMs),
    service: spec.service,
    actor_entity_id: actor.entityId,
    actor_credential_id: actor.credentialId,
    action: spec.action,
    resource_type: spec.resourceType,
    resource_id: spec.resourceId,
    resource_name: spec.resourceName,
    phi_accessed: spec.phi,
    ip_address: ip ?? null,
    user_agent: rng.pick(actor.userAgents),
    metadata: {
      request_id: `req_${id.replace(/-/g, '').slice(0, 20)}`,
      // Service credentials are API keys, which have names; people are named by the directory.
      ...(actor.kind === 'service' ? { credential_name: actor.label } : {}),
      ...spec.metadata,
    },
  };
}

type Target = { kind: 'patient' | 'call' | 'item'; id: string; entityId: string; name: string };

type HumanAction =
  | 'review.list'
  | 'review.read'
  | 'review.history.read'
  | 'call.transcript.read'
  | 'call.recording.play'
  | 'entity.read'
  | 'entity.timeline.read'
  | 'entity.lineage.read'
  | 'entity.provenance.read'
  | 'audit.read'
  | 'audit.phi_access.read'
  | 'audit.summary.read'
  | 'audit.entity_access_log.read'
  | 'compliance.hipaa_report.read'
  | 'compliance.access_review.read'
  | 'settings.retention.read'
  | 'settings.retention.update'
  | 'api_key.list'
  | 'api_key.create'
  | 'api_key.rotate'
  | 'api_key.revoke'
  | 'auth.token.refresh';

const REVIEWER_MIX: ReadonlyArray<readonly [HumanAction, number]> = [
  ['review.list', 18],
  ['review.read', 26],
  ['call.transcript.read', 20],
  ['call.recording.play', 3],
  ['entity.read', 18],
  ['entity.timeline.read', 6],
  ['review.history.read', 3],
  ['auth.token.refresh', 6],
];
const VIEWER_MIX: ReadonlyArray<readonly [HumanAction, number]> = [
  ['entity.lineage.read', 25],
  ['entity.timeline.read', 18],
  ['entity.provenance.read', 10],
  ['entity.read', 18],
  ['review.history.read', 14],
  ['call.transcript.read', 9],
  ['auth.token.refresh', 6],
];
const ADMIN_MIX: ReadonlyArray<readonly [HumanAction, number]> = [
  ['audit.read', 18],
  ['audit.phi_access.read', 14],
  ['audit.summary.read', 8],
  ['audit.entity_access_log.read', 8],
  ['compliance.hipaa_report.read', 4],
  ['compliance.access_review.read', 3],
  ['settings.retention.read', 4],
  ['entity.read', 14],
  ['review.read', 10],
  ['call.transcript.read', 6],
  ['auth.token.refresh', 6],
];
const OWNER_EXTRA: ReadonlyArray<readonly [HumanAction, number]> = [
  ['api_key.list', 4],
  ['api_key.create', 0.6],
  ['api_key.rotate', 0.6],
  ['api_key.revoke', 0.3],
  ['settings.retention.update', 0.2],
];

function mixFor(actor: Actor): ReadonlyArray<readonly [HumanAction, number]> {
  switch (actor.role) {
    case 'viewer':
      return VIEWER_MIX;
    case 'admin':
      return ADMIN_MIX;
    case 'owner':
      return [...ADMIN_MIX, ...REVIEWER_MIX, ...OWNER_EXTRA];
    default:
      return REVIEWER_MIX;
  }
}

const PHI_ACTIONS: ReadonlySet<string> = new Set([
  'review.read',
  'call.transcript.read',
  'call.recording.play',
  'entity.read',
  'entity.timeline.read',
  'entity.lineage.read',
  'entity.provenance.read',
  'audit.phi_access.read',
  'audit.entity_access_log.read',
  'entity.search',
  'entity.export',
  'entity.write',
  'entity_event.create',
  'entity.resolve',
  'call.create',
  'review.create',
]);

export class AuditStream {
  private readonly rng: Rng;
  private readonly persons: Actor[];
  private emitted = 0;

  constructor(
    private readonly ctx: GeneratorContext,
    private readonly target: number,
  ) {
    this.rng = Rng.keyed(ctx.seed, ctx.workspace.id, 'audit-stream');
    this.persons = ctx.members.length > 0 ? ctx.members : ctx.services;
  }

  run(): number {
    const rng = this.rng;
    while (this.emitted < this.target) {
      const episode = rng.weighted<'service' | 'session' | 'burst' | 'search' | 'export' | 'failed-login'>([
        ['service', 52],
        ['session', 40],
        ['search', 3],
        ['failed-login', 1],
        ['burst', 0.25],
        ['export', 0.12],
      ]);
      switch (episode) {
        case 'service':
          this.serviceEpisode();
          break;
        case 'session':
          this.sessionEpisode();
          break;
        case 'search':
          this.searchEpisode();
          break;
        case 'failed-login':
          this.failedLoginEpisode();
          break;
        case 'burst':
          this.burstEpisode();
          break;
        case 'export':
          this.exportEpisode();
          break;
      }
    }
    return this.emitted;
  }

  private push(actor: Actor, spec: AuditSpec): void {
    if (this.emitted >= this.target) return;
    this.ctx.emitter.emit(
      'audit_events',
      auditRecord(this.ctx, this.rng, actor, { ...spec, atMs: Math.min(spec.atMs, this.ctx.nowMs - 1000) }),
    );
    this.emitted++;
  }

  /** A moment in the last 90 days; people mostly in local working hours on weekdays. */
  private when(human: boolean, afterHours = false): number {
    const rng = this.rng;
    const offset = this.ctx.locale.utcOffsetHours * HOUR;
    const nowLocal = this.ctx.nowMs + offset;
    const todayLocal = nowLocal - (nowLocal % DAY);
    let dayStart = todayLocal - rng.int(0, 89) * DAY;
    let hour: number;
    if (!human) {
      hour = rng.float(0, 24);
    } else {
      const weekday = new Date(dayStart).getUTCDay();
      if ((weekday === 0 || weekday === 6) && !afterHours && rng.chance(0.8)) dayStart -= (weekday === 0 ? 2 : 1) * DAY;
      const slot = afterHours
        ? rng.weighted<'evening' | 'night'>([
            ['evening', 6],
            ['night', 4],
          ])
        : rng.weighted<'work' | 'evening' | 'night'>([
            ['work', 90],
            ['evening', 7],
            ['night', 3],
          ]);
      hour = slot === 'work' ? rng.float(7.5, 18.5) : slot === 'evening' ? rng.float(18.5, 23.9) : rng.float(0, 6.5);
    }
    const local = dayStart + Math.floor(hour * HOUR);
    return Math.min(local - offset, this.ctx.nowMs - rng.int(1, 3600) * 1000);
  }

  private patient(index: number): Target {
    const who = patientIdentity(this.ctx, index);
    return { kind: 'patient', id: who.entityId, entityId: who.entityId, name: who.name };
  }

  /** A patient, weighted towards those who called (they are the ones in the queue). */
  private anyPatient(): Target {
    const rng = this.rng;
    const calls = this.ctx.callPatient;
    if (calls.length > 0 && rng.chance(0.6)) return this.patient(calls[rng.int(0, calls.length - 1)] ?? 0);
    return this.patient(rng.int(0, this.ctx.spec.patients - 1));
  }

  private anyCall(): Target {
    const calls = this.ctx.callPatient;
    if (calls.length === 0) return this.anyPatient();
    const k = this.rng.int(0, calls.length - 1);
    const p = this.patient(calls[k] ?? 0);
    return { kind: 'call', id: this.ctx.ids.uuid('call', k), entityId: p.entityId, name: p.name };
  }

  private anyItem(): Target {
    const items = this.ctx.itemPatient;
    if (items.length === 0) return this.anyPatient();
    const k = this.rng.int(0, items.length - 1);
    const p = this.patient(items[k] ?? 0);
    return { kind: 'item', id: this.ctx.ids.uuid('item', k), entityId: p.entityId, name: p.name };
  }

  private humanSpec(action: HumanAction, atMs: number): AuditSpec {
    const ws = this.ctx.workspace.id;
    const rng = this.rng;
    const base = { service: serviceOf(action), action, atMs, phi: PHI_ACTIONS.has(action) };
    const ok = (method: string, path: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      method,
      path,
      status: 200,
      duration_ms: rng.int(8, 420),
      ...extra,
    });
    switch (action) {
      case 'review.read': {
        const t = this.anyItem();
        return {
          ...base,
          resourceType: 'review_item',
          resourceId: t.id,
          resourceName: t.name,
          metadata: ok('GET', `/v1/${ws}/review-queue/${t.id}`, { entity_id: t.entityId }),
        };
      }
      case 'call.transcript.read':
      case 'call.recording.play': {
        const t = this.anyCall();
        return {
          ...base,
          resourceType: 'call',
          resourceId: t.id,
          resourceName: t.name,
          metadata: ok('GET', `/v1/${ws}/calls/${t.id}`, { entity_id: t.entityId }),
        };
      }
      case 'entity.read':
      case 'entity.timeline.read':
      case 'entity.lineage.read':
      case 'entity.provenance.read':
      case 'audit.entity_access_log.read': {
        const t = this.anyPatient();
        const suffix =
          action === 'entity.read'
            ? ''
            : `/${action.split('.')[1] === 'entity_access_log' ? 'access-log' : (action.split('.')[1] ?? '')}`;
        const path =
          action === 'audit.entity_access_log.read'
            ? `/v1/${ws}/audit/entity/${t.id}/access-log`
            : `/v1/${ws}/world/entities/${t.id}${suffix}`;
        return {
          ...base,
          resourceType: 'patient',
          resourceId: t.id,
          resourceName: t.name,
          metadata: ok('GET', path, { entity_id: t.entityId, entity_type: 'patient' }),
        };
      }
      case 'audit.phi_access.read': {
        const t = this.anyPatient();
        return {
          ...base,
          resourceType: 'patient',
          resourceId: t.id,
          resourceName: t.name,
          metadata: ok('GET', `/v1/${ws}/audit/phi-access`, { entity_id: t.entityId }),
        };
      }
      case 'review.list':
        return {
          ...base,
          resourceType: 'review_queue',
          resourceId: null,
          resourceName: null,
          metadata: ok('GET', `/v1/${ws}/review-queue`, { status: 'pending' }),
        };
      case 'review.history.read':
        return {
          ...base,
          resourceType: 'review_queue',
          resourceId: null,
          resourceName: null,
          metadata: ok('GET', `/v1/${ws}/review-queue/history`),
        };
      case 'audit.read':
      case 'audit.summary.read':
        return {
          ...base,
          resourceType: 'audit_log',
          resourceId: null,
          resourceName: null,
          metadata: ok('GET', `/v1/${ws}/audit${action === 'audit.summary.read' ? '/summary' : ''}`),
        };
      case 'compliance.hipaa_report.read':
      case 'compliance.access_review.read':
        return {
          ...base,
          resourceType: 'compliance_report',
          resourceId: null,
          resourceName: null,
          metadata: ok(
            'GET',
            `/v1/${ws}/compliance/${action === 'compliance.hipaa_report.read' ? 'hipaa' : 'access-review'}`,
          ),
        };
      case 'settings.retention.read':
      case 'settings.retention.update':
        return {
          ...base,
          resourceType: 'retention_policy',
          resourceId: ws,
          resourceName: null,
          metadata: ok(action === 'settings.retention.read' ? 'GET' : 'PUT', `/v1/${ws}/settings/retention`),
        };
      case 'api_key.list':
      case 'api_key.create':
      case 'api_key.rotate':
      case 'api_key.revoke': {
        const keyId = this.ctx.ids.uuid('api-key', rng.int(0, 5));
        const method = action === 'api_key.list' ? 'GET' : action === 'api_key.revoke' ? 'DELETE' : 'POST';
        return {
          ...base,
          resourceType: 'api_key',
          resourceId: action === 'api_key.list' ? null : keyId,
          resourceName: action === 'api_key.list' ? null : 'reporting-api-key',
          metadata: ok(method, `/v1/${ws}/api-keys${action === 'api_key.list' ? '' : `/${keyId}`}`),
        };
      }
      case 'auth.token.refresh':
        return {
          ...base,
          resourceType: 'session',
          resourceId: null,
          resourceName: null,
          metadata: { grant_type: 'refresh_token', status: 200 },
        };
    }
  }

  private sessionEpisode(): void {
    const rng = this.rng;
    const actor = rng.pick(this.persons);
    if (actor.kind !== 'person') return this.serviceEpisode();
    let t = this.when(true);
    if (rng.chance(0.25)) {
      this.push(actor, {
        service: 'identity',
        action: 'auth.login',
        resourceType: 'session',
        resourceId: null,
        resourceName: null,
        phi: false,
        atMs: t,
        metadata: { method: 'oidc', mfa: true },
      });
      t += rng.int(5, 60) * 1000;
    }
    const mix = mixFor(actor);
    const n = rng.int(1, 8);
    for (let i = 0; i < n; i++) {
      this.push(actor, this.humanSpec(rng.weighted(mix), t));
      t += rng.int(10, 300) * 1000;
    }
    const end = rng.weighted<'none' | 'logout' | 'idle'>([
      ['none', 75],
      ['logout', 15],
      ['idle', 10],
    ]);
    if (end !== 'none') {
      this.push(actor, {
        service: 'identity',
        action: end === 'logout' ? 'auth.logout' : 'session.idle_lock',
        resourceType: 'session',
        resourceId: null,
        resourceName: null,
        phi: false,
        atMs: t + (end === 'idle' ? 15 * MINUTE : 5000),
      });
    }
  }

  private serviceEpisode(): void {
    const rng = this.rng;
    const ws = this.ctx.workspace.id;
    const actor = rng.pick(this.ctx.services);
    const t = this.when(false);
    const meta = (method: string, path: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      method,
      path,
      status: 200,
      duration_ms: rng.int(3, 250),
      ...extra,
    });
    switch (actor.label) {
      case 'connector-runner': {
        if (rng.chance(0.15)) {
          const sink = rng.pick(this.ctx.sinks);
          this.push(actor, {
            service: 'world',
            action: 'pipeline.sync',
            resourceType: 'data_source',
            resourceId: sink.data_source_id,
            resourceName: sink.name,
            phi: false,
            atMs: t,
            metadata: meta('POST', `/v1/${ws}/pipeline/sources/${sink.data_source_id}/sync`, {
              event_count: rng.int(0, 400),
            }),
          });
          return;
        }
        const p = this.anyPatient();
        const action = rng.chance(0.6) ? 'entity.write' : 'sync.publish';
        this.push(actor, {
          service: 'world',
          action,
          resourceType: 'patient',
          resourceId: p.id,
          resourceName: p.name,
          phi: true,
          atMs: t,
          metadata: meta('POST', `/v1/${ws}/world/entities/${p.id}/events`, { entity_id: p.entityId }),
        });
        return;
      }
      case 'voice-agent': {
        const c = this.anyCall();
        const action = rng.weighted<string>([
          ['call.create', 3],
          ['entity_event.create', 5],
          ['entity.resolve', 4],
        ]);
        const isCall = action === 'call.create';
        this.push(actor, {
          service: serviceOf(action),
          action,
          resourceType: isCall ? 'call' : 'patient',
          resourceId: isCall ? c.id : c.entityId,
          resourceName: c.name,
          phi: true,
          atMs: t,
          metadata: meta('POST', isCall ? `/v1/${ws}/calls` : `/v1/${ws}/world/entities/resolve`, {
            entity_id: c.entityId,
          }),
        });
        return;
      }
      case 'review-judge': {
        if (rng.chance(0.5)) {
          const c = this.anyCall();
          this.push(actor, {
            service: 'calls',
            action: 'call.transcript.read',
            resourceType: 'call',
            resourceId: c.id,
            resourceName: c.name,
            phi: true,
            atMs: t,
            metadata: meta('GET', `/v1/${ws}/calls/${c.id}`, { entity_id: c.entityId }),
          });
        } else {
          const item = this.anyItem();
          this.push(actor, {
            service: 'review-queue',
            action: 'review.create',
            resourceType: 'review_item',
            resourceId: item.id,
            resourceName: item.name,
            phi: true,
            atMs: t,
            metadata: meta('POST', `/v1/${ws}/review-queue`, { entity_id: item.entityId }),
          });
        }
        return;
      }
      default: {
        const action = rng.pick(['audit.summary.read', 'review.stats.read', 'world.dashboard.read']);
        const path =
          action === 'audit.summary.read'
            ? `/v1/${ws}/audit/summary`
            : action === 'review.stats.read'
              ? `/v1/${ws}/review-queue/stats`
              : `/v1/${ws}/world/dashboard`;
        this.push(actor, {
          service: serviceOf(action),
          action,
          resourceType: action.split('.')[0] ?? 'api',
          resourceId: null,
          resourceName: null,
          phi: false,
          atMs: t,
          metadata: meta('GET', path),
        });
      }
    }
  }

  /** Name search, then the matching patient opened seconds later: a snooping-rule pattern. */
  private searchEpisode(): void {
    const rng = this.rng;
    const ws = this.ctx.workspace.id;
    const actor = rng.pick(this.persons);
    const p = this.anyPatient();
    const t = this.when(actor.kind === 'person');
    // The query is what the person typed: PHI, so it carries the marker like the name it matches.
    const query = p.name.split(' ').slice(-2).join(' ');
    this.push(actor, {
      service: 'world',
      action: 'entity.search',
      resourceType: 'patient',
      resourceId: null,
      resourceName: null,
      phi: true,
      atMs: t,
      metadata: { method: 'GET', path: `/v1/${ws}/world/search`, status: 200, query, result_count: rng.int(1, 3) },
    });
    this.push(actor, {
      service: 'world',
      action: 'entity.read',
      resourceType: 'patient',
      resourceId: p.id,
      resourceName: p.name,
      phi: true,
      atMs: t + rng.int(5, 40) * 1000,
      metadata: {
        method: 'GET',
        path: `/v1/${ws}/world/entities/${p.id}`,
        status: 200,
        entity_id: p.entityId,
        entity_type: 'patient',
      },
    });
  }

  /** One person opening dozens of patients in minutes, often after hours: a volume spike. */
  private burstEpisode(): void {
    const rng = this.rng;
    const ws = this.ctx.workspace.id;
    const actor = rng.pick(this.persons);
    let t = this.when(true, rng.chance(0.5));
    const n = rng.int(25, 70);
    for (let i = 0; i < n; i++) {
      const p = this.patient(rng.int(0, this.ctx.spec.patients - 1));
      this.push(actor, {
        service: 'world',
        action: 'entity.read',
        resourceType: 'patient',
        resourceId: p.id,
        resourceName: p.name,
        phi: true,
        atMs: t,
        metadata: {
          method: 'GET',
          path: `/v1/${ws}/world/entities/${p.id}`,
          status: 200,
          entity_id: p.entityId,
          entity_type: 'patient',
        },
      });
      t += rng.int(3, 20) * 1000;
    }
  }

  private exportEpisode(): void {
    const rng = this.rng;
    const ws = this.ctx.workspace.id;
    const admins = this.persons.filter((a) => a.role === 'admin' || a.role === 'owner');
    const actor = rng.pick(admins.length > 0 ? admins : this.persons);
    const t = this.when(true, rng.chance(0.3));
    if (rng.chance(0.5)) {
      const to = t - rng.int(0, 5) * DAY;
      this.push(actor, {
        service: 'api',
        action: 'audit.export',
        resourceType: 'audit_export',
        resourceId: this.ctx.ids.uuid('export', rng.int(0, 999)),
        resourceName: null,
        phi: false,
        atMs: t,
        metadata: {
          method: 'POST',
          path: `/v1/${ws}/audit/export`,
          status: 200,
          row_count: rng.int(500, 48_000),
          date_from: new Date(to - 30 * DAY).toISOString(),
          date_to: new Date(to).toISOString(),
          phi_only: rng.chance(0.5),
        },
      });
    } else {
      this.push(actor, {
        service: 'world',
        action: 'entity.export',
        resourceType: 'patient',
        resourceId: null,
        resourceName: null,
        phi: true,
        atMs: t,
        metadata: {
          method: 'GET',
          path: `/v1/${ws}/world/entities`,
          status: 200,
          entity_type: 'patient',
          row_count: rng.int(500, 5000),
          format: 'ndjson',
        },
      });
    }
  }

  private failedLoginEpisode(): void {
    const rng = this.rng;
    const actor = rng.pick(this.persons);
    let t = this.when(true, rng.chance(0.4));
    const foreign = rng.chance(0.3) ? `203.0.113.${rng.int(2, 250)}` : undefined;
    const n = rng.int(1, 4);
    for (let i = 0; i < n; i++) {
      this.push(actor, {
        service: 'identity',
        action: 'auth.login_failed',
        resourceType: 'session',
        resourceId: null,
        resourceName: null,
        phi: false,
        atMs: t,
        metadata: { method: 'oidc', reason: rng.pick(['invalid_credentials', 'mfa_timeout', 'account_locked']) },
        ...(foreign ? { ip: foreign } : {}),
      });
      t += rng.int(10, 90) * 1000;
    }
  }
}
