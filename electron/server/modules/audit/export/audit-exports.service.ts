/**
 * Exports of the audit reports (CSV, NDJSON, PDF), produced by the workspace server and handed
 * to the renderer piece by piece: a report of a million rows streams from an index range scan
 * through the serializer to the renderer (which assembles a Blob and offers it as a download,
 * because the desktop shell blocks browser downloads), and never sits whole in memory or on
 * disk in clear. The SHA-256 is computed over exactly the bytes handed out.
 *
 * A PDF certifies the CSV (or NDJSON) of the same rows: one pass writes the row listing and
 * hashes the CSV serialization of each row as it goes; the cover page (parameters, row count,
 * time zone, data freshness, the hash) is written last and listed first.
 *
 * Every export is recorded as an access event in the app's hash-chained access log when it
 * starts (the data starts leaving then), and delivered to the backend like any other.
 */
import { createHash, randomUUID, type Hash } from 'node:crypto';
import type {
  ExportChunkView,
  ExportFormat,
  ExportReport,
  ExportStartInput,
  ReviewFlag,
} from '../../../../../shared/contract/audit.views';
import type { ReadDb, WriteDb } from '../../../db/db-types';
import { requireBoundWorkspace } from '../../../db/meta.repo';
import { sql, sqlIn, type SqlFragment } from '../../../db/sql';
import { ApiFailure } from '../../../http/api-failure';
import { appendAccessEvent } from '../../access/access-log.repo';
import { browseAuditEvents } from '../audit-browser.repo';
import { auditAsOf, timeRange, type AuditRow, type EventFilters, type TimeRange } from '../audit-rows';
import { auditSummary, clockFor, tallyPerson, type ReportContext } from '../audit-reports.service';
import { pendingLocalAccess } from '../local-access.repo';
import type { LocalClock } from '../local-clock';
import {
  entitiesReviewedBy,
  entityWhere,
  patientWhere,
  personWhere,
  reviewersOfEntity,
  rowsPage,
} from '../phi-reports.repo';
import {
  afterHoursFlag,
  analyseBursts,
  DEFAULT_BURST_FACTOR,
  outsideQueueFlag,
  workingHoursFrom,
} from '../review-aids';
import { PdfWriter, type PdfLine } from './pdf-writer';
import { CSV_HEADER, csvLine, rowToCsv, rowToNdjson, rowToText, type ExportRow } from './report-format';

/** Characters handed out per call: small enough for the local API's response cap. */
export const CHUNK_CHARS = 512 * 1024;
const BATCH = 1000;
/** How long one `next` call may work before answering what it has. */
const CALL_BUDGET_MS = 300;
/** Rows listed in a PDF; the cover says how many more the certified CSV/NDJSON holds. */
export const PDF_MAX_ROWS = 5000;
const IDLE_MS = 10 * 60_000;
const MAX_JOBS = 8;
/** All the local events an export includes (they are few: the app's own recent accesses). */
const LOCAL_LIMIT = 10_000;

const MEDIA_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv;charset=utf-8',
  ndjson: 'application/x-ndjson;charset=utf-8',
  pdf: 'application/pdf',
};

export interface ExportOwner {
  /** The open workspace's store: a job answers only to the session that started it. */
  token: object;
  read: ReadDb;
  write: WriteDb;
  user: { sub: string; name: string | null };
  online: boolean;
  /** Asks the push to deliver the new access event soon. */
  kickDelivery(): void;
}

interface Job {
  id: string;
  owner: object;
  format: ExportFormat;
  pieces: AsyncGenerator<string, void, void>;
  hash: Hash;
  bytes: number;
  rowCount: { n: number };
  done: boolean;
  sha256: string | null;
  touchedAt: number;
}

const REPORT_TITLES: Record<ExportReport['kind'], string> = {
  events: 'Audit events',
  patient: 'PHI access report: patient-centred',
  person: 'PHI access report: person-centred',
  entity: 'Entity access log',
  summary: 'Audit summary',
};

/** The report's parameters as "name: value" lines (the PDF cover and the access event). */
export const describeParameters = (report: ExportReport): string[] =>
  Object.entries(report)
    .filter(([key, value]) => key !== 'kind' && value !== undefined)
    .map(([key, value]) => `${key}: ${String(value)}`);

