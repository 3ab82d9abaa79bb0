/**
 * Review aids that explain themselves (product.md tier 3, peer-research §C.5.3): rules a
 * compliance officer can read and argue with, each finding said in words. Pure functions: the
 * reports feed them rows and counts; they never read the database.
 *
 * - outside queue: a person opened a patient for whom they never had a review item (assigned
 *   or decided): there was no work reason visible to Attest.
 * - after hours: an access outside the configured working hours, in the person's time zone.
 * - burst: a day on which the person's PHI accesses exceeded `factor` times their usual
 *   (median) daily count.
 */
import type { ReviewFlag } from '../../../../shared/contract/audit.views';
import { clockText, WEEKDAYS, type LocalClock } from './local-clock';

export interface WorkingHours {
  /** Minutes since local midnight; start inclusive, end exclusive. */
  start: number;
  end: number;
  /** ISO weekdays (1 = Monday … 7 = Sunday) that are working days. */
  days: ReadonlySet<number>;
}

export const DEFAULT_WORKING_HOURS: WorkingHours = { start: 7 * 60, end: 19 * 60, days: new Set([1, 2, 3, 4, 5]) };
export const DEFAULT_BURST_FACTOR = 3;
/** A burst needs at least this many accesses that day: 3 × a median of 1 is not a finding. */
export const BURST_MIN_COUNT = 10;
/** Fewer active days than this and "usual" means nothing yet. */
export const BURST_MIN_ACTIVE_DAYS = 5;

/** "07:00" → 420; "24:00" → 1440. */
export const parseClock = (text: string): number => {
  const [h = '0', m = '0'] = text.split(':');
  return Number(h) * 60 + Number(m);
};

export const workingHoursFrom = (input: {
  workStart?: string | undefined;
  workEnd?: string | undefined;
  workDays?: string | undefined;
}): WorkingHours => {
  const start = input.workStart === undefined ? DEFAULT_WORKING_HOURS.start : parseClock(input.workStart);
  const end = input.workEnd === undefined ? DEFAULT_WORKING_HOURS.end : parseClock(input.workEnd);
  const days =
    input.workDays === undefined ? DEFAULT_WORKING_HOURS.days : new Set(input.workDays.split(',').map(Number));
  return { start, end, days };
};

const describeDays = (days: ReadonlySet<number>): string => {
  const sorted = [...days].sort((a, b) => a - b);
  const names = sorted.map((d) => (WEEKDAYS[d - 1] ?? '').slice(0, 3));
  const contiguous = sorted.every((d, i) => i === 0 || d === (sorted[i - 1] ?? 0) + 1);
  return contiguous && sorted.length > 2 ? `${names[0] ?? ''}–${names.at(-1) ?? ''}` : names.join(', ');
};

export const describeWorkingHours = (hours: WorkingHours): string =>
  `${describeDays(hours.days)} ${clockText(hours.start)}–${clockText(hours.end)}`;

/** Whether a local (weekday, minutes) falls inside working hours; an overnight shift wraps. */
export const withinWorkingHours = (weekday: number, minutes: number, hours: WorkingHours): boolean => {
  if (hours.start === hours.end) return hours.days.has(weekday);
  if (hours.start < hours.end) return hours.days.has(weekday) && minutes >= hours.start && minutes < hours.end;
  // Overnight (e.g. 22:00–06:00): the early part belongs to the shift that began the day before.
  if (minutes >= hours.start) return hours.days.has(weekday);
  if (minutes < hours.end) return hours.days.has(weekday === 1 ? 7 : weekday - 1);
  return false;
};

export const afterHoursFlag = (ms: number, hours: WorkingHours, clock: LocalClock): ReviewFlag | null => {
  const { weekday, minutes } = clock.parts(ms);
  if (withinWorkingHours(weekday, minutes, hours)) return null;
  return {
    rule: 'after-hours',
    reason:
      `Accessed on ${clock.describe(ms)} (${clock.timeZone}), outside the working hours ` +
      `${describeWorkingHours(hours)}.`,
  };
};

export const outsideQueueFlag = (inQueue: boolean, reviewItemsChecked: number): ReviewFlag | null =>
  inQueue
    ? null
    : {
        rule: 'outside-queue',
        reason:
          'This person never had a review item for this patient (none assigned to or decided by them among ' +
          `${reviewItemsChecked} review ${reviewItemsChecked === 1 ? 'item' : 'items'} for the patient in the local copy).`,
      };

export const median = (values: readonly number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

export interface BurstAnalysis {
  /** Median accesses a day over the active days; null when there are too few of them. */
  medianDaily: number | null;
  activeDays: number;
  /** The days found to be bursts, with their reason. */
  bursts: Map<string, ReviewFlag>;
}

const roundTo1 = (n: number): string => (Math.round(n * 10) / 10).toString();

/**
 * Bursts in a person's daily PHI access counts (`day` → count, active days only). The usual
 * volume is the median over the active days; a day is a burst when its count exceeds `factor`
 * times that and reaches BURST_MIN_COUNT.
 */
export const analyseBursts = (daily: ReadonlyMap<string, number>, factor = DEFAULT_BURST_FACTOR): BurstAnalysis => {
  const counts = [...daily.values()].filter((n) => n > 0);
  const bursts = new Map<string, ReviewFlag>();
  if (counts.length < BURST_MIN_ACTIVE_DAYS) return { medianDaily: null, activeDays: counts.length, bursts };
  const usual = median(counts) ?? 0;
  for (const [day, count] of daily) {
    if (count < BURST_MIN_COUNT || count <= factor * usual) continue;
    bursts.set(day, {
      rule: 'burst',
      reason:
        `${count} PHI accesses on ${day}: ${roundTo1(count / usual)} times this person's usual daily volume ` +
        `(median ${roundTo1(usual)} over ${counts.length} active days; a burst is more than ${roundTo1(factor)} times).`,
    });
  }
  return { medianDaily: usual, activeDays: counts.length, bursts };
};
