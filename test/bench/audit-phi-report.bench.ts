/**
 * Benchmark (not a test): the patient-centred PHI access report over 1M local audit events.
 *
 *   npx tsx test/bench/audit-phi-report.bench.ts [--events 1000000] [--runs 200] [--fresh]
 *
 * Fills an encrypted workspace database with the generator's audit stream for the large scale
 * (riverbend-clinic, seed 1) through the pull's own applier (applyAuditEvents, pages of 5,000 in
 * one transaction each, as the pull stores them), so the rollup triggers and every index are
 * maintained as in the app. The filled database is kept in the temp folder (with its key beside
 * it: synthetic data) and reused by later runs unless --fresh.
 *
 * Measured over `runs` report calls spread over 50 patients, after warm-up:
 * - report: the whole patient report the route answers (first page of 100 rows with the review
 *   aids, per-person aggregate, totals, patient name, the app's own pending events);
 * - baseline: a raw SQLite COUNT over the same rows (the patient's PHI events).
 * Also, for context, the browser's first page and total, and the audit summary over 30 days.
 * Writes test/bench/results/audit-phi-report.json.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AuditEvent } from '../../shared/amigo';
import { openEncryptedDatabase, type EncryptedDatabase } from '../../electron/server/db/connection';
import { bindWorkspace } from '../../electron/server/db/meta.repo';
import { migrate } from '../../electron/server/db/migrate';
import { sql } from '../../electron/server/db/sql';
import {
  auditEventsPage,
  auditSummary,
  patientReport,
  personReport,
  type ReportContext,
} from '../../electron/server/modules/audit/audit-reports.service';
import { applyAuditEvents } from '../../electron/server/sync/apply/audit-events.apply';
import type { DatasetSink } from '../regional-backend/dataset';
import { DEMO_WORKSPACES } from '../regional-backend/directory';
import { DEFAULT_NOW, generateWorkspace } from '../regional-backend/generator';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const EVENTS = arg('events', 1_000_000);
const RUNS = arg('runs', 200);
const FRESH = process.argv.includes('--fresh');
const WARMUP = 10;
const PAGE = 5000;
const PATIENTS = 50;

const workspace = DEMO_WORKSPACES.find((w) => w.slug === 'riverbend-clinic');
if (!workspace) throw new Error('no riverbend workspace');

const dir = path.join(os.tmpdir(), 'attest-bench');
const file = path.join(dir, `audit-phi-report-${EVENTS}.db`);
const keyFile = `${file}.key`;

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  return { median_ms: round(at(0.5)), p95_ms: round(at(0.95)), min_ms: round(sorted[0] ?? 0), n: sorted.length };
};

const open = (key: Buffer): EncryptedDatabase =>
  openEncryptedDatabase({ file, key: Buffer.from(key), integrityCheck: 'quick' });

const fill = (): { db: EncryptedDatabase; loadMs: number | null } => {
  fs.mkdirSync(dir, { recursive: true });
  if (!FRESH && fs.existsSync(file) && fs.existsSync(keyFile)) {
    const db = open(fs.readFileSync(keyFile));
    migrate(db.write);
    const stored = db.read.value<number>(sql`SELECT count(*) FROM audit_events`) ?? 0;
    if (stored >= EVENTS) return { db, loadMs: null };
    db.close();
  }
  for (const suffix of ['', '-wal', '-shm', '-open', '.key']) fs.rmSync(file + suffix, { force: true });
  const key = randomBytes(32);
  fs.writeFileSync(keyFile, key, { mode: 0o600 });
  const db = open(key);
  migrate(db.write);
  bindWorkspace(db.write, { region: workspace.region, workspaceId: workspace.id }, new Date().toISOString());
  const started = performance.now();
  let page: AuditEvent[] = [];
  let stored = 0;
  const flush = (): void => {
    const events = page;
    page = [];
    db.write.transaction(() =>
      applyAuditEvents(
        db.write,
        events.map((value) => ({ value, raw: value })),
        DEFAULT_NOW,
      ),
    );
    stored += events.length;
    if (stored % 100_000 < PAGE)
      console.error(`  stored ${stored} audit events (${Math.round((performance.now() - started) / 1000)} s)`);
  };
  const skip = (): void => undefined;
  const sink: DatasetSink = {
    workspaces: skip,
    retention: skip,
    sinks: skip,
    entities: skip,
    entity_events: skip,
    enrichment: skip,
    merges: skip,
    calls: skip,
    sync_events: skip,
    review_items: skip,
    audit_events: (event) => {
      if (stored + page.length >= EVENTS) return;
      page.push(event);
      if (page.length >= PAGE) flush();
    },
  };
  generateWorkspace({ seed: 1, scale: EVENTS > 100_000 ? 'large' : 'medium', workspace }, sink);
  if (page.length > 0) flush();
  return { db, loadMs: Math.round(performance.now() - started) };
};

console.error(`audit-phi-report: preparing ${EVENTS} audit events in ${file}`);
const { db, loadMs } = fill();
const read = db.read;
const total = read.value<number>(sql`SELECT count(*) FROM audit_events`) ?? 0;
const ctx: ReportContext = { read, userSub: 'c3a2e5d4-9f6b-4c8a-8dbe-2f3a4b5c6d73' };

// Patients spread over the log: the subject of patient reads found at evenly spaced rowids.
const maxRowid = read.value<number>(sql`SELECT max(rowid) FROM audit_events`) ?? 0;
const patients: string[] = [];
for (let i = 1; patients.length < PATIENTS && i < PATIENTS * 50; i++) {
  const at = Math.floor((maxRowid * i) / (PATIENTS * 50));
  const id = read.value<string>(
    sql`SELECT subject_entity_id FROM audit_events WHERE rowid >= ${at} AND resource_type = 'patient'
      AND phi_accessed = 1 AND subject_entity_id IS NOT NULL LIMIT 1`,
  );
  if (id !== undefined && !patients.includes(id)) patients.push(id);
}
if (patients.length === 0) throw new Error('no patient found in the audit log');

const time = (fn: () => unknown): number => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};
const report = (entityId: string) =>
  patientReport(ctx, { entityId, range: { from: null, to: null }, limit: 100, timeZone: 'UTC' });
const count = (entityId: string) =>
  read.value<number>(sql`SELECT count(*) FROM audit_events WHERE subject_entity_id = ${entityId} AND phi_accessed = 1`);

for (let i = 0; i < WARMUP; i++) {
  const p = patients[i % patients.length] ?? '';
  report(p);
  count(p);
}
const reportMs: number[] = [];
const baselineMs: number[] = [];
let rowsPerReport = 0;
for (let i = 0; i < RUNS; i++) {
  const p = patients[i % patients.length] ?? '';
  // Alternate the order so neither side always runs on a warmer cache.
  if (i % 2 === 0) {
    reportMs.push(time(() => (rowsPerReport += report(p).totals.accesses)));
    baselineMs.push(time(() => count(p)));
  } else {
    baselineMs.push(time(() => count(p)));
    reportMs.push(time(() => (rowsPerReport += report(p).totals.accesses)));
  }
}
const browserMs: number[] = [];
const summaryMs: number[] = [];
const sortedMs: Record<string, number[]> = { userAgent: [], phi: [], resourceName: [] };
const filteredMs: number[] = [];
const personMs: number[] = [];
const busiest =
  read.value<string>(
    sql`SELECT actor FROM audit_rollup WHERE actor <> '' AND phi = 1 GROUP BY actor ORDER BY sum(n) DESC LIMIT 1`,
  ) ?? '';
const filters = {
  from: null,
  to: null,
  service: null,
  action: null,
  actorId: null,
  resourceType: null,
  resourceId: null,
  phiOnly: false,
};
const to = new Date(DEFAULT_NOW).toISOString();
const from = new Date(Date.parse(DEFAULT_NOW) - 30 * 86_400_000).toISOString();
for (let i = 0; i < 20; i++) {
  browserMs.push(time(() => auditEventsPage(ctx, { filters, sort: 'timestamp', dir: 'desc', limit: 100 })));
  summaryMs.push(time(() => auditSummary(ctx, { range: { from, to }, timeZone: 'America/New_York' })));
  for (const sort of ['userAgent', 'phi', 'resourceName'] as const) {
    sortedMs[sort]?.push(time(() => auditEventsPage(ctx, { filters, sort, dir: 'asc', limit: 100 })));
  }
  filteredMs.push(
    time(() =>
      auditEventsPage(ctx, {
        filters: { ...filters, resourceType: 'patient', phiOnly: true, from, to },
        sort: 'timestamp',
        dir: 'desc',
        limit: 100,
      }),
    ),
  );
  if (i < 5)
    personMs.push(
      time(() => personReport(ctx, { actorId: busiest, range: { from, to }, limit: 100, timeZone: 'UTC' })),
    );
}
const fullCountMs = time(() => read.value<number>(sql`SELECT count(*) FROM audit_events`));

const r = stats(reportMs);
const b = stats(baselineMs);
const result = {
  name: 'audit-phi-report',
  description:
    'Patient-centred PHI access report (first page of 100 rows with review aids, per-person aggregate, totals) over a local encrypted copy of the audit log, vs a raw SQLite COUNT over the same rows.',
  events: total,
  patients: patients.length,
  mean_accesses_per_patient: Math.round((rowsPerReport / RUNS) * 10) / 10,
  ...r,
  baseline: { what: 'SELECT count(*) FROM audit_events WHERE subject_entity_id = ? AND phi_accessed = 1', ...b },
  ratio_to_baseline: b.median_ms > 0 ? Math.round((r.median_ms / b.median_ms) * 100) / 100 : null,
  context: {
    browser_first_page_with_total: {
      what: 'GET /api/audit/events (newest first, 100 rows, exact total)',
      ...stats(browserMs),
    },
    summary_30_days: {
      what: 'audit summary over 30 days with per-day, per-service and per-actor series',
      ...stats(summaryMs),
    },
    browser_sorted_first_page: Object.fromEntries(
      Object.entries(sortedMs).map(([sort, samples]) => [
        sort,
        { what: `first page sorted by ${sort}, with total`, ...stats(samples) },
      ]),
    ),
    browser_filtered_first_page: {
      what: 'resource type patient, PHI only, 30 days: first page with total',
      ...stats(filteredMs),
    },
    person_report_busiest_actor_30_days: {
      what: 'person-centred report of the busiest actor over 30 days',
      ...stats(personMs),
    },
    full_table_count_ms: Math.round(fullCountMs * 1000) / 1000,
  },
  load_ms: loadMs,
  warmup_runs: WARMUP,
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  cpus: os.cpus().length,
  at: new Date().toISOString(),
};
db.close();
const out = path.join(import.meta.dirname, 'results', 'audit-phi-report.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