const eventFilters = (r: Extract<ExportReport, { kind: 'events' }>): EventFilters => ({
  ...timeRange(r),
  service: r.service ?? null,
  action: r.action ?? null,
  actorId: r.actorId ?? null,
  resourceType: r.resourceType ?? null,
  resourceId: r.resourceId ?? null,
  phiOnly: r.phiOnly ?? false,
});

const rawJsonOf = (read: ReadDb, ids: readonly string[]): Map<string, string> =>
  new Map(
    read
      .all<{ id: string; raw_json: string }>(sql`SELECT id, raw_json FROM audit_events WHERE id IN ${sqlIn(ids)}`)
      .map((r) => [r.id, r.raw_json]),
  );

type Flagger = (row: AuditRow) => ReviewFlag[];

/** Rows of a report, batch by batch, newest first (the browser: in its own sort). */
async function* reportRows(
  ctx: ReportContext,
  report: Exclude<ExportReport, { kind: 'summary' }>,
  clock: LocalClock,
): AsyncGenerator<ExportRow[], void, void> {
  const { read } = ctx;
  const withRaw = (rows: AuditRow[], flagger: Flagger): ExportRow[] => {
    const raw = rawJsonOf(
      read,
      rows.map((r) => r.id),
    );
    return rows.map((row) => ({ kind: 'backend', row, raw: raw.get(row.id) ?? '{}', flags: flagger(row) }));
  };
  let local: ExportRow[] = [];
  if (report.kind === 'events') {
    const filters = eventFilters(report);
    let cursor: string | undefined;
    do {
      const page = browseAuditEvents(read, {
        filters,
        sort: report.sort ?? 'timestamp',
        dir: report.dir ?? 'desc',
        limit: BATCH,
        cursor,
      });
      yield withRaw(page.rows, () => []);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    local = pendingLocalAccess(read, { range: filters, limit: LOCAL_LIMIT }).map((l) => ({ kind: 'local', local: l }));
  } else {
    const range: TimeRange = timeRange(report);
    let where: SqlFragment[];
    let flagger: Flagger = () => [];
    if (report.kind === 'patient') {
      const hours = workingHoursFrom(report);
      const reviewers = reviewersOfEntity(read, report.entityId);
      where = patientWhere(report.entityId, range);
      flagger = (row) =>
        [
          row.actor_entity_id === null
            ? null
            : outsideQueueFlag(reviewers.people.has(row.actor_entity_id), reviewers.items),
          afterHoursFlag(Date.parse(row.timestamp), hours, clock),
        ].filter((f): f is ReviewFlag => f !== null);
      local = pendingLocalAccess(read, { entityId: report.entityId, range, limit: LOCAL_LIMIT }).map((l) => ({
        kind: 'local',
        local: l,
      }));
    } else if (report.kind === 'person') {
      const hours = workingHoursFrom(report);
      const reviewed = entitiesReviewedBy(read, report.actorId);
      const tally = tallyPerson(read, { actorId: report.actorId, range }, clock, hours);
      const bursts = analyseBursts(tally.daily, report.burstFactor ?? DEFAULT_BURST_FACTOR).bursts;
      where = personWhere(report.actorId, range);
      flagger = (row) =>
        [
          row.subject_entity_id === null || reviewed.has(row.subject_entity_id) ? null : outsideQueueFlag(false, 0),
          afterHoursFlag(Date.parse(row.timestamp), hours, clock),
          bursts.get(clock.parts(Date.parse(row.timestamp)).day) ?? null,
        ].filter((f): f is ReviewFlag => f !== null);
      local = pendingLocalAccess(read, { actorId: report.actorId, range, limit: LOCAL_LIMIT }).map((l) => ({
        kind: 'local',
        local: l,
      }));
    } else {
      where = entityWhere(report.entityId, range);
      local = pendingLocalAccess(read, { entityId: report.entityId, range, limit: LOCAL_LIMIT }).map((l) => ({
        kind: 'local',
        local: l,
      }));
    }
    let last: AuditRow | undefined;
    for (;;) {
      const cursor = last === undefined ? null : { scope: '', segment: 0, values: [last.timestamp, last.id] };
      const rows = rowsPage(read, where, cursor, BATCH);
      if (rows.length > 0) yield withRaw(rows, flagger);
      if (rows.length < BATCH) break;
      last = rows.at(-1);
    }
  }
  if (local.length > 0) yield local;
}

/** The summary as flat rows: totals, then each series. */
const summaryLines = (ctx: ReportContext, report: Extract<ExportReport, { kind: 'summary' }>) => {
  const view = auditSummary(ctx, { range: timeRange(report), timeZone: report.timeZone });
  const rows: { section: string; key: string; total: number; phi: number | null }[] = [
    { section: 'totals', key: 'total_events', total: view.totals.totalEvents, phi: null },
    { section: 'totals', key: 'phi_access_events', total: view.totals.phiAccessEvents, phi: null },
    { section: 'totals', key: 'unique_actors', total: view.totals.uniqueActors, phi: null },
    { section: 'totals', key: 'services_with_events', total: view.totals.servicesWithEvents, phi: null },
    ...view.perDay.map((d) => ({ section: 'day', key: d.day, total: d.total, phi: d.phi })),
    ...view.perService.map((s) => ({ section: 'service', key: s.service, total: s.total, phi: s.phi })),
    ...view.perActor.map((a) => ({ section: 'actor', key: a.actorId ?? '(none)', total: a.total, phi: a.phi })),
    ...(view.otherActors === null
      ? []
      : [
          {
            section: 'actor',
            key: `(${view.otherActors.actors} others)`,
            total: view.otherActors.total,
            phi: view.otherActors.phi,
          },
        ]),
  ];
  return { view, rows };
};

export class AuditExports {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  start(
    owner: ExportOwner,
    input: ExportStartInput,
  ): { exportId: string; fileName: string; mediaType: string; accessEventId: string | null } {
    this.sweep();
    if (this.jobs.size >= MAX_JOBS) {
      throw new ApiFailure(
        429,
        'too_many_exports',
        'Several exports are already running. Wait for one to finish, then try again.',
      );
    }
    const { report, format } = input;
    // Parameters are checked before anything is recorded or produced.
    const clock = clockFor('timeZone' in report ? report.timeZone : undefined);
    timeRange(report);
    const id = randomUUID();
    const at = this.now();
    const workspaceId = requireBoundWorkspace(owner.read);
    const event = appendAccessEvent(owner.write, {
      actorSub: owner.user.sub,
      actorName: owner.user.name,
      action: 'export',
      resourceType: 'audit_report',
      resourceId: id,
      entityId: report.kind === 'patient' || report.kind === 'entity' ? report.entityId : null,
      details: {
        report: report.kind,
        format,
        ...(report.kind === 'person' ? { actor: report.actorId } : {}),
        ...(report.from === undefined ? {} : { from: report.from }),
        ...(report.to === undefined ? {} : { to: report.to }),
      },
      online: owner.online,
      localTime: at.toISOString(),
      tzOffsetMinutes: -at.getTimezoneOffset(),
    });
    owner.kickDelivery();

    const ctx: ReportContext = { read: owner.read, userSub: owner.user.sub };
    const rowCount = { n: 0 };
    const stamp = at.toISOString().replace(/[-:]/g, '').slice(0, 13);
    const fileName = `attest-${report.kind}-report-${stamp}-${id.slice(0, 8)}.${format}`;
    const meta = {
      title: REPORT_TITLES[report.kind],
      parameters: describeParameters(report),
      generatedAt: at.toISOString(),
      timeZone: clock.timeZone,
      asOf: auditAsOf(owner.read),
      by: `${owner.user.name ?? owner.user.sub} (${owner.user.sub})`,
      accessEventId: event.id,
      exportId: id,
      workspaceId,
    };
    const pieces =
      report.kind === 'summary'
        ? summaryPieces(ctx, report, format, input.certifies ?? 'csv', meta, rowCount)
        : rowPieces(ctx, report, format, input.certifies ?? 'csv', meta, rowCount, clock, workspaceId);
    this.jobs.set(id, {
      id,
      owner: owner.token,
      format,
      pieces,
      hash: createHash('sha256'),
      bytes: 0,
      rowCount,
      done: false,
      sha256: null,
      touchedAt: Date.now(),
    });
    return { exportId: id, fileName, mediaType: MEDIA_TYPES[format], accessEventId: event.id };
  }

  private job(id: string, owner: object): Job {
    const job = this.jobs.get(id);
    if (job === undefined || job.owner !== owner) {
      throw new ApiFailure(
        404,
        'export_not_found',
        'This export is not running (it finished, was cancelled or expired). Start it again.',
      );
    }
    job.touchedAt = Date.now();
    return job;
  }

  /** The next piece of the file; the last one carries the SHA-256 of everything handed out. */
  async next(id: string, owner: object): Promise<ExportChunkView> {
    const job = this.job(id, owner);
    let chunk = '';
    // A PDF past its listed rows hashes without writing: the time budget hands back (an empty
    // piece) regularly, so one call never holds the server for the rest of a million rows.
    const deadline = Date.now() + CALL_BUDGET_MS;
    while (!job.done && chunk.length < CHUNK_CHARS && Date.now() < deadline) {
      const piece = await job.pieces.next();
      if (piece.done === true) {
        job.done = true;
        break;
      }
      chunk += piece.value;
    }
    job.hash.update(chunk, 'utf8');
    job.bytes += Buffer.byteLength(chunk, 'utf8');
    if (job.done && job.sha256 === null) {
      job.sha256 = job.hash.digest('hex');
      this.jobs.delete(id);
    }
    return { chunk, done: job.done, rowCount: job.rowCount.n, bytes: job.bytes, sha256: job.sha256 };
  }

  cancel(id: string, owner: object): boolean {
    const job = this.jobs.get(id);
    if (job === undefined || job.owner !== owner) return false;
    void job.pieces.return(undefined);
    this.jobs.delete(id);
    return true;
  }

  /** Jobs nobody asked about for a while are dropped (a closed window, a crashed renderer). */
  private sweep(): void {
    const now = Date.now();
    for (const [id, job] of this.jobs) {
      if (now - job.touchedAt > IDLE_MS) {
        void job.pieces.return(undefined);
        this.jobs.delete(id);
      }
    }
  }
}

interface ExportMeta {
  title: string;
  parameters: string[];
  generatedAt: string;
  timeZone: string;
  asOf: string | null;
  by: string;
  accessEventId: string;
  exportId: string;
  workspaceId: string;
}

const coverLines = (
  meta: ExportMeta,
  facts: { rows: number; certifies: string; sha256: string; bytes: number; listed: number },
): PdfLine[] => [
  { text: `Attest · ${meta.title}`, size: 16, bold: true },
  { text: 'Report parameters', size: 11, bold: true, gap: 14 },
  ...(meta.parameters.length === 0 ? ['(none: the whole local copy)'] : meta.parameters).map((p) => ({
    text: p,
    size: 9,
  })),
  { text: 'Provenance', size: 11, bold: true, gap: 12 },
  { text: `Workspace: ${meta.workspaceId}`, size: 9 },
  { text: `Rows: ${facts.rows} (${facts.listed} listed in this PDF)`, size: 9 },
  { text: `Time zone of the report: ${meta.timeZone}; every time in the listing is UTC (ISO 8601).`, size: 9 },
  {
    text: `Data freshness: the local copy of the audit log was last synced completely at ${meta.asOf ?? 'never (no complete sync yet)'}.`,
    size: 9,
  },
  { text: `Generated at ${meta.generatedAt} by ${meta.by}.`, size: 9 },
  { text: `Export ${meta.exportId}; recorded as access event ${meta.accessEventId}.`, size: 9 },
  {
    text: `SHA-256 of the ${facts.certifies.toUpperCase()} export of these rows (${facts.bytes} bytes, UTF-8):`,
    size: 9,
    gap: 8,
  },
  { text: facts.sha256, size: 10, bold: true },
  {
    text:
      `Export the same report as ${facts.certifies.toUpperCase()} from the same local copy to get a file with this hash. ` +
      'Rows recorded on this device but not yet delivered to the backend are included and marked as such.',
    size: 8,
    gap: 6,
  },
];

async function* rowPieces(
  ctx: ReportContext,
  report: Exclude<ExportReport, { kind: 'summary' }>,
  format: ExportFormat,
  certifies: 'csv' | 'ndjson',
  meta: ExportMeta,
  count: { n: number },
  clock: LocalClock,
  workspaceId: string,
): AsyncGenerator<string, void, void> {
  if (format === 'csv') yield CSV_HEADER;
  const pdf =
    format === 'pdf'
      ? new PdfWriter({ title: meta.title, footer: `Attest · ${meta.title}`, createdAt: new Date(meta.generatedAt) })
      : null;
  const certified = createHash('sha256');
  let certifiedBytes = 0;
  const certify = (text: string): void => {
    certified.update(text, 'utf8');
    certifiedBytes += Buffer.byteLength(text, 'utf8');
  };
  if (pdf !== null && certifies === 'csv') certify(CSV_HEADER);
  for await (const batch of reportRows(ctx, report, clock)) {
    let out = '';
    for (const row of batch) {
      count.n += 1;
      if (pdf === null) {
        out += format === 'csv' ? rowToCsv(row) : rowToNdjson(row, workspaceId);
        continue;
      }
      certify(certifies === 'csv' ? rowToCsv(row) : rowToNdjson(row, workspaceId));
      if (count.n <= PDF_MAX_ROWS) pdf.line({ text: rowToText(row) });
    }
    yield pdf === null ? out : pdf.take();
  }
  if (pdf === null) return;
  if (count.n > PDF_MAX_ROWS) {
    pdf.line({
      text: `… ${count.n - PDF_MAX_ROWS} more rows are not listed here; the ${certifies.toUpperCase()} certified on the first page holds all ${count.n}.`,
      gap: 6,
    });
  }
  if (count.n === 0) pdf.line({ text: 'No rows match these parameters.' });
  pdf.frontPage(
    coverLines(meta, {
      rows: count.n,
      certifies,
      sha256: certified.digest('hex'),
      bytes: certifiedBytes,
      listed: Math.min(count.n, PDF_MAX_ROWS),
    }),
  );
  yield pdf.finish();
}

async function* summaryPieces(
  ctx: ReportContext,
  report: Extract<ExportReport, { kind: 'summary' }>,
  format: ExportFormat,
  certifies: 'csv' | 'ndjson',
  meta: ExportMeta,
  count: { n: number },
): AsyncGenerator<string, void, void> {
  const { view, rows } = summaryLines(ctx, report);
  count.n = rows.length;
  const csv =
    csvLine(['section', 'key', 'total', 'phi_access_events']) +
    rows.map((r) => csvLine([r.section, r.key, r.total, r.phi])).join('');
  const ndjson =
    `${JSON.stringify({
      total_events: view.totals.totalEvents,
      phi_access_events: view.totals.phiAccessEvents,
      unique_actors: view.totals.uniqueActors,
      services_with_events: view.totals.servicesWithEvents,
    })}\n` +
    rows
      .filter((r) => r.section !== 'totals')
      .map(
        (r) =>
          `${JSON.stringify({ series: r.section, key: r.key, total_events: r.total, phi_access_events: r.phi })}\n`,
      )
      .join('');
  if (format === 'csv') {
    yield csv;
    return;
  }
  if (format === 'ndjson') {
    yield ndjson;
    return;
  }
  const certifiedText = certifies === 'csv' ? csv : ndjson;
  const pdf = new PdfWriter({
    title: meta.title,
    footer: `Attest · ${meta.title}`,
    createdAt: new Date(meta.generatedAt),
  });
  for (const r of rows)
    pdf.line({ text: `${r.section}  ${r.key}  total ${r.total}${r.phi === null ? '' : `  PHI ${r.phi}`}` });
  pdf.frontPage(
    coverLines(meta, {
      rows: rows.length,
      certifies,
      sha256: createHash('sha256').update(certifiedText, 'utf8').digest('hex'),
      bytes: Buffer.byteLength(certifiedText, 'utf8'),
      listed: rows.length,
    }),
  );
  yield pdf.finish();
}
