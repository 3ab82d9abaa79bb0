/** The SSE parser against the WHATWG interpretation rules the workspace event stream relies on. */
import { describe, expect, it } from 'vitest';
import { SseLineTooLongError, SseParser } from '../../../electron/server/sync/sse-parser';

describe('SseParser', () => {
  it('dispatches on a blank line, joins data lines, names events and keeps the last id', () => {
    const p = new SseParser();
    expect(p.feed('retry: 3000\n\nid: 17\nevent: review.submitted\ndata: {"a":\ndata: 1}\n\n')).toEqual([
      { event: 'review.submitted', data: '{"a":\n1}', lastEventId: '17' },
    ]);
    expect(p.retryMs).toBe(3000);
    // No event name: "message". An id without data moves the cursor but dispatches nothing.
    expect(p.feed('data: x\n\nid: 18\n\n')).toEqual([{ event: 'message', data: 'x', lastEventId: '17' }]);
    expect(p.lastEventId).toBe('18');
  });

  it('handles frames split anywhere, CRLF split across chunks, comments and odd fields', () => {
    const p = new SseParser('5');
    const text = ': keep-alive\r\nid: 6\r\nevent: e\r\ndata: one\r\nbogus: x\r\nretry: soon\r\n\r\n';
    const events = [...text].flatMap((ch) => p.feed(ch));
    expect(events).toEqual([{ event: 'e', data: 'one', lastEventId: '6' }]);
    expect(p.retryMs).toBeNull();
    // "data" without a colon is an empty data line; one leading space only is stripped.
    expect(p.feed('data\ndata:  two\n\n')).toEqual([{ event: 'message', data: '\n two', lastEventId: '6' }]);
  });

  it('refuses a line that never ends instead of growing without bound', () => {
    const p = new SseParser(null, 64);
    expect(() => p.feed(`data: ${'x'.repeat(100)}`)).toThrow(SseLineTooLongError);
  });
});
