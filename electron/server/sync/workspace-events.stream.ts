/**
 * The workspace event stream (GET /v1/{ws}/events/stream, amigo-platform-api.md §8.1), read with
 * fetch so the request carries Authorization (an EventSource cannot). It reconnects with
 * Last-Event-ID (persisted by the caller, so a restart within the server's ~5 minute buffer misses
 * nothing), waits what the server's `retry:` says between reconnects (longer, with jittered
 * exponential backoff, after failures), honours 429 Retry-After, refreshes the token once on 401
 * (then asks for a new sign-in), and stops for good on an error frame `too_many_streams` (the
 * documented "do not retry automatically"). A connection silent for longer than the idle timeout
 * (the server sends a heartbeat comment every 15 s) is dropped and reopened.
 *
 * Events are validated with shared/amigo schemas before anyone acts on them; an event Attest does
 * not know, or one that does not parse, is ignored (forward compatible, and never fatal).
 */
import type { z } from 'zod';
import {
  memberRoleUpdatedEvent,
  reviewSubmittedEvent,
  STREAM_EVENTS,
  streamErrorEvent,
  type ReviewSubmittedEvent,
} from '../../../shared/amigo';
import { backoffDelay, parseRetryAfter, sleep, type BackoffPolicy } from '../remote/backoff';
import { assertPinned } from '../remote/region-pin';
import type { RemoteClient, RequestAuthorizer } from '../remote/remote-client';
import { SseParser, type SseEvent } from './sse-parser';

export type MemberRoleUpdatedEvent = z.infer<typeof memberRoleUpdatedEvent>;

export const WORKSPACE_EVENTS_STREAM = 'workspace-events';

export interface WorkspaceEventHandlers {
  reviewSubmitted(event: ReviewSubmittedEvent): void;
  memberRoleUpdated(event: MemberRoleUpdatedEvent): void;
  /**
   * Every successful (re)connection: `gapMs` is how long the stream was down (0 for the first
   * connection). The server replays about five minutes after Last-Event-ID; a longer gap may
   * have lost events, and the caller should catch up by polling.
   */
  connected(gapMs: number): void;
  /** Connection state for the status board. */
  status(patch: { connected: boolean; lastError?: string | null; received?: number; lastEventAt?: string }): void;
  /** Persist the id to resume from (called after each event, before it is handled). */
  saveLastEventId(id: string): void;
  signInRequired(message: string): void;
}

export interface WorkspaceEventStreamOptions {
  remote: RemoteClient;
  authorizer: RequestAuthorizer;
  handlers: WorkspaceEventHandlers;
  lastEventId: string | null;
  fetchImpl?: typeof fetch;
  backoff?: BackoffPolicy;
  /** Drop a connection that sends nothing (not even a heartbeat) for this long. */
  idleTimeoutMs?: number;
  /** Reconnect delay until the server sends `retry:` (the API's first frame says 3000). */
  defaultRetryMs?: number;
}

type ConnectionEnd =
  | { kind: 'ended' }
  | { kind: 'retry-now' }
  | { kind: 'wait'; ms: number; error: string }
  | { kind: 'failed'; error: string }
  | { kind: 'stop'; error: string | null };

const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 60_000 };

export class WorkspaceEventStream {
  private readonly stopper = new AbortController();
  private lastEventId: string | null;
  private retryMs: number;
  private received = 0;
  private loop: Promise<void> | null = null;
  /**
   * True once the reader gave up for good (too_many_streams, a 401 a refresh did not cure) or was
   * stopped. A person's "Sync now" (or a new sign-in) starts a new one; nothing else does.
   */
  ended = false;

  constructor(private readonly opts: WorkspaceEventStreamOptions) {
    this.lastEventId = opts.lastEventId;
    this.retryMs = opts.defaultRetryMs ?? 3_000;
  }

  start(): void {
    this.loop ??= this.run().finally(() => {
      this.ended = true;
    });
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await this.loop;
  }

  private get stopped(): boolean {
    return this.stopper.signal.aborted;
  }

  private async run(): Promise<void> {
    const h = this.opts.handlers;
    let failures = 0;
    let refreshed = false;
    let droppedAt: number | null = null;
    while (!this.stopped) {
      const end = await this.connectOnce({
        onOpen: () => {
          failures = 0;
          refreshed = false;
          h.connected(droppedAt === null ? 0 : Date.now() - droppedAt);
          droppedAt = null;
        },
        mayRefresh: !refreshed,
      }).catch((error: unknown): ConnectionEnd => ({
        kind: 'failed',
        error: error instanceof Error ? error.message : String(error),
      }));
      if (this.stopped) break;
      droppedAt ??= Date.now();
      h.status({ connected: false });
      let wait = this.retryMs;
      switch (end.kind) {
        case 'ended':
          break;
        case 'retry-now':
          refreshed = true;
          wait = 0;
          break;
        case 'wait':
          h.status({ connected: false, lastError: end.error });
          wait = Math.max(end.ms, this.retryMs);
          break;
        case 'failed':
          h.status({ connected: false, lastError: end.error });
          wait = Math.max(this.retryMs, backoffDelay(failures, this.opts.backoff ?? DEFAULT_BACKOFF));
          failures += 1;
          break;
        case 'stop':
          if (end.error !== null) h.status({ connected: false, lastError: end.error });
          return;
      }
      await sleep(wait, this.stopper.signal).catch(() => undefined);
    }
  }

