/**
 * A server-sent events parser (the WHATWG "event stream interpretation"), fed text as it arrives:
 * `data:` lines joined with newlines, `event:` names the event (default "message"), `id:` sets the
 * last event id (kept even by a frame with no data, as the spec says), `retry:` digits set the
 * reconnection delay, `:` lines are comments (heartbeats). A blank line dispatches. A line longer
 * than `maxLineChars` is refused: a hostile or broken stream must not grow memory without bound.
 */
export interface SseEvent {
  event: string;
  data: string;
  /** The last event id after this event (this frame's `id:`, or an earlier one). */
  lastEventId: string | null;
}

export class SseLineTooLongError extends Error {
  override readonly name = 'SseLineTooLongError';
}

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private sawCarriageReturn = false;
  lastEventId: string | null;
  /** Milliseconds, from the last `retry:` field; null until the server sends one. */
  retryMs: number | null = null;

  constructor(
    lastEventId: string | null = null,
    private readonly maxLineChars = 1024 * 1024,
  ) {
    this.lastEventId = lastEventId;
  }

  /** Feeds a chunk; answers the events it completed. */
  feed(chunk: string): SseEvent[] {
    const out: SseEvent[] = [];
    let text = chunk;
    // A CRLF split across chunks: the LF after a trailing CR is not a second line end.
    if (this.sawCarriageReturn && text.startsWith('\n')) text = text.slice(1);
    this.sawCarriageReturn = text.endsWith('\r');
    this.buffer += text;
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? '';
    if (this.buffer.length > this.maxLineChars) {
      throw new SseLineTooLongError('The event stream sent a line longer than allowed; the connection was closed.');
    }
    for (const line of lines) {
      const event = this.line(line);
      if (event) out.push(event);
    }
    return out;
  }

  private line(line: string): SseEvent | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\u0000')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break;
    }
    return null;
  }

  private dispatch(): SseEvent | null {
    const data = this.data;
    const event = this.event;
    this.data = [];
    this.event = '';
    if (data.length === 0) return null;
    return { event: event === '' ? 'message' : event, data: data.join('\n'), lastEventId: this.lastEventId };
  }
}
