/** Splitting a time range into whole rollup hours and the partial hours at its ends. */
import { describe, expect, it } from 'vitest';
import { splitRange } from '../../../../electron/server/modules/audit/audit-summary.repo';

describe('splitRange', () => {
  it('leaves an open range to the rollup alone', () => {
    expect(splitRange({ from: null, to: null })).toEqual({ hours: { from: null, to: null }, edges: [] });
  });

  it('takes whole hours from the rollup and counts the partial ends on the events', () => {
    expect(splitRange({ from: '2026-10-05T09:30:00.000Z', to: '2026-10-08T10:31:00.000Z' })).toEqual({
      hours: { from: '2026-10-05T10', to: '2026-10-08T09' },
      edges: [
        { from: '2026-10-05T09:30:00.000Z', to: '2026-10-05T09:59:59.999Z' },
        { from: '2026-10-08T10:00:00.000Z', to: '2026-10-08T10:31:00.000Z' },
      ],
    });
  });

  it('needs no edges when the range falls on hour boundaries (to is inclusive)', () => {
    expect(splitRange({ from: '2026-10-05T00:00:00.000Z', to: '2026-10-05T23:59:59.999Z' })).toEqual({
      hours: { from: '2026-10-05T00', to: '2026-10-05T23' },
      edges: [],
    });
  });

  it('counts a range inside one hour on the events only', () => {
    const range = { from: '2026-10-05T09:10:00.000Z', to: '2026-10-05T09:20:00.000Z' };
    expect(splitRange(range)).toEqual({ hours: null, edges: [range] });
  });

  it('handles one open end', () => {
    expect(splitRange({ from: '2026-10-05T09:30:00.000Z', to: null })).toEqual({
      hours: { from: '2026-10-05T10', to: null },
      edges: [{ from: '2026-10-05T09:30:00.000Z', to: '2026-10-05T09:59:59.999Z' }],
    });
  });
});
