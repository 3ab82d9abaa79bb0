/**
 * The audit and PHI access reports end to end on the server side: a simulator seeded with a
 * fully known audit log (test/support/audit-dataset.ts), the real workspace server signed in
 * through the identity provider as an admin, the real pull, then every report's rows and totals,
 * every filter and sort, every export's content and hash, the app's own access events before
 * and after delivery, the compliance views, and 403 for a member and a viewer on every route.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent, type AuditEvent } from '../../../../shared/amigo';
import { routes, type RouteName } from '../../../../shared/contract';
import type { auditContract } from '../../../../shared/contract/audit.routes';
import type { AuditSortColumn, ExportStartInput } from '../../../../shared/contract/audit.views';
import { startWorkspaceServer, type RunningWorkspaceServer } from '../../../../electron/server/index';
import { MemorySecretStore } from '../../../../electron/server/secrets/memory-secret-store';
import { createApiClient, type ApiClient } from '../../../../renderer/api/client';
import { createRegionalBackend, type RegionalBackend } from '../../../regional-backend/server';
import { approveInBrowser, deliver } from '../../auth/session-test-kit';
import {
  AUDIT_WORKSPACE_ID,
  buildAuditEvents,
  PATIENTS,
  PATIENT_NAMES,
  PEOPLE,
  REVIEW_ITEM_OF_A,
  RETENTION,
  writeAuditDataset,
} from '../../../support/audit-dataset';
import { pdfText } from '../../../support/pdf-inspect';
import { tempDir, type TempDir } from '../../server-test-kit';

const EVENTS = buildAuditEvents();
const byNewest = (a: AuditEvent, b: AuditEvent): number =>
  a.timestamp === b.timestamp ? (a.id < b.id ? 1 : -1) : a.timestamp < b.timestamp ? 1 : -1;
const subjectOf = (e: AuditEvent): string | null => {
  const fromMeta = e.metadata?.['entity_id'];
  return typeof fromMeta === 'string' ? fromMeta : (e.resource_id ?? null);
};

let tmp: TempDir;
let backend: RegionalBackend;
let server: RunningWorkspaceServer;
let secret = randomUUID().replaceAll('-', '');
const api = (): ApiClient => createApiClient({ baseUrl: server.url, secret }, { timeoutMs: 60_000 });

const raw = async (method: 'GET' | 'POST', route: string, body?: unknown) => {
  const response = await fetch(`${server.url}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${secret}`,
      ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
    },
    ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
  });
  return { status: response.status, json: (await response.json()) as { error?: { code?: string } } };
};

const signIn = async (login: string): Promise<void> => {
  const { authorizationUrl } = await api().call('signInStart', { body: {} });
  await deliver(await approveInBrowser(backend.issuer, authorizationUrl, login));
  expect((await api().call('session')).status).toBe('signed-in');
};

const waitFor = async <T>(what: string, probe: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** Runs an export to the end: the file as text, and what the last piece said. */
const runExport = async (input: ExportStartInput) => {
  const started = await api().call('auditExportStart', { body: input });
  let text = '';
  for (;;) {
    const piece = await api().call('auditExportNext', { params: { id: started.exportId }, body: {} });
    text += piece.chunk;
    if (piece.done) return { started, text, last: piece };
  }
};

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

beforeAll(async () => {
  tmp = tempDir('attest-audit-');
  backend = await createRegionalBackend({
    region: 'us-east-1',
    dataDir: tmp.file('backend'),
    dataset: writeAuditDataset(tmp.file('audit-dataset.json')),
    // Reads are audited, so a delivered local access event comes back in the audit log.
    api: { auditReads: true },
  });
  server = await startWorkspaceServer(
    {
      secret,
      dataDir: tmp.file('app'),
      backendUrl: backend.url,
      issuer: backend.issuer,
      pollIntervalSeconds: 3600,
      onSecretRotated: (next) => {
        secret = next;
      },
    },
    { secrets: new MemorySecretStore() },
  );
  await signIn('compliance');
  await waitFor('the audit pull', async () => {
    const page = await api().call('auditEvents', { query: { limit: 1 } });
    return page.total === EVENTS.length && page.asOf !== null ? page : null;
  });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await backend?.close();
  tmp.remove();
});