  private async connectOnce(hooks: { onOpen(): void; mayRefresh: boolean }): Promise<ConnectionEnd> {
    const { remote, authorizer } = this.opts;
    const url = remote.url(remote.workspacePath('events/stream'));
    assertPinned(remote.pin, url);
    const headers: Record<string, string> = { accept: 'text/event-stream', 'cache-control': 'no-store' };
    if (this.lastEventId !== null) headers['last-event-id'] = this.lastEventId;

    // The signed-in session sends through openid-client (DPoP proofs, nonce retries): use it.
    // It cannot be aborted, so stopping and the idle timeout cancel the body instead; it also
    // bounds each request's time, so the stream is reopened (with Last-Event-ID) now and then.
    const response = authorizer.send
      ? await authorizer.send({ method: 'GET', url, headers, body: undefined })
      : await (this.opts.fetchImpl ?? fetch)(url, {
          headers: { ...headers, ...(await authorizer.headersFor('GET', url)) },
          signal: this.stopper.signal,
          redirect: 'manual',
        });
    const contentType = response.headers.get('content-type') ?? '';
    if (response.status !== 200 || !/^text\/event-stream\b/i.test(contentType)) {
      await response.body?.cancel().catch(() => undefined);
      if (response.status === 401) {
        if (hooks.mayRefresh && (await authorizer.refreshAfterUnauthorized().catch(() => false))) {
          return { kind: 'retry-now' };
        }
        const message = 'Your session with the backend has ended. Sign in again.';
        this.opts.handlers.signInRequired(message);
        return { kind: 'stop', error: message };
      }
      if (response.status === 429) {
        const seconds = parseRetryAfter(response.headers.get('retry-after')) ?? 5;
        return { kind: 'wait', ms: seconds * 1000, error: 'The backend asked Attest to slow down (event stream).' };
      }
      const what =
        response.status === 200
          ? `${contentType || 'no content type'} instead of an event stream`
          : `status ${response.status}`;
      return { kind: 'failed', error: `The live event stream could not be opened (${what}).` };
    }
    hooks.onOpen();
    this.opts.handlers.status({ connected: true, lastError: null });
    return this.read(response);
  }

  private async read(response: Response): Promise<ConnectionEnd> {
    const body = response.body;
    if (!body) return { kind: 'ended' };
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser(this.lastEventId);
    const idleMs = this.opts.idleTimeoutMs ?? 45_000;
    let idle: NodeJS.Timeout | null = null;
    let silent = false;
    const armIdle = (): void => {
      if (idle) clearTimeout(idle);
      idle = setTimeout(() => {
        silent = true;
        void reader.cancel().catch(() => undefined);
      }, idleMs);
      idle.unref();
    };
    const onStop = (): void => void reader.cancel().catch(() => undefined);
    this.stopper.signal.addEventListener('abort', onStop, { once: true });
    try {
      armIdle();
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch {
          if (this.stopped) return { kind: 'stop', error: null };
          return { kind: 'failed', error: 'The live event stream was interrupted; reconnecting.' };
        }
        if (this.stopped) return { kind: 'stop', error: null };
        if (silent) return { kind: 'failed', error: 'The live event stream went silent; reconnecting.' };
        if (chunk.done) return { kind: 'ended' };
        armIdle();
        for (const event of parser.feed(decoder.decode(chunk.value, { stream: true }))) {
          if (parser.retryMs !== null) this.retryMs = parser.retryMs;
          const end = this.handle(event);
          if (end) {
            await reader.cancel().catch(() => undefined);
            return end;
          }
        }
        if (parser.retryMs !== null) this.retryMs = parser.retryMs;
      }
    } catch (error) {
      await reader.cancel().catch(() => undefined);
      return { kind: 'failed', error: error instanceof Error ? error.message : String(error) };
    } finally {
      if (idle) clearTimeout(idle);
      this.stopper.signal.removeEventListener('abort', onStop);
    }
  }

  /** Acts on one event; answers how the connection ends when the event says so. */
  private handle(event: SseEvent): ConnectionEnd | null {
    const h = this.opts.handlers;
    if (event.lastEventId !== null && event.lastEventId !== this.lastEventId) {
      this.lastEventId = event.lastEventId;
      h.saveLastEventId(event.lastEventId);
    }
    let data: unknown;
    try {
      data = JSON.parse(event.data) as unknown;
    } catch {
      return null;
    }
    if (event.event === STREAM_EVENTS.error) {
      const parsed = streamErrorEvent.safeParse(data);
      const code = parsed.success ? parsed.data.code : 'stream_error';
      if (code === 'too_many_streams') {
        return {
          kind: 'stop',
          error: 'The workspace has too many live connections open; live updates are off (sync still polls).',
        };
      }
      return { kind: 'failed', error: `The live event stream ended (${code}); reconnecting.` };
    }
    this.received += 1;
    h.status({ connected: true, received: this.received, lastEventAt: new Date().toISOString() });
    if (event.event === STREAM_EVENTS.reviewSubmitted) {
      const parsed = reviewSubmittedEvent.safeParse(data);
      if (parsed.success) h.reviewSubmitted(parsed.data);
    } else if (event.event === STREAM_EVENTS.memberRoleUpdated) {
      const parsed = memberRoleUpdatedEvent.safeParse(data);
      if (parsed.success) h.memberRoleUpdated(parsed.data);
    }
    return null;
  }
}
