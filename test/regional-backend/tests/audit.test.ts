/** Audit endpoints: offset paging, filters, PHI report, entity access log, summary, NDJSON export. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditEventsList,
  auditExportList,
  auditExportResponse,
  auditSummary,
  complianceDashboard,
  hipaaReport,
  retentionPolicy,
} from '../../../shared/amigo';
import { personByLogin } from '../directory';
import type { TestBackend } from './fixtures';
import { AUDIT_EVENTS, call, obj, PATIENT, startFixtureBackend, uid, WS } from './fixtures';

let t: TestBackend;
let url: string;
let admin: string;
const list = async (query: string) => {
  const r = await call(url, 'GET', `/v1/${WS}/audit${query}`, admin);
  expect(r.status).toBe(200);
  return auditEventsList.parse(r.body);
};

beforeAll(async () => {
  t = await startFixtureBackend();
  url = t.backend.url;
  admin = await t.token('compliance');
});
afterAll(async () => {
  // Optional: beforeAll may have failed before t was set.
  await t?.close();
});

describe('audit list', () => {
  it('pages newest first with limit/offset and has_more', async () => {
    const first = await list('?limit=50');
    expect(first).toMatchObject({ total: AUDIT_EVENTS, limit: 50, offset: 0, has_more: true });
    expect(first.events[0]?.id).toBe(uid('a0', AUDIT_EVENTS - 1));
    const last = await list('?limit=50&offset=100');
    expect(last).toMatchObject({ offset: 100, has_more: false });
    expect(last.events).toHaveLength(20);
    expect(last.events.at(-1)?.id).toBe(uid('a0', 0));
    const ids = new Set(
      [...first.events, ...(await list('?limit=50&offset=50')).events, ...last.events].map((e) => e.id),
    );
    expect(ids.size).toBe(AUDIT_EVENTS);
  });

  it('filters by service, action, actor, resource, PHI and dates', async () => {
    expect((await list('?service=world')).total).toBe(60);
    expect((await list('?action=review.read')).total).toBe(60);
    expect((await list(`?actor_entity_id=${personByLogin('compliance')?.sub ?? ''}`)).total).toBe(30);
    expect((await list(`?resource_id=${PATIENT}&resource_type=entity`)).total).toBe(60);
    expect((await list('?phi_only=true')).total).toBe(40);
    // Events are one a minute from 2026-08-01T16:40Z (minute 1000).
    const window = await list('?date_from=2026-08-01T16:40:00Z&date_to=2026-08-01T16:49:00Z');
    expect(window.total).toBe(10);
    expect((await call(url, 'GET', `/v1/${WS}/audit?actor_entity_id=nope`, admin)).status).toBe(422);
    expect((await call(url, 'GET', `/v1/${WS}/audit?date_from=yesterday`, admin)).status).toBe(422);
  });

  it('phi-access, the entity access log and the summary', async () => {
    const phi = auditEventsList.parse(
      (await call(url, 'GET', `/v1/${WS}/audit/phi-access?entity_id=${PATIENT}&limit=100`, admin)).body,
    );
    expect(phi.total).toBe(20);
    expect(phi.events.every((e) => e.phi_accessed && e.resource_id === PATIENT)).toBe(true);
    const log = auditEventsList.parse(
      (await call(url, 'GET', `/v1/${WS}/audit/entity/${PATIENT}/access-log?limit=5`, admin)).body,
    );
    expect(log).toMatchObject({ total: 60, limit: 5, has_more: true });
    expect((await call(url, 'GET', `/v1/${WS}/audit/entity/${uid('dead', 9)}/access-log`, admin)).status).toBe(404);
    const summary = auditSummary.parse(
      (await call(url, 'GET', `/v1/${WS}/audit/summary?date_to=2026-08-02T00:00:00Z`, admin)).body,
    );
    expect(summary).toEqual({
      total_events: AUDIT_EVENTS,
      phi_access_events: 40,
      unique_actors: 2,
      services_with_events: 2,
    });
  });
});

describe('audit export', () => {
  it('writes NDJSON synchronously and serves it from a signed URL; exports are listed', async () => {
    const r = await call(url, 'POST', `/v1/${WS}/audit/export`, admin, {
      date_from: '2026-08-01T00:00:00Z',
      date_to: '2026-08-02T00:00:00Z',
      phi_only: true,
    });
    expect(r.status).toBe(200);
    const exp = auditExportResponse.parse(r.body);
    expect(exp.row_count).toBe(40);
    expect(exp.s3_key).toMatch(new RegExp(`^audit-exports/${WS}/`));
    const download = await fetch(exp.download_url);
    expect(download.status).toBe(200);
    const lines = (await download.text())
      .trim()
      .split('\n')
      .map((l) => obj(JSON.parse(l)));
    expect(lines).toHaveLength(40);
    expect(lines.every((l) => l['phi_accessed'] === true)).toBe(true);
    const tampered = await fetch(exp.download_url.replace(/signature=[0-9a-f]{4}/, 'signature=0000'));
    expect(tampered.status).toBe(403);

    const exports = auditExportList.parse((await call(url, 'GET', `/v1/${WS}/audit/exports`, admin)).body);
    expect(exports.exports).toHaveLength(1);
    expect(exports.exports[0]).toMatchObject({ key: exp.s3_key, size: expect.any(Number) });
    const dashboard = complianceDashboard.parse((await call(url, 'GET', `/v1/${WS}/compliance/dashboard`, admin)).body);
    expect(dashboard.last_audit_export).not.toBeNull();
    // The export is itself audited.
    expect((await list('?action=audit.export')).total).toBe(1);
  });

  it('requires date_from and date_to', async () => {
    const r = await call(url, 'POST', `/v1/${WS}/audit/export`, admin, { phi_only: true });
    expect(r.status).toBe(422);
  });
});

describe('retention and compliance', () => {
  it('defaults to 2190 days, takes partial updates from admins, rejects out-of-range days', async () => {
    const before = retentionPolicy.parse(
      (await call(url, 'GET', `/v1/${WS}/settings/retention`, await t.token('auditor'))).body,
    );
    expect(before).toMatchObject({ audit_log_days: 2190, legal_hold: false, legal_hold_reason: null });
    const put = await call(url, 'PUT', `/v1/${WS}/settings/retention`, admin, {
      audit_log_days: 2555,
      legal_hold: true,
      legal_hold_reason: 'LH-1',
    });
    expect(retentionPolicy.parse(put.body)).toMatchObject({
      audit_log_days: 2555,
      call_recordings_days: 2190,
      legal_hold: true,
      legal_hold_reason: 'LH-1',
    });
    expect((await call(url, 'PUT', `/v1/${WS}/settings/retention`, admin, { phi_data_days: 30 })).status).toBe(422);
    const reset = retentionPolicy.parse(
      (await call(url, 'PUT', `/v1/${WS}/settings/retention`, admin, { audit_log_days: null })).body,
    );
    expect(reset).toMatchObject({ audit_log_days: 2190, legal_hold: true });
  });

  it('the HIPAA report validates its period', async () => {
    const r = await call(url, 'GET', `/v1/${WS}/compliance/hipaa?report_period_days=30`, admin);
    expect(hipaaReport.parse(r.body)).toMatchObject({ report_period_days: 30, workspace_id: WS });
    expect((await call(url, 'GET', `/v1/${WS}/compliance/hipaa?report_period_days=366`, admin)).status).toBe(422);
  });
});
