/**
 * The workspace event stream (`GET /v1/{ws}/events/stream`, amigo-platform-api.md §8.1): SSE with
 * `retry: 3000` first, `id:` = millisecond timestamp (strictly increasing here, so a replay cursor
 * is exact), the event name on the `event:` line (not in `data`), about five minutes of buffered
 * events replayed after `Last-Event-ID`, and an `error` frame with a `code` when a stream is refused.
 */
import type { ServerResponse } from 'node:http';

export interface StreamEvent {
  id: number;
  type: string;
  data: Record<string, unknown>;
}

export interface StreamHubOptions {
  /** How long events stay replayable (the real service keeps about five minutes). */
  bufferMs?: number;
  /** Concurrent streams per workspace before `too_many_streams`. */
  maxStreamsPerWorkspace?: number;
  /** Comment frames keep idle connections (and proxies) open. */
  heartbeatMs?: number;
  now?: () => number;
}

const frame = (e: StreamEvent): string => `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`;

export class StreamHub {
  private readonly buffers = new Map<string, StreamEvent[]>();
  private readonly streams = new Map<string, Set<ServerResponse>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private lastId = 0;
  private readonly bufferMs: number;
  private readonly maxStreams: number;
  private readonly heartbeatMs: number;
  private readonly now: () => number;

  constructor(opts: StreamHubOptions = {}) {
    this.bufferMs = opts.bufferMs ?? 5 * 60_000;
    this.maxStreams = opts.maxStreamsPerWorkspace ?? 10;
    this.heartbeatMs = opts.heartbeatMs ?? 15_000;
    this.now = opts.now ?? Date.now;
  }

  publish(workspaceId: string, type: string, data: Record<string, unknown>): StreamEvent {
    // Two events in the same millisecond still get distinct, ordered ids.
    const id = Math.max(this.now(), this.lastId + 1);
    this.lastId = id;
    const event: StreamEvent = { id, type, data };
    const buffer = this.buffers.get(workspaceId) ?? [];
    buffer.push(event);
    const horizon = id - this.bufferMs;
    while (buffer.length > 0 && (buffer[0]?.id ?? 0) < horizon) buffer.shift();
    this.buffers.set(workspaceId, buffer);
    for (const res of this.streams.get(workspaceId) ?? []) res.write(frame(event));
    return event;
  }

  buffered(workspaceId: string): readonly StreamEvent[] {
    return this.buffers.get(workspaceId) ?? [];
  }

  openStreams(workspaceId: string): number {
    return this.streams.get(workspaceId)?.size ?? 0;
  }

  /** Takes over the response: headers, retry directive, replay, then live events until close. */
  attach(workspaceId: string, res: ServerResponse, lastEventId: string | undefined): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    const set = this.streams.get(workspaceId) ?? new Set<ServerResponse>();
    if (set.size >= this.maxStreams) {
      res.end(
        `event: error\ndata: ${JSON.stringify({ code: 'too_many_streams', message: `At most ${this.maxStreams} streams per workspace` })}\n\n`,
      );
      return;
    }
    const after = lastEventId === undefined ? Number.NaN : Number(lastEventId);
    if (Number.isFinite(after)) for (const e of this.buffered(workspaceId)) if (e.id > after) res.write(frame(e));
    set.add(res);
    this.streams.set(workspaceId, set);
    const timer = setInterval(() => res.write(': keep-alive\n\n'), this.heartbeatMs);
    timer.unref();
    this.timers.add(timer);
    res.on('close', () => {
      clearInterval(timer);
      this.timers.delete(timer);
      set.delete(res);
    });
  }

  /** Ends every open stream, e.g. with a `stream_unavailable` error frame from a test. */
  endAll(errorCode?: 'stream_unavailable' | 'stream_error'): number {
    let n = 0;
    for (const set of this.streams.values()) {
      for (const res of set) {
        if (errorCode !== undefined)
          res.write(
            `event: error\ndata: ${JSON.stringify({ code: errorCode, message: 'Simulated stream failure' })}\n\n`,
          );
        res.end();
        n += 1;
      }
      set.clear();
    }
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    return n;
  }
}