describe('audit browser', () => {
  const all = async (query: Record<string, string>): Promise<string[]> => {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await api().call('auditEvents', { query: { ...query, limit: 7, ...(cursor ? { cursor } : {}) } });
      ids.push(...page.rows.map((r) => r.id));
      if (page.nextCursor === null) return ids;
      cursor = page.nextCursor;
    }
    throw new Error('too many pages');
  };

  it('lists every event newest first with its columns and a freshness stamp', async () => {
    const page = await api().call('auditEvents', { query: { limit: 500 } });
    expect(page.total).toBe(EVENTS.length);
    expect(page.rows.map((r) => r.id)).toEqual([...EVENTS].sort(byNewest).map((e) => e.id));
    const call = page.rows.find((r) => r.action === 'call.transcript.read');
    expect(call).toMatchObject({
      service: 'calls',
      resourceType: 'call',
      subjectId: PATIENTS.A,
      ipAddress: '10.20.0.6',
      phi: true,
    });
  });

  it('answers every filter of the API, alone and combined, with exact totals', async () => {
    const cases: [Record<string, string>, (e: AuditEvent) => boolean][] = [
      [{ service: 'audit' }, (e) => e.service === 'audit'],
      [{ action: 'call.transcript.read' }, (e) => e.action === 'call.transcript.read'],
      [{ actorId: PEOPLE.avery }, (e) => e.actor_entity_id === PEOPLE.avery],
      [{ resourceType: 'data_source' }, (e) => e.resource_type === 'data_source'],
      [{ resourceId: PATIENTS.D }, (e) => e.resource_id === PATIENTS.D],
      [{ phiOnly: 'true' }, (e) => e.phi_accessed],
      [{ phiOnly: 'false' }, () => true],
      // Mid-hour bounds: whole hours come from the rollup, the ends from the events.
      [
        { from: '2026-10-05T09:30:00.000Z', to: '2026-10-08T10:31:00.000Z' },
        (e) => e.timestamp >= '2026-10-05T09:30:00.000Z' && e.timestamp <= '2026-10-08T10:31:00.000Z',
      ],
      [
        { actorId: PEOPLE.rita, phiOnly: 'true', service: 'world', from: '2026-10-08T10:10:00.000Z' },
        (e) =>
          e.actor_entity_id === PEOPLE.rita &&
          e.phi_accessed &&
          e.service === 'world' &&
          e.timestamp >= '2026-10-08T10:10:00.000Z',
      ],
    ];
    for (const [query, keep] of cases) {
      const expected = EVENTS.filter(keep)
        .sort(byNewest)
        .map((e) => e.id);
      const page = await api().call('auditEvents', { query: { ...query, limit: 500 } });
      expect(page.total, JSON.stringify(query)).toBe(expected.length);
      expect(await all(query), JSON.stringify(query)).toEqual(expected);
    }
  });

  it('sorts by every column both ways, paging through NULLs and PHI segments without gaps', async () => {
    const columns: [AuditSortColumn, (e: AuditEvent) => string | number | null][] = [
      ['timestamp', (e) => e.timestamp],
      ['service', (e) => e.service],
      ['action', (e) => e.action],
      ['actor', (e) => e.actor_entity_id ?? null],
      ['resourceType', (e) => e.resource_type],
      ['resourceId', (e) => e.resource_id ?? null],
      ['resourceName', (e) => e.resource_name ?? null],
      ['phi', (e) => (e.phi_accessed ? 1 : 0)],
      ['ipAddress', (e) => e.ip_address ?? null],
      ['userAgent', (e) => e.user_agent ?? null],
    ];
    for (const [sort, value] of columns) {
      for (const dir of ['asc', 'desc'] as const) {
        const sign = dir === 'asc' ? 1 : -1;
        const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);
        const expected = [...EVENTS]
          .sort((a, b) => {
            const va = value(a);
            const vb = value(b);
            // SQLite orders NULL first ascending, last descending.
            if (va === null || vb === null) {
              if (va !== vb) return va === null ? -sign : sign;
            } else if (va !== vb) return sign * cmp(va, vb);
            return sign * (cmp(a.timestamp, b.timestamp) || cmp(a.id, b.id));
          })
          .map((e) => e.id);
        expect(await all({ sort, dir }), `${sort} ${dir}`).toEqual(expected);
      }
    }
  });

  it('shows an event in the API shape for the detail drawer, and refuses bad input clearly', async () => {
    const target = EVENTS.find((e) => e.action === 'call.transcript.read');
    if (!target) throw new Error('dataset has no transcript read');
    const detail = await api().call('auditEvent', { params: { id: target.id } });
    expect(detail.event).toEqual(auditEvent.parse(target));
    expect((await raw('GET', `/api/audit/events/${randomUUID()}`)).status).toBe(404);
    const badCursor = await raw('GET', '/api/audit/events?cursor=not-a-cursor');
    expect([badCursor.status, badCursor.json.error?.code]).toEqual([422, 'bad_cursor']);
    const reversed = await raw('GET', '/api/audit/events?from=2026-10-09T00:00:00Z&to=2026-10-01T00:00:00Z');
    expect(reversed.status).toBe(422);
  });

  it('offers the facets for its filters', async () => {
    const facets = await api().call('auditFacets');
    expect(facets.services).toEqual([...new Set(EVENTS.map((e) => e.service))].sort());
    expect(facets.actors.map((a) => a.actorId)).toEqual(Object.values(PEOPLE).sort());
    expect(facets.actors.find((a) => a.actorId === PEOPLE.carmen)?.isYou).toBe(true);
  });
});

