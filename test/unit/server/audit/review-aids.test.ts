/** The review aids: pure rules, each finding said in words. */
import { describe, expect, it } from 'vitest';
import { LocalClock } from '../../../../electron/server/modules/audit/local-clock';
import {
  afterHoursFlag,
  analyseBursts,
  describeWorkingHours,
  median,
  outsideQueueFlag,
  withinWorkingHours,
  workingHoursFrom,
} from '../../../../electron/server/modules/audit/review-aids';

describe('LocalClock', () => {
  it('gives the wall clock of a zone, across a DST change and a half-hour offset', () => {
    const berlin = new LocalClock('Europe/Berlin');
    // 2026-03-29 is the spring-forward day in the EU: 00:30Z is 01:30 CET, 01:30Z is 03:30 CEST.
    expect(berlin.parts(Date.parse('2026-03-29T00:30:00Z'))).toEqual({ day: '2026-03-29', weekday: 7, minutes: 90 });
    expect(berlin.parts(Date.parse('2026-03-29T01:30:00Z'))).toEqual({ day: '2026-03-29', weekday: 7, minutes: 210 });
    const adelaide = new LocalClock('Australia/Adelaide');
    // +10:30 in (southern) summer: 13:45Z on a Friday is 00:15 on Saturday.
    expect(adelaide.parts(Date.parse('2026-01-09T13:45:00Z'))).toEqual({ day: '2026-01-10', weekday: 6, minutes: 15 });
    expect(adelaide.offsetMinutes(Date.parse('2026-01-09T13:45:00Z'))).toBe(630);
  });

  it('refuses a zone it does not know, with a sentence', () => {
    expect(() => new LocalClock('Mars/Olympus')).toThrow(/not a time zone/);
  });
});

describe('working hours', () => {
  const hours = workingHoursFrom({ workStart: '07:00', workEnd: '19:00', workDays: '1,2,3,4,5' });

  it('reads the settings and describes them', () => {
    expect(describeWorkingHours(hours)).toBe('Mon–Fri 07:00–19:00');
    expect(describeWorkingHours(workingHoursFrom({ workDays: '1,3,5' }))).toBe('Mon, Wed, Fri 07:00–19:00');
  });

  it('judges start inclusive, end exclusive, and weekends', () => {
    expect(withinWorkingHours(1, 7 * 60, hours)).toBe(true);
    expect(withinWorkingHours(1, 7 * 60 - 1, hours)).toBe(false);
    expect(withinWorkingHours(5, 19 * 60 - 1, hours)).toBe(true);
    expect(withinWorkingHours(5, 19 * 60, hours)).toBe(false);
    expect(withinWorkingHours(6, 12 * 60, hours)).toBe(false);
  });

  it('handles an overnight shift that belongs to the day it began', () => {
    const night = workingHoursFrom({ workStart: '22:00', workEnd: '06:00', workDays: '5' });
    expect(withinWorkingHours(5, 23 * 60, night)).toBe(true);
    expect(withinWorkingHours(6, 2 * 60, night)).toBe(true); // Saturday 02:00 is Friday's shift
    expect(withinWorkingHours(5, 2 * 60, night)).toBe(false); // Friday 02:00 is Thursday's
  });

  it('flags an after-hours access with the day, time, zone and hours in words', () => {
    const clock = new LocalClock('UTC');
    expect(afterHoursFlag(Date.parse('2026-10-05T10:00:00Z'), hours, clock)).toBeNull();
    expect(afterHoursFlag(Date.parse('2026-10-10T22:30:00Z'), hours, clock)).toEqual({
      rule: 'after-hours',
      reason: 'Accessed on Saturday 2026-10-10 at 22:30 (UTC), outside the working hours Mon–Fri 07:00–19:00.',
    });
  });
});

describe('outside the review queue', () => {
  it('says how many review items were checked', () => {
    expect(outsideQueueFlag(true, 3)).toBeNull();
    expect(outsideQueueFlag(false, 1)?.reason).toContain('among 1 review item for the patient');
    expect(outsideQueueFlag(false, 0)?.rule).toBe('outside-queue');
  });
});

describe('bursts', () => {
  it('takes the median of active days', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([2, 2, 4, 24])).toBe(3);
  });

  it('flags a day above the factor times the usual volume, with the figures', () => {
    const days = new Map([
      ['2026-10-01', 2],
      ['2026-10-02', 2],
      ['2026-10-05', 4],
      ['2026-10-06', 2],
      ['2026-10-07', 2],
      ['2026-10-08', 24],
    ]);
    const result = analyseBursts(days, 3);
    expect(result.medianDaily).toBe(2);
    expect(result.activeDays).toBe(6);
    expect([...result.bursts.keys()]).toEqual(['2026-10-08']);
    expect(result.bursts.get('2026-10-08')?.reason).toBe(
      "24 PHI accesses on 2026-10-08: 12 times this person's usual daily volume (median 2 over 6 active days; a burst is more than 3 times).",
    );
  });

  it('needs enough history and a minimum count', () => {
    expect(
      analyseBursts(
        new Map([
          ['d1', 1],
          ['d2', 50],
        ]),
      ).medianDaily,
    ).toBeNull();
    const small = new Map([
      ['a', 1],
      ['b', 1],
      ['c', 1],
      ['d', 1],
      ['e', 1],
      ['f', 9],
    ]);
    expect(analyseBursts(small).bursts.size).toBe(0); // 9 > 3 × 1, but below the minimum of 10
  });
});
