/**
 * Assembles the audit views from the local copy: the browser page, the patient-centred and
 * person-centred PHI access reports, the entity access log and the summary, each with the app's
 * own access events that the backend's log does not show yet, and the review aids' findings.
 */
import type {
  AuditEventsPage,
  AuditSortColumn,
  AuditSummaryView,
  EntityLogView,
  PatientReportView,
  PersonReportView,
  ReportRowView,
  ReviewFlag,
} from '../../../../shared/contract/audit.views';
import type { ReadDb } from '../../db/db-types';
import { ApiFailure } from '../../http/api-failure';
import { browseAuditEvents, countAuditEvents } from './audit-browser.repo';
import {
  auditAsOf,
  decodeCursor,
  encodeCursor,
  toRowView,
  type AuditRow,
  type EventFilters,
  type TimeRange,
} from './audit-rows';
import { summaryCounts } from './audit-summary.repo';
import { countPendingLocalAccess, pendingLocalAccess } from './local-access.repo';
import { InvalidTimeZoneError, LocalClock } from './local-clock';
import {
  countWhere,
  entitiesReviewedBy,
  entityInfo,
  entityWhere,
  patientActors,
  patientWhere,
  personAccessMinutes,
  personPatients,
  personWhere,
  reviewersOfEntity,
  reviewItemCount,
  rowsPage,
} from './phi-reports.repo';
import {
  afterHoursFlag,
  analyseBursts,
  DEFAULT_BURST_FACTOR,
  outsideQueueFlag,
  withinWorkingHours,
  workingHoursFrom,
  type WorkingHours,
} from './review-aids';

export const DEFAULT_PAGE = 100;
const LOCAL_LIMIT = 200;
/** The person report lists this many patients (most recent first); exports hold every access. */
const MAX_PATIENTS_LISTED = 1000;
/** Bursts are judged against the person's usual volume over at least this many days. */
const BASELINE_DAYS = 90;
const DAY_MS = 86_400_000;

export interface ReviewAidInput {
  timeZone?: string | undefined;
  workStart?: string | undefined;
  workEnd?: string | undefined;
  workDays?: string | undefined;
  burstFactor?: number | undefined;
}

export const clockFor = (timeZone: string | undefined): LocalClock => {
  try {
    return new LocalClock(timeZone ?? 'UTC');
  } catch (error) {
    if (error instanceof InvalidTimeZoneError) throw new ApiFailure(422, 'validation', error.message);
    throw error;
  }
};

export interface ReportContext {
  read: ReadDb;
  /** The signed-in person: "you" in the reports. */
  userSub: string;
}

// ------------------------------------------------------------------------------ browser

export const auditEventsPage = (
  ctx: ReportContext,
  input: {
    filters: EventFilters;
    sort: AuditSortColumn;
    dir: 'asc' | 'desc';
    limit: number;
    cursor?: string | undefined;
  },
): AuditEventsPage => {
  const page = browseAuditEvents(ctx.read, input);
  return {
    rows: page.rows.map(toRowView),
    total: countAuditEvents(ctx.read, input.filters),
    nextCursor: page.nextCursor,
    asOf: auditAsOf(ctx.read),
    localPending: pendingLocalAccess(ctx.read, { range: input.filters, limit: LOCAL_LIMIT }),
  };
};

// ------------------------------------------------------------------------------ patient

const withFlags = (row: AuditRow, flags: ReviewFlag[]): ReportRowView => ({ ...toRowView(row), flags });

export interface PatientReportInput extends ReviewAidInput {
  entityId: string;
  range: TimeRange;
  limit: number;
  cursor?: string | undefined;
}