describe('PHI access reports', () => {
  const aboutA = EVENTS.filter((e) => e.phi_accessed && subjectOf(e) === PATIENTS.A).sort(byNewest);

  it('patient-centred: who accessed patient A, when and from where, with the review aids', async () => {
    const report = await api().call('auditPatientReport', { query: { entityId: PATIENTS.A, timeZone: 'UTC' } });
    expect(report.patient).toEqual({ entityId: PATIENTS.A, displayName: PATIENT_NAMES.A, entityType: 'patient' });
    expect(report.rows.map((r) => r.id)).toEqual(aboutA.map((e) => e.id));
    expect(report.totals).toEqual({ accesses: aboutA.length, actors: 2, localPending: report.local.length });
    const rita = report.actors.find((a) => a.actorId === PEOPLE.rita);
    expect(rita).toMatchObject({
      count: 11,
      firstAt: '2026-10-01T09:00:00.000Z',
      lastAt: '2026-10-07T14:00:00.000Z',
      flags: [],
    });
    expect([...(rita?.ipAddresses ?? [])].sort()).toEqual(['10.20.0.5', '10.20.0.6']);
    const olu = report.actors.find((a) => a.actorId === PEOPLE.olu);
    expect(olu?.flags.map((f) => f.rule)).toEqual(['outside-queue']);
    const oluRow = report.rows.find((r) => r.actorId === PEOPLE.olu);
    expect(oluRow?.flags.map((f) => f.rule)).toEqual(['outside-queue', 'after-hours']);
    expect(oluRow?.flags[1]?.reason).toBe(
      'Accessed on Tuesday 2026-10-06 at 23:15 (UTC), outside the working hours Mon–Fri 07:00–19:00.',
    );
    expect(report.rows.filter((r) => r.actorId === PEOPLE.rita).every((r) => r.flags.length === 0)).toBe(true);
    // Working hours are the person's: a 24-hour week flags nothing after hours.
    const allDay = await api().call('auditPatientReport', {
      query: { entityId: PATIENTS.A, timeZone: 'UTC', workStart: '00:00', workEnd: '24:00', workDays: '1,2,3,4,5,6,7' },
    });
    expect(allDay.rows.flatMap((r) => r.flags).filter((f) => f.rule === 'after-hours')).toEqual([]);
  });

  it('patient-centred: pages and date ranges', async () => {
    const first = await api().call('auditPatientReport', { query: { entityId: PATIENTS.A, limit: 5 } });
    const second = await api().call('auditPatientReport', {
      query: { entityId: PATIENTS.A, limit: 5, cursor: first.nextCursor ?? '' },
    });
    expect([...first.rows, ...second.rows].map((r) => r.id)).toEqual(aboutA.slice(0, 10).map((e) => e.id));
    const ranged = await api().call('auditPatientReport', {
      query: { entityId: PATIENTS.A, from: '2026-10-06T00:00:00Z', to: '2026-10-06T23:59:59.999Z' },
    });
    expect(ranged.rows.map((r) => r.id)).toEqual(
      aboutA.filter((e) => e.timestamp.startsWith('2026-10-06')).map((e) => e.id),
    );
  });

  it('person-centred: which patients Rita accessed, her daily volume and its burst, in words', async () => {
    const report = await api().call('auditPersonReport', { query: { actorId: PEOPLE.rita, timeZone: 'UTC' } });
    const hers = EVENTS.filter((e) => e.actor_entity_id === PEOPLE.rita && e.phi_accessed).sort(byNewest);
    expect(report.totals).toEqual({
      accesses: hers.length,
      patients: 2,
      afterHours: 0,
      outsideQueuePatients: 1,
      burstDays: 1,
      localPending: report.local.length,
    });
    expect(report.medianDaily).toBe(2);
    expect(report.days).toEqual([
      { day: '2026-10-01', count: 2, burst: null },
      { day: '2026-10-02', count: 2, burst: null },
      { day: '2026-10-05', count: 3, burst: null },
      { day: '2026-10-06', count: 2, burst: null },
      { day: '2026-10-07', count: 2, burst: null },
      {
        day: '2026-10-08',
        count: 24,
        burst: {
          rule: 'burst',
          reason:
            "24 PHI accesses on 2026-10-08: 12 times this person's usual daily volume (median 2 over 6 active days; a burst is more than 3 times).",
        },
      },
    ]);
    expect(report.patients.map((p) => [p.entityId, p.count, p.inQueue])).toEqual([
      [PATIENTS.D, 24, false],
      [PATIENTS.A, 11, true],
    ]);
    expect(report.patients[0]?.flags[0]?.reason).toContain('never had a review item for this patient');
    expect(report.rows.map((r) => r.id)).toEqual(hers.slice(0, 100).map((e) => e.id));
    expect(report.rows[0]?.flags.map((f) => f.rule)).toEqual(['outside-queue', 'burst']);
    const avery = await api().call('auditPersonReport', { query: { actorId: PEOPLE.avery, timeZone: 'UTC' } });
    expect(avery.totals).toMatchObject({ accesses: 1, patients: 1, afterHours: 1, outsideQueuePatients: 1 });
  });

  it('the entity access log: every event about the entity', async () => {
    const log = await api().call('auditEntityLog', { query: { entityId: PATIENTS.A } });
    const expected = EVENTS.filter((e) => subjectOf(e) === PATIENTS.A).sort(byNewest);
    expect(log.rows.map((r) => r.id)).toEqual(expected.map((e) => e.id));
    expect(log.totals).toEqual({ events: expected.length, phi: expected.filter((e) => e.phi_accessed).length });
  });

  it('the audit summary: the API totals and the series, in the chosen time zone', async () => {
    const range = { from: '2026-10-05T09:30:00.000Z', to: '2026-10-08T10:31:00.000Z' };
    const inRange = EVENTS.filter((e) => e.timestamp >= range.from && e.timestamp <= range.to);
    for (const timeZone of ['UTC', 'Australia/Adelaide']) {
      const summary = await api().call('auditSummary', { query: { ...range, timeZone } });
      expect(summary.totals).toEqual({
        totalEvents: inRange.length,
        phiAccessEvents: inRange.filter((e) => e.phi_accessed).length,
        uniqueActors: new Set(inRange.flatMap((e) => (e.actor_entity_id ? [e.actor_entity_id] : []))).size,
        servicesWithEvents: new Set(inRange.map((e) => e.service)).size,
      });
      const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
      const days = new Map<string, { total: number; phi: number }>();
      for (const e of inRange) {
        const day = dayOf.format(Date.parse(e.timestamp));
        const c = days.get(day) ?? { total: 0, phi: 0 };
        c.total += 1;
        c.phi += e.phi_accessed ? 1 : 0;
        days.set(day, c);
      }
      expect(summary.perDay, timeZone).toEqual([...days.entries()].sort().map(([day, c]) => ({ day, ...c })));
      expect(summary.perService.reduce((s, x) => s + x.total, 0)).toBe(inRange.length);
      expect(summary.perActor.find((a) => a.actorId === PEOPLE.rita)?.total).toBe(
        inRange.filter((e) => e.actor_entity_id === PEOPLE.rita).length,
      );
    }
    // The backend's own summary over the same range agrees.
    const token = await backend.issueToken(PEOPLE.carmen, AUDIT_WORKSPACE_ID);
    const remote = (await (
      await fetch(`${backend.url}/v1/${AUDIT_WORKSPACE_ID}/audit/summary?date_from=${range.from}&date_to=${range.to}`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as Record<string, number>;
    const local = await api().call('auditSummary', { query: range });
    expect(local.totals).toEqual({
      totalEvents: remote['total_events'],
      phiAccessEvents: remote['phi_access_events'],
      uniqueActors: remote['unique_actors'],
      servicesWithEvents: remote['services_with_events'],
    });
  });
});

describe('exports', () => {
  it('CSV: one row per access with its flags; the hash is of exactly the bytes handed out', async () => {
    const { text, last, started } = await runExport({
      report: { kind: 'patient', entityId: PATIENTS.A, timeZone: 'UTC' },
      format: 'csv',
    });
    expect(started.mediaType).toBe('text/csv;charset=utf-8');
    expect(started.fileName).toMatch(/^attest-patient-report-\d{8}T\d{4}-[0-9a-f]{8}\.csv$/);
    expect(last.sha256).toBe(sha256(text));
    expect(last.bytes).toBe(Buffer.byteLength(text));
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'timestamp,id,service,action,actor_entity_id,actor_credential_id,resource_type,resource_id,resource_name,phi_accessed,ip_address,user_agent,patient_entity_id,device,record,review_flags',
    );
    const backendLines = lines.slice(1).filter((l) => l.includes('backend audit log'));
    expect(backendLines.map((l) => l.split(',')[1])).toEqual(aboutIds());
    expect(lines.find((l) => l.includes(PEOPLE.olu))).toContain('outside-queue: This person never had a review item');
    expect(last.rowCount).toBe(lines.length - 1);
  });

  it('NDJSON: the backend events exactly in the API shape', async () => {
    const { text, last } = await runExport({ report: { kind: 'events', phiOnly: false }, format: 'ndjson' });
    expect(last.sha256).toBe(sha256(text));
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const backendLines = lines.filter((l) => l['service'] !== 'attest-desktop');
    expect(backendLines).toEqual([...EVENTS].sort(byNewest).map((e) => JSON.parse(JSON.stringify(e)) as unknown));
    for (const line of lines) expect(auditEvent.safeParse(line).success).toBe(true);
  });

  it('PDF: parameters, row count, time zone, freshness and the SHA-256 of the CSV it certifies', async () => {
    const report = { kind: 'person', actorId: PEOPLE.rita, timeZone: 'UTC' } as const;
    const csv = await runExport({ report, format: 'csv' });
    const pdf = await runExport({ report, format: 'pdf', certifies: 'csv' });
    expect(pdf.last.sha256).toBe(sha256(pdf.text));
    const text = pdfText(pdf.text);
    expect(text[0]).toBe('Attest · PHI access report: person-centred');
    expect(text).toContain(`actorId: ${PEOPLE.rita}`);
    expect(text).toContain(`Rows: ${csv.last.rowCount} (${csv.last.rowCount} listed in this PDF)`);
    expect(text.some((t) => t.startsWith('Time zone of the report: UTC'))).toBe(true);
    expect(
      text.some((t) =>
        t.startsWith('Data freshness: the local copy of the audit log was last synced completely at 20'),
      ),
    ).toBe(true);
    expect(text).toContain(csv.last.sha256);
    expect(text.filter((t) => t.includes('entity.read  PHI  by')).length).toBe(34);
  });

  it('the summary exports as CSV', async () => {
    const { text } = await runExport({ report: { kind: 'summary', timeZone: 'UTC' }, format: 'csv' });
    expect(text).toContain(`totals,total_events,${EVENTS.length},\r\n`);
    expect(text).toContain(`totals,phi_access_events,${EVENTS.filter((e) => e.phi_accessed).length},\r\n`);
  });

  it('records every export as an access event of its own, shown until the backend has it', async () => {
    const { started } = await runExport({ report: { kind: 'patient', entityId: PATIENTS.B }, format: 'csv' });
    expect(started.accessEventId).not.toBeNull();
    const report = await api().call('auditPatientReport', { query: { entityId: PATIENTS.B } });
    const mine = report.local.find((l) => l.id === started.accessEventId);
    expect(mine).toMatchObject({
      action: 'export',
      resourceType: 'audit_report',
      resourceId: started.exportId,
      actorId: PEOPLE.carmen,
    });
    expect(mine?.statusText.length).toBeGreaterThan(10);
  });

  it('refuses an unknown export and a bad time zone clearly', async () => {
    expect((await raw('POST', `/api/audit/exports/${randomUUID()}/next`)).status).toBe(404);
    const bad = await raw('POST', '/api/audit/exports', {
      report: { kind: 'summary', timeZone: 'Nowhere/Else' },
      format: 'csv',
    });
    expect(bad.status).toBe(422);
  });

  it('asks the backend for its own export and compares its row count', async () => {
    const answer = await api().call('auditBackendExport', {
      body: { from: '2026-09-01T00:00:00Z', to: '2026-10-31T00:00:00Z', phiOnly: true },
    });
    expect(answer.rowCount).toBe(EVENTS.filter((e) => e.phi_accessed).length);
    expect(answer.localRowCount).toBe(answer.rowCount);
    expect(answer.warning).toBeNull();
    expect(answer.downloadUrl).toContain('/__sim/exports/');
    const list = await api().call('auditBackendExports');
    expect(list.exports.length).toBeGreaterThan(0);
  });
});

const aboutIds = (): string[] =>
  EVENTS.filter((e) => e.phi_accessed && subjectOf(e) === PATIENTS.A)
    .sort(byNewest)
    .map((e) => e.id);

describe("the app's own access events", () => {
  it('shows one as not yet delivered, then as the backend row once delivered and pulled', async () => {
    // Hold the delivery back: the backend refuses the read for now.
    const fault = (await (
      await fetch(`${backend.url}/__sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'drop', path: '/v1/*/review-queue/*', method: 'GET', count: 1000 }),
      })
    ).json()) as { faults: { id: string }[] };
    const recorded = await api().call('recordAccess', {
      body: {
        action: 'review_item.open',
        resourceType: 'review_item',
        resourceId: REVIEW_ITEM_OF_A,
        entityId: PATIENTS.A,
      },
    });
    const pending = await api().call('auditPatientReport', { query: { entityId: PATIENTS.A } });
    expect(pending.local.find((l) => l.id === recorded.id)).toMatchObject({
      status: 'not-delivered',
      statusText: 'Recorded on this device, not yet delivered.',
      actorId: PEOPLE.carmen,
    });
    await fetch(`${backend.url}/__sim/faults/${fault.faults[0]?.id ?? ''}`, { method: 'DELETE' });
    await waitFor(
      'the delivery, the pull and the match',
      async () => {
        await api().call('syncNow', { body: {} });
        const report = await api().call('auditPatientReport', { query: { entityId: PATIENTS.A } });
        const row = report.rows.find((r) => r.attestEventId === recorded.id);
        return row !== undefined && !report.local.some((l) => l.id === recorded.id) ? row : null;
      },
      60_000,
    ).then((row) => {
      expect(row).toMatchObject({ action: 'review.read', resourceId: REVIEW_ITEM_OF_A, actorId: PEOPLE.carmen });
      expect(row.userAgent).toContain(`access-event ${recorded.id}`);
      expect(row.device).toMatch(/^Attest on device /);
    });
  });
});

describe('compliance views', () => {
  it('HIPAA report for a chosen period, the dashboard and the retention policy with its legal hold', async () => {
    const hipaa = await api().call('complianceHipaa', { query: { periodDays: 30 } });
    expect(hipaa).toMatchObject({ source: 'online', problem: null, report: { report_period_days: 30 } });
    expect(hipaa.cachedPeriods).toContain(30);
    const dashboard = await api().call('complianceDashboard');
    expect(dashboard.dashboard?.legal_hold).toBe(true);
    const retention = await api().call('complianceRetention');
    expect(retention.policy).toMatchObject({
      legal_hold: true,
      legal_hold_reason: RETENTION.legal_hold_reason,
      audit_log_days: 2555,
    });
  });

  it('offline: the cached copy with the time it was fetched, and why it is not fresh', async () => {
    await fetch(`${backend.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'status', status: 403, path: '/v1/*/compliance/**', count: 10 }),
    });
    const cached = await api().call('complianceHipaa', { query: { periodDays: 30 } });
    expect(cached).toMatchObject({ source: 'cache', report: { report_period_days: 30 } });
    expect(cached.fetchedAt).not.toBeNull();
    expect(cached.problem).toContain('role');
    const never = await api().call('complianceHipaa', { query: { periodDays: 7 } });
    expect(never).toMatchObject({ source: 'none', report: null });
    await fetch(`${backend.url}/__sim/faults`, { method: 'DELETE' });
  });
});

describe('roles', () => {
  const samples: Record<keyof typeof auditContract, { path: string; body?: unknown }> = {
    auditEvents: { path: '/api/audit/events' },
    auditEvent: { path: `/api/audit/events/${EVENTS[0]?.id ?? ''}` },
    auditFacets: { path: '/api/audit/facets' },
    auditPatientLookup: { path: '/api/audit/patients?q=Ada' },
    auditPatientReport: { path: `/api/audit/reports/patient?entityId=${PATIENTS.A}` },
    auditPersonReport: { path: `/api/audit/reports/person?actorId=${PEOPLE.rita}` },
    auditEntityLog: { path: `/api/audit/reports/entity?entityId=${PATIENTS.A}` },
    auditSummary: { path: '/api/audit/summary' },
    auditExportStart: { path: '/api/audit/exports', body: { report: { kind: 'summary' }, format: 'csv' } },
    auditExportNext: { path: `/api/audit/exports/${randomUUID()}/next`, body: {} },
    auditExportCancel: { path: `/api/audit/exports/${randomUUID()}/cancel`, body: {} },
    auditBackendExport: {
      path: '/api/audit/backend-exports',
      body: { from: '2026-10-01T00:00:00Z', to: '2026-10-02T00:00:00Z' },
    },
    auditBackendExports: { path: '/api/audit/backend-exports' },
    complianceHipaa: { path: '/api/compliance/hipaa' },
    complianceDashboard: { path: '/api/compliance/dashboard' },
    complianceRetention: { path: '/api/compliance/retention' },
  };

  it.each(['reviewer', 'auditor'])('a %s can call none of the audit routes (403)', async (login) => {
    await api().call('signOut', { body: {} });
    await signIn(login);
    for (const [name, sample] of Object.entries(samples)) {
      const method = routes[name as RouteName].method === 'GET' ? 'GET' : 'POST';
      const answer = await raw(method, sample.path, sample.body);
      expect([name, answer.status, answer.json.error?.code]).toEqual([name, 403, 'forbidden_role']);
    }
  });
});
