/** Export serialization: RFC 4180 CSV that a spreadsheet will not execute, NDJSON in the API's shape. */
import { describe, expect, it } from 'vitest';
import { auditEvent } from '../../../../shared/amigo';
import { csvCell, csvLine, rowToNdjson } from '../../../../electron/server/modules/audit/export/report-format';

describe('CSV', () => {
  it('quotes separators, quotes and line breaks', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'two\nlines', null, 3, true])).toBe(
      'a,"b,c","say ""hi""","two\nlines",,3,true\r\n',
    );
  });

  it('neutralises cells a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('plain')).toBe('plain');
  });
});

describe('NDJSON', () => {
  it('writes a backend row exactly as pulled, and a local event in the API shape', () => {
    const raw = '{"id":"x","unknown_new_field":1}';
    expect(
      rowToNdjson({ kind: 'backend', raw, flags: [], row: {} as never }, '6f1c2a4e-8b0d-4c57-9e21-3a5b7c9d1e01'),
    ).toBe(`${raw}\n`);
    const line = rowToNdjson(
      {
        kind: 'local',
        local: {
          id: '0a0a0a0a-0000-4000-8000-00000000000a',
          localTime: '2026-10-05T10:00:00.000Z',
          actorId: 'c3a2e5d4-9f6b-4c8a-8dbe-2f3a4b5c6d73',
          actorName: 'Carmen',
          action: 'export',
          resourceType: 'audit_report',
          resourceId: 'r1',
          entityId: null,
          deviceId: 'd1',
          online: false,
          deliveredAt: null,
          status: 'not-delivered',
          statusText: 'Recorded on this device, not yet delivered.',
        },
      },
      '6f1c2a4e-8b0d-4c57-9e21-3a5b7c9d1e01',
    );
    const parsed = auditEvent.parse(JSON.parse(line));
    expect(parsed).toMatchObject({
      service: 'attest-desktop',
      phi_accessed: true,
      metadata: { delivery: 'not-delivered' },
    });
  });
});