export const patientReport = (ctx: ReportContext, input: PatientReportInput): PatientReportView => {
  const { read } = ctx;
  const clock = clockFor(input.timeZone);
  const hours = workingHoursFrom(input);
  const scope = `patient:${input.entityId}`;
  const cursor = decodeCursor(input.cursor, scope);
  const where = patientWhere(input.entityId, input.range);
  const reviewers = reviewersOfEntity(read, input.entityId);
  const queueFlag = (actor: string | null): ReviewFlag | null =>
    actor === null ? null : outsideQueueFlag(reviewers.people.has(actor), reviewers.items);
  const rows = rowsPage(read, where, cursor, input.limit);
  const last = rows.at(-1);
  const actors = patientActors(read, input.entityId, input.range);
  const local = pendingLocalAccess(read, { entityId: input.entityId, range: input.range, limit: LOCAL_LIMIT });
  return {
    patient: { entityId: input.entityId, ...entityInfo(read, input.entityId) },
    from: input.range.from,
    to: input.range.to,
    timeZone: clock.timeZone,
    totals: {
      accesses: actors.reduce((sum, a) => sum + a.n, 0),
      actors: actors.filter((a) => a.actor !== '').length,
      localPending: local.length,
    },
    actors: actors.map((a) => ({
      actorId: a.actor,
      isYou: a.actor === ctx.userSub,
      count: a.n,
      firstAt: a.first_at,
      lastAt: a.last_at,
      ipAddresses: splitList(a.ips),
      userAgents: splitList(a.agents),
      flags: flagsOf([queueFlag(a.actor === '' ? null : a.actor)]),
    })),
    rows: rows.map((row) =>
      withFlags(
        row,
        flagsOf([queueFlag(row.actor_entity_id), afterHoursFlag(Date.parse(row.timestamp), hours, clock)]),
      ),
    ),
    nextCursor:
      rows.length === input.limit && last !== undefined
        ? encodeCursor({ scope, segment: 0, values: [last.timestamp, last.id] })
        : null,
    local,
    asOf: auditAsOf(read),
  };
};

const splitList = (text: string | null): string[] => (text === null ? [] : text.split(',').slice(0, 20));
const flagsOf = (flags: (ReviewFlag | null)[]): ReviewFlag[] => flags.filter((f): f is ReviewFlag => f !== null);

// ------------------------------------------------------------------------------ person

export interface PersonReportInput extends ReviewAidInput {
  actorId: string;
  range: TimeRange;
  limit: number;
  cursor?: string | undefined;
}

/**
 * One pass over the person's PHI events counted per minute (grouped by SQLite over an index range,
 * so a heavy user's 100k events are a few thousand rows): daily volume over the baseline, and the
 * report range's accesses and after-hours accesses.
 */
export const tallyPerson = (
  read: ReadDb,
  input: Pick<PersonReportInput, 'actorId' | 'range'>,
  clock: LocalClock,
  hours: WorkingHours,
) => {
  const toMs = input.range.to === null ? Date.now() : Date.parse(input.range.to);
  const fromMs = input.range.from === null ? null : Date.parse(input.range.from);
  const baselineFrom = new Date(Math.min(fromMs ?? toMs, toMs - BASELINE_DAYS * DAY_MS)).toISOString();
  const daily = new Map<string, number>();
  const reportDays = new Map<string, number>();
  let accesses = 0;
  let afterHours = 0;
  const minutes = personAccessMinutes(
    read,
    input.actorId,
    { from: input.range.from === null ? null : baselineFrom, to: input.range.to },
    input.range.from,
  );
  for (const { minute, inReport, n } of minutes) {
    const parts = clock.parts(Date.parse(`${minute}:00.000Z`));
    daily.set(parts.day, (daily.get(parts.day) ?? 0) + n);
    if (inReport !== 1) continue;
    accesses += n;
    reportDays.set(parts.day, (reportDays.get(parts.day) ?? 0) + n);
    if (!withinWorkingHours(parts.weekday, parts.minutes, hours)) afterHours += n;
  }
  return { daily, reportDays, accesses, afterHours };
};

