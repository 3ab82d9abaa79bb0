/** The lineage routes refuse malformed input before any handler runs (the router parses with these). */
import { describe, expect, it } from 'vitest';
import { lineageContract } from '../../../shared/contract/lineage.routes';

describe('lineage contract', () => {
  const pit = lineageContract.lineagePointInTime.query;
  const search = lineageContract.lineageSearch.query;

  it('takes instants with an offset only, and a known replay mode', () => {
    expect(pit.parse({ at: '2026-03-04T12:00:00.000Z' })).toEqual({ at: '2026-03-04T12:00:00.000Z', mode: 'believed' });
    expect(pit.safeParse({ at: '2026-03-04T12:00:00' }).success).toBe(false);
    expect(pit.safeParse({ at: 'yesterday' }).success).toBe(false);
    expect(pit.safeParse({ at: '2026-03-04T12:00:00Z', mode: 'guessed' }).success).toBe(false);
    expect(pit.safeParse({ at: '2026-03-04T12:00:00Z', extra: '1' }).success).toBe(false);
  });

  it('bounds the search text and the result count', () => {
    expect(search.parse({ q: '  quill ', limit: '5' })).toEqual({ q: 'quill', limit: 5 });
    expect(search.safeParse({ q: '   ' }).success).toBe(false);
    expect(search.safeParse({ q: 'x'.repeat(201) }).success).toBe(false);
    expect(search.safeParse({ q: 'x', limit: '1000' }).success).toBe(false);
  });
});
