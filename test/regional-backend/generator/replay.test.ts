import { describe, expect, it } from 'vitest';
import type { ReplayableEvent } from './replay';
import { replayFields, replayState } from './replay';

const ev = (
  id: string,
  at: string,
  confidence: number,
  data: Record<string, unknown>,
  extra: Partial<ReplayableEvent> = {},
): ReplayableEvent => ({
  id,
  event_type: 'patient.phone_updated',
  data,
  confidence,
  ingested_at: `2026-10-${at}T00:00:00.000Z`,
  is_current: true,
  ...extra,
});

describe('replayState', () => {
  it('takes the highest confidence per field, the latest on ties, and skips rejected and superseded events', () => {
    const events = [
      ev('a', '01', 1, { phone: '+13125550100', phone_use: 'mobile' }),
      ev('b', '02', 0.3, { phone: '+13125550111' }),
      ev('c', '03', 0.3, { phone_use: 'home' }),
      ev('d', '04', 0.5, { phone_use: 'work' }),
      ev('e', '05', 0, { phone_use: 'fax' }),
      ev('f', '06', 0.95, { city: 'Old' }, { is_current: false }),
      ev('g', '07', 0.2, { city: 'New' }, { supersedes: 'f' }),
    ];
    expect(replayState(events)).toEqual({ city: 'New', phone: '+13125550100', phone_use: 'mobile' });
    expect(replayFields(events).get('phone')?.event_id).toBe('a');
    const ties = [ev('x', '01', 0.3, { phone: '1' }), ev('y', '02', 0.3, { phone: '2' })];
    expect(replayState(ties)).toEqual({ phone: '2' });
  });

  it('reads enrichment events by key', () => {
    const events = [
      ev(
        'k',
        '01',
        1,
        { key: 'preferred_pharmacy', value: 'Harbor Drug, Quarry Street', value_type: 'string' },
        { event_type: 'entity.enriched' },
      ),
    ];
    expect(replayState(events)).toEqual({ preferred_pharmacy: 'Harbor Drug, Quarry Street' });
  });

  it('rebuilds a past state: later events and later supersessions do not count', () => {
    const events = [
      ev('a', '01', 0.5, { city: 'First' }, { is_current: false }),
      ev('b', '10', 1, { city: 'Corrected' }, { supersedes: 'a' }),
      ev('c', '12', 0.3, { postal_code: '43125' }),
    ];
    expect(replayState(events)).toEqual({ city: 'Corrected', postal_code: '43125' });
    expect(replayState(events, { asOf: '2026-10-05T00:00:00.000Z' })).toEqual({ city: 'First' });
    expect(replayState(events, { asOf: '2026-10-10T00:00:00.000Z' })).toEqual({ city: 'Corrected' });
  });
});