export const personReport = (ctx: ReportContext, input: PersonReportInput): PersonReportView => {
  const { read } = ctx;
  const clock = clockFor(input.timeZone);
  const hours = workingHoursFrom(input);
  const scope = `person:${input.actorId}`;
  const cursor = decodeCursor(input.cursor, scope);
  const tally = tallyPerson(read, input, clock, hours);
  const bursts = analyseBursts(tally.daily, input.burstFactor ?? DEFAULT_BURST_FACTOR);
  const reviewed = entitiesReviewedBy(read, input.actorId);
  const patientsByRecency = personPatients(read, input.actorId, input.range);
  const outsideQueuePatients = patientsByRecency.filter((p) => !reviewed.has(p.subject)).length;
  const listed = patientsByRecency.slice(0, MAX_PATIENTS_LISTED).map((p) => {
    const entityId = p.subject;
    const inQueue = reviewed.has(entityId);
    return {
      entityId,
      name: entityInfo(read, entityId).displayName,
      count: p.n,
      firstAt: p.first_at,
      lastAt: p.last_at,
      inQueue,
      flags: flagsOf([inQueue ? null : outsideQueueFlag(false, reviewItemCount(read, entityId))]),
    };
  });
  const rows = rowsPage(read, personWhere(input.actorId, input.range), cursor, input.limit);
  const last = rows.at(-1);
  const local = pendingLocalAccess(read, { actorId: input.actorId, range: input.range, limit: LOCAL_LIMIT });
  const days = [...tally.reportDays.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([day, count]) => ({ day, count, burst: bursts.bursts.get(day) ?? null }));
  return {
    actorId: input.actorId,
    isYou: input.actorId === ctx.userSub,
    from: input.range.from,
    to: input.range.to,
    timeZone: clock.timeZone,
    totals: {
      accesses: tally.accesses,
      patients: patientsByRecency.length,
      afterHours: tally.afterHours,
      outsideQueuePatients,
      burstDays: days.filter((d) => d.burst !== null).length,
      localPending: local.length,
    },
    medianDaily: bursts.medianDaily,
    activeDays: bursts.activeDays,
    days,
    patients: listed,
    patientsTruncated: patientsByRecency.length > listed.length,
    rows: rows.map((row) => {
      const day = clock.parts(Date.parse(row.timestamp)).day;
      return withFlags(
        row,
        flagsOf([
          row.subject_entity_id === null || reviewed.has(row.subject_entity_id)
            ? null
            : outsideQueueFlag(false, reviewItemCount(read, row.subject_entity_id)),
          afterHoursFlag(Date.parse(row.timestamp), hours, clock),
          bursts.bursts.get(day) ?? null,
        ]),
      );
    }),
    nextCursor:
      rows.length === input.limit && last !== undefined
        ? encodeCursor({ scope, segment: 0, values: [last.timestamp, last.id] })
        : null,
    local,
    asOf: auditAsOf(read),
  };
};

// ------------------------------------------------------------------------------ entity log

export const entityLog = (
  ctx: ReportContext,
  input: { entityId: string; range: TimeRange; limit: number; cursor?: string | undefined },
): EntityLogView => {
  const { read } = ctx;
  const scope = `entity:${input.entityId}`;
  const cursor = decodeCursor(input.cursor, scope);
  const where = entityWhere(input.entityId, input.range);
  const rows = rowsPage(read, where, cursor, input.limit);
  const last = rows.at(-1);
  return {
    entity: { entityId: input.entityId, ...entityInfo(read, input.entityId) },
    from: input.range.from,
    to: input.range.to,
    totals: { events: countWhere(read, where), phi: countWhere(read, patientWhere(input.entityId, input.range)) },
    rows: rows.map(toRowView),
    nextCursor:
      rows.length === input.limit && last !== undefined
        ? encodeCursor({ scope, segment: 0, values: [last.timestamp, last.id] })
        : null,
    local: pendingLocalAccess(read, { entityId: input.entityId, range: input.range, limit: LOCAL_LIMIT }),
    asOf: auditAsOf(read),
  };
};

// ------------------------------------------------------------------------------ summary

const TOP_ACTORS = 12;

export const auditSummary = (
  ctx: ReportContext,
  input: { range: TimeRange; timeZone?: string | undefined },
): AuditSummaryView => {
  const clock = clockFor(input.timeZone);
  const counts = summaryCounts(ctx.read, input.range, clock);
  const actors = [...counts.perActor.entries()].filter(([, c]) => c.total > 0).sort((a, b) => b[1].total - a[1].total);
  const top = actors.slice(0, TOP_ACTORS);
  const rest = actors.slice(TOP_ACTORS);
  return {
    from: input.range.from,
    to: input.range.to,
    timeZone: clock.timeZone,
    totals: counts.totals,
    perDay: [...counts.perDay.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([day, c]) => ({ day, total: c.total, phi: c.phi })),
    perService: [...counts.perService.entries()]
      .filter(([, c]) => c.total > 0)
      .sort((a, b) => b[1].total - a[1].total)
      .map(([service, c]) => ({ service, total: c.total, phi: c.phi })),
    perActor: top.map(([actor, c]) => ({
      actorId: actor === '' ? null : actor,
      isYou: actor === ctx.userSub,
      total: c.total,
      phi: c.phi,
    })),
    otherActors:
      rest.length === 0
        ? null
        : {
            actors: rest.length,
            total: rest.reduce((s, [, c]) => s + c.total, 0),
            phi: rest.reduce((s, [, c]) => s + c.phi, 0),
          },
    localPending: countPendingLocalAccess(ctx.read, input.range),
    asOf: auditAsOf(ctx.read),
  };
};
